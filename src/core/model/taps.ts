// Finds attention probabilities, Q/K/V and per-layer hidden states in an ONNX graph by pattern (never by node name)
// and adds them as graph outputs. Works on fp32 and dynamic-int8 (MatMulInteger) exports of BERT and DistilBERT.
import type { onnx } from 'onnx-proto';
import { appendOutputs, indexModel, intsAttr, type GraphIndex } from './graph';

/** Dimension names: b batch, h heads, t query/key position, d head dim. */
export type Layout = string[];

export interface TensorTap {
  name: string; // graph tensor name (output name after tapping)
  layout: Layout; // what each dim of that tensor means, e.g. ['b','t','h','d'] for a K before its transposes
}

export interface LayerTaps {
  attention: string; // Softmax output [b,h,t,t]
  q?: TensorTap;
  k?: TensorTap;
  v?: TensorTap;
}

export interface TapPlan {
  layers: LayerTaps[]; // in execution order (layer 1 first)
  hidden: string[]; // [embedding LayerNorm, layer 1 closing LayerNorm, …]; empty when not found
  inputs: string[]; // graph feeds
  outputs: string[]; // original graph outputs
  opset: number;
}

const PASS_THROUGH = new Set(['Add', 'Div', 'Mul', 'Where', 'Sub', 'Cast', 'Identity', 'Dropout']);
const PRODUCTS = new Set(['MatMul', 'MatMulInteger', 'FusedMatMul']);
interface Operands {
  a: string;
  b: string;
  bTransposed: boolean; // the op transposes B itself (FusedMatMul transB=1)
}
const STATIC_OPS = new Set([
  'Sqrt',
  'Reciprocal',
  'Cast',
  'Div',
  'Mul',
  'Pow',
  'Gather',
  'Slice',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'ConstantOfShape',
  'Identity',
  'Sub',
  'Add',
]);

/** Plans taps on an indexed graph. Missing patterns give empty lists, never an error. */
export function planTaps(g: GraphIndex, expectedLayers?: number): TapPlan {
  const { nodes } = g;
  const producerOf = (t: string): onnx.NodeProto | undefined => {
    const i = g.producer.get(t);
    return i === undefined ? undefined : nodes[i];
  };
  const consumersOf = (t: string) => (g.consumers.get(t) ?? []).map((i) => nodes[i]);

  // A product of two activations: a plain MatMul, or MatMulInteger over two DynamicQuantizeLinear outputs (dynamic
  // quantization that also quantized the activation×activation MatMuls). Returns the float operands.
  const dqlInput = (t: string) => {
    const p = producerOf(t);
    return p?.opType === 'DynamicQuantizeLinear' && p.output[0] === t ? p.input[0] : undefined;
  };
  // Second operand's layout: Kᵀ for a plain product, K itself when ORT's FusedMatMul transposes B (transB=1).
  const operands = (p: onnx.NodeProto): Operands | undefined => {
    if (p.opType === 'MatMul' || p.opType === 'FusedMatMul') {
      if (!p.input.slice(0, 2).every((x) => !g.constants.has(x))) return undefined;
      const transB = p.opType === 'FusedMatMul' && intsAttr(p, 'transB', true)?.[0] === 1;
      if (p.opType === 'FusedMatMul' && intsAttr(p, 'transA', true)?.[0] === 1) return undefined;
      return { a: p.input[0], b: p.input[1], bTransposed: transB };
    }
    if (p.opType === 'MatMulInteger') {
      const a = dqlInput(p.input[0]);
      const b = dqlInput(p.input[1]);
      return a && b ? { a, b, bTransposed: false } : undefined;
    }
    return undefined;
  };

  // Depth-limited search back from the softmax input to the Q·Kᵀ product (two activations, no weights).
  const findScores = (t: string, depth: number): Operands | undefined => {
    if (depth > 8 || g.constants.has(t)) return undefined;
    const p = producerOf(t);
    if (!p) return undefined;
    if (PRODUCTS.has(p.opType)) return operands(p);
    if (!PASS_THROUGH.has(p.opType)) return undefined;
    for (const x of p.input) {
      const found = x ? findScores(x, depth + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  };

  // probs·V: the consumer of the Softmax output (maybe via Cast/Identity/Dropout, or quantized); returns V.
  const findValues = (probs: string): string | undefined => {
    let cur = probs;
    for (let hop = 0; hop < 3; hop++) {
      const cs = consumersOf(cur);
      const mm = cs.find((c) => (c.opType === 'MatMul' || c.opType === 'FusedMatMul') && c.input[0] === cur);
      if (mm) return operands(mm)?.b;
      const q = cs.find((c) => c.opType === 'DynamicQuantizeLinear');
      const mi = q && consumersOf(q.output[0]).find((c) => c.opType === 'MatMulInteger' && c.input[0] === q.output[0]);
      if (mi) return operands(mi)?.b;
      const via = cs.find((c) => ['Cast', 'Identity', 'Dropout'].includes(c.opType));
      if (!via) return undefined;
      cur = via.output[0];
    }
    return undefined;
  };

  // True when a tensor depends on no activation: initializers, Constants and shape arithmetic (SDPA-style exports
  // compute the scale from Shape(q)).
  const staticMemo = new Map<string, boolean>();
  const isStatic = (t: string, depth = 0): boolean => {
    if (g.constants.has(t)) return true;
    const known = staticMemo.get(t);
    if (known !== undefined) return known;
    const p = producerOf(t);
    let r = false;
    if (p && depth < 16) {
      if (p.opType === 'Shape' || p.opType === 'Constant') r = true;
      else if (STATIC_OPS.has(p.opType)) r = p.input.every((x) => !x || isStatic(x, depth + 1));
    }
    staticMemo.set(t, r);
    return r;
  };

  // Follows a tensor back through Transposes and constant scalings so Q/K/V are tapped unscaled, recording layout.
  const trace = (t: string, layout: Layout): TensorTap => {
    let name = t;
    let lay = layout;
    for (let i = 0; i < 8; i++) {
      const p = producerOf(name);
      if (!p) break;
      if (p.opType === 'Transpose') {
        const perm = intsAttr(p, 'perm') ?? lay.map((_, j) => lay.length - 1 - j);
        if (perm.length !== lay.length) break;
        const next: Layout = new Array<Layout[number]>(lay.length);
        perm.forEach((src, j) => (next[src] = lay[j]));
        name = p.input[0];
        lay = next;
      } else if ((p.opType === 'Mul' || p.opType === 'Div') && p.input.some((x) => isStatic(x))) {
        const other = p.input.find((x) => !isStatic(x));
        if (!other || (p.opType === 'Div' && isStatic(p.input[0]))) break;
        name = other;
      } else break;
    }
    return { name, layout: lay };
  };

  const layers: Array<LayerTaps & { pos: number }> = [];
  nodes.forEach((n, i) => {
    if (n.opType !== 'Softmax' || (n.domain && n.domain !== 'ai.onnx')) return;
    const out = n.output[0];
    const values = findValues(out);
    const scores = findScores(n.input[0], 0);
    if (!values || !scores) return;
    const ok = (x: TensorTap) => x.layout.length === 4 && ['b', 'h', 't', 'd'].every((d) => x.layout.includes(d));
    const q = trace(scores.a, ['b', 'h', 't', 'd']);
    const k = trace(scores.b, scores.bTransposed ? ['b', 'h', 't', 'd'] : ['b', 'h', 'd', 't']);
    const v = trace(values, ['b', 'h', 't', 'd']);
    const all = ok(q) && ok(k) && ok(v);
    layers.push({ pos: i, attention: out, q: all ? q : undefined, k: all ? k : undefined, v: all ? v : undefined });
  });

  const norms = findLayerNorms(g);
  let hidden = assignHidden(
    norms,
    layers.map((l) => l.pos),
  );
  // Fused attention leaves no Softmax to anchor on: fall back to "embedding LN, then every second LN" (BERT and
  // DistilBERT both close a layer with its second LayerNorm).
  if (hidden.length === 0 && expectedLayers && norms.length >= 2 * expectedLayers + 1) {
    hidden = Array.from({ length: expectedLayers + 1 }, (_, i) => norms[2 * i].out);
  }
  return {
    layers: layers.map(({ pos: _pos, ...l }) => l),
    hidden,
    inputs: g.inputs,
    outputs: g.outputs,
    opset: g.opsets.get('') ?? g.opsets.get('ai.onnx') ?? 0,
  };
}

/** LayerNorm outputs with their node positions: LayerNormalization nodes or the decomposed opset-14 chain. */
function findLayerNorms(g: GraphIndex): Array<{ pos: number; out: string }> {
  const { nodes } = g;
  const prod = (t: string) => {
    const i = g.producer.get(t);
    return i === undefined ? undefined : nodes[i];
  };
  const single = (t: string, op: string): { i: number; n: onnx.NodeProto } | undefined => {
    const cs = g.consumers.get(t) ?? [];
    if (cs.length !== 1 || nodes[cs[0]].opType !== op) return undefined;
    return { i: cs[0], n: nodes[cs[0]] };
  };
  const found: Array<{ pos: number; out: string }> = [];
  nodes.forEach((n, i) => {
    // ONNX LayerNormalization (opset 17) and ORT's fused forms (offline-optimized graphs).
    if (['LayerNormalization', 'SimplifiedLayerNormalization', 'SkipLayerNormalization', 'EmbedLayerNormalization'].includes(n.opType)) {
      found.push({ pos: i, out: n.output[0] });
      return;
    }
    // x - mean(x)  /  sqrt(mean(pow(x - mean, 2)) + eps)   ·γ +β
    if (n.opType !== 'Div') return;
    const sub = prod(n.input[0]);
    const sqrt = prod(n.input[1]);
    if (sub?.opType !== 'Sub' || sqrt?.opType !== 'Sqrt') return;
    if (prod(sub.input[1])?.opType !== 'ReduceMean') return;
    let pos = i;
    let out = n.output[0];
    const mul = single(out, 'Mul');
    if (mul) {
      pos = mul.i;
      out = mul.n.output[0];
      const add = single(out, 'Add');
      if (add) {
        pos = add.i;
        out = add.n.output[0];
      }
    }
    found.push({ pos, out });
  });
  return found.sort((a, b) => a.pos - b.pos);
}

/**
 * hidden[0] = the last LayerNorm before layer 1's Softmax (embeddings); hidden[i] = the last LayerNorm before layer
 * i+1's Softmax; the last layer's closing LayerNorm is the k-th after its Softmax, k = LayerNorms per layer (2 in
 * BERT/DistilBERT), so a head's own LayerNorm (MLM transform) is not mistaken for it.
 */
function assignHidden(norms: Array<{ pos: number; out: string }>, softmax: number[]): string[] {
  if (norms.length === 0) return [];
  if (softmax.length === 0) return [];
  const before = (limit: number, after: number) => norms.filter((n) => n.pos < limit && n.pos > after);
  const out: string[] = [];
  const first = before(softmax[0], -1);
  if (first.length === 0) return [];
  out.push(first[first.length - 1].out);
  for (let i = 0; i + 1 < softmax.length; i++) {
    const between = before(softmax[i + 1], softmax[i]);
    if (between.length === 0) return [];
    out.push(between[between.length - 1].out);
  }
  const perLayer = softmax.length > 1 ? before(softmax[1], softmax[0]).length : 2;
  const tail = norms.filter((n) => n.pos > softmax[softmax.length - 1]);
  if (tail.length < perLayer) return [];
  out.push(tail[perLayer - 1].out);
  return out;
}

export interface TappedModel {
  /** The model with the taps as extra outputs: a new copy of the file, made on first use (the split encoder is
   * written from `graph` and `taps` directly; encoder.ts). */
  readonly bytes: Uint8Array;
  plan: TapPlan;
  graph: GraphIndex; // the original graph, for load-time checks of its weights
  taps: string[]; // the tensors the plan adds as graph outputs
}

/** Plans the taps of a model file (hidden states, attention, Q/K/V). Throws when the bytes are not an ONNX model. */
export function tapModel(bytes: Uint8Array, expectedLayers?: number): TappedModel {
  const g = indexModel(bytes);
  const plan = planTaps(g, expectedLayers);
  const taps: string[] = [...plan.hidden];
  for (const l of plan.layers) {
    taps.push(l.attention);
    for (const t of [l.q, l.k, l.v]) if (t) taps.push(t.name);
  }
  let tapped: Uint8Array | undefined;
  return {
    get bytes() {
      return (tapped ??= appendOutputs(g, taps));
    },
    plan,
    graph: g,
    taps,
  };
}

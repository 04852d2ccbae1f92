// Self-attention blocks rewritten into one com.microsoft MultiHeadAttention node each, for graphs whose attention
// nobody reads (the lean encoder: every layer but layer 1). onnxruntime 1.30 fuses attention itself only in opset ≤ 12
// exports; in the opset-14 exports of torch it runs the head reshapes, transposes, scores, mask, softmax and product
// as a dozen separate operators. The fused node reads the projected Q, K, V and computes the same numbers
// (bit-identical on every repository model, test/core/model/fuse-attention.test.ts): the hover path's encode of
// BERT-base int8 0.93–0.94× of the unfused lean encoder, fp32 no measurable change (bench/README.md). Matched strictly, by
// structure, never by name; any other pattern is left as it is. The nodes it replaces become unused and prune.ts
// drops them.
import { onnx } from 'onnx-proto';
import { intsAttr, type GraphIndex } from './graph';
import type { TapPlan } from './taps';

/** Node index → the nodes written in its place (outputs kept), and the operator sets those need. */
export interface NodeEdits {
  replace: Map<number, onnx.NodeProto[]>;
  opsets: Array<{ domain: string; version: number }>;
}

const MS = 'com.microsoft';
const { DataType } = onnx.TensorProto;
const num = (v: unknown) => Number(typeof v === 'number' ? v : (v as { toString(): string }).toString());

/** The numbers of a small constant tensor (initializer or Constant node, through Identity); undefined otherwise. */
export function constantValues(g: GraphIndex, name: string): number[] | undefined {
  const p = g.producer.get(name);
  const node = p === undefined ? undefined : g.nodes[p];
  if (node?.opType === 'Identity') return constantValues(g, node.input[0]);
  let t: onnx.ITensorProto | undefined;
  const at = g.initializers.get(name);
  if (at) {
    if (at.e - at.s > 4096) return undefined; // a weight, not a scalar or a shape
    t = onnx.TensorProto.decode(g.bytes.subarray(at.s, at.e));
  } else if (node?.opType === 'Constant') {
    const a = node.attribute.find((x) => x.name === 'value');
    if (a?.t) t = a.t;
    else if (node.attribute.some((x) => x.name === 'value_float')) return [node.attribute.find((x) => x.name === 'value_float')!.f ?? 0];
    else if (node.attribute.some((x) => x.name === 'value_int')) return [num(node.attribute.find((x) => x.name === 'value_int')!.i ?? 0)];
  }
  if (!t || t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return undefined;
  const raw = t.rawData?.length ? new Uint8Array(t.rawData) : undefined; // copied: aligned
  switch (t.dataType) {
    case DataType.FLOAT:
      return raw ? [...new Float32Array(raw.buffer, 0, raw.length >> 2)] : (t.floatData ?? []).map(Number);
    case DataType.DOUBLE:
      return raw ? [...new Float64Array(raw.buffer, 0, raw.length >> 3)] : (t.doubleData ?? []).map(Number);
    case DataType.INT64:
      return raw ? [...new BigInt64Array(raw.buffer, 0, raw.length >> 3)].map(Number) : (t.int64Data ?? []).map(num);
    case DataType.INT32:
      return raw ? [...new Int32Array(raw.buffer, 0, raw.length >> 2)] : (t.int32Data ?? []).map(Number);
    default:
      return undefined;
  }
}

/**
 * Edits that fuse every attention block of `plan.layers` whose probabilities are not in `keep` (the taps the graph will
 * output), for a model with `heads` heads of `hidden / heads` dims fed `attention_mask`; undefined when none matches.
 */
export function fuseAttention(g: GraphIndex, plan: TapPlan, heads: number, hidden: number, keep: Set<string>): NodeEdits | undefined {
  if (!g.inputs.includes('attention_mask') || hidden % heads !== 0) return undefined;
  const m = new Matcher(g, heads, hidden / heads);
  const mask = freshName(g, 'bert_lens/attention_mask_int32');
  const replace = new Map<number, onnx.NodeProto[]>();
  for (const layer of plan.layers) {
    if (keep.has(layer.attention) || g.outputs.includes(layer.attention)) continue; // read: the block stays
    const block = m.block(layer.attention);
    if (!block) continue;
    const nodes = replace.size === 0 ? [castNode(mask)] : [];
    nodes.push(
      onnx.NodeProto.create({
        opType: 'MultiHeadAttention',
        domain: MS,
        name: `${block.out.name}/bert_lens_fused_attention`,
        input: [block.q, block.k, block.v, '', mask],
        output: [block.out.output[0]],
        attribute: [
          { name: 'num_heads', type: onnx.AttributeProto.AttributeType.INT, i: heads },
          { name: 'scale', type: onnx.AttributeProto.AttributeType.FLOAT, f: block.scale },
          { name: 'mask_filter_value', type: onnx.AttributeProto.AttributeType.FLOAT, f: block.filter },
        ],
      }),
    );
    replace.set(block.at, nodes);
  }
  if (replace.size === 0) return undefined;
  return { replace, opsets: g.opsets.has(MS) ? [] : [{ domain: MS, version: 1 }] };
}

const castNode = (out: string) =>
  onnx.NodeProto.create({
    opType: 'Cast',
    name: out,
    input: ['attention_mask'],
    output: [out],
    attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.INT32 }],
  });

function freshName(g: GraphIndex, base: string): string {
  let name = base;
  for (let i = 1; g.producer.has(name) || g.constants.has(name) || g.inputs.includes(name); i++) name = `${base}_${i}`;
  return name;
}

interface Block {
  at: number; // index of the node whose output is the block's output (the context's final Reshape)
  out: onnx.NodeProto;
  q: string; // the projected [b,t,hidden] tensors
  k: string;
  v: string;
  scale: number;
  filter: number; // what a masked key adds to its scores
}

/**
 * The eager BERT attention as torch exports Hugging Face's BertSelfAttention (the repository's DistilBERT fixture too):
 *   x4 = Reshape(x, [B, T, h, d]) for x in q, k, v;  scores = MatMul(Transpose(q4, 0213), Transpose(k4, 0231))
 *   probs = Softmax(scores / c + (1 − Cast(Unsqueeze(attention_mask, 1, 2))) · f, last axis)
 *   out = Reshape(Transpose(MatMul(probs, Transpose(v4, 0213)), 0213), [B, T, h·d])
 * which MultiHeadAttention(q, k, v, key_padding_mask = attention_mask, scale = 1/c, mask_filter_value = f) computes
 * (a Mul by c instead of the Div: scale = c).
 */
class Matcher {
  constructor(
    private g: GraphIndex,
    private heads: number,
    private dim: number,
  ) {}

  private node(t: string): onnx.NodeProto | undefined {
    const i = this.g.producer.get(t);
    return i === undefined ? undefined : this.g.nodes[i];
  }

  private is(t: string, op: string): onnx.NodeProto | undefined {
    const n = this.node(t);
    return n && n.opType === op && (!n.domain || n.domain === 'ai.onnx') ? n : undefined;
  }

  /** Readers of t other than Shape nodes (shape arithmetic reads the size, not the values). */
  private readers(t: string): onnx.NodeProto[] {
    return (this.g.consumers.get(t) ?? []).map((i) => this.g.nodes[i]).filter((n) => n.opType !== 'Shape');
  }

  private scalar(t: string): number | undefined {
    const v = constantValues(this.g, t);
    return v?.length === 1 ? v[0] : undefined;
  }

  private perm(n: onnx.NodeProto | undefined, want: number[]): boolean {
    const p = n && intsAttr(n, 'perm');
    return !!p && p.length === want.length && p.every((x, i) => x === want[i]);
  }

  /** Dimension `i` of some [B, T, …] activation: Unsqueeze(Gather(Shape(x), i)), or 0 ("keep") in a Reshape shape. */
  private leadingDim(t: string, i: number, pos: number): boolean {
    const c = constantValues(this.g, t);
    if (c) return c.length === 1 && c[0] === 0 && pos === i;
    const u = this.is(t, 'Unsqueeze');
    const gather = u && this.is(u.input[0], 'Gather');
    if (!gather || !this.is(gather.input[0], 'Shape') || this.scalar(gather.input[1]) !== i) return false;
    const axes = u.input[1] ? constantValues(this.g, u.input[1]) : intsAttr(u, 'axes');
    return axes?.length === 1 && axes[0] === 0;
  }

  /** The tensor a Reshape to [B, T, h, d] (`split`) or [B, T, h·d] reads, when that is what its shape says. */
  private reshaped(t: string, split: boolean): string | undefined {
    const r = this.is(t, 'Reshape');
    if (!r || intsAttr(r, 'allowzero', true)?.[0] === 1) return undefined;
    const [h, d] = [this.heads, this.dim];
    const tail = split ? [h, d] : [h * d];
    const shape = constantValues(this.g, r.input[1]);
    if (shape) {
      const ok = shape.length === 2 + tail.length && shape[0] === 0 && shape[1] === 0;
      return ok && tail.every((x, i) => shape[2 + i] === x || (shape[2 + i] === -1 && i === tail.length - 1)) ? r.input[0] : undefined;
    }
    const cat = this.is(r.input[1], 'Concat');
    if (!cat || cat.input.length !== 2 + tail.length || !this.leadingDim(cat.input[0], 0, 0) || !this.leadingDim(cat.input[1], 1, 1))
      return undefined;
    // The last entry may be computed (x.size(-1) // h): with B, T and h fixed, the element count leaves only d.
    const known = cat.input.slice(2, -1).map((x) => this.scalar(x));
    return known.every((x, i) => x === tail[i]) ? r.input[0] : undefined;
  }

  /** The projected tensor behind Transpose(Reshape(x, [B, T, h, d]), perm). */
  private heads4(t: string, perm: number[]): string | undefined {
    const tr = this.is(t, 'Transpose');
    if (!tr || !this.perm(tr, perm) || this.readers(tr.output[0]).length !== 1) return undefined;
    const reshape = this.is(tr.input[0], 'Reshape');
    if (!reshape || this.readers(reshape.output[0]).length !== 1) return undefined;
    return this.reshaped(tr.input[0], true);
  }

  /** f of (1 − Cast(Unsqueeze(attention_mask, [1, 2]))) · f; undefined for any other addend. */
  private maskFilter(t: string): number | undefined {
    const mul = this.is(t, 'Mul');
    if (!mul) return undefined;
    const f = mul.input.map((x) => this.scalar(x));
    const sub = this.is(mul.input[f[0] === undefined ? 0 : 1], 'Sub');
    const filter = f[0] ?? f[1];
    if (!sub || filter === undefined || this.scalar(sub.input[0]) !== 1) return undefined;
    const cast = this.is(sub.input[1], 'Cast');
    if (!cast || intsAttr(cast, 'to', true)?.[0] !== DataType.FLOAT) return undefined;
    let x = cast.input[0];
    const axes: number[] = [];
    for (let u = this.is(x, 'Unsqueeze'); u; u = this.is(x, 'Unsqueeze')) {
      const a = u.input[1] ? constantValues(this.g, u.input[1]) : intsAttr(u, 'axes');
      if (!a) return undefined;
      axes.unshift(...a);
      x = u.input[0];
    }
    return x === 'attention_mask' && axes.join() === '1,2' ? filter : undefined;
  }

  /** scores / c or scores · c (c a constant scalar): the scores and the factor. */
  private scaling(t: string): { input: string; scale: number } | undefined {
    const n = this.is(t, 'Div') ?? this.is(t, 'Mul');
    if (!n || this.readers(t).length !== 1) return undefined;
    const [a, b] = n.input.map((x) => this.scalar(x));
    if (n.opType === 'Div') return a === undefined && b ? { input: n.input[0], scale: 1 / b } : undefined;
    if ((a === undefined) === (b === undefined)) return undefined;
    return { input: n.input[a === undefined ? 0 : 1], scale: (a ?? b)! };
  }

  /** The block whose attention probabilities are `probs`, when it is exactly the pattern above. */
  block(probs: string): Block | undefined {
    const sm = this.is(probs, 'Softmax');
    const axis = sm && (intsAttr(sm, 'axis', true)?.[0] ?? ((this.g.opsets.get('') ?? 13) >= 13 ? -1 : 1));
    if (!sm || (axis !== -1 && axis !== 3)) return undefined;
    const pvs = this.readers(probs);
    const pv = pvs[0];
    if (pvs.length !== 1 || pv.opType !== 'MatMul' || pv.input[0] !== probs) return undefined;
    const v = this.heads4(pv.input[1], [0, 2, 1, 3]);
    const after = this.readers(pv.output[0]);
    const back = after.length === 1 && after[0].opType === 'Transpose' && this.perm(after[0], [0, 2, 1, 3]) ? after[0] : undefined;
    const outs = back ? this.readers(back.output[0]) : [];
    if (!v || outs.length !== 1 || outs[0].opType !== 'Reshape' || !this.reshaped(outs[0].output[0], false)) return undefined;
    const add = this.is(sm.input[0], 'Add');
    if (!add || this.readers(add.output[0]).length !== 1) return undefined;
    for (const [s, m] of [
      [0, 1],
      [1, 0],
    ]) {
      const filter = this.maskFilter(add.input[m]);
      const scaled = this.scaling(add.input[s]);
      if (filter === undefined || !scaled || !scaled.scale || !Number.isFinite(scaled.scale)) continue; // 0: ORT's default
      const qk = this.is(scaled.input, 'MatMul');
      if (!qk || this.readers(qk.output[0]).length !== 1) continue;
      const q = this.heads4(qk.input[0], [0, 2, 1, 3]);
      const k = this.heads4(qk.input[1], [0, 2, 3, 1]);
      if (!q || !k) continue;
      return { at: this.g.producer.get(outs[0].output[0])!, out: outs[0], q, k, v, scale: scaled.scale, filter };
    }
    return undefined;
  }
}

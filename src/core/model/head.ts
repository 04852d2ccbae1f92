// The masked-LM head cut out of the model's own ONNX graph, as a model of its own whose input is a hidden state
// [b,t,hidden] and whose output is the logits [b,t,vocab]. The logit lens feeds it every layer's hidden state, so the
// head's maths (dense, gelu, LayerNorm, tied decoder; int8 or fp32) stays the exported graph's, never a JS copy.
import protobuf from 'protobufjs/minimal';
import { onnx } from 'onnx-proto';
import { concatBytes, GRAPH_INITIALIZER, GRAPH_INPUT, GRAPH_NAME, GRAPH_NODE, GRAPH_OUTPUT, MODEL_GRAPH, type GraphIndex } from './graph';

const { Reader, Writer } = protobuf;

/**
 * The int64 [n] input of an int8 head: the positions (of every batch row) whose logits it computes. An int8 head
 * quantizes its input with one scale for the whole tensor (DynamicQuantizeLinear), so it must see every row for the
 * full graph's numbers; the vocabulary-sized product, which is nearly all of its cost, then needs only these rows.
 */
export const HEAD_ROWS = 'bert_lens_head_rows';

/**
 * Model bytes computing `logits` from `hidden` with the original graph's nodes: every node `logits` depends on,
 * traced back until `hidden` (the last layer's output, which the head reads). Throws a plain Error naming what is
 * missing when the head also reads something else (a graph input or a tensor computed before `hidden`).
 */
export function extractHead(g: GraphIndex, hidden: string, logits: string, hiddenSize: number, opts: { rows?: boolean } = {}): Uint8Array {
  const keep = new Set<number>();
  const inits = new Set<string>();
  const stack = [logits];
  const seen = new Set<string>();
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t) || t === hidden) continue;
    seen.add(t);
    if (g.initializers.has(t)) {
      inits.add(t);
      continue;
    }
    const i = g.producer.get(t);
    if (i === undefined) throw new Error(`the head reads ${t}, which is not computed from ${hidden}`);
    keep.add(i);
    for (const x of g.nodes[i].input) if (x) stack.push(x);
  }
  // A head that reached the encoder (e.g. its weights computed from an input) is not a head of `hidden` alone.
  if (!seen.has(logits) || [...keep].some((i) => g.nodes[i].input.some((x) => g.inputs.includes(x)))) {
    throw new Error(`${logits} depends on the graph inputs, not only on ${hidden}`);
  }
  if (![...keep].some((i) => g.nodes[i].input.includes(hidden))) throw new Error(`${logits} does not read ${hidden}`);

  const decoder = opts.rows === false ? undefined : quantizedDecoder(g, keep, hiddenSize);
  const w = Writer.create();
  for (const i of [...keep].sort((a, b) => a - b)) {
    let node = g.nodes[i];
    if (i === decoder) {
      // Gather the requested rows of the quantized input (its scale came from every row, as in the full graph).
      const picked = `${node.input[0]}_rows`;
      const gather = onnx.NodeProto.create({
        opType: 'Gather',
        name: 'bert_lens_head_rows',
        input: [node.input[0], HEAD_ROWS],
        output: [picked],
        attribute: [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 })],
      });
      w.uint32((GRAPH_NODE << 3) | 2).bytes(onnx.NodeProto.encode(gather).finish());
      node = onnx.NodeProto.create({ ...node, input: [picked, ...node.input.slice(1)] });
    }
    w.uint32((GRAPH_NODE << 3) | 2).bytes(onnx.NodeProto.encode(node).finish());
  }
  w.uint32((GRAPH_NAME << 3) | 2).string('mlm_head');
  for (const name of inits) {
    const at = g.initializers.get(name)!;
    w.uint32((GRAPH_INITIALIZER << 3) | 2).bytes(g.bytes.subarray(at.s, at.e));
  }
  const input = onnx.ValueInfoProto.encode({
    name: hidden,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }, { dimValue: hiddenSize }] },
      },
    },
  }).finish();
  w.uint32((GRAPH_INPUT << 3) | 2).bytes(input);
  if (decoder !== undefined) {
    const rows = onnx.ValueInfoProto.encode({
      name: HEAD_ROWS,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.INT64, shape: { dim: [{ dimParam: 'rows' }] } } },
    }).finish();
    w.uint32((GRAPH_INPUT << 3) | 2).bytes(rows);
  }
  w.uint32((GRAPH_OUTPUT << 3) | 2).bytes(onnx.ValueInfoProto.encode({ name: logits }).finish());
  const graph = w.finish();

  // Every model field but the graph is kept as raw bytes (ir_version, opset imports, functions).
  const parts: Uint8Array[] = [];
  const r = Reader.create(g.bytes);
  while (r.pos < g.bytes.length) {
    const start = r.pos;
    const tag = r.uint32();
    r.skipType(tag & 7);
    parts.push(
      tag >>> 3 === MODEL_GRAPH
        ? Writer.create()
            .uint32((MODEL_GRAPH << 3) | 2)
            .bytes(graph)
            .finish()
        : g.bytes.subarray(start, r.pos),
    );
  }
  return concatBytes(parts);
}

/**
 * The head's vocabulary-sized MatMulInteger (its weight's last dimension is not the hidden size) fed by a
 * DynamicQuantizeLinear: the node whose input rows HEAD_ROWS selects. Undefined for an fp32 head or another layout.
 */
function quantizedDecoder(g: GraphIndex, keep: Set<number>, hiddenSize: number): number | undefined {
  const found = [...keep].filter((i) => {
    const n = g.nodes[i];
    const at = g.initializers.get(n.input[1] ?? '');
    if (n.opType !== 'MatMulInteger' || !at) return false;
    const dims = onnx.TensorProto.decode(g.bytes.subarray(at.s, at.e)).dims.map(Number);
    const src = g.producer.get(n.input[0]);
    return (
      dims.length === 2 &&
      dims[0] === hiddenSize &&
      dims[1] !== hiddenSize &&
      src !== undefined &&
      g.nodes[src].opType === 'DynamicQuantizeLinear'
    );
  });
  return found.length === 1 ? found[0] : undefined;
}

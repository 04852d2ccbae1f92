// Head ablation in the graph: a new input `head_mask` [batch, layers, heads] multiplies every layer's attention
// probabilities by one factor per head, as Hugging Face's `head_mask` does (probs · mask before probs·V). The mask is
// per row, not one [layers, heads] for the whole batch, so an importance map (one head off per row) runs batched.
import protobuf from 'protobufjs/minimal';
import { onnx } from 'onnx-proto';
import { GRAPH_INPUT, GRAPH_NODE, walk, withGraph, type GraphIndex } from './graph';

const { Writer } = protobuf;

export const HEAD_MASK = 'head_mask';
const PREFIX = 'bert_lens/head_mask';

const int64 = (dims: number[], values: number[]) => ({ dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: values });
const constant = (name: string, t: ReturnType<typeof int64>) =>
  onnx.NodeProto.create({
    opType: 'Constant',
    name,
    output: [name],
    attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t }],
  });

/** Layer l (0-based) of the mask as [batch, heads, 1, 1], times the Softmax output `probs` → `${probs}/head_masked`. */
function maskNodes(probs: string, l: number): onnx.NodeProto[] {
  const p = `${PREFIX}/${l}`;
  return [
    constant(`${p}/layer`, int64([], [l])),
    constant(`${p}/shape`, int64([4], [0, 0, 1, 1])), // 0 = keep that dimension (batch, heads)
    onnx.NodeProto.create({
      opType: 'Gather',
      name: `${p}/gather`,
      input: [HEAD_MASK, `${p}/layer`],
      output: [`${p}/factors`],
      attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
    }),
    onnx.NodeProto.create({ opType: 'Reshape', name: `${p}/reshape`, input: [`${p}/factors`, `${p}/shape`], output: [`${p}/factors4`] }),
    onnx.NodeProto.create({ opType: 'Mul', name: `${p}/mul`, input: [probs, `${p}/factors4`], output: [masked(probs)] }),
  ];
}

const masked = (probs: string) => `${probs}/head_masked`;

/**
 * Model bytes whose graph takes `head_mask` [batch, layers, heads] (float) and feeds every reader of layer l's
 * attention probabilities (`probs[l]`, the Softmax outputs found by taps.ts) their masked copy instead. Graph outputs
 * named after the Softmax (taps) keep the unmasked probabilities. Nodes stay in topological order: the mask nodes
 * follow their Softmax.
 */
export function spliceHeadMask(g: GraphIndex, probs: string[], heads: number): Uint8Array {
  const layerOf = new Map(probs.map((p, l) => [p, l]));
  if (layerOf.size !== probs.length || probs.some((p) => g.producer.get(p) === undefined))
    throw new Error('attention probabilities not found in the graph');
  const parts: Uint8Array[] = [];
  const field = (tag: number, body: Uint8Array) =>
    parts.push(
      Writer.create()
        .uint32((tag << 3) | 2)
        .bytes(body)
        .finish(),
    );
  const node = (n: onnx.NodeProto) => field(GRAPH_NODE, onnx.NodeProto.encode(n).finish());
  let k = 0;
  walk(g.bytes, g.graphStart, g.graphEnd, (f, wire, s, e, tagStart) => {
    if (f !== GRAPH_NODE || wire !== 2) {
      parts.push(g.bytes.subarray(tagStart, e));
      return;
    }
    const n = g.nodes[k++];
    if (n.input.some((x) => layerOf.has(x))) {
      const copy = onnx.NodeProto.decode(g.bytes.subarray(s, e));
      copy.input = copy.input.map((x) => (layerOf.has(x) ? masked(x) : x));
      node(copy);
    } else parts.push(g.bytes.subarray(tagStart, e));
    for (const o of n.output) {
      const l = layerOf.get(o);
      if (l !== undefined) maskNodes(o, l).forEach(node);
    }
  });
  const input = onnx.ValueInfoProto.encode({
    name: HEAD_MASK,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'batch' }, { dimValue: probs.length }, { dimValue: heads }] },
      },
    },
  }).finish();
  field(GRAPH_INPUT, input);
  return withGraph(g, parts);
}

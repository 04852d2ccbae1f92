// Drops graph outputs and every node and initializer only they need (onnxruntime runs every node of a graph whatever
// is fetched, so an output nobody reads still costs its full compute). Byte level, like graph.ts: nodes are decoded,
// initializers and every other graph field are copied as raw bytes.
import protobuf from 'protobufjs/minimal';
import { onnx } from 'onnx-proto';
import type { NodeEdits } from './fuse-attention';
import {
  GRAPH_INITIALIZER,
  MODEL_OPSET,
  GRAPH_NODE,
  GRAPH_OUTPUT,
  GRAPH_VALUE_INFO,
  VALUEINFO_NAME,
  outputFields,
  readStringField,
  walk,
  withGraph,
  type GraphIndex,
} from './graph';

const { Writer } = protobuf;

/**
 * Model bytes whose graph no longer outputs `drop` nor computes anything only they depend on, and outputs `add` too
 * (taps: one copy of the model instead of a tapped copy and then a pruned one). An initializer that a kept node still
 * reads stays (a tied word-embedding table feeds both the embeddings and the MLM decoder). `edits` writes other nodes
 * in place of some (fuse-attention.ts); what only the replaced nodes needed goes too. Throws a plain Error when an
 * output is missing or a node carries a subgraph (its outer-scope reads are not traced here).
 */
export function pruneOutputs(g: GraphIndex, drop: string[], add: string[] = [], edits?: NodeEdits): Uint8Array {
  for (const d of drop) if (!g.outputs.includes(d)) throw new Error(`${d} is not a graph output`);
  if (g.nodes.some((n) => n.attribute.some((a) => a.g || a.graphs?.length))) throw new Error('the graph has subgraphs');
  const outputs = [...g.outputs.filter((o) => !drop.includes(o)), ...add];
  // The nodes as they will be written: node i, or the nodes that replace it.
  const written = g.nodes.map((n, i) => edits?.replace.get(i) ?? [n]);
  const producer = new Map<string, [number, number]>();
  written.forEach((ns, i) => ns.forEach((n, j) => n.output.forEach((o) => producer.set(o, [i, j]))));
  const keep = new Set<string>(); // `${i}/${j}`
  const used = new Set<string>(); // every tensor a kept node reads or the graph outputs
  const stack = [...outputs];
  while (stack.length) {
    const t = stack.pop()!;
    if (used.has(t)) continue;
    used.add(t);
    const at = producer.get(t);
    if (at === undefined || keep.has(`${at[0]}/${at[1]}`)) continue;
    keep.add(`${at[0]}/${at[1]}`);
    for (const x of written[at[0]][at[1]].input) if (x) stack.push(x);
  }
  const produced = new Set(written.flatMap((ns, i) => ns.filter((_, j) => keep.has(`${i}/${j}`)).flatMap((n) => n.output)));

  const initAt = new Map([...g.initializers].map(([name, at]) => [at.s, name]));
  const parts: Uint8Array[] = [];
  let node = 0;
  walk(g.bytes, g.graphStart, g.graphEnd, (f, wire, s, e, tagStart) => {
    if (wire === 2 && f === GRAPH_NODE) {
      const i = node++;
      const replaced = edits?.replace.get(i);
      if (!replaced) {
        if (keep.has(`${i}/0`)) parts.push(g.bytes.subarray(tagStart, e));
        return;
      }
      for (const [j, n] of replaced.entries())
        if (keep.has(`${i}/${j}`))
          parts.push(
            Writer.create()
              .uint32((GRAPH_NODE << 3) | 2)
              .bytes(onnx.NodeProto.encode(n).finish())
              .finish(),
          );
      return;
    }
    if (wire === 2 && f === GRAPH_INITIALIZER && !used.has(initAt.get(s) ?? '')) return;
    if (wire === 2 && f === GRAPH_OUTPUT && drop.includes(readStringField(g.bytes, s, e, VALUEINFO_NAME))) return;
    // Shape annotations of tensors that no longer exist would name values the graph does not compute.
    if (wire === 2 && f === GRAPH_VALUE_INFO && !produced.has(readStringField(g.bytes, s, e, VALUEINFO_NAME))) return;
    parts.push(g.bytes.subarray(tagStart, e));
  });
  parts.push(outputFields(g, add));
  const opsets = (edits?.opsets ?? []).map((o) =>
    Writer.create()
      .uint32((MODEL_OPSET << 3) | 2)
      .bytes(onnx.OperatorSetIdProto.encode(o).finish())
      .finish(),
  );
  return withGraph(g, parts, opsets);
}

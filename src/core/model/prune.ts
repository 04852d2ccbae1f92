// Drops graph outputs and every node and initializer only they need (onnxruntime runs every node of a graph whatever
// is fetched, so an output nobody reads still costs its full compute). Byte level, like graph.ts: nodes are decoded,
// initializers and every other graph field are copied as raw bytes.
import {
  GRAPH_INITIALIZER,
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

/**
 * Model bytes whose graph no longer outputs `drop` nor computes anything only they depend on, and outputs `add` too
 * (taps: one copy of the model instead of a tapped copy and then a pruned one). An initializer that a kept node still
 * reads stays (a tied word-embedding table feeds both the embeddings and the MLM decoder). Throws a plain Error when an
 * output is missing or a node carries a subgraph (its outer-scope reads are not traced here).
 */
export function pruneOutputs(g: GraphIndex, drop: string[], add: string[] = []): Uint8Array {
  for (const d of drop) if (!g.outputs.includes(d)) throw new Error(`${d} is not a graph output`);
  if (g.nodes.some((n) => n.attribute.some((a) => a.g || a.graphs?.length))) throw new Error('the graph has subgraphs');
  const outputs = [...g.outputs.filter((o) => !drop.includes(o)), ...add];
  const keep = new Set<number>();
  const used = new Set<string>(); // every tensor a kept node reads or the graph outputs
  const stack = [...outputs];
  while (stack.length) {
    const t = stack.pop()!;
    if (used.has(t)) continue;
    used.add(t);
    const i = g.producer.get(t);
    if (i === undefined || keep.has(i)) continue;
    keep.add(i);
    for (const x of g.nodes[i].input) if (x) stack.push(x);
  }
  const produced = new Set([...keep].flatMap((i) => g.nodes[i].output));

  const initAt = new Map([...g.initializers].map(([name, at]) => [at.s, name]));
  const parts: Uint8Array[] = [];
  let node = 0;
  walk(g.bytes, g.graphStart, g.graphEnd, (f, wire, s, e, tagStart) => {
    if (wire === 2 && f === GRAPH_NODE && !keep.has(node++)) return;
    if (wire === 2 && f === GRAPH_INITIALIZER && !used.has(initAt.get(s) ?? '')) return;
    if (wire === 2 && f === GRAPH_OUTPUT && drop.includes(readStringField(g.bytes, s, e, VALUEINFO_NAME))) return;
    // Shape annotations of tensors that no longer exist would name values the graph does not compute.
    if (wire === 2 && f === GRAPH_VALUE_INFO && !produced.has(readStringField(g.bytes, s, e, VALUEINFO_NAME))) return;
    parts.push(g.bytes.subarray(tagStart, e));
  });
  parts.push(outputFields(g, add));
  return withGraph(g, parts);
}

// The lean encoder graph a model loads with (core/model/session.ts: the split encoder, the hidden states and layer 1's
// attention its only taps, the other layers' attention fused), as bytes, and feeds for it, for benchmarks that time
// onnxruntime on it directly.
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { tapModel } from '../src/core/model/taps';
import { splitModel } from '../src/core/model/encoder';
import { fuseAttention } from '../src/core/model/fuse-attention';
import { leanTaps } from '../src/core/model/tapped-session';

export interface LeanGraph {
  graph: Uint8Array;
  /** The last hidden state's output name (what the hover path fetches). */
  hidden: string;
}

/** `fuse`: the attention blocks fused as the engine loads them (the heads read from the config.json of the file's
 * model folder, <dir>/onnx/<file>); false: the graph before fuse-attention.ts, for comparisons. */
export function leanGraph(file: string, layers: number, hidden: number, fuse = true): LeanGraph {
  const t = tapModel(new Uint8Array(fs.readFileSync(file)), layers);
  const taps = leanTaps(t.plan);
  const config = path.join(path.dirname(path.dirname(file)), 'config.json');
  const heads = fuse && fs.existsSync(config) ? headsOf(config) : undefined;
  const edits = heads ? fuseAttention(t.graph, t.plan, heads, hidden, new Set(taps)) : undefined;
  const graph = splitModel(t, layers, hidden, 'BertForPreTraining', taps, edits)?.encoder;
  if (!graph) throw new Error(`${file}: no MLM head to split off`);
  return { graph, hidden: t.plan.hidden[layers] };
}

const headsOf = (config: string): number => {
  const c = JSON.parse(fs.readFileSync(config, 'utf8')) as Record<string, number>;
  return c.num_attention_heads ?? c.n_heads;
};

/** Layers and hidden size from a model folder's config.json (BERT or DistilBERT names). */
export function shapeOf(dir: string): { layers: number; hidden: number; vocab: number } {
  const c = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, number>;
  return { layers: c.num_hidden_layers ?? c.n_layers, hidden: c.hidden_size ?? c.dim, vocab: c.vocab_size };
}

/** int64 feeds for a batch of rows padded to the longest (as run.ts pads), for the session's own input names. */
export function int64Feeds(inputNames: readonly string[], rows: ArrayLike<number>[]): Record<string, ort.Tensor> {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(B * T);
  const mask = new BigInt64Array(B * T);
  rows.forEach((r, b) => {
    for (let t = 0; t < r.length; t++) [ids[b * T + t], mask[b * T + t]] = [BigInt(r[t]), 1n];
  });
  const all: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', ids, [B, T]),
    attention_mask: new ort.Tensor('int64', mask, [B, T]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(B * T), [B, T]),
  };
  return Object.fromEntries(inputNames.map((n) => [n, all[n]]));
}

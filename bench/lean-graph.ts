// The lean encoder graph a model loads with (core/model/session.ts: the split encoder, the hidden states and layer 1's
// attention its only taps, the other layers' attention fused), as bytes, and feeds for it, for benchmarks that time
// onnxruntime on it directly.
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelInfo } from '../src/core/api';
import { tapModel } from '../src/core/model/taps';
import { readModelInfo } from '../src/core/model/info';
import { leanEdits, leanGraph as engineLeanGraph } from '../src/core/model/tapped-session';

export interface LeanGraph {
  graph: Uint8Array;
  /** The last hidden state's output name (what the hover path fetches). */
  hidden: string;
}

/** The split lean encoder of a model file in its folder (<dir>/onnx/<file>), as session.ts cuts it. `fuse`: attention
 * fused as the engine loads it; false: the graph before fuse-attention.ts, for comparisons and the trials. */
export function leanGraph(file: string, fuse = true): LeanGraph {
  const info = readModelInfo(path.dirname(path.dirname(file)));
  const t = tapModel(new Uint8Array(fs.readFileSync(file)), info.layers);
  const graph = engineLeanGraph(t, info, true, 'BertForPreTraining', leanEdits(t, info, fuse));
  if (!graph) throw new Error(`${file}: no MLM head to split off`);
  return { graph, hidden: t.plan.hidden[info.layers] };
}

/** Layers, hidden size and vocabulary of a model folder (config.json, BERT or DistilBERT names). */
export function shapeOf(dir: string): { layers: number; hidden: number; vocab: number } {
  const info = readModelInfo(dir);
  return { layers: info.layers, hidden: info.hidden, vocab: info.vocabSize };
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

/** One row of `T` (at most 128, within the model's positions) ids: [CLS] … [SEP] around ordinary pieces spread over
 * the vocabulary, the same on every run. */
export function rowIds(info: Pick<ModelInfo, 'maxPositions' | 'vocabSize'>): number[] {
  const T = Math.min(128, info.maxPositions);
  return Array.from({ length: T }, (_, k) => (k === 0 ? 2 : k === T - 1 ? 3 : 100 + ((k * 7919) % (info.vocabSize - 100))));
}

// The lean encoder graph a model loads with (core/model/session.ts: the split encoder, the hidden states and layer 1's
// attention its only taps), as bytes, for benchmarks that time onnxruntime on it directly.
import fs from 'node:fs';
import path from 'node:path';
import { tapModel } from '../src/core/model/taps';
import { splitModel } from '../src/core/model/encoder';
import { leanTaps } from '../src/core/model/tapped-session';

export interface LeanGraph {
  graph: Uint8Array;
  /** The last hidden state's output name (what the hover path fetches). */
  hidden: string;
}

export function leanGraph(file: string, layers: number, hidden: number): LeanGraph {
  const t = tapModel(new Uint8Array(fs.readFileSync(file)), layers);
  const graph = splitModel(t, layers, hidden, 'BertForPreTraining', leanTaps(t.plan))?.encoder;
  if (!graph) throw new Error(`${file}: no MLM head to split off`);
  return { graph, hidden: t.plan.hidden[layers] };
}

/** Layers and hidden size from a model folder's config.json (BERT or DistilBERT names). */
export function shapeOf(dir: string): { layers: number; hidden: number; vocab: number } {
  const c = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, number>;
  return { layers: c.num_hidden_layers ?? c.n_layers, hidden: c.hidden_size ?? c.dim, vocab: c.vocab_size };
}

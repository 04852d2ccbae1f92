// Load-time consistency checks: config.json vs the ONNX graph vs tokenizer.json, and damaged (non-finite) embedding
// weights. A mismatch otherwise surfaces later as a wrong answer, all-NaN outputs or a misleading "fused attention".
import path from 'node:path';
import type { ModelInfo } from '../api';
import { BertLensError } from './errors';
import { readInitializer, type GraphIndex } from './graph';
import type { TapPlan } from './taps';
import { readJsonText } from './files';

const PASS = new Set(['Cast', 'Identity', 'Unsqueeze', 'Reshape', 'Flatten']);

/** The word-embedding matrix: the Gather that indexes an initializer (through DequantizeLinear for int8) by input_ids. */
export function wordEmbedding(g: GraphIndex): { name: string; dims: number[]; floats?: Float32Array } | undefined {
  let frontier = ['input_ids'];
  for (let depth = 0; depth < 4 && frontier.length; depth++) {
    const next: string[] = [];
    for (const t of frontier) {
      for (const i of g.consumers.get(t) ?? []) {
        const n = g.nodes[i];
        if (n.opType === 'Gather' && n.input[1] === t) {
          let table = n.input[0];
          const p = g.producer.get(table);
          if (p !== undefined && g.nodes[p].opType === 'DequantizeLinear') table = g.nodes[p].input[0];
          const init = readInitializer(g, table);
          if (init && init.dims.length === 2) return { name: table, ...init };
        } else if (PASS.has(n.opType)) next.push(...n.output);
      }
    }
    frontier = next;
  }
  return undefined;
}

/**
 * Highest token id + 1 in tokenizer.json (vocabulary and added tokens); undefined when the file is missing or not
 * JSON (reported when the tokenizer loads), 'no-vocab' when it parses but holds no vocabulary (e.g. `{}`).
 */
export function tokenizerSize(dir: string): number | 'no-vocab' | undefined {
  let tok: { model?: { vocab?: unknown }; added_tokens?: Array<{ id?: unknown }> };
  try {
    tok = JSON.parse(readJsonText(path.join(dir, 'tokenizer.json'))) as typeof tok;
  } catch {
    return undefined;
  }
  const vocab = tok?.model?.vocab;
  if (!vocab || typeof vocab !== 'object') return 'no-vocab';
  const ids = Array.isArray(vocab) ? vocab.map((_, i) => i) : Object.values(vocab as Record<string, unknown>);
  for (const a of Array.isArray(tok.added_tokens) ? tok.added_tokens : []) ids.push(a?.id);
  return ids.reduce<number>((m, x) => (typeof x === 'number' && x + 1 > m ? x + 1 : m), 0);
}

/** Throws CORRUPT_MODEL naming both sides of the first disagreement between config.json, the graph and the tokenizer. */
export function checkConsistency(info: ModelInfo, cfg: Record<string, unknown>, g: GraphIndex, plan: TapPlan, file: string): void {
  const id = info.id;
  const fail = (what: string, fix: string) => new BertLensError('CORRUPT_MODEL', `Model ${id}: ${what} ${fix}`, { model: id, file });
  const sameModel = `config.json, tokenizer.json and ${file} must come from the same export; re-download the model or copy the matching file from where ${file} came from.`;
  const found = plan.layers.length;
  if (found > 0 && found !== info.layers) {
    throw fail(
      `config.json says ${info.layers} layers (num_hidden_layers / n_layers) but ${file} has ${found} attention layers.`,
      sameModel,
    );
  }
  const tokSize = tokenizerSize(info.dir);
  if (tokSize === 'no-vocab') {
    throw fail(
      `tokenizer.json in ${info.dir} has no vocabulary (no model.vocab): it is not a Hugging Face tokenizer file.`,
      "Copy tokenizer.json from the model's repository or re-download the model.",
    );
  }
  const emb = wordEmbedding(g);
  if (!emb) return; // unusual graph: the run-time checks still apply
  const [rows, cols] = emb.dims;
  if (cols !== info.hidden)
    throw fail(
      `config.json says hidden size ${info.hidden} but the word embeddings in ${file} (${emb.name}) are ${rows}×${cols}.`,
      sameModel,
    );
  const cfgVocab = typeof cfg.vocab_size === 'number' ? cfg.vocab_size : undefined;
  if (cfgVocab !== undefined && cfgVocab !== rows)
    throw fail(`config.json says vocab_size ${cfgVocab} but the word embeddings in ${file} have ${rows} rows.`, sameModel);
  // Some exports pad the embedding to a round number of rows; a tokenizer that covers far fewer rows is another model's.
  if (tokSize !== undefined && (tokSize > rows || tokSize < 0.9 * rows)) {
    throw fail(
      `tokenizer.json has ${tokSize} token ids but the word embeddings in ${file} have ${rows} rows: the tokenizer belongs to another model.`,
      sameModel,
    );
  }
  if (emb.floats) {
    const bad = emb.floats.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      const row = Math.floor(bad / cols);
      throw fail(
        `the word embedding of token id ${row} in ${file} holds ${emb.floats[bad]} (the weights are damaged).`,
        'Re-download the model or re-export it from a good checkpoint.',
      );
    }
  }
}

/** Initializers holding NaN/∞, as "name (n values)": a full scan for `models verify` (load checks only the embeddings). */
export function nonFiniteWeights(g: GraphIndex): string[] {
  const out: string[] = [];
  for (const name of g.initializers.keys()) {
    const floats = readInitializer(g, name)?.floats;
    let n = 0;
    for (let i = 0; floats && i < floats.length; i++) if (!Number.isFinite(floats[i])) n++;
    if (n) out.push(`${name} (${n} value${n > 1 ? 's' : ''})`);
  }
  return out;
}

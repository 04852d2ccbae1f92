// Occlusion attribution (Zeiler & Fergus 2014, applied to text): how much the prediction for a masked word depends on
// each other word, measured by masking that word as well and re-reading the target's probability. fp32: all the
// occluded rows go to the model in one batched run (split only by the memory budget; equal to one-by-one runs).
// int8: one row per run, because dynamic quantization takes its scale over the whole batch, so batched rows shift
// each other's scores (measured on bert-lens-zh: base 0.376 batched vs 0.362 alone, as large as the effects shown).
import type { LoadedModel, OcclusionResult } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import { maskRows, maskTarget, softmax } from './mlm';
import type { TextTokenizer } from './text/tokenizer';

export interface OccludeOptions {
  at?: number; // the word to predict (else the text's one [MASK])
  target?: string; // the word whose probability is tracked (default: mask()'s best prediction)
  batchSize?: number; // rows per model run (default: all at once for fp32, 1 for int8 — see above)
  signal?: AbortSignal;
}

/**
 * Target score = the product over its pieces of the probability at each [MASK] (mask()'s scoring for a word of
 * several pieces, with as many [MASK]s as the target has pieces). Occluding a word replaces each of its pieces by
 * [MASK], so positions never shift. delta = base − score: positive when the word supports the target.
 */
export async function occludeMask(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  opts: OccludeOptions = {},
): Promise<OcclusionResult> {
  const info = model.info;
  const m = maskRows(info, tk, text, opts.at);
  const { target, ids } = await maskTarget(model, tk, text, opts, 'explain');
  const k = ids.length;
  const base = m.rowFor(k);
  const { tok, window: win } = m;
  const w = tok.words.get(m.word);
  const p0 = w.tokenStart - win.tokenStart;
  const shift = k - (w.tokenEnd - w.tokenStart);
  // Row position of document token j (inside the window, not the masked word).
  const posOf = (j: number) => (j - win.tokenStart < p0 ? j - win.tokenStart + 1 : j - win.tokenStart + 1 + shift);
  const targets = Array.from({ length: k }, (_, i) => p0 + 1 + i);
  const others = [];
  for (let i = win.wordStart; i < win.wordEnd; i++) if (i !== m.word) others.push(i);
  const rows = [
    base,
    ...others.map((i) => {
      const row = [...base];
      for (let j = tok.words.tokenStarts[i]; j < tok.words.tokenEnd(i); j++) row[posOf(j)] = tk.special.mask;
      return row;
    }),
  ];
  const scores = await targetScores(model, rows, targets, ids, opts);
  const [b, ...rest] = scores;
  return {
    task: 'mask',
    target,
    start: w.start,
    end: w.end,
    base: b,
    words: others.map((i, r) => {
      const x = tok.words.get(i);
      return { word: x.text, start: x.start, end: x.end, score: rest[r], delta: b - rest[r] };
    }),
  };
}

/** Rows per run: all at once for fp32, one for int8 (see the top of this file), unless the caller says. */
export function batchSize(model: LoadedModel, rows: number, asked?: number): number {
  return Math.max(1, asked ?? (model.info.dtype === 'int8' ? 1 : rows));
}

/** Product over the target's pieces of their probabilities at `positions`, for every row (batched). */
async function targetScores(
  model: LoadedModel,
  rows: number[][],
  positions: number[],
  ids: number[],
  opts: OccludeOptions,
): Promise<number[]> {
  const V = model.info.vocabSize;
  const size = batchSize(model, rows.length, opts.batchSize);
  const out: number[] = [];
  for (let s = 0; s < rows.length; s += size) {
    throwIfAborted(opts.signal, 'Occlusion');
    const chunk = rows.slice(s, s + size);
    const res = await model.run(
      chunk.map((ids) => ({ ids })),
      { mlmPositions: chunk.map(() => positions) },
      opts.signal,
    );
    for (const o of res) {
      if (!o.mlmLogits) throw new BertLensError('BAD_INPUT', `${model.info.id} returned no masked-LM logits.`, { model: model.info.id });
      out.push(ids.reduce((p, id, i) => p * softmax(o.mlmLogits!, i * V, V)[id], 1));
    }
  }
  return out;
}

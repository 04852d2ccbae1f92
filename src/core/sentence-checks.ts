// Sentence checks: next-sentence prediction over each pair of adjacent sentences of a document (pairs never cross a
// blank line), so a reader sees where one sentence does not follow from the one before.
import type { Engine, LoadedModel, Span } from './api';
import { BertLensError } from './model/errors';
import { adjacentPairs } from './text/sentences';

/** At most this many pairs: one model run each. */
export const MAX_NSP_PAIRS = 300;

export interface SentencePair {
  a: Span;
  b: Span;
  isNext: number; // probability that b follows a
  cut?: boolean; // the pair was longer than the model reads: it read the start of each (longest first)
}

/**
 * P(b follows a) for the first `max` adjacent pairs of `text`. `modelAt` picks the model for a pair from its first
 * offset (under `auto`, each paragraph's language has its own).
 */
export async function sentenceChecks(
  engine: Engine,
  text: string,
  modelAt: (offset: number) => Promise<LoadedModel>,
  opts: { max?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<SentencePair[]> {
  const pairs = adjacentPairs(text).slice(0, opts.max ?? MAX_NSP_PAIRS);
  const out: SentencePair[] = [];
  for (const [a, b] of pairs) {
    opts.signal?.throwIfAborted();
    const model = await modelAt(a.start);
    if (!model.info.capabilities.nsp) {
      throw new BertLensError(
        'BAD_INPUT',
        `The model "${model.info.id}" has no next-sentence head. Use bert-lens-mini (English), bert-lens-zh (Chinese) or a checkpoint exported with NSP logits.`,
        { model: model.info.id },
      );
    }
    const r = await engine.nsp(model, a.text, b.text);
    out.push(r.cut ? { a, b, isNext: r.isNext, cut: true } : { a, b, isNext: r.isNext });
    opts.onProgress?.(out.length, pairs.length);
  }
  return out;
}

// The tensor export's numbers (shared/tensors.ts writes the files): for the encoder window around a stretch of text,
// the word-level attention of every layer and head, every layer's hidden state per word, and the head census.
import type { Encoding } from './api';
import { wordAttentionTensor } from './attention';
import { headCensus } from './heads';
import { BertLensError } from './model/errors';
import { wordVectors } from './vectors';
import type { TensorBundle, TensorKind } from '../shared/tensors';

/** Which hidden and attention layers `encode` must tap for `what`. */
export function tensorLayers(what: readonly TensorKind[]): { hiddenLayers: 'all' | number[]; attentionLayers: 'all' | number[] } {
  return {
    hiddenLayers: what.includes('hidden') ? 'all' : [],
    attentionLayers: what.includes('attention') || what.includes('census') ? 'all' : [],
  };
}

/**
 * The bundle for the words of `range` (characters; an empty range: every word of the window) inside the encoded
 * window that owns the range's first word. `enc` must have been encoded with tensorLayers(what).
 */
export function tensorBundle(enc: Encoding, range: { start: number; end: number }, what: readonly TensorKind[]): TensorBundle {
  const words = enc.tok.words;
  const first = words.ends.findIndex((e) => e > range.start);
  const win = enc.windows.find((x) => first >= x.ownStart && first < x.ownEnd) ?? enc.windows[0];
  if (!win || first < 0)
    throw new BertLensError(
      'BAD_INPUT',
      'There are no words to export here: select some text (in code files, inside a comment or string).',
    );
  const inRange = (i: number) => range.end <= range.start || (words.ends[i] > range.start && words.starts[i] < range.end);
  const chosen: number[] = [];
  for (let i = win.wordStart; i < win.wordEnd; i++) if (inRange(i)) chosen.push(i);
  if (!chosen.length) throw new BertLensError('BAD_INPUT', 'The selection holds no word BERT reads.');
  const { layers, heads, hidden } = enc.model;
  const n = chosen.length;
  const b: TensorBundle = {
    model: enc.model.id,
    window: { start: words.starts[win.wordStart], end: words.ends[win.wordEnd - 1] },
    words: chosen.map((i) => ({ text: words.text(i), start: words.starts[i], end: words.ends[i] })),
    layers,
    heads,
    hidden,
  };
  if (what.includes('attention')) {
    if (!enc.model.capabilities.attention)
      throw new BertLensError(
        'ATTENTION_UNAVAILABLE',
        `${enc.model.id} computes attention in a fused operator, so its attention cannot be exported. Export hidden states only, or use an unfused model.`,
        { model: enc.model.id },
      );
    const t = wordAttentionTensor(enc, win);
    const W = t.words.length;
    const at = chosen.map((i) => i - win.wordStart);
    const out = new Float32Array(layers * heads * n * n);
    for (let lh = 0; lh < layers * heads; lh++) {
      for (let f = 0; f < n; f++) for (let g = 0; g < n; g++) out[(lh * n + f) * n + g] = t.weights[(lh * W + at[f]) * W + at[g]];
    }
    b.attention = out;
  }
  if (what.includes('hidden')) {
    const out = new Float32Array((layers + 1) * n * hidden);
    for (let l = 0; l <= layers; l++) {
      const vecs = wordVectors(enc, l);
      chosen.forEach((i, k) => out.set(vecs[i], (l * n + k) * hidden));
    }
    b.hiddenStates = out;
  }
  if (what.includes('census')) b.census = headCensus(enc, chosen[0]).rows;
  return b;
}

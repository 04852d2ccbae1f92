// The sense map's input: the contextual vector of every occurrence of a word (or of every word) in a document, with
// a snippet of context each. Projection and clustering happen where they are drawn (the panel's host side).
import type { Encoding, LayerChoice } from './api';
import { around } from './text/context';
import { cosine, wordVectorAt } from './vectors';

/** At most this many items: the sense map is a scatter plot, and the vectors travel in one message. */
export const MAX_SENSE_ITEMS = 500;

export interface SenseVectors {
  items: Array<{ text: string; start: number; end: number; context: string; at: number }>; // the word is context[at, at + end − start)
  dims: number;
  vectors: Float32Array; // items × dims
  pairCosine?: number; // exactly two items (too few to group by sense): the cosine of their vectors, as hovers measure it
}

/**
 * Vectors of the occurrences of `word` (matched as the model reads case), or of every word of two letters or more
 * when `word` is null, in document order; the text is the one `enc` encoded.
 */
export function senseVectors(enc: Encoding, text: string, word: string | null, layer: LayerChoice): SenseVectors {
  const vec = wordVectorAt(enc, layer); // only the chosen words: a long document has many more
  const norm = (s: string) => (enc.model.uncased ? s.toLowerCase() : s);
  const want = word === null ? null : norm(word);
  const idx: number[] = [];
  for (let i = 0; i < enc.tok.words.length && idx.length < MAX_SENSE_ITEMS; i++) {
    const t = enc.tok.words.text(i);
    if (want === null ? /\p{L}{2,}/u.test(t) : norm(t) === want) idx.push(i);
  }
  const vecs = idx.map((i) => vec(i));
  const dims = vecs.find((v) => v.length)?.length ?? 0;
  const vectors = new Float32Array(idx.length * dims);
  vecs.forEach((v, k) => v.length && vectors.set(v, k * dims));
  const items = idx.map((i) => {
    const w = enc.tok.words.get(i);
    const c = around(text, w.start, w.end, 40); // a word holds no white space: it stands in the context as written
    return { text: w.text, start: w.start, end: w.end, context: `${c.before}${text.slice(w.start, w.end)}${c.after}`, at: c.before.length };
  });
  // Not when either has no vector (a partial encode left its window out): a zero row would read as cosine 0.
  const pair = vecs.length === 2 && vecs.every((v) => v.length) ? { pairCosine: cosine(vecs[0], vecs[1]) } : {};
  return { items, dims, vectors, ...pair };
}

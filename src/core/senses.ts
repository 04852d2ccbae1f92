// The sense map's input: the contextual vector of every occurrence of a word (or of every word) in a document, with
// a snippet of context each. Projection and clustering happen where they are drawn (the panel's host side).
import type { Encoding, LayerChoice } from './api';
import { wordVectorAt } from './vectors';

/** At most this many items: the sense map is a scatter plot, and the vectors travel in one message. */
export const MAX_SENSE_ITEMS = 500;

export interface SenseVectors {
  items: Array<{ text: string; start: number; end: number; context: string }>;
  dims: number;
  vectors: Float32Array; // items × dims
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
  enc.tok.words.forEach((w, i) => {
    if (idx.length >= MAX_SENSE_ITEMS) return;
    if (want === null ? /\p{L}{2,}/u.test(w.text) : norm(w.text) === want) idx.push(i);
  });
  const vecs = idx.map((i) => vec(i));
  const dims = vecs.find((v) => v.length)?.length ?? 0;
  const vectors = new Float32Array(idx.length * dims);
  vecs.forEach((v, k) => v.length && vectors.set(v, k * dims));
  const items = idx.map((i) => {
    const w = enc.tok.words[i];
    return { text: w.text, start: w.start, end: w.end, context: snippet(text, w.start, w.end) };
  });
  return { items, dims, vectors };
}

const SPACED = /[\p{L}\p{N}]/u;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** A letter or digit of a language written with spaces: a cut between two of them would halve a word. */
const wordChar = (c: string | undefined) => c !== undefined && SPACED.test(c) && !UNSPACED.test(c);

/** About `room` characters either side of [start, end), never cutting a word in two (Chinese is cut anywhere). */
export function snippet(text: string, start: number, end: number, room = 40): string {
  let a = Math.max(0, start - room);
  let b = Math.min(text.length, end + room);
  while (a < start && a > 0 && wordChar(text[a - 1]) && wordChar(text[a])) a++;
  while (b > end && b < text.length && wordChar(text[b - 1]) && wordChar(text[b])) b--;
  return text.slice(a, b).replace(/\s+/g, ' ').trim();
}

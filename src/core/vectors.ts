// Contextual word vectors (mean of a word's subword vectors at a layer), occurrence similarity and neighbours.
import type { EncodedWindow, Encoding, LayerChoice, Neighbour, SimilarResult, StaticVectors, VectorsResult } from './api';
import { BertLensError } from './model/errors';
import { windowOf } from './encode';

/** Hidden-state layers (0 = embeddings … L) that a layer choice averages. */
export function resolveLayers(choice: LayerChoice | undefined, L: number): number[] {
  if (choice === undefined || choice === 'last') return [L];
  if (choice === 'last4') return [L - 3, L - 2, L - 1, L].filter((l) => l >= 1);
  const l = choice < 0 ? L + 1 + choice : choice;
  if (!Number.isInteger(l) || l < 0 || l > L) throw new BertLensError('BAD_INPUT', `Layer ${choice} does not exist: choose 0 (embeddings) to ${L}, 'last' or 'last4'.`);
  return [l];
}

/** Mean over the word's pieces (those inside the window) and over the chosen layers. */
function wordVector(enc: Encoding, win: EncodedWindow, word: number, layers: number[]): Float32Array {
  const H = enc.model.hidden;
  const w = enc.tok.words[word];
  const a = Math.max(w.tokenStart, win.tokenStart);
  const b = Math.min(w.tokenEnd, win.tokenEnd);
  const v = new Float32Array(H);
  let n = 0;
  for (const l of layers) {
    const h = win.out.hidden[l];
    if (!h) throw new BertLensError('BAD_INPUT', `Hidden layer ${l} was not encoded; encode with hiddenLayers 'all' (the default).`);
    for (let t = a; t < b; t++) {
      const off = (t - win.tokenStart + 1) * H; // +1 for [CLS]
      for (let i = 0; i < H; i++) v[i] += h[off + i];
      n++;
    }
  }
  if (n) for (let i = 0; i < H; i++) v[i] /= n;
  return v;
}

/** Index = word index; words outside the encoded windows (encode with `range`) get an empty vector. */
export function wordVectors(enc: Encoding, layer: LayerChoice = 'last'): Float32Array[] {
  const layers = resolveLayers(layer, enc.model.layers);
  return enc.tok.words.map((_, i) => {
    const win = windowOf(enc, i);
    return win ? wordVector(enc, win, i, layers) : new Float32Array(0);
  });
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? d / Math.sqrt(na * nb) : 0;
}

const norm = (s: string) => s.normalize('NFC').toLowerCase();

/** Word indices whose text matches `word` case-insensitively. */
export function occurrences(enc: Encoding, word: string): number[] {
  const w = norm(word.trim());
  return enc.tok.words.flatMap((x, i) => (norm(x.text) === w ? [i] : []));
}

function noOccurrence(word: string): BertLensError {
  return new BertLensError('BAD_INPUT', `"${word}" does not occur in the text as a word (matching is per BERT word, case-insensitive). Pick a word that appears in the text.`);
}

export function similar(enc: Encoding, word: string, opts: { layer?: LayerChoice } = {}): SimilarResult {
  const occ = occurrences(enc, word);
  if (!occ.length) throw noOccurrence(word);
  const layers = resolveLayers(opts.layer, enc.model.layers);
  const vecs = occ.map((i) => {
    const win = windowOf(enc, i);
    if (!win) throw new BertLensError('BAD_INPUT', `The text around "${word}" was not encoded yet.`);
    return wordVector(enc, win, i, layers);
  });
  return {
    word,
    occurrences: occ.map((i) => ({ start: enc.tok.words[i].start, end: enc.tok.words[i].end })),
    contextual: vecs.map((a) => vecs.map((b) => cosine(a, b))),
    // The model's input embedding is context-free: every occurrence of one word type has the same vector.
    static: vecs.map(() => vecs.map(() => 1)),
  };
}

const PUNCT = /^[\p{P}\p{S}]+$/u;

export function vectors(
  enc: Encoding,
  word: string,
  opts: { layer?: LayerChoice; top?: number; staticVectors?: StaticVectors } = {},
): VectorsResult {
  const { layer = 'last', top = 5, staticVectors } = opts;
  const occ = occurrences(enc, word);
  if (!occ.length) throw noOccurrence(word);
  const all = wordVectors(enc, layer);
  const target = norm(word.trim());
  const contextual = occ.map((i) => {
    const v = all[i];
    const cands: Neighbour[] = [];
    enc.tok.words.forEach((w, j) => {
      if (j === i || !all[j].length || norm(w.text) === target || PUNCT.test(w.text)) return;
      cands.push({ word: w.text, score: cosine(v, all[j]), start: w.start, end: w.end });
    });
    cands.sort((a, b) => b.score - a.score);
    // One entry per word type (its closest occurrence): "the" five times would crowd out everything else.
    const seen = new Set<string>();
    const neighbours = cands.filter((c) => !seen.has(norm(c.word)) && !!seen.add(norm(c.word))).slice(0, top);
    return { start: enc.tok.words[i].start, end: enc.tok.words[i].end, neighbours };
  });
  const stat = staticVectors
    ? { source: staticVectors.source, inVocabulary: staticVectors.has(word), neighbours: staticVectors.has(word) ? staticVectors.neighbours(word, top) : [] }
    : null;
  return { word, layer, static: stat, contextual };
}

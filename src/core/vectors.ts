// Contextual word vectors (mean of a word's subword vectors at a layer), occurrence similarity and neighbours.
import type { CompareResult, EncodedWindow, Encoding, LayerChoice, Neighbour, SimilarResult, StaticVectors, VectorsResult } from './api';
import { BertLensError } from './model/errors';
import { windowOf } from './encode';
import { addRow, emptyInt8Rows, setInt8Row, type HiddenRows } from './hidden-rows';
import { DotsArena } from './wasm/dots';
import { PUNCT } from './text/punct';

/** Hidden-state layers (0 = embeddings … L) that a layer choice averages. */
export function resolveLayers(choice: LayerChoice | undefined, L: number): number[] {
  if (choice === undefined || choice === 'last') return [L];
  if (choice === 'last4') return [L - 3, L - 2, L - 1, L].filter((l) => l >= 1);
  const l = choice < 0 ? L + 1 + choice : choice;
  if (!Number.isInteger(l) || l < 0 || l > L)
    throw new BertLensError('BAD_INPUT', `Layer ${choice} does not exist: choose 0 (embeddings) to ${L}, 'last' or 'last4'.`);
  return [l];
}

/** Mean over the word's pieces (those inside the window) and over the chosen layers. */
export function wordVector(
  enc: Encoding,
  win: EncodedWindow,
  word: number,
  layers: number[],
  into = new Float32Array(enc.model.hidden), // a reused buffer: building the word matrix allocates nothing per word
): Float32Array {
  const H = enc.model.hidden;
  const a = Math.max(enc.tok.words.tokenStarts[word], win.tokenStart);
  const b = Math.min(enc.tok.words.tokenEnd(word), win.tokenEnd);
  const v = into.fill(0);
  let n = 0;
  for (const l of layers) {
    const h = win.out.hidden[l];
    if (!h) throw new BertLensError('BAD_INPUT', `Hidden layer ${l} was not encoded; encode with hiddenLayers 'all' (the default).`);
    for (let t = a; t < b; t++) {
      addRow(h, t - win.tokenStart + 1, H, v); // +1 for [CLS]
      n++;
    }
  }
  if (n) for (let i = 0; i < H; i++) v[i] /= n;
  return v;
}

/**
 * The same word in two places, layer by layer: cosine of occurrence `a` and `b` from the embedding output (layer 0:
 * token + position embeddings, so the two differ only by position) to the last layer, as context reshapes them —
 * what word2vec (one vector per word type) cannot show — and each occurrence's nearest words.
 */
export function compareOccurrences(enc: Encoding, a: number, b: number, top = 5, encB: Encoding = enc): CompareResult {
  // encB: b read from another encoding of the same text (the worker encodes only the windows around each occurrence).
  const words = enc.tok.words;
  const wa = windowOf(enc, a);
  const wb = windowOf(encB, b);
  if (!wa || !wb) throw new BertLensError('BAD_INPUT', 'Both occurrences must be encoded (encode the whole text).');
  const layers = [];
  for (let l = 0; l <= enc.model.layers; l++) {
    layers.push({ layer: l, similarity: cosine(wordVector(enc, wa, a, [l]), wordVector(encB, wb, b, [l])) });
  }
  const span = (i: number) => ({ text: words.text(i), start: words.starts[i], end: words.ends[i] });
  return { a: span(a), b: span(b), layers, neighbours: { a: neighboursOf(enc, a, { top }), b: neighboursOf(encB, b, { top }) } };
}

/** Index = word index; words outside the encoded windows (encode with `range`) get an empty vector. */
export function wordVectors(enc: Encoding, layer: LayerChoice = 'last'): Float32Array[] {
  const at = wordVectorAt(enc, layer);
  return Array.from({ length: enc.tok.words.length }, (_, i) => at(i));
}

/** Word i's vector on demand (empty when not encoded), for outputs written word by word without holding them all. */
export function wordVectorAt(enc: Encoding, layer: LayerChoice = 'last'): (i: number) => Float32Array {
  const layers = resolveLayers(layer, enc.model.layers);
  const owner = wordOwners(enc);
  return (i) => (owner[i] < 0 ? new Float32Array(0) : wordVector(enc, enc.windows[owner[i]], i, layers));
}

/** The window index each word takes its vector from, as windowOf decides (the first window that owns it, else the
 * first that holds it; -1 when none does), in one pass over the windows instead of a search per word. */
export function wordOwners(enc: Encoding): Int32Array {
  const owner = new Int32Array(enc.tok.words.length).fill(-1);
  const ws = enc.windows;
  for (let k = ws.length - 1; k >= 0; k--) for (let i = ws[k].wordStart; i < ws[k].wordEnd; i++) owner[i] = k;
  for (let k = ws.length - 1; k >= 0; k--) for (let i = ws[k].ownStart; i < ws[k].ownEnd; i++) owner[i] = k;
  return owner;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  const d = dotAt(a, 0, b, 0, a.length);
  const na = dotAt(a, 0, a, 0, a.length);
  const nb = dotAt(b, 0, b, 0, b.length);
  return na && nb ? d / Math.sqrt(na * nb) : 0;
}

/**
 * Σ x[xi + k] · y[yi + k] for k < n in float64, with four running sums (the CPU overlaps them: a hover on "the" in a
 * 13k-token document went from 5.1 to 4.0 ms, bench/RESULTS.md). `cosine`, the word matrix and the streamed neighbours
 * all sum this way, so their results are bit-identical.
 */
export function dotAt(x: ArrayLike<number>, xi: number, y: ArrayLike<number>, yi: number, n: number): number {
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    d0 += x[xi + k] * y[yi + k];
    d1 += x[xi + k + 1] * y[yi + k + 1];
    d2 += x[xi + k + 2] * y[yi + k + 2];
    d3 += x[xi + k + 3] * y[yi + k + 3];
  }
  for (; k < n; k++) d0 += x[xi + k] * y[yi + k];
  return d0 + d1 + (d2 + d3);
}

/** A word's type: the same word in any case ("The" and "the"), NFC. */
export const norm = (s: string) => s.normalize('NFC').toLowerCase();

/** Word indices whose text matches `word` case-insensitively. */
export function occurrences(enc: Encoding, word: string): number[] {
  const w = norm(word.trim());
  const { type, ids } = wordTypes(enc);
  const t = ids.get(w);
  if (t === undefined) return [];
  if (PUNCT.test(w)) return enc.tok.words.indices((i) => norm(enc.tok.words.text(i)) === w); // type -1: not in `type`
  const out: number[] = [];
  for (let i = 0; i < type.length; i++) if (type[i] === t) out.push(i);
  return out;
}

export function noOccurrence(word: string): BertLensError {
  return new BertLensError(
    'BAD_INPUT',
    `"${word}" does not occur in the text as a word (matching is per BERT word, case-insensitive). Pick a word that appears in the text.`,
  );
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
  return similarResult(enc, word, occ, vecs);
}

/** similar's result from the occurrences' vectors (also computed window by window: core/stream.ts). */
export function similarResult(enc: Encoding, word: string, occ: number[], vecs: Float32Array[]): SimilarResult {
  if (!occ.length) throw noOccurrence(word);
  return {
    word,
    occurrences: occ.map((i) => ({ start: enc.tok.words.starts[i], end: enc.tok.words.ends[i] })),
    contextual: vecs.map((a) => vecs.map((b) => cosine(a, b))),
    // The model's input embedding is context-free: every occurrence of one word type has the same vector.
    static: vecs.map(() => vecs.map(() => 1)),
  };
}

/**
 * Every encoded word's contextual vector at one layer choice in one matrix, with its squared norm: built once per
 * encoding (the last one is kept), so a hover's neighbours and occurrence similarities are matrix-vector products
 * instead of re-pooling every word of the document. Scores are computed exactly as `cosine` does (same order, same
 * float64 sums), so results are bit-identical to pairwise `cosine` calls.
 */
interface WordMatrix {
  enc: Encoding;
  layer: string;
  H: number;
  rows: HiddenRows; // int8 rows when the encoding keeps its hidden states so (a long document in the worker)
  sq: Float64Array; // squared norm per word; 0 = not encoded (or a zero vector)
  type: Int32Array; // word type per word (normalised text), -1 for punctuation: never a neighbour
  types: string[]; // normalised text per type id
  dots?: Float64Array; // dotsWith's output, reused from hover to hover
  arena?: DotsArena; // rows, candidates and output in WebAssembly memory: dotsWith in SIMD
  candidates?: Int32Array; // the rows that can be a neighbour (a word, encoded), in order: dotsWith reads only these
}
let lastMatrix: WordMatrix | undefined; // one: a matrix is as large as the document's hidden states at one layer

function wordMatrix(enc: Encoding, layer: LayerChoice): WordMatrix {
  const key = String(layer);
  if (lastMatrix?.enc === enc && lastMatrix.layer === key) return lastMatrix;
  const layers = resolveLayers(layer, enc.model.layers);
  const H = enc.model.hidden;
  const n = enc.tok.words.length;
  const compact = enc.windows.some((w) => layers.some((l) => w.out.hidden[l] && !(w.out.hidden[l] instanceof Float32Array)));
  const arena = DotsArena.create(n, H, compact);
  const rows: HiddenRows = arena?.rows ?? (compact ? emptyInt8Rows(n, H) : new Float32Array(n * H));
  const sq = new Float64Array(n);
  const owner = wordOwners(enc);
  const v = new Float32Array(H);
  const words = enc.tok.words;
  for (let i = 0; i < n; i++) {
    if (owner[i] < 0) continue;
    const win = enc.windows[owner[i]];
    const [t0, t1] = [words.tokenStarts[i], words.tokenEnd(i)];
    // Most words are one token at one layer: their vector is that token's row, copied as it is (the mean of one row
    // is the row; an int8 row keeps its scale). A 10 MB document has ~1.7M words, so this is most of a first hover.
    if (layers.length === 1 && t1 - t0 === 1 && t0 >= win.tokenStart && t0 < win.tokenEnd) {
      copyRow(win.out.hidden[layers[0]], t0 - win.tokenStart + 1, rows, i, H); // +1 for [CLS]
    } else {
      wordVector(enc, win, i, layers, v);
      if (rows instanceof Float32Array) rows.set(v, i * H);
      else setInt8Row(rows, i, v, 0);
    }
    sq[i] = rowDot(rows, H, i, i);
  }
  const { type, types } = wordTypes(enc);
  lastMatrix = { enc, layer: key, H, rows, sq, arena, type, types };
  return lastMatrix;
}

/** Row `r` of a window's hidden state into row `i` of the word matrix. */
function copyRow(h: HiddenRows | undefined, r: number, rows: HiddenRows, i: number, H: number): void {
  if (!h) throw new BertLensError('BAD_INPUT', "A hidden layer was not encoded; encode with hiddenLayers 'all' (the default).");
  if (h instanceof Float32Array) {
    if (rows instanceof Float32Array) rows.set(h.subarray(r * H, r * H + H), i * H);
    else setInt8Row(rows, i, h, r * H);
  } else if (rows instanceof Float32Array) {
    rows.fill(0, i * H, i * H + H);
    addRow(h, r, H, rows.subarray(i * H, i * H + H));
  } else {
    rows.q.set(h.q.subarray(r * H, r * H + H), i * H);
    rows.scale[i] = h.scale[r];
  }
}

interface WordTypes {
  type: Int32Array; // type id per word, -1 for punctuation
  types: string[]; // normalised text per type id
  ids: Map<string, number>; // normalised text -> type id (punctuation too)
}
const typesOf = new WeakMap<object, WordTypes>(); // per words column: a new tokenization is a new column

/** Word type per word (normalised text, in order of first appearance; -1 for punctuation) and each type's text: once
 * per tokenization, so finding a word's occurrences is a scan of integers, not a normalisation per word. */
function wordTypes(enc: Encoding): WordTypes {
  const known = typesOf.get(enc.tok.words);
  if (known) return known;
  const ids = new Map<string, number>();
  // Normalising is the costly part: once per distinct spelling ("The" and "the" are two spellings of one type).
  const spelled = new Map<string, number>();
  const type = new Int32Array(enc.tok.words.length);
  for (let i = 0; i < type.length; i++) {
    const text = enc.tok.words.text(i);
    let t = spelled.get(text);
    if (t === undefined) {
      const k = norm(text);
      let id = ids.get(k);
      if (id === undefined) ids.set(k, (id = ids.size));
      spelled.set(text, (t = PUNCT.test(text) ? -1 : id));
    }
    type[i] = t;
  }
  const out = { type, types: [...ids.keys()], ids };
  typesOf.set(enc.tok.words, out);
  return out;
}

/** Dot product of rows i and j: cosine's arithmetic on float32 rows; exact integer sums times the scales on int8. */
function rowDot(rows: HiddenRows, H: number, i: number, j: number): number {
  if (rows instanceof Float32Array) return dotAt(rows, i * H, rows, j * H, H);
  return dotAt(rows.q, i * H, rows.q, j * H, H) * rows.scale[i] * rows.scale[j];
}

/**
 * rowDot(i, j) for every row j of `rowsOf` (by default every candidate: the hover's hot loop, 1.6M multiply-adds on a
 * 10k-word document), into the matrix's reused buffer (other entries are stale). In WebAssembly SIMD where the matrix
 * lives in an arena (wasm/dots.wat), else in JavaScript; both keep dotAt's four sums in dotAt's order, so the results
 * are bit-identical to rowDot (test/core/wasm-dots.test.ts). Measured in `npm run bench`, where the JavaScript loop
 * also serves other array types (as in the worker), a hover on a rare word took 1.26 ms in JavaScript, 0.42 ms so.
 */
function dotsWith(m: WordMatrix, i: number, rowsOf = candidatesOf(m)): Float64Array {
  const { rows } = m;
  const c = rowsOf.length;
  const out = m.arena ? m.arena.dots(i, rowsOf) : jsDots(m, i, rowsOf);
  if (!(rows instanceof Float32Array))
    for (let k = 0; k < c; k++) {
      const r = rowsOf[k];
      out[r] = out[r] * rows.scale[i] * rows.scale[r]; // rowDot's order
    }
  return out;
}

/** dotsWith's sums in JavaScript. Two rows per pass, so each value of row i is read once for both. */
function jsDots(m: WordMatrix, i: number, rowsOf: Int32Array): Float64Array {
  const { H, rows } = m;
  const out = (m.dots ??= new Float64Array(m.sq.length));
  const c = rowsOf.length;
  const data = rows instanceof Float32Array ? rows : rows.q;
  const q = data.slice(i * H, i * H + H);
  let p = 0;
  for (; p + 1 < c; p += 2) {
    const [j, j1] = [rowsOf[p], rowsOf[p + 1]];
    const a = j * H;
    const b = j1 * H;
    // prettier-ignore
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
    let k = 0;
    for (; k + 3 < H; k += 4) {
      // prettier-ignore
      const q0 = q[k], q1 = q[k + 1], q2 = q[k + 2], q3 = q[k + 3];
      a0 += data[a + k] * q0;
      a1 += data[a + k + 1] * q1;
      a2 += data[a + k + 2] * q2;
      a3 += data[a + k + 3] * q3;
      b0 += data[b + k] * q0;
      b1 += data[b + k + 1] * q1;
      b2 += data[b + k + 2] * q2;
      b3 += data[b + k + 3] * q3;
    }
    for (; k < H; k++) {
      a0 += data[a + k] * q[k];
      b0 += data[b + k] * q[k];
    }
    out[j] = a0 + a1 + (a2 + a3);
    out[j1] = b0 + b1 + (b2 + b3);
  }
  if (p < c) out[rowsOf[p]] = dotAt(data, rowsOf[p] * H, q, 0, H);
  return out;
}

/** Rows that can be a neighbour — words (not punctuation) that were encoded —, listed once per matrix: a hover
 * computes dot products with these only (a text is ~15% punctuation). Other rows of dotsWith's output are stale. */
function candidatesOf(m: WordMatrix): Int32Array {
  if (m.candidates) return m.candidates;
  const out: number[] = [];
  for (let j = 0; j < m.sq.length; j++) if (m.type[j] >= 0 && m.sq[j]) out.push(j);
  return (m.candidates = Int32Array.from(out));
}

/** The other occurrences of word `wordIndex`'s type that are encoded (as `occurrences`, from the cached matrix). */
export function otherOccurrences(enc: Encoding, wordIndex: number, layer: LayerChoice = 'last'): number[] {
  const m = wordMatrix(enc, layer);
  const t = m.type[wordIndex];
  const out: number[] = [];
  if (t < 0) return occurrences(enc, enc.tok.words.text(wordIndex)).filter((j) => j !== wordIndex && m.sq[j]);
  for (let j = 0; j < m.type.length; j++) if (m.type[j] === t && j !== wordIndex && m.sq[j]) out.push(j);
  return out;
}

/** Contextual cosine of word `wordIndex` with each of `others` (word indices), at a layer choice. */
export function similarities(enc: Encoding, wordIndex: number, others: number[], layer: LayerChoice = 'last'): number[] {
  const m = wordMatrix(enc, layer);
  const dots = dotsWith(m, wordIndex, Int32Array.from(others)); // "the" in a long document: hundreds of rows
  const sqi = m.sq[wordIndex];
  return others.map((j) => (sqi && m.sq[j] ? dots[j] / Math.sqrt(sqi * m.sq[j]) : 0)); // cosine's arithmetic
}

/**
 * The `top` nearest other words of one word in its document: one entry per word type (its closest occurrence: "the"
 * five times would crowd out everything else), skipping the word's own type, punctuation and unencoded words.
 * One pass over the matrix with a running best per type, then a partial sort of the types.
 */
export function neighboursOf(
  enc: Encoding,
  wordIndex: number,
  opts: { layer?: LayerChoice; top?: number; exclude?: string } = {},
): Neighbour[] {
  const { layer = 'last', top = 5 } = opts;
  const m = wordMatrix(enc, layer);
  const self = opts.exclude === undefined ? m.type[wordIndex] : (wordTypes(enc).ids.get(opts.exclude) ?? -1);
  const dots = dotsWith(m, wordIndex);
  const sqi = m.sq[wordIndex];
  // Best score and its word per type, in typed arrays: no allocation per word.
  const bestScore = new Float64Array(m.types.length).fill(-Infinity);
  const bestWord = new Int32Array(m.types.length).fill(-1);
  const { type, sq } = m;
  const cand = candidatesOf(m);
  for (let p = 0; p < cand.length; p++) {
    const j = cand[p];
    const t = type[j];
    if (j === wordIndex || t === self) continue;
    const score = sqi ? dots[j] / Math.sqrt(sqi * sq[j]) : 0; // cosine's arithmetic
    if (score > bestScore[t]) {
      bestScore[t] = score; // ties keep the earlier occurrence
      bestWord[t] = j;
    }
  }
  return pickTop(enc, bestScore, bestWord, top);
}

/** The `top` best of the per-type bests, ranked by `before`. */
function pickTop(enc: Encoding, bestScore: Float64Array, bestWord: Int32Array, top: number): Neighbour[] {
  const words = enc.tok.words;
  const picked: Array<{ j: number; score: number }> = [];
  for (let t = 0; t < bestWord.length; t++) {
    if (bestWord[t] < 0) continue;
    const c = { j: bestWord[t], score: bestScore[t] };
    if (picked.length === top && !before(c, picked[top - 1])) continue;
    let at = picked.length;
    while (at > 0 && before(c, picked[at - 1])) at--;
    picked.splice(at, 0, c);
    if (picked.length > top) picked.pop();
  }
  return picked.map(({ j, score }) => ({ word: words.text(j), score, start: words.starts[j], end: words.ends[j] }));
}

/**
 * neighboursOf for one word, fed one word vector at a time in document order (core/stream.ts: no word matrix, no
 * encoding in memory). Same arithmetic, same ties (the earlier word), so the same result.
 */
export class Neighbours {
  private readonly type: Int32Array;
  private readonly self: number;
  private readonly sq: number;
  private readonly bestScore: Float64Array;
  private readonly bestWord: Int32Array;

  constructor(
    private readonly enc: Encoding,
    private readonly target: number,
    private readonly v: Float32Array,
  ) {
    const { type, types } = wordTypes(enc);
    this.type = type;
    this.self = type[target];
    this.sq = squared(v);
    this.bestScore = new Float64Array(types.length).fill(-Infinity);
    this.bestWord = new Int32Array(types.length).fill(-1);
  }

  add(j: number, u: Float32Array): void {
    const t = this.type[j];
    const sq = squared(u);
    if (j === this.target || t < 0 || t === this.self || !sq) return;
    const d = dotAt(this.v, 0, u, 0, u.length);
    const score = this.sq && sq ? d / Math.sqrt(this.sq * sq) : 0;
    if (score > this.bestScore[t]) {
      this.bestScore[t] = score;
      this.bestWord[t] = j;
    }
  }

  top(n: number): Neighbour[] {
    return pickTop(this.enc, this.bestScore, this.bestWord, n);
  }
}

function squared(v: Float32Array): number {
  return dotAt(v, 0, v, 0, v.length);
}

/** Ranking order: higher score first, then the earlier word (a stable sort by score over document order). */
const before = (a: { j: number; score: number }, b: { j: number; score: number }) =>
  a.score > b.score || (a.score === b.score && a.j < b.j);

/** Word indices of `word` in the text; an error that says so when there is none. */
function occurrencesOf(enc: Encoding, word: string): number[] {
  const occ = occurrences(enc, word);
  if (!occ.length) throw noOccurrence(word);
  return occ;
}

/** Word index of occurrence `n` (0-based) of `word`; an error that says how many there are when it does not exist. */
export function occurrenceOf(enc: Encoding, word: string, n: number): number {
  const occ = occurrencesOf(enc, word);
  if (!(n >= 0 && n < occ.length))
    throw new BertLensError('BAD_INPUT', `"${word}" occurs ${occ.length} time(s); there is no occurrence ${n + 1}.`);
  return occ[n];
}

export function vectors(
  enc: Encoding,
  word: string,
  opts: { layer?: LayerChoice; top?: number; staticVectors?: StaticVectors; occurrence?: number; maxOccurrences?: number } = {},
): VectorsResult {
  const { layer = 'last', top = 5, staticVectors, maxOccurrences = MAX_VECTORS_OCCURRENCES } = opts;
  // Each occurrence's neighbours read every word of the document: "the" in a long text is capped (and says so).
  const all = occurrencesOf(enc, word);
  const chosen = opts.occurrence === undefined ? all.slice(0, maxOccurrences) : [occurrenceOf(enc, word, opts.occurrence)];
  const target = norm(word.trim());
  const contextual = chosen.map((i) => ({
    start: enc.tok.words.starts[i],
    end: enc.tok.words.ends[i],
    neighbours: neighboursOf(enc, i, { layer, top, exclude: target }),
  }));
  const stat = staticVectors
    ? {
        source: staticVectors.source,
        inVocabulary: staticVectors.has(word),
        neighbours: staticVectors.has(word) ? staticVectors.neighbours(word, top) : [],
      }
    : null;
  return { word, layer, static: stat, contextual, occurrences: all.length };
}

/** At most this many occurrences get their neighbours in one `vectors` call (as many as a hover lists). */
export const MAX_VECTORS_OCCURRENCES = 200;

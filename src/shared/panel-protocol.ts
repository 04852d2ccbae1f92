// The one typed message protocol between the extension host and the panel webview, with runtime validators.
// Both sides validate on receipt: a webview can be fed anything by a compromised page and a host bug must not
// crash the UI, so unknown or malformed messages are dropped (and logged) instead of trusted.

import { HEAD_LABELS, type HeadLabel } from './head-labels';

export type Section =
  | 'head'
  | 'model'
  | 'positions'
  | 'explain'
  | 'inspect'
  | 'masking'
  | 'reference'
  | 'sense'
  | 'qa'
  | 'ablate'
  | 'occlude'
  | 'compare'
  | 'occurrences'
  | 'sentences';
export const SECTIONS: readonly Section[] = [
  'head',
  'model',
  'positions',
  'explain',
  'inspect',
  'masking',
  'reference',
  'sense',
  'qa',
  'ablate',
  'occlude',
  'compare',
  'occurrences',
  'sentences',
];

export interface PSpan {
  text: string;
  start: number;
  end: number;
}

/** The editor word that drives the panel. */
export interface Focus {
  uri: string;
  version: number;
  word: PSpan;
  fileName: string;
}

export interface ModelSummary {
  id: string;
  layers: number;
  heads: number;
}

export interface HeadData {
  words: PSpan[];
  focus: number; // index into words
  layers: number;
  heads: number;
  layer: number; // 1-based layer, or 0 with rollout
  rollout: boolean;
  /** rollout: [words] from the focus word; else [heads][words] rows of the focus word in `layer`. */
  weights: Float32Array;
  truncated: boolean; // the window is shorter than the document
}

export interface ModelGridData {
  words: number;
  layers: number;
  heads: number;
  size: number; // thumbnail side in cells
  /** [layers][heads][size][size], attention mass pooled into cells, 0..255 per thumbnail (max = 255). */
  thumbs: Uint8Array;
  /** [layers][heads] attention of the focus word's row: entropy-based "focus" in 0..1, for sorting/labels. */
  focusRow: Float32Array;
  /** [layers][heads] head census label of the window (core/heads.ts), e.g. "previous-token". */
  labels: HeadLabel[];
}

export interface ExplainData {
  layer: number;
  head: number;
  headDim: number;
  from: PSpan;
  words: PSpan[];
  query: number[];
  keys: number[][];
  values: number[][];
  scores: number[];
  scaled: number[];
  weights: number[];
  output: number[];
  heads: number; // total heads in the layer, for the concatenation note
  hidden: number; // model width (heads × headDim)
}

export interface Ranked {
  word: string;
  score: number;
  start?: number;
  end?: number;
}

export interface InspectData {
  word: PSpan;
  staticSource: string | null; // null = no static vectors loaded
  inVocabulary: boolean;
  staticNeighbours: Ranked[];
  substitutes: Ranked[];
  documentNeighbours: Ranked[];
  occurrences: Array<{ start: number; end: number; similarity: number; snippet: string }>;
  occurrencesTotal: number; // more than `occurrences` holds when capped (the nearest in the text are listed)
  /** The word's masked-LM prediction read at every layer (0 = embeddings … L; logit lens). Absent: not asked. */
  lens?: Array<{ layer: number; predictions: Ranked[] }>;
  lensError?: string; // why the lens is missing (e.g. a model without an MLM head)
}

export interface SenseData {
  word: string | null; // null = all words
  layer: number;
  items: Array<{ text: string; start: number; end: number; context: string; at: number }>; // the word is context[at, at + end − start)
  points: Float32Array; // [n][2] PCA coordinates
  clusters: Uint8Array; // [n] cluster index
  k: number;
  silhouette: number | null; // of the best k ≥ 2 tried; null when none could be tried (no NaN: messages may go through JSON)
  explained: [number, number]; // variance ratio of PC1, PC2
  pairCosine?: number; // exactly two occurrences (too few to group): cosine similarity of their vectors
}

export interface QaData {
  question: string;
  answers: Array<{ text: string; start: number; end: number; score: number; before: string; after: string }>;
  questionCut?: { kept: number; of: number }; // the model read only the question's first `kept` tokens
  noAnswer?: number; // the no-answer share of the same softmax as the scores (absent: nothing was read)
  positions?: QaPositionsData; // P(start)/P(end) behind the best answer
}

/** BERT's masked-LM task on the paragraph at the cursor (core/mlm-task.ts); offsets into `text`. */
export interface MaskingData {
  model: string;
  seed: number;
  rate: number;
  pieces: number; // pieces read
  text: string; // what was read (the paragraph's first window), at most MAX_MASKING_TEXT characters
  offset: number; // where `text` starts in the document
  items: Array<{
    start: number;
    end: number;
    original: string;
    shown: 'mask' | 'random' | 'same';
    as: string;
    predictions: Ranked[];
    correct: boolean;
  }>;
  correct: number;
}
export const MAX_MASKING_TEXT = 4000;

/** Nearest contexts in a reference corpus (core/reference.ts): the word at the cursor against every corpus word. */
export interface ReferenceData {
  model: string;
  corpus: string;
  layer: number; // 0 = embeddings … L
  layers: number; // the model's L
  searched: number;
  passages: number;
  word: string;
  position: number; // the word's position in its window ([CLS] = 0)
  matches: Array<{ word: string; score: number; position: number; before: string; after: string; cutBefore: boolean; cutAfter: boolean }>;
  sameWord: number;
  words: Array<{ word: string; count: number }>;
}
export const MAX_REFERENCE_MATCHES = 100;

/** Positional encoding (core/positions.ts): the cosine maps pooled to `size` × `size` cells, and the means by distance. */
export interface PositionsData {
  model: string;
  positions: number; // the model's max positions (rows of its table)
  compared: number; // the first `compared` of them are in the maps and the line (core MAX_COMPARED)
  dims: number;
  size: number; // cells per side of each map; a cell is the mean over a block of positions when positions > size
  learned: Float32Array; // [size][size] cosine of the model's position vectors
  sinusoid: Float32Array; // [size][size] the same for sin/cos vectors of the same size
  byDistance: { learned: number[]; sinusoid: number[] }; // mean cosine of positions k apart, k = 0..compared−1
}

/** The tokens around the best answer's start/end pair in its window, with the most likely start and end (core QaPositions). */
export interface QaPositionsData {
  window: number; // 0-based, of `windows`
  windows: number;
  rows: Array<{ text: string; pStart: number; pEnd: number; answer: boolean; gap: boolean }>; // gap: tokens skipped before it
  cls: { pStart: number; pEnd: number };
  rest: { pStart: number; pEnd: number }; // the share on the window's positions not listed (question, other tokens)
}

/** Head ablation of the masked word at the cursor or of the best QA answer (core/ablate.ts). */
export interface AblateData {
  task: 'mask' | 'qa';
  target: string; // the word predicted (all heads on) or the best answer
  start: number;
  end: number;
  layers: number;
  heads: number;
  base: number; // P(target) with every head on
  off: number[]; // switched-off heads as layer0 * heads + head
  score: number; // P(target) with `off` switched off
  predictions: Ranked[]; // with `off` switched off: the top words (mask) or the best answer (qa)
  importance: number[] | null; // [layers × heads] drop in P(target) with that head alone off; null: not asked
  questionCut?: QaData['questionCut']; // qa: the question was longer than the model reads
}

/** Occlusion attribution of the masked word at the cursor or of the best QA answer (core/occlude.ts). */
export interface OccludeData {
  task: 'mask' | 'qa';
  target: string;
  start: number;
  end: number; // the target in the document
  base: number; // P(target) with nothing masked
  model: string;
  read: { start: number; end: number }; // the characters the model read
  words: Array<{ word: string; start: number; end: number; score: number; delta: number }>; // text order; delta = base − score
  questionCut?: QaData['questionCut']; // qa: the question was longer than the model reads
}

/** One model's side of the comparison (core/compare-models.ts), cut to what the view draws. */
export interface CompareSide {
  model: string;
  layers: number;
  heads: number;
  tokens: number; // pieces over the compared words
  unknown: number; // [UNK] among them
  attention: Float32Array | null; // [layers][words] head mean from the focus word; null: cannot be read
  rollout: Float32Array | null; // [words]
  predictions: Ranked[] | null; // null: no masked-LM head
  note: string | null; // why attention or predictions are missing
}

/** The Compare view: the models to pick from, and the word at the cursor read by the encoder and `against`. */
export interface CompareData {
  choices: string[]; // models the extension knows (embedded, downloaded, folders)
  against: string; // '' = none picked yet
  error: string | null; // the comparison failed (e.g. the model did not load); the picker still works
  result: {
    words: Array<PSpan & { a: string; b: string; same: boolean }>; // a/b: the pieces, space-separated
    focus: number; // index into words
    masked: 'word' | 'literal';
    a: CompareSide;
    b: CompareSide;
    depth: Array<{ a: number; b: number; divergence: number | null }>; // by relative depth (Jensen–Shannon, bits)
    rollout: number | null;
    agree: boolean | null; // top-1 predictions agree; null: a side has none
  } | null;
}

/** One occurrence of the compared word, with the words around it. */
export interface PlacedWord extends PSpan {
  context: string;
}

/**
 * The Same-word view (a Compare tab mode): the word at the cursor (A) and another occurrence of it (B), the cosine
 * of their contextual vectors at every layer (core/vectors.ts compareOccurrences) — a static vector's would be 1.
 */
export interface OccurrencesData {
  model: string;
  a: PlacedWord;
  b: PlacedWord;
  choices: PlacedWord[]; // the word's other occurrences (at most 200 near A), in document order
  total: number; // occurrences in the document, A included
  layers: Array<{ layer: number; similarity: number }>; // 0 = embeddings … L
  neighbours: { a: Ranked[]; b: Ranked[] }; // nearest words around each, last layer
}

/**
 * The Sentences view (the Compare tab's second mode): two sentences of the document, each encoded alone and
 * mean-pooled, compared layer by layer (core/similarity.ts), with the NSP head's verdict on the pair.
 */
export interface SentencesData {
  model: string;
  /** cursor: A is the sentence at the cursor, B one of `choices`; selections: the editor's first two selections. */
  pick: 'cursor' | 'selections';
  a: PSpan; // text shortened for display; start/end are the compared range
  b: PSpan;
  choices: PSpan[]; // sentences near A that can be B, in document order (empty with selections)
  layers: Array<{ layer: number; cosine: number; shuffled: number }>; // 0 = embeddings … L
  tokens: { a: number; b: number; truncated: boolean }; // pieces read; truncated: a sentence was cut to fit the model
  isNext: number | null; // P(B follows A) from the NSP head; null: the model has none
}

// ---------- host → webview ----------
export type HostMessage =
  | { type: 'init'; language: string; model: ModelSummary | null }
  | { type: 'focus'; focus: Focus | null }
  | { type: 'error'; section: Section | null; seq: number; message: string }
  | { type: 'head'; seq: number; data: HeadData }
  | { type: 'model'; seq: number; data: ModelGridData }
  | { type: 'explain'; seq: number; data: ExplainData }
  | { type: 'inspect'; seq: number; data: InspectData }
  | { type: 'sense'; seq: number; data: SenseData }
  | { type: 'qa'; seq: number; data: QaData }
  | { type: 'ablate'; seq: number; data: AblateData }
  | { type: 'occlude'; seq: number; data: OccludeData }
  | { type: 'compare'; seq: number; data: CompareData }
  | { type: 'sentences'; seq: number; data: SentencesData }
  | { type: 'occurrences'; seq: number; data: OccurrencesData }
  | { type: 'positions'; seq: number; data: PositionsData }
  | { type: 'masking'; seq: number; data: MaskingData }
  | { type: 'reference'; seq: number; data: ReferenceData }
  | { type: 'progress'; section: Section; seq: number; done: number; total: number } // a long read under way (the corpus)
  | { type: 'saved'; path: string }
  | { type: 'show'; section: Section; layer?: number; head?: number };

// ---------- webview → host ----------
export type Request =
  | { section: 'head'; layer: number; rollout: boolean }
  | { section: 'model' }
  | { section: 'positions' }
  | { section: 'masking'; seed: number }
  | { section: 'reference'; layer: number } // -1 = the last layer
  | { section: 'explain'; layer: number; head: number }
  | { section: 'inspect' }
  | { section: 'sense'; word: string | null; layer: number }
  | { section: 'qa'; question: string }
  | { section: 'ablate'; task: 'mask' | 'qa'; question: string; off: Array<[number, number]>; importance: boolean } // off: [layer (from 1), head (from 0)]
  | { section: 'occlude'; task: 'mask' | 'qa'; question: string }
  | { section: 'compare'; against: string } // '' = only the list of models
  | { section: 'sentences'; b: number | null } // b: the start of the chosen B sentence; null = the one after A
  | { section: 'occurrences'; b: number | null }; // b: the start of the chosen occurrence; null = the next one

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'request'; seq: number; request: Request }
  | { type: 'reveal'; start: number; end: number }
  | { type: 'preview'; start: number; end: number } // hover: highlight without moving the cursor
  | { type: 'export'; format: 'svg' | 'png'; name: string; data: string | Uint8Array }
  | { type: 'exportData'; format: 'tsv' | 'html' | 'json' | 'npy'; section?: Section } // json: occlusion; npy: model
  | { type: 'log'; message: string };

// ---------- validators ----------
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isArr = <T>(v: unknown, f: (x: unknown) => x is T): v is T[] => Array.isArray(v) && v.every(f);
const isNumArr = (v: unknown): v is number[] => isArr(v, isNum);
const isSection = (v: unknown): v is Section => SECTIONS.includes(v as Section);
const isSpan = (v: unknown): v is PSpan => isObj(v) && isStr(v.text) && isInt(v.start) && isInt(v.end) && v.end >= v.start;
const isRanked = (v: unknown): v is Ranked =>
  isObj(v) && isStr(v.word) && isNum(v.score) && (v.start === undefined || isInt(v.start)) && (v.end === undefined || isInt(v.end));
const isF32 = (v: unknown, len?: number): v is Float32Array => v instanceof Float32Array && (len === undefined || v.length === len);
const isU8 = (v: unknown, len?: number): v is Uint8Array => v instanceof Uint8Array && (len === undefined || v.length === len);

function isHead(d: unknown): d is HeadData {
  if (!isObj(d) || !isArr(d.words, isSpan) || !isInt(d.focus) || !isInt(d.layers) || !isInt(d.heads)) return false;
  if (!isInt(d.layer) || !isBool(d.rollout) || !isBool(d.truncated) || d.focus >= d.words.length) return false;
  const n = d.words.length;
  return isF32(d.weights, d.rollout ? n : d.heads * n) && (d.rollout || (d.layer >= 1 && d.layer <= d.layers));
}
function isGrid(d: unknown): d is ModelGridData {
  if (!isObj(d) || !isInt(d.words) || !isInt(d.layers) || !isInt(d.heads) || !isInt(d.size)) return false;
  return (
    isU8(d.thumbs, d.layers * d.heads * d.size * d.size) &&
    isF32(d.focusRow, d.layers * d.heads) &&
    Array.isArray(d.labels) &&
    d.labels.length === d.layers * d.heads &&
    d.labels.every((x) => (HEAD_LABELS as readonly unknown[]).includes(x))
  );
}
function isExplain(d: unknown): d is ExplainData {
  if (!isObj(d) || !isInt(d.layer) || !isInt(d.head) || !isInt(d.headDim) || !isSpan(d.from) || !isArr(d.words, isSpan)) return false;
  const n = d.words.length;
  const vec = (v: unknown) => isNumArr(v) && v.length === d.headDim;
  const perWord = (v: unknown) => isNumArr(v) && v.length === n;
  return (
    vec(d.query) &&
    vec(d.output) &&
    Array.isArray(d.keys) &&
    d.keys.length === n &&
    d.keys.every(vec) &&
    Array.isArray(d.values) &&
    d.values.length === n &&
    d.values.every(vec) &&
    perWord(d.scores) &&
    perWord(d.scaled) &&
    perWord(d.weights) &&
    isInt(d.heads) &&
    isInt(d.hidden)
  );
}
function isInspect(d: unknown): d is InspectData {
  return (
    isObj(d) &&
    isSpan(d.word) &&
    (d.staticSource === null || isStr(d.staticSource)) &&
    isBool(d.inVocabulary) &&
    isArr(d.staticNeighbours, isRanked) &&
    isArr(d.substitutes, isRanked) &&
    isArr(d.documentNeighbours, isRanked) &&
    isArr(
      d.occurrences,
      (o): o is InspectData['occurrences'][number] => isObj(o) && isInt(o.start) && isInt(o.end) && isNum(o.similarity) && isStr(o.snippet),
    ) &&
    isInt(d.occurrencesTotal) &&
    d.occurrencesTotal >= d.occurrences.length &&
    (d.lens === undefined ||
      isArr(d.lens, (l): l is NonNullable<InspectData['lens']>[number] => isObj(l) && isInt(l.layer) && isArr(l.predictions, isRanked))) &&
    (d.lensError === undefined || isStr(d.lensError))
  );
}
function isSense(d: unknown): d is SenseData {
  if (!isObj(d) || !(d.word === null || isStr(d.word)) || !isInt(d.layer) || !isInt(d.k)) return false;
  const ok = isArr(
    d.items,
    (o): o is SenseData['items'][number] =>
      isObj(o) &&
      isStr(o.text) &&
      isInt(o.start) &&
      isInt(o.end) &&
      o.end >= o.start &&
      isStr(o.context) &&
      isInt(o.at) &&
      o.at + o.end - o.start <= o.context.length,
  );
  if (!ok) return false;
  const n = (d.items as unknown[]).length;
  return (
    isF32(d.points, 2 * n) &&
    isU8(d.clusters, n) &&
    (d.silhouette === null || isNum(d.silhouette)) &&
    Array.isArray(d.explained) &&
    d.explained.length === 2 &&
    isNumArr(d.explained) &&
    d.clusters.every((c) => c < Math.max(1, d.k as number)) &&
    (d.pairCosine === undefined || (n === 2 && isNum(d.pairCosine) && Math.abs(d.pairCosine) <= 1.0001))
  );
}
function isQa(d: unknown): d is QaData {
  return (
    isObj(d) &&
    isStr(d.question) &&
    isArr(
      d.answers,
      (a): a is QaData['answers'][number] =>
        isObj(a) && isStr(a.text) && isInt(a.start) && isInt(a.end) && isNum(a.score) && isStr(a.before) && isStr(a.after),
    ) &&
    isCut(d.questionCut) &&
    (d.noAnswer === undefined || isShare(d.noAnswer)) &&
    (d.positions === undefined || isPositions(d.positions))
  );
}
function isMasking(d: unknown): d is MaskingData {
  if (!isObj(d) || !isStr(d.model) || !isInt(d.seed) || !isNum(d.rate) || !isInt(d.pieces) || !isInt(d.correct)) return false;
  if (!isStr(d.text) || d.text.length > MAX_MASKING_TEXT || !isInt(d.offset)) return false;
  const n = d.text.length;
  return isArr(
    d.items,
    (x): x is MaskingData['items'][number] =>
      isObj(x) &&
      isInt(x.start) &&
      isInt(x.end) &&
      x.start < x.end &&
      x.end <= n &&
      isStr(x.original) &&
      (x.shown === 'mask' || x.shown === 'random' || x.shown === 'same') &&
      isStr(x.as) &&
      isArr(x.predictions, isRanked) &&
      isBool(x.correct),
  );
}
function isReference(d: unknown): d is ReferenceData {
  if (!isObj(d) || !isStr(d.model) || !isStr(d.corpus) || !isInt(d.layer) || !isInt(d.layers) || d.layer > d.layers) return false;
  if (!isInt(d.searched) || !isInt(d.passages) || !isStr(d.word) || !isInt(d.sameWord) || !isInt(d.position)) return false;
  const short = (v: unknown) => isStr(v) && v.length <= 400;
  return (
    isArr(
      d.matches,
      (x): x is ReferenceData['matches'][number] =>
        isObj(x) &&
        short(x.word) &&
        isNum(x.score) &&
        isInt(x.position) &&
        short(x.before) &&
        short(x.after) &&
        isBool(x.cutBefore) &&
        isBool(x.cutAfter),
    ) &&
    d.matches.length <= MAX_REFERENCE_MATCHES &&
    d.sameWord <= d.matches.length &&
    isArr(d.words, (x): x is ReferenceData['words'][number] => isObj(x) && short(x.word) && isInt(x.count))
  );
}
function isPositionsMap(d: unknown): d is PositionsData {
  if (!isObj(d) || !isStr(d.model) || !isInt(d.positions) || !isInt(d.compared) || !isInt(d.dims) || !isInt(d.size)) return false;
  if (d.compared > d.positions || d.size > d.compared) return false;
  const cos = (x: number) => Number.isFinite(x) && x >= -1.0001 && x <= 1.0001;
  const map = (v: unknown) => isF32(v, (d.size as number) ** 2) && v.every(cos);
  const line = (v: unknown) => isNumArr(v) && v.length === d.compared && v.every(cos);
  return map(d.learned) && map(d.sinusoid) && isObj(d.byDistance) && line(d.byDistance.learned) && line(d.byDistance.sinusoid);
}
const isShare = (x: unknown) => isNum(x) && x >= 0 && x <= 1;
const isPair = (p: unknown): p is Obj => isObj(p) && isShare(p.pStart) && isShare(p.pEnd);
function isPositions(p: unknown): p is QaPositionsData {
  return (
    isObj(p) &&
    isInt(p.window) &&
    isInt(p.windows) &&
    p.window < p.windows &&
    isPair(p.cls) &&
    isPair(p.rest) &&
    isArr(p.rows, (r): r is QaPositionsData['rows'][number] => isPair(r) && isStr(r.text) && isBool(r.answer) && isBool(r.gap))
  );
}
const isCut = (c: unknown) => c === undefined || (isObj(c) && isInt(c.kept) && isInt(c.of));
function isAblate(d: unknown): d is AblateData {
  if (!isObj(d) || (d.task !== 'mask' && d.task !== 'qa') || !isStr(d.target) || !isInt(d.start) || !isInt(d.end)) return false;
  if (!isInt(d.layers) || !isInt(d.heads) || !isNum(d.base) || !isNum(d.score) || !isArr(d.predictions, isRanked)) return false;
  const n = d.layers * d.heads;
  return (
    isArr(d.off, isInt) &&
    d.off.every((x) => x < n) &&
    (d.importance === null || (isNumArr(d.importance) && d.importance.length === n)) &&
    isCut(d.questionCut)
  );
}
function isOcclude(d: unknown): d is OccludeData {
  if (!isObj(d) || (d.task !== 'mask' && d.task !== 'qa') || !isStr(d.target) || !isInt(d.start) || !isInt(d.end) || d.end < d.start)
    return false;
  if (!isNum(d.base) || !isStr(d.model) || !isObj(d.read) || !isInt(d.read.start) || !isInt(d.read.end) || d.read.end < d.read.start)
    return false;
  return (
    isArr(
      d.words,
      (w): w is OccludeData['words'][number] =>
        isObj(w) && isStr(w.word) && isInt(w.start) && isInt(w.end) && w.end >= w.start && isNum(w.score) && isNum(w.delta),
    ) && isCut(d.questionCut)
  );
}
function isCompareSide(d: unknown, n: number): d is CompareSide {
  if (!isObj(d) || !isStr(d.model) || !isInt(d.layers) || !isInt(d.heads) || !isInt(d.tokens) || !isInt(d.unknown)) return false;
  return (
    (d.attention === null || isF32(d.attention, d.layers * n)) &&
    (d.rollout === null || isF32(d.rollout, n)) &&
    (d.predictions === null || isArr(d.predictions, isRanked)) &&
    (d.note === null || isStr(d.note))
  );
}
function isCompare(d: unknown): d is CompareData {
  if (!isObj(d) || !isArr(d.choices, isStr) || !isStr(d.against) || !(d.error === null || isStr(d.error))) return false;
  const r = d.result;
  if (r === null) return true;
  if (
    !isObj(r) ||
    !isArr(
      r.words,
      (w): w is PSpan & { a: string; b: string; same: boolean } => isSpan(w) && isObj(w) && isStr(w.a) && isStr(w.b) && isBool(w.same),
    )
  )
    return false;
  const n = r.words.length;
  if (
    !isInt(r.focus) ||
    r.focus >= n ||
    (r.masked !== 'word' && r.masked !== 'literal') ||
    !isCompareSide(r.a, n) ||
    !isCompareSide(r.b, n)
  )
    return false;
  const div = (x: unknown) => x === null || (isNum(x) && x >= 0 && x <= 1);
  const { a, b } = r as { a: CompareSide; b: CompareSide };
  return (
    isArr(
      r.depth,
      (x): x is { a: number; b: number; divergence: number | null } =>
        isObj(x) && isInt(x.a) && x.a >= 1 && x.a <= a.layers && isInt(x.b) && x.b >= 1 && x.b <= b.layers && div(x.divergence),
    ) &&
    div(r.rollout) &&
    (r.agree === null || isBool(r.agree))
  );
}
function isSentences(d: unknown): d is SentencesData {
  if (!isObj(d) || !isStr(d.model) || (d.pick !== 'cursor' && d.pick !== 'selections') || !isSpan(d.a) || !isSpan(d.b)) return false;
  const cos = (x: unknown) => isNum(x) && x >= -1.0001 && x <= 1.0001;
  const tk = d.tokens;
  return (
    isArr(d.choices, isSpan) &&
    isArr(d.layers, (x): x is SentencesData['layers'][number] => isObj(x) && isInt(x.layer) && cos(x.cosine) && cos(x.shuffled)) &&
    d.layers.length > 0 &&
    isObj(tk) &&
    isInt(tk.a) &&
    isInt(tk.b) &&
    isBool(tk.truncated) &&
    (d.isNext === null || (isNum(d.isNext) && d.isNext >= 0 && d.isNext <= 1))
  );
}
const isPlaced = (v: unknown): v is PlacedWord => isSpan(v) && isStr((v as unknown as Obj).context);
function isOccurrences(d: unknown): d is OccurrencesData {
  if (!isObj(d) || !isStr(d.model) || !isPlaced(d.a) || !isPlaced(d.b) || !isArr(d.choices, isPlaced) || !isInt(d.total)) return false;
  const cos = (x: unknown) => isNum(x) && x >= -1.0001 && x <= 1.0001;
  const nb = d.neighbours;
  return (
    isArr(d.layers, (x): x is OccurrencesData['layers'][number] => isObj(x) && isInt(x.layer) && cos(x.similarity)) &&
    d.layers.length > 0 &&
    isObj(nb) &&
    isArr(nb.a, isRanked) &&
    isArr(nb.b, isRanked)
  );
}
const isModel = (v: unknown): v is ModelSummary => isObj(v) && isStr(v.id) && isInt(v.layers) && isInt(v.heads);
const isFocus = (v: unknown): v is Focus => isObj(v) && isStr(v.uri) && isInt(v.version) && isSpan(v.word) && isStr(v.fileName);

/** Returns the message typed, or a reason string when it must be dropped. */
export function validateHostMessage(m: unknown): HostMessage | string {
  if (!isObj(m) || !isStr(m.type)) return 'not an object with a type';
  const t = m.type as HostMessage['type'];
  const seqOk = isInt(m.seq);
  switch (t) {
    case 'init':
      return isStr(m.language) && (m.model === null || isModel(m.model)) ? (m as HostMessage) : 'bad init';
    case 'focus':
      return m.focus === null || isFocus(m.focus) ? (m as HostMessage) : 'bad focus';
    case 'error':
      return (m.section === null || isSection(m.section)) && seqOk && isStr(m.message) ? (m as HostMessage) : 'bad error';
    case 'head':
      return seqOk && isHead(m.data) ? (m as HostMessage) : 'bad head data';
    case 'model':
      return seqOk && isGrid(m.data) ? (m as HostMessage) : 'bad model data';
    case 'explain':
      return seqOk && isExplain(m.data) ? (m as HostMessage) : 'bad explain data';
    case 'inspect':
      return seqOk && isInspect(m.data) ? (m as HostMessage) : 'bad inspect data';
    case 'sense':
      return seqOk && isSense(m.data) ? (m as HostMessage) : 'bad sense data';
    case 'qa':
      return seqOk && isQa(m.data) ? (m as HostMessage) : 'bad qa data';
    case 'ablate':
      return seqOk && isAblate(m.data) ? (m as HostMessage) : 'bad ablate data';
    case 'occlude':
      return seqOk && isOcclude(m.data) ? (m as HostMessage) : 'bad occlude data';
    case 'compare':
      return seqOk && isCompare(m.data) ? (m as HostMessage) : 'bad compare data';
    case 'sentences':
      return seqOk && isSentences(m.data) ? (m as HostMessage) : 'bad sentences data';
    case 'occurrences':
      return seqOk && isOccurrences(m.data) ? (m as HostMessage) : 'bad occurrences data';
    case 'positions':
      return seqOk && isPositionsMap(m.data) ? (m as HostMessage) : 'bad positions data';
    case 'masking':
      return seqOk && isMasking(m.data) ? (m as HostMessage) : 'bad masking data';
    case 'reference':
      return seqOk && isReference(m.data) ? (m as HostMessage) : 'bad reference data';
    case 'progress':
      return seqOk && isSection(m.section) && isInt(m.done) && isInt(m.total) && m.done <= m.total ? (m as HostMessage) : 'bad progress';
    case 'saved':
      return isStr(m.path) ? (m as HostMessage) : 'bad saved';
    case 'show':
      return isSection(m.section) && (m.layer === undefined || isInt(m.layer)) && (m.head === undefined || isInt(m.head))
        ? (m as HostMessage)
        : 'bad show';
    default: {
      const never: never = t;
      return `unknown message type ${String(never)}`;
    }
  }
}

function isRequest(r: unknown): r is Request {
  if (!isObj(r) || !isSection(r.section)) return false;
  const s = r.section;
  switch (s) {
    case 'head':
      return isInt(r.layer) && isBool(r.rollout);
    case 'model':
    case 'positions':
      return true;
    case 'masking':
      return isInt(r.seed) && r.seed < 2 ** 32;
    case 'reference':
      return Number.isInteger(r.layer) && (r.layer as number) >= -1 && (r.layer as number) <= 1000;
    case 'explain':
      return isInt(r.layer) && r.layer >= 1 && isInt(r.head);
    case 'inspect':
      return true;
    case 'sense':
      return (r.word === null || (isStr(r.word) && r.word.length <= 200)) && isInt(r.layer);
    case 'qa':
      return isStr(r.question) && r.question.trim().length > 0 && r.question.length <= 1000;
    case 'ablate':
      return (
        (r.task === 'mask' || r.task === 'qa') &&
        isStr(r.question) &&
        r.question.length <= 1000 &&
        (r.task === 'mask' || r.question.trim().length > 0) &&
        isBool(r.importance) &&
        Array.isArray(r.off) &&
        r.off.length <= 4096 &&
        r.off.every((p) => Array.isArray(p) && p.length === 2 && isInt(p[0]) && p[0] >= 1 && isInt(p[1]))
      );
    case 'occlude':
      return (
        (r.task === 'mask' || r.task === 'qa') &&
        isStr(r.question) &&
        r.question.length <= 1000 &&
        (r.task === 'mask' || r.question.trim().length > 0)
      );
    case 'compare':
      return isStr(r.against) && r.against.length <= 1000;
    case 'sentences':
    case 'occurrences':
      return r.b === null || isInt(r.b);
    default: {
      const never: never = s;
      return Boolean(never);
    }
  }
}

const MAX_EXPORT_BYTES = 64 * 1024 * 1024;
const safeName = (v: unknown): v is string => isStr(v) && /^[\w.\- ]{1,80}$/.test(v);

export function validateWebviewMessage(m: unknown): WebviewMessage | string {
  if (!isObj(m) || !isStr(m.type)) return 'not an object with a type';
  const t = m.type as WebviewMessage['type'];
  switch (t) {
    case 'ready':
      return m as WebviewMessage;
    case 'request':
      return isInt(m.seq) && isRequest(m.request) ? (m as WebviewMessage) : 'bad request';
    case 'reveal':
    case 'preview':
      return isInt(m.start) && isInt(m.end) && m.end >= m.start ? (m as WebviewMessage) : `bad ${t}`;
    case 'export': {
      const okData =
        m.format === 'svg'
          ? isStr(m.data) && m.data.length <= MAX_EXPORT_BYTES
          : m.format === 'png'
            ? isU8(m.data) && m.data.length <= MAX_EXPORT_BYTES
            : false;
      return okData && safeName(m.name) ? (m as WebviewMessage) : 'bad export';
    }
    case 'exportData': {
      const okSection = m.section === undefined || isSection(m.section);
      // JSON is the occlusion section's format; TSV and HTML serve any section that offers them.
      // .npy (Export Tensors…: attention, hidden states, head census of the focus paragraph) is the model view's.
      const okFormat =
        m.format === 'tsv' ||
        m.format === 'html' ||
        (m.format === 'json' && m.section === 'occlude') ||
        (m.format === 'npy' && m.section === 'model');
      return okSection && okFormat ? (m as WebviewMessage) : 'bad exportData';
    }
    case 'log':
      return isStr(m.message) ? { type: 'log', message: m.message.slice(0, 2000) } : 'bad log';
    default: {
      const never: never = t;
      return `unknown message type ${String(never)}`;
    }
  }
}

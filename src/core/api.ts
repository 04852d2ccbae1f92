// The engine's plain-data contract: shared by the CLI, the worker, the extension, the webview and the tests.
// Add fields freely; never rename or remove one (the CLI JSON output and the worker protocol depend on them).
// Offsets are UTF-16 code units into the original text, [start, end), as VS Code's positionAt expects.
import type { TokenTable, WordTable } from './text/tokens';
import type { HeadLabel } from '../shared/head-labels';
import type { HiddenRows } from './hidden-rows';

export type Dtype = 'fp32' | 'int8';

/** What a loaded model can do; views check these instead of failing. */
export interface Capabilities {
  hidden: boolean; // per-layer hidden states can be tapped
  attention: boolean; // false when attention is fused (no Softmax between Q·Kᵀ and ·V) — "attention unavailable"
  qkv: boolean; // per-layer query/key/value tensors can be tapped (the explainer)
  mlm: boolean; // has a masked-LM head (output `logits` [B,T,V])
  nsp: boolean; // has a next-sentence head (output `nsp_logits` [B,2])
  qa: boolean; // has `start_logits` / `end_logits` [B,T]
  tokenTypes: boolean; // graph takes token_type_ids (BERT yes, DistilBERT no)
}

export interface ModelInfo {
  id: string; // as the user named it: embedded name, folder path or hub id
  dir: string; // local folder with the files (HF layout)
  modelFile: string; // the .onnx file actually loaded
  source: 'embedded' | 'folder' | 'hub';
  architecture: 'bert' | 'distilbert';
  dtype: Dtype;
  layers: number;
  heads: number;
  hidden: number;
  maxPositions: number;
  vocabSize: number;
  uncased: boolean;
  capabilities: Capabilities;
}

export interface DownloadProgress {
  model: string;
  file: string;
  loaded: number; // bytes
  total: number; // bytes, 0 when unknown
}

export interface StoreOptions {
  modelsDir?: string; // embedded models folder (default: <package>/models)
  cacheDir?: string; // where hub downloads go
  hubEndpoint?: string; // e.g. https://huggingface.co or a mirror such as https://hf-mirror.com
  offline?: boolean; // never touch the network
  dtype?: Dtype | 'auto'; // auto: int8 when the folder has onnx/model_quantized.onnx
  threads?: number; // onnxruntime intra-op threads
  downloadIdleTimeoutMs?: number; // a download fails after this long without a byte (default 30 s)
  downloadRetries?: number; // retries of a failed request (network, stall, HTTP 5xx), resuming with Range (default 3)
  downloadBackoffMs?: number; // wait before the first retry, doubled for each next one (default 1 s)
}

export interface LoadOptions {
  dtype?: Dtype | 'auto';
  /** Load with every attention and Q/K/V tap at once (a command that shows attention). Otherwise a model loads lean
   * and the taps come with the first request for them, at the cost of one more session then (model/tapped-session.ts);
   * a model already loaded lean stays so until then. */
  attention?: boolean;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

// ---------- text ----------

export interface Token {
  id: number;
  text: string; // vocabulary piece, e.g. "##ing"
  start: number;
  end: number;
  word: number; // index into Tokenized.words
}

export interface Word {
  text: string; // original text slice
  start: number;
  end: number;
  tokenStart: number; // index into Tokenized.tokens
  tokenEnd: number; // exclusive
}

/** Document tokens without [CLS]/[SEP]; those are added per window. Columns of integers (text/tokens.ts): read
 * `tokens.ids[i]`, `words.starts[i]` … in loops, `get(i)` for a row object. */
export interface Tokenized {
  text: string;
  tokens: TokenTable;
  words: WordTable;
}

export interface WindowSpan {
  index: number;
  tokenStart: number; // document token range [tokenStart, tokenEnd)
  tokenEnd: number;
  wordStart: number; // document word range [wordStart, wordEnd)
  wordEnd: number;
  ownStart: number; // words this window is authoritative for when windows overlap
  ownEnd: number;
}

// ---------- raw model runs (src/core/model) ----------

export interface RunRow {
  ids: number[]; // complete sequence, specials included ([CLS] … [SEP] …)
  typeIds?: number[]; // segment ids; zeros when absent
}

export interface RunRequest {
  hiddenLayers?: number[]; // 0 = embedding output, i = output of layer i (1..L)
  attentionLayers?: number[]; // 1..L
  qkvLayers?: number[]; // 1..L
  mlmPositions?: number[][]; // per row: positions whose MLM logits to return (others are never copied)
  nsp?: boolean;
  qa?: boolean;
  /** Added: per row, a factor per layer × head ([layer-1][head] row-major, 1 = as trained, 0 = switched off) that
   * multiplies that head's attention probabilities (Hugging Face's head_mask); runs a graph with a head_mask input. */
  headMask?: Float32Array[];
}

export interface QKV {
  q: Float32Array; // [heads, seq, headDim], before any scaling
  k: Float32Array; // [heads, seq, headDim]
  v: Float32Array; // [heads, seq, headDim]
  headDim: number;
}

/** One row's outputs, trimmed to its own length (no padding). */
export interface RunOutput {
  seqLen: number;
  hidden: Record<number, Float32Array>; // layer → [seq, hidden]
  attention: Record<number, Float32Array>; // layer → [heads, seq, seq]
  qkv: Record<number, QKV>;
  mlmLogits?: Float32Array; // [positions.length, vocab] in the order of mlmPositions[row]
  nspLogits?: Float32Array; // [2]: index 0 = "B follows A" (HF convention), 1 = random
  startLogits?: Float32Array; // [seq]
  endLogits?: Float32Array; // [seq]
}

/** One row's hidden state at some layer ([seq, hidden], from RunOutput.hidden) and the positions to predict. */
export interface HeadInput {
  hidden: Float32Array;
  positions: number[];
}

export interface LoadedModel {
  info: ModelInfo;
  run(rows: RunRow[], req: RunRequest, signal?: AbortSignal): Promise<RunOutput[]>;
  /** Added: the model's own masked-LM head (its ONNX subgraph) on given hidden states → [positions, vocab] logits
   * per input (the logit lens). Rejects, saying so, on a model without one; absent on wrappers that do not pass it on. */
  headLogits?(inputs: HeadInput[], signal?: AbortSignal): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

// ---------- encoded documents ----------

/** A window's outputs as an encoding keeps them: hidden states may be int8 rows (EncodeOptions.compactHiddenAbove). */
export type EncodedOutput = Omit<RunOutput, 'hidden'> & { hidden: Record<number, HiddenRows> };

export interface EncodedWindow extends WindowSpan {
  seqLen: number; // tokenEnd - tokenStart + 2
  out: EncodedOutput; // position p in the window ↔ document token tokenStart + p - 1
}

export interface Encoding {
  model: ModelInfo;
  textHash: string;
  tok: Tokenized;
  windows: EncodedWindow[];
}

export interface EncodeOptions {
  hiddenLayers?: number[] | 'all';
  attentionLayers?: number[] | 'all';
  qkvLayers?: number[];
  maxTokens?: number; // per window, specials excluded (default maxPositions - 2)
  overlap?: number; // tokens of overlap between windows
  range?: { start: number; end: number }; // only encode windows touching this char range
  /** Keep hidden states as int8 rows (core/hidden-rows.ts) when the encoding's float32 hidden states would take more
   * than this many bytes: the worker holds a whole document for hovers. Default: never. */
  compactHiddenAbove?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

// ---------- results (field names are the CLI JSON contract) ----------

export interface Span {
  text: string;
  start: number;
  end: number;
}

export type LayerChoice = number | 'last' | 'last4'; // last4 = mean of the last four layers

export interface AttentionResult {
  layer: number | 'rollout';
  head: number | 'mean';
  from: Span;
  to: Array<Span & { weight: number }>; // weights sum to 1 ± 1e-4
}

/** `AttentionResult` and the text its window covers (the editor overlay's data). */
export interface AttentionView extends AttentionResult {
  window: { start: number; end: number };
}

/** The window around one word, every layer and head at word level (the panel's attention views). */
export interface AttentionMatrix {
  window: { start: number; end: number };
  words: Span[];
  focus: number; // index of the word at offset
  layers: number;
  heads: number;
  weights: Float32Array; // [layer][head][from][to], word level, rows sum to 1
  rollout: Float32Array; // [from][to]
  census: HeadLabel[]; // [layer][head]: what each head does on this window (core/heads.ts)
}

export interface SimilarResult {
  word: string;
  occurrences: Array<{ start: number; end: number }>;
  contextual: number[][]; // cosine, square
  static: number[][]; // 1 by construction for the model's input embedding
}

export interface Neighbour {
  word: string;
  score: number; // cosine
  start?: number; // for document words
  end?: number;
}

export interface VectorsResult {
  word: string;
  layer: LayerChoice;
  static: { source: string; neighbours: Neighbour[]; inVocabulary: boolean } | null;
  contextual: Array<{ start: number; end: number; neighbours: Neighbour[] }>;
  /** Every occurrence of the word in the text; `contextual` holds the first `maxOccurrences` of them (or the one asked). */
  occurrences: number;
}

export interface MaskPrediction {
  word: string;
  score: number;
}

export interface MaskResult {
  start: number;
  end: number; // the masked span in the text
  predictions: MaskPrediction[]; // sorted by score
  /** The text the model read, [start, end) in characters: the whole text, or in a long text the window around the word. */
  read: { start: number; end: number; whole: boolean };
}

export interface FilledMask {
  start: number;
  end: number; // the [MASK] in the text
  step: number; // 1 = filled first
  word: string; // the word chosen
  predictions: Array<{ word: string; score: number }>; // at the step it was filled, best first
}

/** Two sentences, each encoded alone and mean-pooled, compared layer by layer (core/similarity.ts). */
export interface SimilarityResult {
  a: { tokens: number; truncated: boolean }; // pieces read (at most maxPositions - 2)
  b: { tokens: number; truncated: boolean };
  /** Layer 0 = input embedding … L. `shuffled`: A against B's pieces in a fixed shuffled order (same words, no sentence). */
  layers: Array<{ layer: number; cosine: number; shuffled: number }>;
}

/** The masked-LM head on every layer's hidden state at the masked word (core/logit-lens.ts). */
export interface LogitLensResult {
  start: number;
  end: number; // the masked span in the text
  layers: Array<{ layer: number; predictions: MaskPrediction[] }>; // 0 = embedding output … L (= mask()'s answer)
}

/** Occlusion attribution (core/occlude.ts): the target's probability with each other word masked as well. */
export interface OcclusionResult {
  task: 'mask' | 'qa';
  target: string; // the predicted word (mask) or the answer text (qa)
  start: number;
  end: number; // where the target is in the text
  base: number; // its probability with nothing occluded
  words: Array<{ word: string; start: number; end: number; score: number; delta: number }>; // text order; delta = base − score
  questionCut?: TokenCut; // qa: the question was longer than the model reads
}

/** An attention head: layer 1..L (as in attention and explain), head 0..heads-1. */
export interface HeadRef {
  layer: number;
  head: number;
}

/** What head ablation explains (core/ablate.ts): a masked word, the best answer to a question, or a sentence pair. */
export type AblationInput =
  | { task: 'mask'; text: string; at?: number; target?: string }
  | { task: 'qa'; question: string; document: string }
  | { task: 'nsp'; a: string; b: string };

export interface AblateOptions {
  off?: HeadRef[]; // heads switched off for `score` and `prediction`
  importance?: boolean; // also switch every head off alone and report the drop in the target's probability
  top?: number; // mask: how many predictions with `off` switched off (default 5)
  batchSize?: number; // rows per model run (default: all at once for fp32, 1 for int8, as occlusion)
  signal?: AbortSignal;
}

/** Head ablation (core/ablate.ts): the target with every head on, with `off` switched off, and per head. */
export interface AblationResult {
  task: 'mask' | 'qa' | 'nsp';
  layers: number;
  heads: number;
  target: string; // mask: the predicted (or given) word; qa: the best answer; nsp: "is next" or "not next"
  start?: number;
  end?: number; // mask: the masked word; qa: the answer (absent for nsp)
  base: number; // the target's probability with every head on (mask(), answer()'s span, nsp())
  off: HeadRef[]; // the heads switched off below
  score: number; // the target's probability with `off` switched off (= base when none)
  // The model's own answer with `off` switched off (qa: text '' when no span of its window qualifies, as in answer()).
  prediction: { text: string; score: number; start?: number; end?: number };
  predictions?: MaskPrediction[]; // mask: the top words with `off` switched off
  importance?: number[][]; // [layer-1][head]: base − the target's probability with only that head switched off
  questionCut?: TokenCut; // qa: the question was longer than the model reads
  pairCut?: PairCut; // nsp: the pair was longer than the model reads
}

/** Several masks filled jointly (core/fill-masks.ts). */
export interface FillResult {
  method: string;
  text: string; // the input with every [MASK] replaced by its chosen word
  score: number; // product of the chosen words' probabilities (each given the words filled before it)
  masks: FilledMask[]; // in text order
}

/** One word type at two occurrences, layer by layer (core/vectors.ts compareOccurrences). */
export interface CompareResult {
  a: Span;
  b: Span;
  layers: Array<{ layer: number; similarity: number }>; // 0 = embedding output … L
  neighbours: { a: Neighbour[]; b: Neighbour[] }; // at the last layer, in the document
}

export interface NspResult {
  isNext: number; // probability that B follows A
  cut?: PairCut; // set when A and B together had more tokens than the model's positions
}

/** Input cut to fit the model: it read only the first `kept` of the `of` tokens given. */
export interface TokenCut {
  kept: number;
  of: number;
}

/** A sentence pair cut to fit the model's positions, each side as read (longest first, as Hugging Face cuts). */
export interface PairCut {
  a: TokenCut;
  b: TokenCut;
}

export interface QaAnswer {
  text: string; // === document.slice(start, end)
  start: number;
  end: number;
  score: number; // share of one softmax over every candidate span of the document plus no-answer (core/qa.ts)
}

export interface QaResult {
  answers: QaAnswer[];
  noAnswerScore?: number; // the no-answer share of the same softmax
  questionCut?: TokenCut; // the question had more tokens than maxQuestionLen: the model read its first `kept`
  positions?: QaPositions; // with QaOptions.positions, when there is an answer
}

/**
 * How the best answer was picked: the QA head scores every position of a window as the answer's start and as its end;
 * P(start) and P(end) are softmaxes over the window's positions (as the head is trained), and the answer is the start
 * and end pair with the highest start + end logit. This is the window the best answer's logit came from.
 */
export interface QaPositions {
  window: number; // index of the window among `windows`
  windows: number;
  tokens: Array<{ text: string; start: number; end: number; pStart: number; pEnd: number }>; // its document tokens
  answer: [number, number]; // indices into tokens: the first and last token of the best start/end pair
  cls: { pStart: number; pEnd: number }; // [CLS]: the window's no-answer position
}

/** BERT's masked-LM pretraining task on a text (core/mlm-task.ts): the pieces drawn, what the model saw, its guesses. */
export interface MlmTaskResult {
  model: string;
  read: { start: number; end: number }; // the characters of the window read (the whole text when it fits)
  pieces: number; // pieces in it
  rate: number;
  seed: number;
  items: Array<{
    start: number; // the chosen piece in the text
    end: number;
    original: string; // the piece ("##ing" for a continuation)
    shown: 'mask' | 'random' | 'same'; // 80 / 10 / 10
    as: string; // what the model read there: [MASK], the random piece, or the piece itself
    predictions: Array<{ word: string; score: number }>; // the model's top pieces there
    correct: boolean; // the top prediction is the original piece
  }>;
  correct: number; // items whose top prediction is the original
}

/** Nearest contexts in a reference corpus (core/reference.ts): a word's nearest corpus words at one layer. */
export interface ReferenceResult {
  model: string;
  corpus: string; // "reference-en", "reference-zh" or the file's name
  layer: number; // 0 = embeddings … L
  layers: number; // the model's L
  searched: number; // corpus words indexed (punctuation is not)
  passages: number; // corpus lines read
  word: Span; // the word searched for, in the text given
  position: number; // its first piece's position in the window read ([CLS] = 0): what layer 0 adds to it
  /** Best first; `before`/`after`: the passage around the match (cut… where it goes on); `position` as above. */
  matches: Array<{ word: string; score: number; position: number; before: string; after: string; cutBefore: boolean; cutAfter: boolean }>;
  sameWord: number; // matches that are the word itself (case-insensitive)
  words: Array<{ word: string; count: number }>; // the words matched, most frequent first
}

export interface ReferenceOptions {
  at: number; // the word at this offset of the text
  layer?: number; // 0 (embeddings) … L, negative from the end; default the last
  top?: number; // matches, default 20, at most 100
  corpus?: string; // a UTF-8 text file, one passage per line; default the embedded one for the word's script
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number }) => void; // corpus passages read (the first search at a layer)
}

/** Positional encoding: the model's learned position vectors beside the Transformer's sin/cos (core/positions.ts). */
export interface PositionReport {
  model: string;
  positions: number; // rows of the table: the model's max positions
  compared: number; // the first `compared` positions are compared (all, up to MAX_COMPARED)
  dims: number;
  learned: PositionStats;
  sinusoid: PositionStats; // the same size, computed
}

export interface PositionStats {
  similarity: Float32Array; // [compared][compared] cosine of two positions' vectors
  byDistance: number[]; // mean cosine of positions k apart, k = 0..compared−1
  norms: number[]; // each position vector's length
}

/** What a view shows of QaPositions (core/qa-positions.ts positionRows): the pair's neighbourhood, not 384 rows. */
export interface QaPositionRows {
  window: number;
  windows: number;
  rows: Array<{ text: string; pStart: number; pEnd: number; answer: boolean; gap: boolean }>; // gap: tokens skipped before it
  cls: { pStart: number; pEnd: number };
  rest: { pStart: number; pEnd: number }; // the share on the window's positions not listed (question, other tokens)
}

export interface QaOptions {
  top?: number; // default 3
  maxSeqLen?: number; // default 384
  stride?: number; // default 128
  maxAnswerLen?: number; // tokens, default 30
  maxQuestionLen?: number; // tokens, default 64
  noAnswerThreshold?: number; // return no answers when null score beats the best by this margin
  positions?: boolean; // also return QaResult.positions
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number }) => void; // windows read so far (long documents)
}

/** What the explainer shows for one word, one layer and one head: softmax(q·kᵀ/√d)·V with real numbers. */
export interface Explanation {
  layer: number;
  head: number;
  headDim: number;
  from: Span;
  words: Span[]; // the window's words (keys), subwords merged
  query: number[]; // q of the word (mean over its pieces)
  keys: number[][]; // per word
  values: number[][]; // per word
  scores: number[]; // q·k
  scaled: number[]; // q·k/√d
  weights: number[]; // softmax, sum 1 (matches the tapped attention)
  output: number[]; // Σ weights · v
  outputExact?: number[]; // added: the true head output (token softmax · V) averaged over the word's pieces, specials included
}

export interface StaticVectors {
  source: string; // file path
  dims: number;
  size: number;
  has(word: string): boolean;
  vector(word: string): Float32Array | undefined;
  neighbours(word: string, top: number): Neighbour[];
  neighboursOf(vec: Float32Array, top: number, exclude?: Set<string>): Neighbour[];
}

/** The one front door (implemented in src/core/index.ts by createEngine). Everything above the engine calls this. */
export interface Engine {
  /** Load (downloading if needed) an encoder/QA model by embedded name, folder path or hub id; cached per id+dtype. */
  load(source: string, opts?: LoadOptions): Promise<LoadedModel>;
  /** Added: drop a model loaded by `load` (every dtype) and release its session; a later load starts afresh. */
  unload?(source: string): Promise<void>;
  /** Embedded, cached and downloadable models the store knows about. */
  listModels(): Promise<ModelListing[]>;
  /** Check a model folder: files present, JSON parses, ONNX loads, tokenizer round-trips. */
  verify(source: string): Promise<{ ok: boolean; problems: string[] }>;
  loadStatic(pathOrName: string): Promise<StaticVectors>;
  /** Added: the model's own input token embeddings as static vectors (read from the ONNX file; one per word type). */
  inputEmbeddings?(model: LoadedModel): Promise<StaticVectors>;
  /** Positional encoding: the model's learned position vectors beside sin/cos ones (cached per model). */
  positions(model: LoadedModel): Promise<PositionReport>;
  /** BERT's masked-LM pretraining task on `text`: 15% of its pieces drawn (80% [MASK], 10% random, 10% kept), guessed back. */
  mlmTask(
    model: LoadedModel,
    text: string,
    opts?: { rate?: number; seed?: number; top?: number; signal?: AbortSignal },
  ): Promise<MlmTaskResult>;
  /** The word at `opts.at` matched against every word of a reference corpus at one layer (exBERT's corpus search). */
  reference(model: LoadedModel, text: string, opts: ReferenceOptions): Promise<ReferenceResult>;

  tokenize(model: LoadedModel, text: string): Promise<Tokenized>;
  /** Encode a document (cached by model + text hash; only windows touching opts.range when given). */
  encode(model: LoadedModel, text: string, opts?: EncodeOptions): Promise<Encoding>;

  /** Contextual vector of each word at a layer: mean of its subword vectors. Index = word index. */
  wordVectors(enc: Encoding, layer?: LayerChoice): Float32Array[];
  similar(enc: Encoding, word: string, opts?: { layer?: LayerChoice }): SimilarResult;
  vectors(
    enc: Encoding,
    word: string,
    // occurrence: 0-based, only that one; else the first maxOccurrences (default 200)
    opts?: { layer?: LayerChoice; top?: number; staticVectors?: StaticVectors; occurrence?: number; maxOccurrences?: number },
  ): VectorsResult;
  attention(enc: Encoding, wordIndex: number, opts?: { layer?: number | 'rollout'; head?: number | 'mean' }): AttentionResult;
  explain(model: LoadedModel, text: string, wordIndex: number, opts: { layer: number; head: number }): Promise<Explanation>;

  /** Top-k words for `[MASK]` in the text, or for the word covering char offset `at`. */
  mask(model: LoadedModel, text: string, opts?: { at?: number; top?: number; signal?: AbortSignal }): Promise<MaskResult>;
  /** mask()'s prediction read from every layer (0 = embeddings … L) through the model's own MLM head. */
  logitLens(model: LoadedModel, text: string, opts?: { at?: number; top?: number; signal?: AbortSignal }): Promise<LogitLensResult>;
  /** Cosine of two sentences' mean-pooled vectors at every layer. */
  similarity(model: LoadedModel, a: string, b: string, opts?: { signal?: AbortSignal }): Promise<SimilarityResult>;
  /** Occlusion attribution of mask()'s prediction (or of `target`): the effect of masking each other word. */
  occlude(
    model: LoadedModel,
    text: string,
    opts?: { at?: number; target?: string; batchSize?: number; signal?: AbortSignal },
  ): Promise<OcclusionResult>;
  /**
   * Occlusion attribution of an answer — the best one, or `answer` (a span of `document`, whole words) — its span
   * probability with each document word of its window masked.
   */
  occludeQa(
    model: LoadedModel,
    question: string,
    document: string,
    opts?: { batchSize?: number; signal?: AbortSignal; answer?: { start: number; end: number } },
  ): Promise<OcclusionResult>;
  /** Head ablation: switch attention heads off (HF head_mask) and see the target's probability and the new prediction. */
  ablate(model: LoadedModel, input: AblationInput, opts?: AblateOptions): Promise<AblationResult>;
  /** Every `[MASK]` of the text, filled jointly (iterative, most confident first; see core/fill-masks.ts). */
  fillMasks(model: LoadedModel, text: string, opts?: { top?: number; signal?: AbortSignal }): Promise<FillResult>;
  nsp(model: LoadedModel, a: string, b: string): Promise<NspResult>;
  answer(model: LoadedModel, question: string, document: string, opts?: QaOptions): Promise<QaResult>;

  dispose(): Promise<void>;
}

/** A model the store knows about: embedded, or in the download cache. */
export interface ModelListing {
  id: string;
  source: ModelInfo['source'];
  dir: string;
  dtypes: Dtype[];
  bytes: number;
  /** A cached download that is incomplete or has `.part-*` files (in progress, or left by a stopped download). */
  partial?: { parts: string[]; missing: string[] };
}

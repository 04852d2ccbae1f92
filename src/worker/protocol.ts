// Typed RPC between the extension host and the inference worker (and, through the client, the panel).
// Plain data only: everything here crosses a worker_threads boundary by structured clone. No `vscode` import.
import type { AutoChoice, Coverage, Language } from '../core/auto';
import { BERT_LENS_ERROR_CODES, type BertLensErrorCode, type Fix } from '../core/model/errors';
import type { WordInspection } from '../core/inspect';
import type { SenseVectors } from '../core/senses';
import type { SentencePair } from '../core/sentence-checks';
import type { TensorBundle, TensorKind } from '../shared/tensors';
import type { Range } from '../core/text/segments';
import { fromParts, partsOf, validParts, type KeptTexts, type Part } from '../core/text/kept';
import type { ModelComparison } from '../core/compare-models';
import type {
  AblationResult,
  CompareResult,
  AttentionMatrix,
  AttentionView,
  DownloadProgress,
  Dtype,
  Explanation,
  FillResult,
  HeadRef,
  LayerChoice,
  LogitLensResult,
  SimilarityResult,
  MaskPrediction,
  MaskResult,
  ModelInfo,
  OcclusionResult,
  MlmTaskResult,
  PositionReport,
  ReferenceResult,
  QaResult,
} from '../core/api';

/**
 * A document as the worker sees it. `text` is the *analysed* text: always exactly as long as the real document,
 * with everything BERT Lens must not read (code outside comments/strings, or parts of a huge document outside the
 * visible range) blanked to spaces — so every offset the worker returns is a document offset, with no mapping.
 * `version` is the editor's document version; answers for an older version than the newest one the client has seen
 * for the same uri are dropped (error code `STALE`).
 */
export interface DocInput {
  uri: string;
  version: number;
  text: string;
  /**
   * Only some ranges of the analysed text `source` are read (a document over maxDocumentChars, a paragraph alone):
   * `text` is then made from them when read, and the client sends the kept parts, not a full-length string (a 2 MB
   * string costs the host thread ~20 ms to post; the parts of a view, ~8 kB).
   */
  kept?: { source: string; ranges: Range[] };
}

/** A DocInput with `kept`, as it crosses to the worker: the length and the kept parts (core/text/kept.ts fromParts). */
export interface KeptDocInput {
  uri: string;
  version: number;
  length: number;
  parts: Part[];
}

export type WireDocInput = Pick<DocInput, 'uri' | 'version' | 'text'> | KeptDocInput;

/** A DocInput reading only `ranges` of the analysed text `texts.text`; its `text` is built (and remembered) if read. */
export function keptDocInput(uri: string, version: number, texts: KeptTexts, ranges: Range[]): DocInput {
  return {
    uri,
    version,
    kept: { source: texts.text, ranges },
    get text() {
      return texts.get(ranges);
    },
  };
}

export function toWireDoc(d: DocInput): WireDocInput {
  const { uri, version, kept } = d;
  return kept ? { uri, version, length: kept.source.length, parts: partsOf(kept.source, kept.ranges) } : { uri, version, text: d.text };
}

/** What `d` reads: its kept parts, or the whole text as one part. */
export function readParts(d: DocInput): Part[] {
  return d.kept ? partsOf(d.kept.source, d.kept.ranges) : [{ start: 0, text: d.text }];
}

/** Whether everything `d` reads outside [start, end) is blank (all it reads lies in that window). */
export function blankOutside(d: DocInput, start: number, end: number): boolean {
  const blank = (s: string) => !s.trim();
  return readParts(d).every((p) => blank(p.text.slice(0, Math.max(0, start - p.start))) && blank(p.text.slice(Math.max(0, end - p.start))));
}

/** Longest document text a KeptDocInput may describe (V8's string limit is ~2^29 characters). */
export const MAX_DOC_LENGTH = 2 ** 28;

/** The worker's DocInput for a wire one; `made` remembers the last texts built from parts, so the same parts give the
 * same string (the worker's caches compare texts, and the same string compares at once). Parts are compared whole:
 * one document version can be read two ways (its language mode changed, so its analysed text did). */
export function fromWireDoc(d: WireDocInput, made: Array<{ from: KeptDocInput; text: string }> = []): DocInput {
  if ('text' in d) return d;
  const same = (a: KeptDocInput) =>
    a.uri === d.uri &&
    a.version === d.version &&
    a.length === d.length &&
    a.parts.length === d.parts.length &&
    a.parts.every((p, i) => p.start === d.parts[i].start && p.text === d.parts[i].text);
  let hit = made.find((m) => same(m.from));
  if (!hit) {
    hit = { from: d, text: fromParts(d.length, d.parts) };
    made.unshift(hit);
    made.length = Math.min(made.length, 2);
  }
  return { uri: d.uri, version: d.version, text: hit.text };
}

/**
 * What the worker needs to load models; sent on start, whenever a reload-relevant setting changes, and when the
 * active document's language changes while a model setting is `auto`.
 */
export interface WorkerConfig {
  model: string; // encoder (MLM + NSP): embedded name, folder path, hub id or 'auto'
  qaModel: string;
  staticVectors: string; // word2vec binary: embedded name or path; '' = none; 'auto'
  /** The active document's language: which embedded models the `auto` slots load (other paragraphs load theirs on demand). Default en. */
  language?: Language;
  modelsDir: string; // embedded models folder (<extension>/models)
  cacheDir: string; // hub downloads (globalStorage)
  hubEndpoint: string;
  offline: boolean;
  threads: number; // 0 = auto
  dtype: Dtype | 'auto';
}

export type ModelRole = 'encoder' | 'qa' | 'static';

export interface ModelSlot {
  role: ModelRole;
  id: string; // as configured, or what `auto` resolved to for the active document
  auto?: boolean; // the id was chosen by `auto`
  state: 'unset' | 'loading' | 'ready' | 'error';
  info?: ModelInfo; // encoder / qa once ready
  staticInfo?: { source: string; dims: number; size: number }; // static vectors once ready
  error?: WireError;
}

export interface ModelsStatus {
  encoder: ModelSlot;
  qa: ModelSlot;
  static: ModelSlot;
}

export interface KnownModel {
  id: string;
  source: ModelInfo['source'];
  dir: string;
  dtypes: Dtype[];
  bytes: number;
}

// ---------- results ----------

export interface EncodeSummary {
  words: number;
  windows: number;
  ms: number;
}

/** The model a document operation ran on; `auto` is set when the setting was `auto` and says why. */
export interface Used {
  model: string;
  auto?: AutoChoice;
}

/** core/inspect.ts's WordInspection (occurrences capped at its MAX_OCCURRENCES) with the masked-LM substitutes. */
export interface InspectResult extends Used, WordInspection {
  layer: LayerChoice;
  substitutes: MaskPrediction[]; // masked-LM: what BERT would put here
  partial: boolean; // true when only the window around the word was encoded so far
}

export type { AttentionMatrix, AttentionView, ModelComparison, SenseVectors, SentencePair, WordInspection };

/**
 * The worker's high-level, document-oriented operations. Each method's last argument in the client is an optional
 * `{ signal, onProgress }`; here are the wire parameters and results.
 */
export interface WorkerApi {
  configure(cfg: WorkerConfig): ModelsStatus;
  models(): ModelsStatus;
  listModels(): KnownModel[];
  /** Download (if needed) and verify a model without activating it. Reports DownloadProgress. */
  prepare(source: string): ModelInfo;
  /**
   * Encode (and cache) the document, or only the windows touching `range`, tapping the hidden states of `layer`.
   * `at`: under `auto`, the offset whose paragraph picks the model (null: the range's start, else the whole document).
   */
  encode(doc: DocInput, range: { start: number; end: number } | null, layer: LayerChoice, at: number | null): EncodeSummary;
  inspect(doc: DocInput, offset: number, layer: LayerChoice, top: number): InspectResult;
  attention(doc: DocInput, offset: number, layer: number | 'rollout' | 'last', head: number | 'mean'): AttentionView;
  attentionMatrix(doc: DocInput, offset: number): AttentionMatrix;
  explain(doc: DocInput, offset: number, layer: number, head: number): Explanation;
  /** Predictions for the word covering `offset`, or for a literal [MASK] there. */
  mask(doc: DocInput, offset: number, top: number): MaskResult & Used;
  /** mask()'s prediction for the same word read from every layer through the model's own MLM head (logit lens). */
  logitLens(doc: DocInput, offset: number, top: number): LogitLensResult & Used;
  /**
   * Two spans of the document (e.g. two sentences) compared layer by layer, each encoded alone (core/similarity.ts),
   * with the NSP head's P(B follows A) (null: the model has no NSP head; nspCut: it read the pair cut to fit).
   */
  similarity(
    doc: DocInput,
    a: { start: number; end: number },
    b: { start: number; end: number },
  ): SimilarityResult & Used & { isNext: number | null; nspCut: boolean };
  /**
   * The word at `offset` and another occurrence of it (`other`: that occurrence's start; null or not one: the next
   * occurrence, else the previous), cosine at every layer and nearest words in each context (core/vectors.ts
   * compareOccurrences; each read with the windows around it). `occurrences`: where the word occurs, at most 200
   * nearest `offset`, in document order; `total`: how many there are.
   */
  occurrencePair(
    doc: DocInput,
    offset: number,
    other: number | null,
    top: number,
  ): CompareResult & Used & { occurrences: Array<{ start: number; end: number }>; total: number };
  /**
   * Head ablation of the word at `offset` (or a literal [MASK] there; task mask, encoder) or of the best answer to
   * `question` (task qa, QA model): `off` switched off, and with `importance` every head off alone.
   */
  ablate(doc: DocInput, offset: number, task: 'mask' | 'qa', question: string, off: HeadRef[], importance: boolean): AblationResult & Used;
  /**
   * Occlusion attribution of the word at `offset` (or a literal [MASK] there; task mask, encoder, read within its
   * paragraph) or of the best answer to `question` (task qa, QA model): the target's probability with each other
   * word masked. `read`: the characters the model read.
   */
  /** `answer` (qa): the span to explain, e.g. the answer the user picked; null: the model's best answer. */
  occlude(
    doc: DocInput,
    offset: number,
    task: 'mask' | 'qa',
    question: string,
    answer: { start: number; end: number } | null,
  ): OcclusionResult & Used & { read: { start: number; end: number } };
  /** Word-level attention, hidden states and head census of the words of `range` (empty: the window around it), for export. */
  tensors(doc: DocInput, range: { start: number; end: number }, what: TensorKind[]): TensorBundle;
  /** Every [MASK] of the paragraph around `offset`, filled jointly (offsets into the document). */
  fillMasks(doc: DocInput, offset: number, top: number): FillResult & Used;
  nsp(doc: DocInput): SentencePair[];
  /** Answers to `question` over the whole document; with `positions`, P(start)/P(end) behind the best one. */
  qa(doc: DocInput, question: string, top: number, positions: boolean): QaResult & Used;
  /** BERT's masked-LM pretraining task on the paragraph at `offset`: 15% of its pieces drawn (seeded) and guessed back. */
  mlmTask(doc: DocInput, offset: number, seed: number): MlmTaskResult & Used;
  /** The word at `offset` against every word of a reference corpus at `layer` (-1 = last; core/reference.ts): the file
   * `corpus` (an absolute path), or null for the embedded one for the word's script. */
  reference(doc: DocInput, offset: number, layer: number, top: number, corpus: string | null): ReferenceResult & Used;
  /** Positional encoding of the document's encoder: its learned position vectors beside sin/cos (core/positions.ts). */
  positions(doc: DocInput): PositionReport & Used;
  /** How much of the document the encoder (or QA model) reads as [UNK]: one entry per model used (under `auto`, per language). */
  coverage(doc: DocInput, kind: 'encoder' | 'qa'): Coverage[];
  senseVectors(doc: DocInput, word: string | null, layer: LayerChoice): SenseVectors;
  /**
   * The word at `offset` read by the document's encoder (as `pick` chooses it) and by model `against`, side by side
   * (core/compare-models.ts), within their windows around the word. `against` stays loaded until another is asked for.
   */
  compareModels(doc: DocInput, offset: number, against: string, top: number): ModelComparison & Used;
  /** Drop cached encodings for a closed document. */
  forget(uri: string): null;
}

export type Method = keyof WorkerApi;
export type Params<M extends Method> = Parameters<WorkerApi[M]>;
export type Result<M extends Method> = ReturnType<WorkerApi[M]>;

/**
 * How each method travels — the one place a new worker call is registered besides its WorkerApi signature and its
 * handler. `params`: the wire arity (the client strips its trailing CallOptions); `doc`: the first parameter is a
 * document, which carries a version and can go stale; `immediate`: answered at once outside the worker's one-job
 * queue (cheap, or network-bound: downloads must not block hovers). tsc checks `params` and `doc` against WorkerApi.
 */
type MethodSpec<M extends Method> = {
  params: Params<M>['length'];
  doc: Params<M> extends [DocInput, ...unknown[]] ? true : false;
  immediate: boolean;
};

export const METHOD_TABLE: { readonly [M in Method]: MethodSpec<M> } = {
  configure: { params: 1, doc: false, immediate: false },
  models: { params: 0, doc: false, immediate: true },
  listModels: { params: 0, doc: false, immediate: true },
  prepare: { params: 1, doc: false, immediate: true },
  encode: { params: 4, doc: true, immediate: false },
  inspect: { params: 4, doc: true, immediate: false },
  attention: { params: 4, doc: true, immediate: false },
  attentionMatrix: { params: 2, doc: true, immediate: false },
  explain: { params: 4, doc: true, immediate: false },
  mask: { params: 3, doc: true, immediate: false },
  logitLens: { params: 3, doc: true, immediate: false },
  similarity: { params: 3, doc: true, immediate: false },
  occurrencePair: { params: 4, doc: true, immediate: false },
  ablate: { params: 6, doc: true, immediate: false },
  occlude: { params: 5, doc: true, immediate: false },
  tensors: { params: 3, doc: true, immediate: false },
  fillMasks: { params: 3, doc: true, immediate: false },
  nsp: { params: 1, doc: true, immediate: false },
  qa: { params: 4, doc: true, immediate: false },
  positions: { params: 1, doc: true, immediate: false },
  mlmTask: { params: 3, doc: true, immediate: false },
  reference: { params: 5, doc: true, immediate: false },
  coverage: { params: 2, doc: true, immediate: false },
  senseVectors: { params: 3, doc: true, immediate: false },
  compareModels: { params: 4, doc: true, immediate: false },
  forget: { params: 1, doc: false, immediate: true },
};

const METHOD_NAMES = Object.keys(METHOD_TABLE) as Method[];

/** Methods whose first parameter is a document: they carry a version and can go stale. */
export const DOC_METHODS: ReadonlySet<Method> = new Set(METHOD_NAMES.filter((m) => METHOD_TABLE[m].doc));

/** What a method is handled by in the worker: its wire parameters plus the job context, its result (or a promise). */
export type HandlerTable<Context> = { [M in Method]: (...args: [...Params<M>, Context]) => Result<M> | Promise<Result<M>> };

// ---------- wire messages ----------

const WIRE_CODES = [
  'STALE', // a newer version of the document was requested
  'CANCELLED',
  'NOT_READY', // model still loading or failed to load
  'NO_WORD', // nothing analysable at the offset
  'WORKER_DIED',
  'BAD_REQUEST',
  'INTERNAL',
] as const;

/** The one error vocabulary from core through the worker to the host and the panel: the engine's codes pass through. */
export type ErrorCode = BertLensErrorCode | (typeof WIRE_CODES)[number];

const ERROR_CODES: ReadonlySet<string> = new Set<string>([...BERT_LENS_ERROR_CODES, ...WIRE_CODES]);
export const isErrorCode = (c: unknown): c is ErrorCode => typeof c === 'string' && ERROR_CODES.has(c);

export interface WireError {
  code: ErrorCode;
  message: string;
  /** What the user can change; the host says it as a setting or command (src/extension/advice.ts). */
  fix?: Fix[];
}

export type ToWorker = { type: 'request'; id: number; method: Method; params: unknown[] } | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'response'; id: number; ok: true; result: unknown; ms: number }
  | { type: 'response'; id: number; ok: false; error: WireError; ms: number }
  | { type: 'progress'; id: number; progress: DownloadProgress | { done: number; total: number } }
  | { type: 'log'; level: 'info' | 'error'; message: string }
  | { type: 'status'; status: ModelsStatus };

export function isMethod(m: unknown): m is Method {
  return typeof m === 'string' && Object.hasOwn(METHOD_TABLE, m);
}

export function isDocInput(d: unknown): d is WireDocInput {
  const x = d as DocInput & KeptDocInput;
  if (!x || typeof x.uri !== 'string' || !Number.isInteger(x.version)) return false;
  if (typeof x.text === 'string') return true;
  return Number.isInteger(x.length) && x.length >= 0 && x.length <= MAX_DOC_LENGTH && validParts(x.length, x.parts);
}

/** Validates a message arriving in the worker; returns a reason when it is malformed. */
export function validateRequest(msg: unknown): { ok: true; msg: ToWorker } | { ok: false; reason: string } {
  const m = msg as ToWorker;
  if (!m || typeof m !== 'object') return { ok: false, reason: 'message is not an object' };
  if (!Number.isInteger(m.id)) return { ok: false, reason: 'missing numeric id' };
  if (m.type === 'cancel') return { ok: true, msg: m };
  if (m.type !== 'request') return { ok: false, reason: `unknown message type ${String((m as { type: unknown }).type)}` };
  if (!isMethod(m.method)) return { ok: false, reason: `unknown method ${String(m.method)}` };
  if (!Array.isArray(m.params)) return { ok: false, reason: 'params must be an array' };
  const arity = METHOD_TABLE[m.method].params;
  if (m.params.length !== arity) return { ok: false, reason: `${m.method} takes ${arity} parameter(s), got ${m.params.length}` };
  if (DOC_METHODS.has(m.method) && !isDocInput(m.params[0])) {
    return { ok: false, reason: `${m.method}: first parameter must be {uri, version, text} or {uri, version, length, parts}` };
  }
  return { ok: true, msg: m };
}

/** Turns anything thrown into the wire error shape, keeping engine codes. */
export function toWireError(e: unknown): WireError {
  if (e && typeof e === 'object') {
    const x = e as { code?: unknown; message?: unknown; name?: unknown; details?: { fix?: Fix[] }; fix?: Fix[] };
    if (x.name === 'AbortError') return { code: 'CANCELLED', message: 'The request was cancelled.' };
    if (typeof x.message === 'string') {
      const fix = x.details?.fix ?? x.fix;
      return { code: isErrorCode(x.code) ? x.code : 'INTERNAL', message: x.message, ...(fix?.length ? { fix } : {}) };
    }
  }
  return { code: 'INTERNAL', message: String(e) };
}

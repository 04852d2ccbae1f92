// WorkerApi implemented on the Engine: a per-document encoding cache and the document operations, on the models
// WorkerModels picks (models.ts).
// Runs inside the worker thread; plain Node, so tests drive it through a real worker or directly.
import type {
  AblationResult,
  Encoding,
  Engine,
  FillResult,
  HeadRef,
  LayerChoice,
  LoadedModel,
  LogitLensResult,
  SimilarityResult,
  MaskResult,
  OcclusionResult,
  MlmTaskResult,
  QaResult,
  ReferenceResult,
  StoreOptions,
} from '../core/api';
import path from 'node:path';
import { paragraphAround } from '../core/text/paragraphs';
import { keepOnly } from '../core/text/segments';
import type {
  AttentionMatrix,
  AttentionView,
  DocInput,
  HandlerTable,
  InspectResult,
  Method,
  Params,
  Result,
  SenseVectors,
  SentencePair,
  Used,
} from './protocol';
import { inspectWord, substitutes } from '../core/inspect';
import { senseVectors } from '../core/senses';
import { sentenceChecks } from '../core/sentence-checks';
import { compareModels, type ModelComparison } from '../core/compare-models';
import { compareOccurrences, occurrences, resolveLayers } from '../core/vectors';
import { windowOf } from '../core/encode';
import { COMPACT_HIDDEN_ABOVE } from '../core/hidden-rows';
import { attentionMatrix, attentionView } from '../core/attention';
import { tensorBundle, tensorLayers } from '../core/tensors';
import { TENSOR_KINDS, type TensorBundle, type TensorKind } from '../shared/tensors';
import { wordAt } from '../core/text/tokenizer';
import { maskLiteralAt, onlyMaskAt } from '../core/mlm';

import { HandledError, WorkerModels, type Events, type JobContext } from './models';

export type { JobContext };

/** A document's full encoding for one model, with the text and hidden layers it was made from. */
interface Cached {
  text: string;
  layers: string;
  enc: Encoding;
}

/** The cached encoding fits this text and these layers. Strings compare by content: a few hundred microseconds on a
 * 10 MB document where hashing it for a key cost ~30 ms on every hover (the text arrives as a new string each time). */
const hits = (c: Cached, text: string, layers: string) => c.layers === layers && c.text === text;

export class Handlers {
  private readonly models: WorkerModels;
  /**
   * uri → model id → the last full encoding (with the text hash): hovers and views answer from here without
   * re-encoding. Per model: under `auto` a mixed document is read by two.
   */
  private readonly docs = new Map<string, Map<string, Cached>>();
  private readonly maskCache = new Map<string, MaskResult>(); // insertion order = age

  constructor(create: (opts: StoreOptions) => Engine, events: Events) {
    this.models = new WorkerModels(create, events, () => this.docs.clear());
  }

  /** Every WorkerApi method, typed by its signature (protocol.ts METHOD_TABLE says how it travels). */
  private readonly table: HandlerTable<JobContext> = {
    configure: (cfg, ctx) => this.models.configure(cfg, ctx),
    models: () => this.models.status,
    listModels: () => this.eng().listModels(),
    prepare: (source, ctx) =>
      this.eng()
        .load(source, { onProgress: (x) => ctx.progress(x), signal: ctx.signal })
        .then((m) => m.info),
    encode: (doc, range, layer, at, ctx) => this.encodeSummary(doc, range, layer, at, ctx),
    inspect: (doc, offset, layer, top, ctx) => this.inspect(doc, offset, layer, top, ctx),
    attention: (doc, offset, layer, head, ctx) => this.attention(doc, offset, layer, head, ctx),
    attentionMatrix: (doc, offset, ctx) => this.attentionMatrix(doc, offset, ctx),
    explain: (doc, offset, layer, head, ctx) => this.explain(doc, offset, layer, head, ctx),
    mask: (doc, offset, top, ctx) => this.mask(doc, offset, top, ctx),
    logitLens: (doc, offset, top, ctx) => this.logitLens(doc, offset, top, ctx),
    similarity: (doc, a, b, ctx) => this.similarity(doc, a, b, ctx),
    ablate: (doc, offset, task, question, off, importance, ctx) => this.ablate(doc, offset, task, question, off, importance, ctx),
    occlude: (doc, offset, task, question, answer, ctx) => this.occlude(doc, offset, task, question, answer, ctx),
    tensors: (doc, range, what, ctx) => this.tensors(doc, range, what, ctx),
    fillMasks: (doc, offset, top, ctx) => this.fillMasks(doc, offset, top, ctx),
    mlmTask: (doc, offset, seed, ctx) => this.mlmTask(doc, offset, seed, ctx),
    reference: (doc, offset, layer, top, corpus, ctx) => this.reference(doc, offset, layer, top, corpus, ctx),
    nsp: (doc, ctx) => this.nsp(doc, ctx),
    qa: (doc, question, top, positions, ctx) => this.qa(doc, question, top, positions === true, ctx),
    positions: async (doc) => {
      const { model, used } = await this.pick('encoder', doc);
      return { ...(await this.eng().positions(model)), ...used };
    },
    coverage: (doc, kind) => this.models.coverage(doc, kind),
    senseVectors: (doc, word, layer, ctx) => this.senseVectors(doc, word, layer, ctx),
    occurrencePair: (doc, offset, other, top, ctx) => this.occurrencePair(doc, offset, other, top, ctx),
    compareModels: (doc, offset, against, top, ctx) => this.compareModels(doc, offset, against, top, ctx),
    forget: (uri) => {
      this.docs.delete(uri);
      return null;
    },
  };

  /** Runs `method` on wire parameters that validateRequest checked (a known method, its arity, a document first). */
  handle<M extends Method>(method: M, params: Params<M>, ctx: JobContext): Promise<Result<M>> | Result<M> {
    const fn = this.table[method] as (...args: [...Params<M>, JobContext]) => Result<M> | Promise<Result<M>>;
    return fn(...params, ctx);
  }

  private eng(): Engine {
    return this.models.eng();
  }

  private pick(role: 'encoder' | 'qa', doc: DocInput, offset?: number): Promise<{ model: LoadedModel; used: Used }> {
    return this.models.pick(role, doc, offset);
  }

  /** Hidden layers to tap for a layer choice: only those (a 12-layer model × 13 hidden states adds up fast). */
  private hiddenFor(model: LoadedModel, layer: LayerChoice): number[] {
    return resolveLayers(layer, model.info.layers);
  }

  /**
   * The full-document encoding, from cache when uri + model + text + layers match; otherwise the engine
   * re-encodes only windows whose tokens changed (its window cache is keyed by content).
   */
  private async full(doc: DocInput, ctx: JobContext, layer: LayerChoice, model: LoadedModel): Promise<Encoding> {
    const hiddenLayers = this.hiddenFor(model, layer);
    const layers = hiddenLayers.join(',');
    const hit = this.cached(doc.uri, model);
    if (hit && hits(hit, doc.text, layers)) return hit.enc;
    const enc = await this.eng().encode(model, doc.text, {
      hiddenLayers,
      compactHiddenAbove: COMPACT_HIDDEN_ABOVE,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress({ done, total }),
    });
    let perModel = this.docs.get(doc.uri);
    if (!perModel) this.docs.set(doc.uri, (perModel = new Map<string, Cached>()));
    perModel.set(model.info.id, { text: doc.text, layers, enc });
    return enc;
  }

  private cached(uri: string, model: LoadedModel) {
    return this.docs.get(uri)?.get(model.info.id);
  }

  /** Cached full encoding, or just the window(s) around `offset` when the document is not encoded yet. */
  /** `layer`: the hidden layers a vector view averages, or `{ attention }`: the attention layers a view shows (the
   * overlay taps one layer, not all: 151 MB per 512-token window on BERT-base for every layer). */
  private async around(
    doc: DocInput,
    offset: number,
    ctx: JobContext,
    layer: LayerChoice | { attention: number[] | 'all' },
    model: LoadedModel,
  ): Promise<{ enc: Encoding; partial: boolean }> {
    const attention = typeof layer === 'object';
    const hiddenLayers = attention ? [] : this.hiddenFor(model, layer);
    const hit = this.cached(doc.uri, model);
    if (!attention && hit && hits(hit, doc.text, hiddenLayers.join(','))) return { enc: hit.enc, partial: false };
    const enc = await this.eng().encode(model, doc.text, {
      hiddenLayers,
      attentionLayers: attention ? layer.attention : [],
      range: { start: offset, end: offset + 1 },
      signal: ctx.signal,
    });
    const first = enc.windows[0],
      last = enc.windows[enc.windows.length - 1];
    const partial = !first || !last || first.wordStart > 0 || last.wordEnd < enc.tok.words.length;
    return { enc, partial };
  }

  private async encodeSummary(
    doc: DocInput,
    range: { start: number; end: number } | null,
    layer: LayerChoice,
    at: number | null,
    ctx: JobContext,
  ) {
    const t0 = performance.now();
    const { model } = await this.pick('encoder', doc, at ?? range?.start);
    let enc: Encoding;
    if (range) {
      enc = await this.eng().encode(model, doc.text, { hiddenLayers: this.hiddenFor(model, layer), range, signal: ctx.signal });
    } else enc = await this.full(doc, ctx, layer, model);
    return { words: enc.tok.words.length, windows: enc.windows.length, ms: Math.round(performance.now() - t0) };
  }

  private wordIndex(enc: Encoding, offset: number): number {
    const w = wordAt(enc.tok, offset);
    if (w < 0)
      throw new HandledError('NO_WORD', 'There is no analysed word at this position (in code files only comments and strings are read).');
    return w;
  }

  /** The inspection (core/inspect.ts) of the word at `offset`, on the cached encoding or the window around it. */
  private async inspect(doc: DocInput, offset: number, layer: LayerChoice, top: number, ctx: JobContext): Promise<InspectResult> {
    const { model, used } = await this.pick('encoder', doc, offset);
    const { enc, partial } = await this.around(doc, offset, ctx, layer, model);
    const wi = this.wordIndex(enc, offset);
    const staticVectors = await this.models.staticAt(doc, offset);
    const r = inspectWord(enc, wi, { layer, top, staticVectors });
    ctx.signal.throwIfAborted();
    // Masked-LM needs its own run (the word masked); hovering the same word again answers from this cache.
    const mkey = `${enc.model.id}\u0000${enc.textHash}\u0000${r.word.start}\u0000${top}`;
    let masked = this.maskCache.get(mkey);
    if (!masked) {
      masked = await substitutes(this.eng(), model, doc.text, { at: r.word.start, top, signal: ctx.signal });
      this.maskCache.set(mkey, masked);
      if (this.maskCache.size > 256) this.maskCache.delete(this.maskCache.keys().next().value!);
    }
    return { ...used, ...r, layer, substitutes: masked.predictions, partial };
  }

  /** Masked-LM at the word under `offset`, or at a literal [MASK] there (other [MASK]s are blanked for this run). */
  private async mask(doc: DocInput, offset: number, top: number, ctx: JobContext): Promise<MaskResult & Used> {
    const { model, used } = await this.pick('encoder', doc, offset);
    const lit = maskLiteralAt(doc.text, offset);
    const input = lit < 0 ? { text: doc.text, at: offset } : { text: onlyMaskAt(doc.text, lit), at: undefined };
    return { ...(await substitutes(this.eng(), model, input.text, { at: input.at, top, signal: ctx.signal })), ...used };
  }

  /** The logit lens of the word at `offset` (or of a literal [MASK] there), as mask() reads it. */
  private async logitLens(doc: DocInput, offset: number, top: number, ctx: JobContext): Promise<LogitLensResult & Used> {
    const { model, used } = await this.pick('encoder', doc, offset);
    const eng = this.eng();
    const lit = maskLiteralAt(doc.text, offset);
    if (lit < 0) return { ...(await eng.logitLens(model, doc.text, { at: offset, top, signal: ctx.signal })), ...used };
    const text = onlyMaskAt(doc.text, lit);
    return { ...(await eng.logitLens(model, text, { top, signal: ctx.signal })), ...used };
  }

  /** Two spans of the document compared layer by layer (and by NSP); the model is the one the first span's paragraph picks. */
  private async similarity(
    doc: DocInput,
    a: { start: number; end: number },
    b: { start: number; end: number },
    ctx: JobContext,
  ): Promise<SimilarityResult & Used & { isNext: number | null; nspCut: boolean }> {
    const inside = (r: { start: number; end: number }) =>
      Number.isInteger(r?.start) && Number.isInteger(r?.end) && r.start >= 0 && r.start < r.end && r.end <= doc.text.length;
    if (!inside(a) || !inside(b)) throw new HandledError('BAD_REQUEST', 'similarity: two non-empty ranges inside the document');
    const { model, used } = await this.pick('encoder', doc, a.start);
    const [ta, tb] = [a, b].map((r) => doc.text.slice(r.start, r.end));
    const r = await this.eng().similarity(model, ta, tb, { signal: ctx.signal });
    // Similar is not "follows": the NSP head's verdict on the same pair, beside the cosines.
    const n = model.info.capabilities.nsp ? await this.eng().nsp(model, ta, tb) : null;
    return { ...r, ...used, isNext: n?.isNext ?? null, nspCut: n?.cut !== undefined };
  }

  /** The same word in two places, layer by layer: each occurrence read with every hidden layer of its own windows. */
  private async occurrencePair(doc: DocInput, offset: number, other: number | null, top: number, ctx: JobContext) {
    const { model, used } = await this.pick('encoder', doc, offset);
    const hiddenLayers = Array.from({ length: model.info.layers + 1 }, (_, l) => l);
    const at = (o: number) => this.eng().encode(model, doc.text, { hiddenLayers, range: { start: o, end: o + 1 }, signal: ctx.signal });
    const encA = await at(offset);
    const a = this.wordIndex(encA, offset);
    const word = encA.tok.words.get(a);
    const occ = occurrences(encA, word.text);
    const others = occ.filter((i) => i !== a);
    if (!others.length)
      throw new HandledError('BAD_INPUT', `"${word.text}" occurs once in this document. Write it in a second context to compare the two.`);
    const b = others.find((i) => encA.tok.words.starts[i] === other) ?? others.find((i) => i > a) ?? others[others.length - 1];
    const encB = windowOf(encA, b) ? encA : await at(encA.tok.words.starts[b]);
    const r = compareOccurrences(encA, a, b, top, encB);
    // The picker lists the occurrences nearest the cursor (a word can occur 20,000 times in a long document).
    const k = occ.indexOf(a);
    const from = Math.max(0, Math.min(k - 100, occ.length - 200));
    const near = occ.slice(from, from + 200).map((i) => ({ start: encA.tok.words.starts[i], end: encA.tok.words.ends[i] }));
    return { ...r, ...used, occurrences: near, total: occ.length };
  }

  /** Head ablation of the word at `offset` (as mask() reads it) or of the best answer to `question`. */
  private async ablate(
    doc: DocInput,
    offset: number,
    task: 'mask' | 'qa',
    question: string,
    off: HeadRef[],
    importance: boolean,
    ctx: JobContext,
  ): Promise<AblationResult & Used> {
    const opts = { off, importance, signal: ctx.signal };
    if (task === 'qa') {
      const { model, used } = await this.pick('qa', doc);
      return { ...(await this.eng().ablate(model, { task, question, document: doc.text }, opts)), ...used };
    }
    const { model, used } = await this.pick('encoder', doc, offset);
    const lit = maskLiteralAt(doc.text, offset);
    const input = lit < 0 ? { task, text: doc.text, at: offset } : { task, text: onlyMaskAt(doc.text, lit) };
    return { ...(await this.eng().ablate(model, input, opts)), ...used };
  }

  /**
   * Occlusion of the word at `offset` within its paragraph (one model run per other word, batched: a paragraph
   * bounds the cost where a 512-token window would be 500 rows), or of the best answer to `question` in its window.
   */
  private async occlude(
    doc: DocInput,
    offset: number,
    task: 'mask' | 'qa',
    question: string,
    answer: { start: number; end: number } | null,
    ctx: JobContext,
  ): Promise<OcclusionResult & Used & { read: { start: number; end: number } }> {
    const read = (r: OcclusionResult) => {
      const all = [...r.words, r];
      return { start: Math.min(...all.map((w) => w.start)), end: Math.max(...all.map((w) => w.end)) };
    };
    if (task === 'qa') {
      const { model, used } = await this.pick('qa', doc);
      const r = await this.eng().occludeQa(model, question, doc.text, { signal: ctx.signal, answer: answer ?? undefined });
      return { ...r, ...used, read: read(r) };
    }
    const { model, used } = await this.pick('encoder', doc, offset);
    const lit = maskLiteralAt(doc.text, offset);
    const text = keepOnly(lit < 0 ? doc.text : onlyMaskAt(doc.text, lit), [paragraphAround(doc.text, offset)]);
    const r = await this.eng().occlude(model, text, { at: lit < 0 ? offset : undefined, signal: ctx.signal });
    return { ...r, ...used, read: read(r) };
  }

  /** The tensor export of the words of `range` in the window around its start (core/tensors.ts). */
  private async tensors(doc: DocInput, range: { start: number; end: number }, what: TensorKind[], ctx: JobContext): Promise<TensorBundle> {
    const ok = Number.isInteger(range?.start) && Number.isInteger(range?.end) && range.start >= 0 && range.end <= doc.text.length;
    if (!ok || !Array.isArray(what) || !what.length || what.some((w) => !TENSOR_KINDS.includes(w))) {
      throw new HandledError('BAD_REQUEST', `tensors: a range inside the document and a non-empty list of ${TENSOR_KINDS.join(', ')}`);
    }
    const { model } = await this.pick('encoder', doc, range.start);
    const enc = await this.eng().encode(model, doc.text, {
      ...tensorLayers(what),
      range: { start: range.start, end: Math.max(range.end, range.start + 1) },
      signal: ctx.signal,
    });
    return tensorBundle(enc, range, what);
  }

  /** BERT's masked-LM task on the paragraph at `offset` (core/mlm-task.ts), offsets moved back into the document. */
  private async mlmTask(doc: DocInput, offset: number, seed: number, ctx: JobContext): Promise<MlmTaskResult & Used> {
    const { model, used } = await this.pick('encoder', doc, offset);
    const para = paragraphAround(doc.text, offset);
    const r = await this.eng().mlmTask(model, doc.text.slice(para.start, para.end), { seed, signal: ctx.signal });
    const at = <T extends { start: number; end: number }>(x: T): T => ({ ...x, start: x.start + para.start, end: x.end + para.start });
    return { ...r, read: at(r.read), items: r.items.map(at), ...used };
  }

  /** The word at `offset` against the reference corpus (core/reference.ts); its first search at a layer reads the corpus. */
  private async reference(
    doc: DocInput,
    offset: number,
    layer: number,
    top: number,
    corpus: string | null,
    ctx: JobContext,
  ): Promise<ReferenceResult & Used> {
    if (corpus !== null && (typeof corpus !== 'string' || !path.isAbsolute(corpus)))
      throw new HandledError('BAD_REQUEST', 'reference: the corpus is an absolute path or null');
    const { model, used } = await this.pick('encoder', doc, offset);
    const r = await this.eng().reference(model, doc.text, {
      at: offset,
      layer,
      top,
      corpus: corpus ?? undefined,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p),
    });
    return { ...r, ...used };
  }

  /** The paragraph's [MASK]s filled jointly (core/fill-masks.ts), offsets moved back into the document. */
  private async fillMasks(doc: DocInput, offset: number, top: number, ctx: JobContext): Promise<FillResult & Used> {
    const { model, used } = await this.pick('encoder', doc, offset);
    const para = paragraphAround(doc.text, offset);
    const r = await this.eng().fillMasks(model, doc.text.slice(para.start, para.end), { top, signal: ctx.signal });
    return { ...r, masks: r.masks.map((m) => ({ ...m, start: m.start + para.start, end: m.end + para.start })), ...used };
  }

  private async qa(doc: DocInput, question: string, top: number, positions: boolean, ctx: JobContext): Promise<QaResult & Used> {
    // QA reads the whole document with one model: under auto, the one for the document's majority language.
    const { model, used } = await this.pick('qa', doc);
    const r = await this.eng().answer(model, question, doc.text, {
      top,
      positions,
      signal: ctx.signal,
      onProgress: (x) => ctx.progress(x),
    });
    return { ...r, ...used };
  }

  private async attention(
    doc: DocInput,
    offset: number,
    layer: number | 'rollout' | 'last',
    head: number | 'mean',
    ctx: JobContext,
  ): Promise<AttentionView> {
    const { model } = await this.pick('encoder', doc, offset);
    if (!model.info.capabilities.attention) {
      throw new HandledError(
        'ATTENTION_UNAVAILABLE',
        `The model "${model.info.id}" computes attention in a fused operator, so BERT Lens cannot show it. Pick an unfused export (e.g. a Xenova conversion).`,
      );
    }
    const L = layer === 'last' ? model.info.layers : layer;
    const shown = L === 'rollout' || !(L >= 1 && L <= model.info.layers) ? 'all' : [L]; // a bad layer: the engine says so
    const { enc } = await this.around(doc, offset, ctx, { attention: shown }, model);
    return attentionView(enc, this.wordIndex(enc, offset), { layer: L, head });
  }

  private async attentionMatrix(doc: DocInput, offset: number, ctx: JobContext): Promise<AttentionMatrix> {
    const { model } = await this.pick('encoder', doc, offset);
    const { enc } = await this.around(doc, offset, ctx, { attention: 'all' }, model);
    return attentionMatrix(enc, this.wordIndex(enc, offset));
  }

  private async explain(doc: DocInput, offset: number, layer: number, head: number, ctx: JobContext) {
    const { model } = await this.pick('encoder', doc, offset);
    const tok = await this.eng().tokenize(model, doc.text);
    ctx.signal.throwIfAborted();
    const wi = wordAt(tok, offset);
    if (wi < 0) throw new HandledError('NO_WORD', 'There is no analysed word at this position.');
    return this.eng().explain(model, doc.text, wi, { layer, head });
  }

  private async nsp(doc: DocInput, ctx: JobContext): Promise<SentencePair[]> {
    // Pairs never cross a blank line, so under auto each pair is read by its paragraph's model.
    const modelAt = async (at: number) => (await this.pick('encoder', doc, at)).model;
    return sentenceChecks(this.eng(), doc.text, modelAt, {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress({ done, total }),
    });
  }

  private async senseVectors(doc: DocInput, word: string | null, layer: LayerChoice, ctx: JobContext): Promise<SenseVectors> {
    const { model } = await this.pick('encoder', doc);
    return senseVectors(await this.full(doc, ctx, layer, model), doc.text, word, layer);
  }

  /** The encoder of the word's paragraph vs `against` (models.ts keeps one such model), in their windows around it. */
  private async compareModels(
    doc: DocInput,
    offset: number,
    against: string,
    top: number,
    ctx: JobContext,
  ): Promise<ModelComparison & Used> {
    const { model, used } = await this.pick('encoder', doc, offset);
    const other = await this.models.against(against, ctx);
    return { ...(await compareModels(this.eng(), model, other, doc.text, offset, { top, signal: ctx.signal })), ...used };
  }
}

// WorkerApi implemented on the Engine: model slots, a per-document encoding cache and the document operations.
// Runs inside the worker thread; plain Node, so tests drive it through a real worker or directly.
import { createHash } from 'node:crypto';
import type { Encoding, Engine, LayerChoice, LoadedModel, MaskResult, QaResult, StaticVectors, StoreOptions } from '../core/api';
import { chooseLanguage, countUnknown, EMBEDDED, isAuto, paragraphsByLanguage, resolveModel, type Coverage, type Language } from '../core/auto';
import type {
  AttentionMatrix, AttentionView, DocInput, InspectResult, KnownModel, Method, ModelSlot, ModelsStatus, SenseVectors,
  SentencePair, Used, WireError, WorkerConfig,
} from '../protocol';
import { toWireError } from '../protocol';
import type { Fix } from '../core/model/errors';
import { occurrences as occurrenceIndices, resolveLayers } from '../core/vectors';
import { cosine, rollout, wordAttention, wordAt } from './attention-math';
import { adjacentPairs } from './sentences';
import { keepOnly } from './segments';

export interface JobContext {
  signal: AbortSignal;
  progress: (p: { model: string; file: string; loaded: number; total: number } | { done: number; total: number }) => void;
}

interface Events {
  log(level: 'info' | 'error', message: string): void;
  status(s: ModelsStatus): void;
}

class HandledError extends Error {
  constructor(readonly code: string, message: string, readonly fix?: Fix[]) {
    super(message);
  }
}

const MAX_NSP_PAIRS = 300;
const slot = (role: ModelSlot['role'], id = ''): ModelSlot => ({ role, id, state: id ? 'loading' : 'unset' });
const hashOf = (text: string) => createHash('sha1').update(text).digest('hex');

export class Handlers {
  private engine: Engine | undefined;
  private storeKey = '';
  private encoder: LoadedModel | undefined;
  private qaModel: LoadedModel | undefined;
  private vectors: StaticVectors | undefined;
  private status: ModelsStatus = { encoder: slot('encoder'), qa: slot('qa'), static: slot('static') };
  private settings = { model: '', qaModel: '', staticVectors: '' };
  /**
   * uri → model id → the last full encoding (with the text hash): hovers and views answer from here without
   * re-encoding. Per model: under `auto` a mixed document is read by two.
   */
  private readonly docs = new Map<string, Map<string, { key: string; enc: Encoding }>>();
  private readonly failedStatic = new Set<string>();
  private readonly maskCache = new Map<string, MaskResult>(); // insertion order = age

  constructor(private readonly create: (opts: StoreOptions) => Engine, private readonly events: Events) {}

  handle(method: Method, p: unknown[], ctx: JobContext): Promise<unknown> | unknown {
    const doc = p[0] as DocInput;
    switch (method) {
      case 'configure': return this.configure(p[0] as WorkerConfig, ctx);
      case 'models': return this.status;
      case 'listModels': return this.listModels();
      case 'prepare': return this.prepare(p[0] as string, ctx);
      case 'encode': return this.encodeSummary(doc, p[1] as { start: number; end: number } | null, p[2] as LayerChoice, p[3] as number | null, ctx);
      case 'inspect': return this.inspect(doc, p[1] as number, p[2] as LayerChoice, p[3] as number, ctx);
      case 'attention': return this.attention(doc, p[1] as number, p[2] as number | 'rollout' | 'last', p[3] as number | 'mean', ctx);
      case 'attentionMatrix': return this.attentionMatrix(doc, p[1] as number, ctx);
      case 'explain': return this.explain(doc, p[1] as number, p[2] as number, p[3] as number, ctx);
      case 'mask': return this.mask(doc, p[1] as number, p[2] as number, ctx);
      case 'nsp': return this.nsp(doc, ctx);
      case 'qa': return this.qa(doc, p[1] as string, p[2] as number, ctx);
      case 'senseVectors': return this.senseVectors(doc, p[1] as string | null, p[2] as LayerChoice, ctx);
      case 'coverage': return this.coverage(doc, p[1] as 'encoder' | 'qa');
      case 'forget': this.docs.delete(p[0] as string); return null;
      default: {
        const never: never = method;
        throw new HandledError('BAD_REQUEST', `Unknown method ${String(never)}`);
      }
    }
  }

  private eng(): Engine {
    if (!this.engine) throw new HandledError('NOT_READY', 'BERT Lens has no model configuration yet.');
    return this.engine;
  }

  private setSlot(s: ModelSlot): void {
    this.status = { ...this.status, [s.role]: s };
    this.events.status(this.status);
  }

  private async configure(cfg: WorkerConfig, ctx: JobContext): Promise<ModelsStatus> {
    const store: StoreOptions = {
      modelsDir: cfg.modelsDir, cacheDir: cfg.cacheDir, hubEndpoint: cfg.hubEndpoint, offline: cfg.offline,
      threads: cfg.threads, dtype: cfg.dtype,
    };
    const key = JSON.stringify(store);
    if (key !== this.storeKey || !this.engine) {
      const old = this.engine;
      this.engine = this.create(store);
      this.storeKey = key;
      this.encoder = this.qaModel = this.vectors = undefined;
      this.status = { encoder: slot('encoder'), qa: slot('qa'), static: slot('static') };
      this.docs.clear();
      if (old) await old.dispose().catch(() => undefined);
    }
    const eng = this.engine;
    this.settings = { model: cfg.model, qaModel: cfg.qaModel, staticVectors: cfg.staticVectors };
    const language: Language = cfg.language ?? 'en';
    const onProgress = (p: { model: string; file: string; loaded: number; total: number }) => ctx.progress(p);
    const load = async (role: 'encoder' | 'qa', id: string) => {
      const cur = role === 'encoder' ? this.encoder : this.qaModel;
      const auto = isAuto(id);
      if (auto) id = resolveModel(id, role, language);
      if (cur && this.status[role].id === id && !!this.status[role].auto === auto && this.status[role].state === 'ready') return;
      this.setSlot({ ...slot(role, id), ...(auto ? { auto } : {}) });
      try {
        const t0 = performance.now();
        const m = await eng.load(id, { onProgress, signal: ctx.signal });
        if (role === 'encoder') this.encoder = m;
        else this.qaModel = m;
        this.setSlot({ role, id, ...(auto ? { auto } : {}), state: 'ready', info: m.info });
        this.events.log('info', `Loaded ${role} model ${id} (${m.info.architecture}, ${m.info.layers} layers, ${m.info.dtype}) in ${Math.round(performance.now() - t0)} ms`);
      } catch (e) {
        if (role === 'encoder') this.encoder = undefined;
        else this.qaModel = undefined;
        this.setSlot({ role, id, ...(auto ? { auto } : {}), state: 'error', error: toWireError(e) });
        this.events.log('error', `Could not load ${role} model "${id}": ${toWireError(e).message}`);
      }
    };
    const loadStatic = async (id: string) => {
      if (!id) { this.vectors = undefined; this.setSlot(slot('static')); return; }
      const auto = isAuto(id);
      if (auto) id = resolveModel(id, 'static', language);
      if (this.vectors && this.status.static.id === id && !!this.status.static.auto === auto && this.status.static.state === 'ready') return;
      this.setSlot({ ...slot('static', id), ...(auto ? { auto } : {}) });
      try {
        const v = await eng.loadStatic(id);
        this.vectors = v;
        this.setSlot({ role: 'static', id, ...(auto ? { auto } : {}), state: 'ready', staticInfo: { source: v.source, dims: v.dims, size: v.size } });
      } catch (e) {
        this.vectors = undefined;
        this.setSlot({ role: 'static', id, ...(auto ? { auto } : {}), state: 'error', error: toWireError(e) });
        this.events.log('error', `Could not load static vectors "${id}": ${toWireError(e).message}`);
      }
    };
    // Sequential on purpose: ORT session creation is synchronous native work, and downloads report one at a time.
    await load('encoder', cfg.model);
    await load('qa', cfg.qaModel);
    await loadStatic(cfg.staticVectors);
    return this.status;
  }

  private async listModels(): Promise<KnownModel[]> {
    return this.eng().listModels();
  }

  private async prepare(source: string, ctx: JobContext) {
    const m = await this.eng().load(source, { onProgress: (p) => ctx.progress(p), signal: ctx.signal });
    return m.info;
  }

  private async need(role: 'encoder' | 'qa'): Promise<LoadedModel> {
    const m = role === 'encoder' ? this.encoder : this.qaModel;
    if (m) return m;
    const s = this.status[role];
    const what = role === 'encoder' ? 'encoder model (bertLens.model)' : 'question-answering model (bertLens.qaModel)';
    if (s.state === 'error') {
      const e = s.error as WireError;
      const fix = e.fix?.some((f) => f.option === 'model') ? e.fix : [...(e.fix ?? []), { option: 'model' as const, ...(role === 'qa' ? { task: 'qa' as const } : {}) }];
      throw new HandledError('NOT_READY', `The ${what} "${s.id}" failed to load: ${e.message}`, fix);
    }
    throw new HandledError('NOT_READY', `The ${what} ${s.id ? `"${s.id}" is still loading` : 'is not configured'}. Try again in a moment.`);
  }

  /**
   * The model of `role` for this document: the configured one, or under `auto` the embedded model of the language of
   * the paragraph around `offset` (no offset: of the whole document). The active document's models are in the slots;
   * another language's are loaded on demand (the engine keeps them).
   */
  private async pick(role: 'encoder' | 'qa', doc: DocInput, offset?: number): Promise<{ model: LoadedModel; used: Used }> {
    const setting = role === 'encoder' ? this.settings.model : this.settings.qaModel;
    if (!isAuto(setting)) {
      const model = await this.need(role);
      return { model, used: { model: model.info.id } };
    }
    const auto = chooseLanguage(doc.text, offset);
    const id = EMBEDDED[auto.language][role];
    const used = { model: id, auto };
    if (this.status[role].id === id) return { model: await this.need(role), used };
    try {
      return { model: await this.eng().load(id), used };
    } catch (e) {
      const w = toWireError(e);
      const what = auto.language === 'zh' ? 'mostly Chinese' : 'not mostly Chinese';
      throw new HandledError('NOT_READY', `bertLens.${role === 'encoder' ? 'model' : 'qaModel'} is auto and this ${auto.scope} is ${what}, but the embedded model "${id}" failed to load: ${w.message}`, w.fix ?? [{ option: 'model', ...(role === 'qa' ? { task: 'qa' as const } : {}) }]);
    }
  }

  /** Static vectors for the word at `offset`: as configured, or under `auto` those of its paragraph's language. */
  private async staticAt(doc: DocInput, offset: number): Promise<StaticVectors | undefined> {
    if (!isAuto(this.settings.staticVectors)) return this.vectors;
    const id = EMBEDDED[chooseLanguage(doc.text, offset).language].static;
    if (this.status.static.id === id) return this.vectors;
    try {
      return await this.eng().loadStatic(id);
    } catch (e) {
      // The hover then says "no static vectors loaded"; the log says why, once.
      if (!this.failedStatic.has(id)) this.events.log('error', `Could not load static vectors "${id}" (auto): ${toWireError(e).message}`);
      this.failedStatic.add(id);
      return undefined;
    }
  }

  /** Hidden layers to tap for a layer choice: only those (a 12-layer model × 13 hidden states adds up fast). */
  private hiddenFor(model: LoadedModel, layer: LayerChoice): number[] {
    return resolveLayers(layer, model.info.layers);
  }

  /**
   * The full-document encoding, from cache when uri + model + text hash + layers match; otherwise the engine
   * re-encodes only windows whose tokens changed (its window cache is keyed by content).
   */
  private async full(doc: DocInput, ctx: JobContext, layer: LayerChoice, model: LoadedModel): Promise<Encoding> {
    const hiddenLayers = this.hiddenFor(model, layer);
    const key = `${hashOf(doc.text)}\u0000${hiddenLayers.join(',')}`;
    const hit = this.cached(doc.uri, model);
    if (hit?.key === key) return hit.enc;
    const enc = await this.eng().encode(model, doc.text, {
      hiddenLayers, signal: ctx.signal, onProgress: (done, total) => ctx.progress({ done, total }),
    });
    let perModel = this.docs.get(doc.uri);
    if (!perModel) this.docs.set(doc.uri, (perModel = new Map()));
    perModel.set(model.info.id, { key, enc });
    return enc;
  }

  private cached(uri: string, model: LoadedModel) {
    return this.docs.get(uri)?.get(model.info.id);
  }

  /** Cached full encoding, or just the window(s) around `offset` when the document is not encoded yet. */
  private async around(doc: DocInput, offset: number, ctx: JobContext, layer: LayerChoice | 'attention', model: LoadedModel): Promise<{ enc: Encoding; partial: boolean }> {
    const attention = layer === 'attention';
    const hiddenLayers = attention ? [] : this.hiddenFor(model, layer);
    const hit = this.cached(doc.uri, model);
    if (!attention && hit?.key === `${hashOf(doc.text)}\u0000${hiddenLayers.join(',')}`) return { enc: hit.enc, partial: false };
    const enc = await this.eng().encode(model, doc.text, {
      hiddenLayers, attentionLayers: attention ? 'all' : [], range: { start: offset, end: offset + 1 }, signal: ctx.signal,
    });
    const first = enc.windows[0], last = enc.windows[enc.windows.length - 1];
    const partial = !first || !last || first.wordStart > 0 || last.wordEnd < enc.tok.words.length;
    return { enc, partial };
  }

  private async encodeSummary(doc: DocInput, range: { start: number; end: number } | null, layer: LayerChoice, at: number | null, ctx: JobContext) {
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
    if (w < 0) throw new HandledError('NO_WORD', 'There is no analysed word at this position (in code files only comments and strings are read).');
    return w;
  }

  private async inspect(doc: DocInput, offset: number, layer: LayerChoice, top: number, ctx: JobContext): Promise<InspectResult> {
    const { model, used } = await this.pick('encoder', doc, offset);
    const { enc, partial } = await this.around(doc, offset, ctx, layer, model);
    const eng = this.eng();
    const wi = this.wordIndex(enc, offset);
    const w = enc.tok.words[wi]!;
    // word2vec vocabularies are usually lower case; the lookup tries the word as written first.
    const sv = await this.staticAt(doc, offset);
    const key = sv && !sv.has(w.text) && sv.has(w.text.toLowerCase()) ? w.text.toLowerCase() : w.text;
    const v = eng.vectors(enc, key, { layer, top: top * 4, staticVectors: sv });
    const mine = v.contextual.find((c) => c.start === w.start);
    // Similarities among the occurrences that are encoded (all of them once the whole document is).
    const all = eng.wordVectors(enc, layer);
    const me = all[wi]!;
    const occurrences = occurrenceIndices(enc, w.text)
      .filter((i) => i !== wi && all[i]!.length > 0)
      .map((i) => ({ start: enc.tok.words[i]!.start, end: enc.tok.words[i]!.end, similarity: cosine(me, all[i]!) }));
    ctx.signal.throwIfAborted();
    // Masked-LM needs its own run (the word masked); hovering the same word again answers from this cache.
    const mkey = `${enc.model.id}\u0000${enc.textHash}\u0000${w.start}\u0000${top}`;
    let masked = this.maskCache.get(mkey);
    if (!masked) {
      masked = wordsOnly(await eng.mask(model, doc.text, { at: w.start, top: top + 5, signal: ctx.signal }), top);
      this.maskCache.set(mkey, masked);
      if (this.maskCache.size > 256) this.maskCache.delete(this.maskCache.keys().next().value!);
    }
    return {
      ...used, word: { text: w.text, start: w.start, end: w.end }, layer, static: v.static && { ...v.static, neighbours: v.static.neighbours.slice(0, top) }, substitutes: masked.predictions,
      neighbours: dedupe(mine?.neighbours ?? [], top), occurrences, partial,
    };
  }

  /** Masked-LM at the word under `offset`, or at a literal [MASK] there (other [MASK]s are blanked for this run). */
  private async mask(doc: DocInput, offset: number, top: number, ctx: JobContext): Promise<MaskResult & Used> {
    const { model, used } = await this.pick('encoder', doc, offset);
    const lit = maskLiteralAt(doc.text, offset);
    if (lit < 0) return { ...wordsOnly(await this.eng().mask(model, doc.text, { at: offset, top: top + 5, signal: ctx.signal }), top), ...used };
    const text = doc.text.slice(0, lit).replace(/\[MASK\]/g, '      ') + doc.text.slice(lit, lit + 6) + doc.text.slice(lit + 6).replace(/\[MASK\]/g, '      ');
    return { ...wordsOnly(await this.eng().mask(model, text, { top: top + 5, signal: ctx.signal }), top), ...used };
  }

  private async qa(doc: DocInput, question: string, top: number, ctx: JobContext): Promise<QaResult & Used> {
    // QA reads the whole document with one model: under auto, the one for the document's majority language.
    const { model, used } = await this.pick('qa', doc);
    const r = await this.eng().answer(model, question, doc.text, { top, signal: ctx.signal, onProgress: (x) => ctx.progress(x) });
    return { ...r, ...used };
  }

  /** Tokens and [UNK]s of the document per model that reads it (under auto: each language's paragraphs with theirs). */
  private async coverage(doc: DocInput, kind: 'encoder' | 'qa'): Promise<Coverage[]> {
    const setting = kind === 'encoder' ? this.settings.model : this.settings.qaModel;
    const parts: Array<{ language: Language; text: string; model: LoadedModel }> = [];
    if (isAuto(setting)) {
      const by = paragraphsByLanguage(doc.text);
      for (const language of ['en', 'zh'] as const) {
        if (!by[language].length) continue;
        const model = await this.eng().load(EMBEDDED[language][kind]).catch(() => undefined);
        if (model) parts.push({ language, text: keepOnly(doc.text, by[language]), model });
      }
    } else {
      const model = kind === 'encoder' ? this.encoder : this.qaModel;
      if (model) parts.push({ language: chooseLanguage(doc.text).language, text: doc.text, model });
    }
    const out: Coverage[] = [];
    for (const p of parts) {
      const n = countUnknown(await this.eng().tokenize(p.model, p.text));
      out.push({ kind, model: p.model.info.id, language: p.language, ...n });
    }
    return out;
  }

  private async attention(doc: DocInput, offset: number, layer: number | 'rollout' | 'last', head: number | 'mean', ctx: JobContext): Promise<AttentionView> {
    const { model } = await this.pick('encoder', doc, offset);
    if (!model.info.capabilities.attention) {
      throw new HandledError('ATTENTION_UNAVAILABLE', `The model "${model.info.id}" computes attention in a fused operator, so BERT Lens cannot show it. Pick an unfused export (e.g. a Xenova conversion).`);
    }
    const { enc } = await this.around(doc, offset, ctx, 'attention', model);
    const wi = this.wordIndex(enc, offset);
    const L = layer === 'last' ? model.info.layers : layer;
    const r = this.eng().attention(enc, wi, { layer: L, head });
    const win = enc.windows.find((x) => wi >= x.ownStart && wi < x.ownEnd) ?? enc.windows[0]!;
    const words = enc.tok.words;
    return {
      layer: r.layer, head: r.head, from: r.from, to: r.to,
      window: { start: words[win.wordStart]?.start ?? 0, end: words[win.wordEnd - 1]?.end ?? 0 },
    };
  }

  private async attentionMatrix(doc: DocInput, offset: number, ctx: JobContext): Promise<AttentionMatrix> {
    const { model } = await this.pick('encoder', doc, offset);
    const { enc } = await this.around(doc, offset, ctx, 'attention', model);
    const wi = this.wordIndex(enc, offset);
    const win = enc.windows.find((x) => wi >= x.ownStart && wi < x.ownEnd) ?? enc.windows[0]!;
    const { layers, heads } = model.info;
    const { words, weights } = wordAttention(win, enc.tok, layers, heads);
    const spans = words.map((i) => { const w = enc.tok.words[i]!; return { text: w.text, start: w.start, end: w.end }; });
    return {
      window: { start: spans[0]?.start ?? 0, end: spans[spans.length - 1]?.end ?? 0 },
      words: spans, focus: wi - win.wordStart, layers, heads, weights, rollout: rollout(weights, layers, heads, words.length),
    };
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
    const pairs = adjacentPairs(doc.text).slice(0, MAX_NSP_PAIRS);
    const out: SentencePair[] = [];
    for (const [a, b] of pairs) {
      ctx.signal.throwIfAborted();
      // Pairs never cross a blank line, so under auto each pair is read by its paragraph's model.
      const { model } = await this.pick('encoder', doc, a.start);
      if (!model.info.capabilities.nsp) {
        throw new HandledError('NSP_UNAVAILABLE', `The model "${model.info.id}" has no next-sentence head. Use bert-lens-mini (English), bert-lens-zh (Chinese) or a checkpoint exported with NSP logits.`);
      }
      const r = await this.eng().nsp(model, a.text, b.text);
      out.push({ a, b, isNext: r.isNext });
      ctx.progress({ done: out.length, total: pairs.length });
    }
    return out;
  }

  private async senseVectors(doc: DocInput, word: string | null, layer: LayerChoice, ctx: JobContext): Promise<SenseVectors> {
    const { model } = await this.pick('encoder', doc);
    const enc = await this.full(doc, ctx, layer, model);
    const vecs = this.eng().wordVectors(enc, layer);
    const norm = (s: string) => (enc.model.uncased ? s.toLowerCase() : s);
    const want = word === null ? null : norm(word);
    const idx: number[] = [];
    enc.tok.words.forEach((w, i) => {
      if (idx.length >= 500) return;
      if (want === null ? /\p{L}{2,}/u.test(w.text) : norm(w.text) === want) idx.push(i);
    });
    const dims = vecs[0]?.length ?? 0;
    const vectors = new Float32Array(idx.length * dims);
    idx.forEach((i, k) => vectors.set(vecs[i]!, k * dims));
    const items = idx.map((i) => {
      const w = enc.tok.words[i]!;
      const context = doc.text.slice(Math.max(0, w.start - 40), Math.min(doc.text.length, w.end + 40)).replace(/\s+/g, ' ').trim();
      return { text: w.text, start: w.start, end: w.end, context };
    });
    return { items, dims, vectors };
  }
}

/** Predictions for a word position, without bare punctuation ("." is not a word to put there). */
function wordsOnly(r: MaskResult, top: number): MaskResult {
  return { ...r, predictions: r.predictions.filter((p) => /[\p{L}\p{N}]/u.test(p.word)).slice(0, top) };
}

/** Best-scoring neighbour per word (case-insensitive): "the 0.52, The 0.52, the 0.51" says nothing new. */
function dedupe<T extends { word: string; score: number }>(list: T[], top: number): T[] {
  const seen = new Set<string>();
  return list.filter((n) => {
    const k = n.word.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }).slice(0, top);
}

/** Start of a literal [MASK] covering `offset`, or -1. */
export function maskLiteralAt(text: string, offset: number): number {
  const i = text.indexOf('[MASK]', Math.max(0, offset - 6));
  return i >= 0 && i <= offset && offset <= i + 6 ? i : -1;
}

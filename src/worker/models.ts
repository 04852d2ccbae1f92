// The worker's models: the three slots (encoder, QA, static vectors) as configured, and what `auto` picks per
// document and paragraph — the active document's language in the slots, another language's loaded on demand.
import type { Engine, LoadedModel, StaticVectors, StoreOptions } from '../core/api';
import {
  chooseLanguage,
  countUnknown,
  EMBEDDED,
  isAuto,
  paragraphsByLanguage,
  resolveModel,
  type Coverage,
  type Language,
} from '../core/auto';
import type { Fix } from '../core/model/errors';
import type { DocInput, ErrorCode, ModelSlot, ModelsStatus, Used, WireError, WorkerConfig } from './protocol';
import { toWireError } from './protocol';
import { keepOnly } from '../core/text/segments';

export interface JobContext {
  signal: AbortSignal;
  progress: (p: { model: string; file: string; loaded: number; total: number } | { done: number; total: number }) => void;
}

export interface Events {
  log(level: 'info' | 'error', message: string): void;
  status(s: ModelsStatus): void;
}

export class HandledError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fix?: Fix[],
  ) {
    super(message);
  }
}

const slot = (role: ModelSlot['role'], id = ''): ModelSlot => ({ role, id, state: id ? 'loading' : 'unset' });

export class WorkerModels {
  private engine: Engine | undefined;
  private storeKey = '';
  private encoder: LoadedModel | undefined;
  private qaModel: LoadedModel | undefined;
  private vectors: StaticVectors | undefined;
  status: ModelsStatus = { encoder: slot('encoder'), qa: slot('qa'), static: slot('static') };
  private settings = { model: '', qaModel: '', staticVectors: '' };
  private readonly failedStatic = new Set<string>();
  private extra: string | undefined; // the last model compared against (against())

  /** @param onNewEngine a new engine (other store options): encodings made with the old one are void */
  constructor(
    private readonly create: (opts: StoreOptions) => Engine,
    private readonly events: Events,
    private readonly onNewEngine: () => void,
  ) {}

  eng(): Engine {
    if (!this.engine) throw new HandledError('NOT_READY', 'BERT Lens has no model configuration yet.');
    return this.engine;
  }

  private setSlot(s: ModelSlot): void {
    this.status = { ...this.status, [s.role]: s };
    this.events.status(this.status);
  }

  /** Loads the configured models (under `auto`, those of `cfg.language`) into the slots, one after the other. */
  async configure(cfg: WorkerConfig, ctx: JobContext): Promise<ModelsStatus> {
    const store: StoreOptions = {
      modelsDir: cfg.modelsDir,
      cacheDir: cfg.cacheDir,
      hubEndpoint: cfg.hubEndpoint,
      offline: cfg.offline,
      threads: cfg.threads,
      dtype: cfg.dtype,
    };
    const key = JSON.stringify(store);
    if (key !== this.storeKey || !this.engine) {
      const old = this.engine;
      this.engine = this.create(store);
      this.storeKey = key;
      this.encoder = this.qaModel = this.vectors = undefined;
      this.status = { encoder: slot('encoder'), qa: slot('qa'), static: slot('static') };
      this.onNewEngine();
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
        this.events.log(
          'info',
          `Loaded ${role} model ${id} (${m.info.architecture}, ${m.info.layers} layers, ${m.info.dtype}) in ${Math.round(performance.now() - t0)} ms`,
        );
      } catch (e) {
        if (role === 'encoder') this.encoder = undefined;
        else this.qaModel = undefined;
        this.setSlot({ role, id, ...(auto ? { auto } : {}), state: 'error', error: toWireError(e) });
        this.events.log('error', `Could not load ${role} model "${id}": ${toWireError(e).message}`);
      }
    };
    const loadStatic = async (id: string) => {
      if (!id) {
        this.vectors = undefined;
        this.setSlot(slot('static'));
        return;
      }
      const auto = isAuto(id);
      if (auto) id = resolveModel(id, 'static', language);
      if (this.vectors && this.status.static.id === id && !!this.status.static.auto === auto && this.status.static.state === 'ready')
        return;
      this.setSlot({ ...slot('static', id), ...(auto ? { auto } : {}) });
      try {
        const v = await eng.loadStatic(id);
        this.vectors = v;
        this.setSlot({
          role: 'static',
          id,
          ...(auto ? { auto } : {}),
          state: 'ready',
          staticInfo: { source: v.source, dims: v.dims, size: v.size },
        });
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

  async need(role: 'encoder' | 'qa'): Promise<LoadedModel> {
    const m = role === 'encoder' ? this.encoder : this.qaModel;
    if (m) return m;
    const s = this.status[role];
    const what = role === 'encoder' ? 'encoder model (bertLens.model)' : 'question-answering model (bertLens.qaModel)';
    if (s.state === 'error') {
      const e = s.error as WireError;
      const fix = e.fix?.some((f) => f.option === 'model')
        ? e.fix
        : [...(e.fix ?? []), { option: 'model' as const, ...(role === 'qa' ? { task: 'qa' as const } : {}) }];
      throw new HandledError('NOT_READY', `The ${what} "${s.id}" failed to load: ${e.message}`, fix);
    }
    throw new HandledError('NOT_READY', `The ${what} ${s.id ? `"${s.id}" is still loading` : 'is not configured'}. Try again in a moment.`);
  }

  /**
   * The model of `role` for this document: the configured one, or under `auto` the embedded model of the language of
   * the paragraph around `offset` (no offset: of the whole document). The active document's models are in the slots;
   * another language's are loaded on demand (the engine keeps them).
   */
  async pick(role: 'encoder' | 'qa', doc: DocInput, offset?: number): Promise<{ model: LoadedModel; used: Used }> {
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
      throw new HandledError(
        'NOT_READY',
        `bertLens.${role === 'encoder' ? 'model' : 'qaModel'} is auto and this ${auto.scope} is ${what}, but the embedded model "${id}" failed to load: ${w.message}`,
        w.fix ?? [{ option: 'model', ...(role === 'qa' ? { task: 'qa' as const } : {}) }],
      );
    }
  }

  /**
   * A model to compare against (bertLens' second model, by embedded name, folder path or hub id), through the same
   * store. At most one such extra is kept: loading another unloads the previous one unless a slot or `auto` uses it.
   */
  async against(id: string, ctx: JobContext): Promise<LoadedModel> {
    id = id.trim();
    if (!id || isAuto(id))
      throw new HandledError(
        'BAD_REQUEST',
        'Name the model to compare against: an embedded name, a folder path or a Hugging Face id (not auto).',
      );
    const eng = this.eng();
    const old = this.extra;
    const keep = new Set([this.status.encoder.id, this.status.qa.id, ...Object.values(EMBEDDED).flatMap((e) => [e.encoder, e.qa])]);
    if (old && old !== id && !keep.has(old)) await eng.unload?.(old);
    this.extra = id;
    try {
      return await eng.load(id, { onProgress: (p) => ctx.progress(p), signal: ctx.signal });
    } catch (e) {
      const w = toWireError(e);
      if (w.code === 'CANCELLED' || w.code === 'ABORTED') throw e;
      const what = `The model to compare against, "${id}", failed to load: ${w.message}`;
      throw new HandledError(
        w.code,
        `${what} Pick another one, or download it first (BERT Lens: Select Model… → Hugging Face Model Id).`,
        w.fix,
      );
    }
  }

  /** Static vectors for the word at `offset`: as configured, or under `auto` those of its paragraph's language. */
  async staticAt(doc: DocInput, offset: number): Promise<StaticVectors | undefined> {
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

  /**
   * Tokens and [UNK]s of the document per model that reads it, the way pick() chooses: under auto the encoder reads
   * each language's paragraphs with that language's model, the QA model reads the whole document.
   */
  async coverage(doc: DocInput, kind: 'encoder' | 'qa'): Promise<Coverage[]> {
    const setting = kind === 'encoder' ? this.settings.model : this.settings.qaModel;
    const parts: Array<{ language: Language; text: string; model: LoadedModel }> = [];
    if (isAuto(setting) && kind === 'qa') {
      const { model } = await this.pick('qa', doc);
      parts.push({ language: chooseLanguage(doc.text).language, text: doc.text, model });
    } else if (isAuto(setting)) {
      const by = paragraphsByLanguage(doc.text);
      for (const language of ['en', 'zh'] as const) {
        if (!by[language].length) continue;
        const model = await this.eng()
          .load(EMBEDDED[language][kind])
          .catch(() => undefined);
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
}

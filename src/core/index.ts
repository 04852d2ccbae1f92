// The engine's one typed front door (createEngine): load models, tokenize, encode, and every task on plain data.
// No `vscode` import here or below: the CLI, the worker and the tests all use this same code.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type {
  Engine,
  LoadedModel,
  LoadOptions,
  PositionReport,
  StaticVectors,
  StoreOptions,
  Tokenized,
  Encoding,
  EncodeOptions,
} from './api';
import { loadModel, listModels, verifyModel, defaultModelsDir } from './model/index';
import { classifySource, localHint, resolveModel } from './model/store';
import { BertLensError } from './model/errors';
import { loadTokenizer, type TextTokenizer } from './text/tokenizer';
import { remembering } from './text/splice';
import { WindowCache } from './cache';
import { encodeText } from './encode';
import { wordVectors, similar, vectors } from './vectors';
import { attention } from './attention';
import { explain } from './explain';
import { mask } from './mlm';
import { fillMasks } from './fill-masks';
import { logitLens } from './logit-lens';
import { similarity } from './similarity';
import { occludeMask } from './occlude';
import { occludeQa } from './occlude-qa';
import { ablate } from './ablate';
import { nsp } from './nsp';
import { answer } from './qa';
import { readStatic } from './static';
import { inputEmbeddingVectors } from './embeddings';
import { positions } from './positions';
import { mlmTask } from './mlm-task';
import { reference, ReferenceIndexes } from './reference';
import { readJsonText } from './model/files';

export type * from './api';
export { BertLensError } from './model/errors';
export { wordAt, loadTokenizer, createTokenizer } from './text/tokenizer';
export type { TextTokenizer } from './text/tokenizer';
export { planWindows, qaWindows, ownerOf } from './text/windows';
export { windowOf } from './encode';
export { cosine, occurrences, resolveLayers } from './vectors';
export { rollout } from './attention';
export { readStatic, parseStatic } from './static';

export interface BertLensEngine extends Engine {
  /** The model's input token embeddings as static vectors (one per word type; cached per model). */
  inputEmbeddings(model: LoadedModel): Promise<StaticVectors>;
  /** The tokenizer of a loaded model (cached). */
  tokenizer(model: LoadedModel): Promise<TextTokenizer>;
  /** The tokenizer of a model by name, folder or hub id without creating an ONNX session (for tokens-only work). */
  tokenizerOf(source: string, load?: LoadOptions): Promise<{ id: string; tokenizer: TextTokenizer }>;
  /** Window-cache counters (runs saved by the content cache). */
  cacheStats(): { hits: number; misses: number; size: number };
}

/** The promise cached under `key`, made once; a failure is forgotten, so the next call tries again. */
function cached<K, V>(
  cache: { get(k: K): Promise<V> | undefined; set(k: K, v: Promise<V>): unknown; delete(k: K): unknown },
  key: K,
  make: () => Promise<V>,
): Promise<V> {
  let p = cache.get(key);
  if (!p) {
    p = make();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** Resolve a static-vectors name: a file, a folder holding vectors.{bin,txt,vec}, or an embedded name in modelsDir. */
function staticFile(nameOrPath: string, modelsDir: string): string {
  // Same rule as models: a bare name is an embedded name, never a file that happens to be in the current directory.
  const c = classifySource(nameOrPath);
  const candidates = c.kind === 'path' ? [c.path] : c.kind === 'name' ? [path.join(modelsDir, nameOrPath)] : [];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    if (!statSync(c).isDirectory()) return c;
    let fromConfig: string | undefined;
    try {
      const cfg = JSON.parse(readJsonText(path.join(c, 'config.json'))) as Record<string, unknown>;
      fromConfig = [cfg.file, cfg.vectors, cfg.vectors_file, cfg.filename, cfg.path].find((x): x is string => typeof x === 'string');
    } catch {
      // no config.json: look for the usual names
    }
    for (const f of [fromConfig, 'vectors.bin', 'vectors.txt', 'vectors.vec'].filter((x): x is string => !!x)) {
      if (existsSync(path.join(c, f))) return path.join(c, f);
    }
    throw new BertLensError('MODEL_NOT_FOUND', `The folder ${c} holds no vectors.bin, vectors.txt or vectors.vec.`, {
      file: c,
      fix: [{ option: 'staticVectors' }],
    });
  }
  throw new BertLensError(
    'MODEL_NOT_FOUND',
    `Static vectors "${nameOrPath}" not found (looked for ${candidates.join(' and ') || 'nothing: not a path nor a name'}).${localHint(nameOrPath)} Give the path of a word2vec/GloVe/fastText file or an embedded name such as word2vec-mini.`,
    { file: nameOrPath, fix: [{ option: 'staticVectors' }] },
  );
}

export function createEngine(opts: StoreOptions = {}): BertLensEngine {
  const models = new Map<string, Promise<LoadedModel>>();
  const tokenizers = new WeakMap<LoadedModel, Promise<TextTokenizer>>();
  const embeddings = new WeakMap<LoadedModel, Promise<StaticVectors>>();
  const positionReports = new WeakMap<LoadedModel, Promise<PositionReport>>();
  const statics = new Map<string, Promise<StaticVectors>>();
  const cache = new WindowCache();
  const referenceIndexes = new ReferenceIndexes();
  const modelsDir = opts.modelsDir ?? defaultModelsDir();

  const tokenizer = (model: LoadedModel): Promise<TextTokenizer> =>
    cached(tokenizers, model, () => loadTokenizer(model.info.dir).then((tk) => remembering(tk)));

  const engine: BertLensEngine = {
    async load(source: string, lo: LoadOptions = {}) {
      const dtype = lo.dtype ?? opts.dtype ?? 'auto';
      const key = `${source}|${dtype}`;
      let m = models.get(key);
      if (!m) {
        m = loadModel(source, opts, { ...lo, dtype });
        models.set(key, m);
        m.catch(() => models.delete(key)); // a failed load can be retried
      }
      return m;
    },
    async unload(source) {
      const gone = [...models].filter(([k]) => k.startsWith(`${source}|`));
      for (const [k] of gone) models.delete(k);
      const loaded = await Promise.allSettled(gone.map(([, m]) => m));
      await Promise.all(loaded.flatMap((r) => (r.status === 'fulfilled' ? [r.value.dispose()] : [])));
    },
    listModels: () => listModels(opts),
    verify: (source) => verifyModel(source, opts),
    async loadStatic(pathOrName: string) {
      const file = staticFile(pathOrName, modelsDir);
      return cached(statics, file, () => readStatic(file));
    },
    async mlmTask(model, text, o) {
      return mlmTask(model, await tokenizer(model), text, o);
    },
    async reference(model, text, o) {
      return reference(model, await tokenizer(model), text, o, { cache, modelsDir, indexes: referenceIndexes });
    },
    positions: (model) => cached(positionReports, model, () => positions(model)),
    inputEmbeddings: (model) => cached(embeddings, model, () => tokenizer(model).then((tk) => inputEmbeddingVectors(model, tk))),
    tokenizer,
    async tokenizerOf(source, load) {
      const r = await resolveModel(source, { ...opts, modelsDir, ...load, dtype: load?.dtype ?? opts.dtype });
      return { id: r.id, tokenizer: remembering(await loadTokenizer(r.dir)) };
    },
    async tokenize(model, text): Promise<Tokenized> {
      return (await tokenizer(model)).tokenize(text);
    },
    async encode(model, text, eo: EncodeOptions = {}): Promise<Encoding> {
      return encodeText(model, await tokenizer(model), text, eo, cache);
    },
    wordVectors: (enc, layer) => wordVectors(enc, layer),
    similar: (enc, word, o) => similar(enc, word, o),
    vectors: (enc, word, o) => vectors(enc, word, o),
    attention: (enc, wordIndex, o) => attention(enc, wordIndex, o),
    async explain(model, text, wordIndex, o) {
      const tk = await tokenizer(model);
      const words = tk.tokenize(text).words;
      if (!(wordIndex >= 0 && wordIndex < words.length))
        throw new BertLensError('BAD_INPUT', `No word ${wordIndex} in the text. Pick a word index from tokenize().`);
      const w = words.get(wordIndex);
      // Only the window(s) around the word need query/key/value taps.
      const enc = await encodeText(
        model,
        tk,
        text,
        { hiddenLayers: [], qkvLayers: [o.layer], range: { start: w.start, end: w.end } },
        cache,
      );
      return explain(enc, wordIndex, o);
    },
    async mask(model, text, o) {
      return mask(model, await tokenizer(model), text, o);
    },
    async logitLens(model, text, o) {
      return logitLens(model, await tokenizer(model), text, o);
    },
    async similarity(model, a, b, o) {
      return similarity(model, await tokenizer(model), a, b, o);
    },
    async occlude(model, text, o) {
      return occludeMask(model, await tokenizer(model), text, o);
    },
    async occludeQa(model, question, document, o) {
      return occludeQa(model, await tokenizer(model), question, document, o);
    },
    async ablate(model, input, o) {
      return ablate(model, await tokenizer(model), input, o);
    },
    async fillMasks(model, text, o) {
      return fillMasks(model, await tokenizer(model), text, o);
    },
    async nsp(model, a, b) {
      return nsp(model, await tokenizer(model), a, b);
    },
    async answer(model, question, document, o) {
      return answer(model, await tokenizer(model), question, document, o);
    },
    cacheStats: () => ({ hits: cache.hits, misses: cache.misses, size: cache.size }),
    async dispose() {
      const all = [...models.values()];
      models.clear();
      statics.clear();
      cache.clear();
      const loaded = await Promise.allSettled(all);
      await Promise.all(loaded.flatMap((r) => (r.status === 'fulfilled' ? [r.value.dispose()] : [])));
    },
  };
  return engine;
}

// Resolves a model source (embedded name, folder, hub id) to a local folder; hub models go through the cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dtype, LoadOptions, ModelInfo, ModelListing, StoreOptions } from '../api';

export type { ModelListing };
import { downloadModel } from './download';
import { BertLensError, type Fix } from './errors';
import { isHubId } from './hub-id';
import { availableDtypes, ONNX_FILES, pickDtype } from './info';

export { isHubId };

export interface ResolvedModel {
  id: string;
  dir: string;
  source: ModelInfo['source'];
  dtype: Dtype;
  modelFile: string; // absolute path of the .onnx to load
}

/**
 * `<package>/models`. The bundle (dist/*.js) sits one level below the package root; from sources (tsx) we walk up
 * to the folder holding package.json.
 */
export function defaultModelsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'models'))) return path.join(dir, 'models');
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve(__dirname, '..', 'models');
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'bert-lens');
}

function isModelDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'config.json'));
}

function finish(id: string, dir: string, source: ModelInfo['source'], want: Dtype | 'auto' | undefined): ResolvedModel {
  const dtype = pickDtype(dir, want);
  const modelFile = path.join(dir, ONNX_FILES[dtype]);
  if (!fs.existsSync(modelFile)) {
    const have = availableDtypes(dir);
    const hint = have.length
      ? `Available here: ${have.join(', ')}.`
      : 'The folder has no onnx/model.onnx or onnx/model_quantized.onnx; export the model to ONNX first.';
    const fix: Fix[] = have.length ? [{ option: 'dtype', value: have[0] }] : [{ option: 'model' }];
    throw new BertLensError('MODEL_NOT_FOUND', `Model ${id} has no ${ONNX_FILES[dtype]} (dtype ${dtype}) in ${dir}. ${hint}`, {
      model: id,
      file: ONNX_FILES[dtype],
      fix,
    });
  }
  return { id, dir, source, dtype, modelFile };
}

/** How a model (or static-vectors) name is read; the current directory is never consulted to decide. */
export type SourceKind = { kind: 'path'; path: string } | { kind: 'name' } | { kind: 'hub' } | { kind: 'unknown' };

/**
 * Local folders need an explicit path (`./name`, `../name`, absolute, `file:…`, or a path of several segments that
 * cannot be a hub id): a folder in the current directory called `bert-lens-mini` or `Xenova/bert-base-uncased` must
 * never replace that model silently.
 */
export function classifySource(source: string): SourceKind {
  if (source.startsWith('file:')) {
    try {
      return { kind: 'path', path: path.resolve(source.startsWith('file://') ? fileURLToPath(source) : source.slice('file:'.length)) };
    } catch {
      return { kind: 'unknown' }; // e.g. file://host/x: not a local path
    }
  }
  const explicit = path.isAbsolute(source) || /^\.\.?([\\/]|$)/.test(source);
  if (explicit) return { kind: 'path', path: path.resolve(source) };
  if (isHubId(source)) return { kind: 'hub' };
  if (/[\\/]/.test(source)) return { kind: 'path', path: path.resolve(source) }; // a/b/c: no name or hub id looks like that
  return /^[\w\-.]+$/.test(source) ? { kind: 'name' } : { kind: 'unknown' };
}

/** "…/name exists here, write ./name": the remedy when a bare name missed but a folder of that name is in the cwd. */
export function localHint(source: string): string {
  return fs.existsSync(path.resolve(source))
    ? ` ${path.resolve(source)} exists, but local files and folders need an explicit path: write ./${source}.`
    : '';
}

/**
 * Finds the folder for `source`: an explicit folder path, an embedded model name, or a hub id (cached or downloaded
 * now unless offline). Never loads the model.
 */
export async function resolveModel(source: string, opts: StoreOptions & LoadOptions = {}): Promise<ResolvedModel> {
  const want = opts.dtype ?? 'auto';
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const c = classifySource(source);
  if (c.kind === 'path') {
    if (!isModelDir(c.path)) {
      throw new BertLensError(
        'MODEL_NOT_FOUND',
        `Model folder ${c.path} has no config.json. Point to a folder in Hugging Face layout (config.json, tokenizer.json, onnx/model.onnx).`,
        { model: source, file: 'config.json', fix: [{ option: 'model' }] },
      );
    }
    return finish(source, c.path, 'folder', want);
  }
  const embedded = path.join(modelsDir, source);
  if (c.kind === 'name' && isModelDir(embedded)) return finish(source, embedded, 'embedded', want);
  if (c.kind === 'hub') {
    const cacheDir = opts.cacheDir ?? defaultCacheDir();
    let dir: string;
    try {
      dir = await downloadModel(source, { ...opts, cacheDir, dtype: want });
    } catch (e) {
      // "models/bert-lens-zh-qa" typed from a checkout reads as a hub id: say the local folder is there.
      const hint = e instanceof BertLensError && e.code !== 'ABORTED' && isModelDir(path.resolve(source)) ? localHint(source) : '';
      if (!hint) throw e;
      throw new BertLensError((e as BertLensError).code, (e as BertLensError).message + hint, (e as BertLensError).details);
    }
    return finish(source, dir, 'hub', want);
  }
  const names = embeddedNames(modelsDir);
  throw new BertLensError(
    'MODEL_NOT_FOUND',
    `Model ${source} not found: it is not an embedded model (${names.join(', ') || 'none in ' + modelsDir}) and not a Hugging Face id like Xenova/bert-base-uncased.${localHint(source)} Check the name or give the folder's path.`,
    { model: source, fix: [{ option: 'model' }] },
  );
}

function embeddedNames(modelsDir: string): string[] {
  try {
    return fs
      .readdirSync(modelsDir)
      .filter((n) => isModelDir(path.join(modelsDir, n)))
      .sort();
  } catch {
    return [];
  }
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += folderBytes(p);
    else if (e.isFile() && !e.name.includes('.part-')) n += fs.statSync(p).size;
  }
  return n;
}

const CACHE_REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** Embedded models plus hub models in the cache (`<cacheDir>/<org>/<name>`), with their dtypes and sizes. */
export async function listModels(opts: StoreOptions = {}): Promise<ModelListing[]> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const out: ModelListing[] = [];
  for (const name of embeddedNames(modelsDir)) {
    const dir = path.join(modelsDir, name);
    if (availableDtypes(dir).length === 0) continue; // e.g. word2vec folders are not encoders
    out.push({ id: name, source: 'embedded', dir, dtypes: availableDtypes(dir), bytes: folderBytes(dir) });
  }
  let orgs: string[] = [];
  try {
    orgs = fs
      .readdirSync(cacheDir)
      .filter((o) => !o.startsWith('.'))
      .sort(); // .snapshots (snapshot.ts) is not an organisation
  } catch {
    /* no cache yet */
  }
  for (const org of orgs) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(path.join(cacheDir, org)).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = path.join(cacheDir, org, name);
      let files: string[];
      try {
        files = (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/'));
      } catch {
        continue; // not a folder
      }
      const parts = files.filter((f) => f.includes('.part-')).sort();
      const dtypes = availableDtypes(dir);
      const missing = [...CACHE_REQUIRED.filter((f) => !files.includes(f)), ...(dtypes.length ? [] : ['onnx/*.onnx'])];
      if (!parts.length && !files.length) continue;
      if (!parts.length && missing.length === CACHE_REQUIRED.length + 1) continue; // no model files at all
      const entry: ModelListing = { id: `${org}/${name}`, source: 'hub', dir, dtypes, bytes: folderBytes(dir) };
      if (parts.length || missing.length) entry.partial = { parts, missing };
      out.push(entry);
    }
  }
  return out;
}

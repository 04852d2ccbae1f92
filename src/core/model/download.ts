// Hub download into the cache (`<cacheDir>/<org>/<name>/<file>`, the layout transformers.js's FileCache uses):
// size probe with Range bytes=0-0, streamed GET to a temp file, length + format check, then an atomic rename.
import fs from 'node:fs';
import path from 'node:path';
import type { Dtype, DownloadProgress } from '../api';
import { BertLensError, type Fix } from './errors';
import { indexModel } from './graph';
import { ONNX_FILES } from './info';

/** DownloadProgress plus totals over every file of this download (for one progress bar). */
export interface ModelDownloadProgress extends DownloadProgress {
  overallLoaded: number;
  overallTotal: number;
}

export interface DownloadOptions {
  cacheDir: string;
  dtype?: Dtype | 'auto';
  offline?: boolean;
  hubEndpoint?: string;
  revision?: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  downloadIdleTimeoutMs?: number;
}

/** A server that stops answering must not hang a download: this long without a byte (or headers) fails it. */
export const IDLE_TIMEOUT_MS = 30_000;

/** Aborts one request when nothing arrives for `ms`; reset on every chunk. */
class IdleTimer {
  readonly controller = new AbortController();
  fired = false;
  private timer: NodeJS.Timeout | undefined;
  constructor(readonly ms: number, outer?: AbortSignal) {
    if (outer?.aborted) this.controller.abort();
    outer?.addEventListener('abort', () => this.controller.abort(), { once: true });
    this.reset();
  }
  reset(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, this.ms);
  }
  clear(): void {
    clearTimeout(this.timer);
  }
}

/** `.part-<pid>-<time>` files whose process is gone: left by a kill or Ctrl-C, removed before a new download. */
export function removeStaleParts(dir: string): string[] {
  const removed: string[] = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return removed;
  }
  for (const f of entries) {
    const pid = Number(/\.part-(\d+)-\d+$/.exec(f)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue; // ours or another live process's: in progress
    fs.rmSync(path.join(dir, f), { force: true });
    removed.push(f);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const OPTIONAL = ['special_tokens_map.json'];

export function hubEndpoint(given?: string): string {
  return (given || process.env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

const exists = (p: string) => fs.existsSync(p);

/** The cached folder when it already holds a complete set for `dtype` (auto: any dtype). */
export function cachedModelDir(id: string, cacheDir: string, dtype: Dtype | 'auto' = 'auto'): string | undefined {
  const dir = path.join(cacheDir, id);
  if (!REQUIRED.every((f) => exists(path.join(dir, f)))) return undefined;
  const onnx = dtype === 'auto' ? Object.values(ONNX_FILES) : [ONNX_FILES[dtype]];
  return onnx.some((f) => exists(path.join(dir, f))) ? dir : undefined;
}

class Fetcher {
  requests = 0;
  constructor(
    readonly id: string,
    readonly endpoint: string,
    readonly revision: string,
    readonly signal?: AbortSignal,
    readonly idleMs = IDLE_TIMEOUT_MS,
  ) {}

  url(file: string): string {
    return `${this.endpoint}/${this.id}/resolve/${encodeURIComponent(this.revision)}/${file}`;
  }

  fail(file: string, why: string, remedy: string, cause?: unknown, fix?: Fix[]): BertLensError {
    return new BertLensError('DOWNLOAD_FAILED', `Could not download ${file} for ${this.id} from ${this.endpoint}: ${why}. ${remedy}`, { model: this.id, file, cause, fix });
  }

  /** GET with an idle timer running; the caller resets it per chunk and clears it when done. */
  async get(file: string, headers: Record<string, string> = {}): Promise<{ res: Response; idle: IdleTimer }> {
    if (this.signal?.aborted) throw new BertLensError('ABORTED', `Download of ${this.id} was cancelled.`, { model: this.id, file });
    const idle = new IdleTimer(this.idleMs, this.signal);
    // identity: byte counts must match Content-Length (fetch would silently gunzip a compressed body).
    const h: Record<string, string> = { 'Accept-Encoding': 'identity', ...headers };
    const token = process.env.HF_TOKEN;
    if (token && /^https:\/\/(huggingface\.co|hf\.co)$/.test(this.endpoint)) h.Authorization = `Bearer ${token}`;
    this.requests++;
    try {
      return { res: await fetch(this.url(file), { headers: h, signal: idle.controller.signal, redirect: 'follow' }), idle };
    } catch (e) {
      idle.clear();
      if (this.signal?.aborted) throw new BertLensError('ABORTED', `Download of ${this.id} was cancelled.`, { model: this.id, file });
      if (idle.fired) throw this.fail(file, `the server did not answer within ${idle.ms / 1000} s`, 'Try again later, or set the hub endpoint to a mirror that answers (for example https://hf-mirror.com).', e);
      const c = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = c?.code ? `${c.code === 'ECONNREFUSED' ? 'connection refused' : 'network error'} (${c.code})` : (c?.message ?? (e as Error).message);
      throw this.fail(file, why, 'Check your network, use a mirror of the hub (for example https://hf-mirror.com), or work offline with a cached, local or embedded model.', e,
        [{ option: 'hubEndpoint' }, { option: 'offline', value: true }]);
    }
  }

  httpError(file: string, status: number): BertLensError {
    const isOnnx = file.endsWith('.onnx');
    const other = file === ONNX_FILES.int8 ? 'fp32' : 'int8';
    if (status === 401 || status === 403) {
      return this.fail(file, `HTTP ${status}`, 'The repository may be private or gated: give a Hugging Face token, or check the model id.', undefined, [{ option: 'hfToken' }, { option: 'model' }]);
    }
    if (status === 404) {
      const remedy = `Check the model id${isOnnx ? `, or use the ${other} file (the repository may not publish this one)` : ''}; BERT Lens needs the transformers.js layout (onnx/ folder) such as the Xenova/* repositories.`;
      return this.fail(file, `HTTP ${status}`, remedy, undefined, isOnnx ? [{ option: 'dtype', value: other }, { option: 'model' }] : [{ option: 'model' }]);
    }
    return this.fail(file, `HTTP ${status}`, 'The server had a problem; try again later or use another hub endpoint.', undefined, [{ option: 'hubEndpoint' }]);
  }

  /** Total size via `Range: bytes=0-0` (206 + Content-Range); undefined for 404 on optional files. */
  async probe(file: string, optional: boolean): Promise<number | undefined> {
    const { res, idle } = await this.get(file, { Range: 'bytes=0-0' });
    idle.clear();
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 404 && optional) return undefined;
    if (res.status !== 200 && res.status !== 206) throw this.httpError(file, res.status);
    const range = res.headers.get('content-range')?.match(/\/(\d+)\s*$/);
    if (range) return Number(range[1]);
    return Number(res.headers.get('content-length') ?? 0);
  }
}

/** Downloads what is missing for `id` (or nothing when cached); returns the cache folder. */
export async function downloadModel(id: string, opts: DownloadOptions): Promise<string> {
  const dtype = opts.dtype ?? 'auto';
  const hit = cachedModelDir(id, opts.cacheDir, dtype);
  if (hit) return hit;
  const dir = path.join(opts.cacheDir, id);
  if (opts.offline) {
    throw new BertLensError('OFFLINE', `Model ${id} (dtype ${dtype}) is not in the cache ${opts.cacheDir} and offline mode is on, so it is not downloaded.`, { model: id, fix: [{ option: 'offline', value: false }, { option: 'model' }] });
  }
  removeStaleParts(dir);
  const f = new Fetcher(id, hubEndpoint(opts.hubEndpoint), opts.revision ?? 'main', opts.signal, opts.downloadIdleTimeoutMs);
  // Which weights: auto = int8 when the repository publishes onnx/model_quantized.onnx.
  let onnxFile = dtype === 'auto' ? ONNX_FILES.int8 : ONNX_FILES[dtype];
  let onnxSize = await f.probe(onnxFile, dtype === 'auto');
  if (onnxSize === undefined) {
    onnxFile = ONNX_FILES.fp32;
    onnxSize = await f.probe(onnxFile, false);
  }
  const plan: Array<{ file: string; size: number }> = [];
  for (const file of REQUIRED) plan.push({ file, size: (await f.probe(file, false))! });
  for (const file of OPTIONAL) {
    const size = await f.probe(file, true);
    if (size !== undefined) plan.push({ file, size });
  }
  // External weights: model.onnx_data, then model.onnx_data_1, _2 … (transformers.js chunk naming) while present.
  for (let i = 0; i < 32; i++) {
    const file = `${onnxFile}_data${i ? `_${i}` : ''}`;
    const size = await f.probe(file, true);
    if (size === undefined) break;
    plan.push({ file, size });
  }
  plan.push({ file: onnxFile, size: onnxSize! });
  const todo = plan.filter((item) => !exists(path.join(dir, item.file)));
  const overallTotal = todo.reduce((n, item) => n + item.size, 0);
  let before = 0;
  for (const item of todo) {
    const base = before;
    const report = opts.onProgress && ((p: DownloadProgress) => opts.onProgress!({ ...p, overallLoaded: base + p.loaded, overallTotal } as ModelDownloadProgress));
    await fetchFile(f, dir, item.file, item.size, report);
    before += item.size;
  }
  return dir;
}

async function fetchFile(
  f: Fetcher,
  dir: string,
  file: string,
  expected: number,
  onProgress?: (p: DownloadProgress) => void,
): Promise<void> {
  const dest = path.join(dir, file);
  const tmp = `${dest}.part-${process.pid}-${Date.now()}`;
  try {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(tmp, '');
  } catch (e) {
    throw new BertLensError('DOWNLOAD_FAILED', `Cannot write ${file} for ${f.id} into the cache ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Free some disk space or make the folder writable.`, { model: f.id, file, cause: e, fix: [{ option: 'cacheDir' }] });
  }
  const { res, idle } = await f.get(file).catch((e) => {
    fs.rmSync(tmp, { force: true });
    throw e;
  });
  const refuse = async (err: BertLensError) => {
    idle.clear();
    await res.body?.cancel().catch(() => undefined);
    fs.rmSync(tmp, { force: true });
    return err;
  };
  if (res.status !== 200) throw await refuse(f.httpError(file, res.status));
  const encoding = res.headers.get('content-encoding');
  const encoded = !!encoding && encoding !== 'identity';
  // fetch inflates a compressed body by itself: a binary has no reason to be compressed, and a gzip bomb inflates
  // without bound. JSON files stay accepted (some mirrors compress them) and are checked by parsing.
  if (encoded && !file.endsWith('.json')) {
    throw await refuse(f.fail(file, `the server sent it compressed (Content-Encoding: ${encoding}) although BERT Lens asked for the file as is`, 'Nothing was kept; use an endpoint that serves files unmodified, e.g. https://huggingface.co or https://hf-mirror.com.'));
  }
  const total = encoded ? expected || 0 : Number(res.headers.get('content-length') ?? expected ?? 0) || expected || 0;
  let loaded = 0;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    try {
      onProgress?.({ model: f.id, file, loaded: 0, total });
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        idle.reset();
        // Never more than announced: a server streaming on past the size would fill the disk.
        if (!encoded && expected > 0 && loaded + chunk.length > expected) {
          throw f.fail(file, `the server sent more than the announced ${expected} bytes`, 'Nothing was kept; check that the hub endpoint serves the real files, then try again.');
        }
        await fh.write(chunk);
        loaded += chunk.length;
        onProgress?.({ model: f.id, file, loaded, total });
      }
    } catch (e) {
      if (e instanceof BertLensError) throw e;
      if (f.signal?.aborted) throw new BertLensError('ABORTED', `Download of ${f.id} was cancelled; nothing partial was kept.`, { model: f.id, file });
      if (idle.fired) throw f.fail(file, `no data arrived for ${idle.ms / 1000} s after ${loaded} of ${total || '?'} bytes`, 'The server stalled; try again, or set the hub endpoint to a mirror. Nothing partial was kept.', e);
      throw f.fail(file, `the connection broke after ${loaded} of ${total || '?'} bytes (${(e as Error).message})`, 'Try again; nothing partial was kept in the cache.', e);
    } finally {
      idle.clear();
      await fh.close();
    }
    // A compressed body (a server ignoring Accept-Encoding: identity) has no comparable length; the content check
    // below still catches a cut file.
    if (!encoded && total && loaded !== total) {
      throw f.fail(file, `the server sent ${loaded} of ${total} bytes`, 'Try again; nothing partial was kept in the cache.');
    }
    checkContent(f, tmp, file);
    fs.renameSync(tmp, dest);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

// A mirror answering with an HTML page, or a cut file with a matching length, must not land in the cache.
function checkContent(f: Fetcher, tmp: string, file: string): void {
  const corrupt = (why: string) =>
    new BertLensError('CORRUPT_MODEL', `Downloaded ${file} for ${f.id} from ${f.endpoint} is broken (${why}); nothing was kept in the cache. Check that the endpoint serves the real files, then try again.`, { model: f.id, file });
  if (file.endsWith('.json')) {
    try {
      JSON.parse(fs.readFileSync(tmp, 'utf8'));
    } catch (e) {
      throw corrupt(`not valid JSON: ${(e as Error).message}`);
    }
  } else if (file.endsWith('.onnx')) {
    try {
      indexModel(fs.readFileSync(tmp));
    } catch (e) {
      throw corrupt(`not a complete ONNX model: ${(e as Error).message}`);
    }
  }
}

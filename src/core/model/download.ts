// Hub download into the cache (`<cacheDir>/<org>/<name>/<file>`, the layout transformers.js's FileCache uses):
// size (and, for LFS files, SHA-256) probe with Range bytes=0-0, streamed GET to a temp file with retries that resume
// with Range, length + checksum + format check, then an atomic rename; `bert-lens-download.json` records what was
// checked so `models verify` can check it again.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Dtype, DownloadProgress } from '../api';
import { makeDirs } from '../make-dirs';
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
  downloadRetries?: number;
  downloadBackoffMs?: number;
}

/** A server that stops answering must not hang a download: this long without a byte (or headers) fails it. */
export const IDLE_TIMEOUT_MS = 30_000;
export const RETRIES = 3;
export const BACKOFF_MS = 1000;
/** What a download checked, per file; in the model folder next to the files. */
export const DOWNLOAD_RECORD = 'bert-lens-download.json';

export interface DownloadRecord {
  id: string;
  endpoint: string;
  revision: string;
  files: Record<string, { size: number; sha256?: string }>;
}

/** A failure worth another try (the network, a stall, a server error), as opposed to a definite answer. */
class Transient extends Error {
  constructor(readonly error: BertLensError) {
    super(error.message);
  }
}

/** Aborts one request when nothing arrives for `ms`; reset on every chunk. */
class IdleTimer {
  readonly controller = new AbortController();
  fired = false;
  private timer: NodeJS.Timeout | undefined;
  constructor(
    readonly ms: number,
    outer?: AbortSignal,
  ) {
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
    readonly retries = RETRIES,
    readonly backoffMs = BACKOFF_MS,
  ) {}

  /** Runs `attempt` until it succeeds, fails for good, or the retries are spent (waits 1×, 2×, 4× … the backoff). */
  async retrying<T>(attempt: (n: number) => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt(n);
      } catch (e) {
        if (!(e instanceof Transient)) throw e;
        if (n >= this.retries || this.signal?.aborted) {
          const tries = n + 1;
          e.error.message += tries > 1 ? ` (${tries} attempts)` : '';
          throw e.error;
        }
        await sleep(this.backoffMs * 2 ** n, this.signal);
      }
    }
  }

  url(file: string): string {
    return `${this.endpoint}/${this.id}/resolve/${encodeURIComponent(this.revision)}/${file}`;
  }

  fail(file: string, why: string, remedy: string, cause?: unknown, fix?: Fix[]): BertLensError {
    return new BertLensError('DOWNLOAD_FAILED', `Could not download ${file} for ${this.id} from ${this.endpoint}: ${why}. ${remedy}`, {
      model: this.id,
      file,
      cause,
      fix,
    });
  }

  /** GET with an idle timer running; the caller resets it per chunk and clears it when done. A redirect is followed by
   * hand so that the Hub's `X-Linked-Etag` (the SHA-256 of an LFS file, sent on the redirect) can be read. */
  async get(file: string, headers: Record<string, string> = {}): Promise<{ res: Response; idle: IdleTimer; linkedEtag?: string }> {
    if (this.signal?.aborted) throw new BertLensError('ABORTED', `Download of ${this.id} was cancelled.`, { model: this.id, file });
    const idle = new IdleTimer(this.idleMs, this.signal);
    // identity: byte counts must match Content-Length (fetch would silently gunzip a compressed body).
    const h: Record<string, string> = { 'Accept-Encoding': 'identity', ...headers };
    const token = process.env.HF_TOKEN;
    if (token && /^https:\/\/(huggingface\.co|hf\.co)$/.test(this.endpoint)) h.Authorization = `Bearer ${token}`;
    this.requests++;
    try {
      let url = this.url(file);
      let linkedEtag: string | undefined;
      for (let hops = 0; ; hops++) {
        const res = await fetch(url, { headers: h, signal: idle.controller.signal, redirect: 'manual' });
        const location = res.headers.get('location');
        if (res.status < 300 || res.status >= 400 || !location || hops >= 5) {
          if (res.status >= 500) {
            await res.body?.cancel().catch(() => undefined);
            throw new Transient(this.httpError(file, res.status));
          }
          return { res, idle, linkedEtag };
        }
        linkedEtag ??= sha256Of(res.headers.get('x-linked-etag'));
        await res.body?.cancel().catch(() => undefined);
        url = new URL(location, url).toString();
      }
    } catch (e) {
      idle.clear();
      if (e instanceof Transient) throw e;
      if (this.signal?.aborted) throw new BertLensError('ABORTED', `Download of ${this.id} was cancelled.`, { model: this.id, file });
      if (idle.fired)
        throw new Transient(
          this.fail(
            file,
            `the server did not answer within ${idle.ms / 1000} s`,
            'Try again later, or set the hub endpoint to a mirror that answers (for example https://hf-mirror.com).',
            e,
          ),
        );
      const c = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = c?.code
        ? `${c.code === 'ECONNREFUSED' ? 'connection refused' : 'network error'} (${c.code})`
        : (c?.message ?? (e as Error).message);
      throw new Transient(
        this.fail(
          file,
          why,
          'Check your network, use a mirror of the hub (for example https://hf-mirror.com), or work offline with a cached, local or embedded model.',
          e,
          [{ option: 'hubEndpoint' }, { option: 'offline', value: true }],
        ),
      );
    }
  }

  httpError(file: string, status: number): BertLensError {
    const isOnnx = file.endsWith('.onnx');
    const other = file === ONNX_FILES.int8 ? 'fp32' : 'int8';
    if (status === 401 || status === 403) {
      return this.fail(
        file,
        `HTTP ${status}`,
        'The repository may be private or gated: give a Hugging Face token, or check the model id.',
        undefined,
        [{ option: 'hfToken' }, { option: 'model' }],
      );
    }
    if (status === 404) {
      const remedy = `Check the model id${isOnnx ? `, or use the ${other} file (the repository may not publish this one)` : ''}; BERT Lens needs the transformers.js layout (onnx/ folder) such as the Xenova/* repositories.`;
      return this.fail(
        file,
        `HTTP ${status}`,
        remedy,
        undefined,
        isOnnx ? [{ option: 'dtype', value: other }, { option: 'model' }] : [{ option: 'model' }],
      );
    }
    return this.fail(file, `HTTP ${status}`, 'The server had a problem; try again later or use another hub endpoint.', undefined, [
      { option: 'hubEndpoint' },
    ]);
  }

  /** Total size via `Range: bytes=0-0` (206 + Content-Range) and the SHA-256 when the server gives one (the Hub's
   * `X-Linked-Etag` for LFS files, or an ETag that is a SHA-256); undefined for 404 on optional files. */
  async probe(file: string, optional: boolean): Promise<{ size: number; sha256?: string } | undefined> {
    return this.retrying(async () => {
      const { res, idle, linkedEtag } = await this.get(file, { Range: 'bytes=0-0' });
      idle.clear();
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 404 && optional) return undefined;
      if (res.status !== 200 && res.status !== 206) throw this.httpError(file, res.status);
      const sha256 = linkedEtag ?? sha256Of(res.headers.get('x-linked-etag')) ?? sha256Of(res.headers.get('etag'));
      const range = res.headers.get('content-range')?.match(/\/(\d+)\s*$/);
      return { size: Number(range ? range[1] : (res.headers.get('content-length') ?? 0)), sha256 };
    });
  }
}

/** A 64-hex-digit SHA-256 out of an ETag-like header (`"…"`, `W/"…"`); undefined for anything else (git SHA-1s). */
function sha256Of(header: string | null): string | undefined {
  const m = header && /^(?:W\/)?"?([0-9a-f]{64})"?$/i.exec(header.trim());
  return m ? m[1].toLowerCase() : undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/** Downloads what is missing for `id` (or nothing when cached); returns the cache folder. */
export async function downloadModel(id: string, opts: DownloadOptions): Promise<string> {
  const dtype = opts.dtype ?? 'auto';
  const hit = cachedModelDir(id, opts.cacheDir, dtype);
  if (hit) return hit;
  const dir = path.join(opts.cacheDir, id);
  if (opts.offline) {
    throw new BertLensError(
      'OFFLINE',
      `Model ${id} (dtype ${dtype}) is not in the cache ${opts.cacheDir} and offline mode is on, so it is not downloaded.`,
      { model: id, fix: [{ option: 'offline', value: false }, { option: 'model' }] },
    );
  }
  removeStaleParts(dir);
  const endpoint = hubEndpoint(opts.hubEndpoint);
  const revision = opts.revision ?? 'main';
  const f = new Fetcher(id, endpoint, revision, opts.signal, opts.downloadIdleTimeoutMs, opts.downloadRetries, opts.downloadBackoffMs);
  // Which weights: auto = int8 when the repository publishes onnx/model_quantized.onnx.
  let onnxFile = dtype === 'auto' ? ONNX_FILES.int8 : ONNX_FILES[dtype];
  let onnx = await f.probe(onnxFile, dtype === 'auto');
  if (onnx === undefined) {
    onnxFile = ONNX_FILES.fp32;
    onnx = await f.probe(onnxFile, false);
  }
  const plan: Array<{ file: string; size: number; sha256?: string }> = [];
  for (const file of REQUIRED) plan.push({ file, ...(await f.probe(file, false))! });
  for (const file of OPTIONAL) {
    const got = await f.probe(file, true);
    if (got !== undefined) plan.push({ file, ...got });
  }
  // External weights: model.onnx_data, then model.onnx_data_1, _2 … (transformers.js chunk naming) while present.
  for (let i = 0; i < 32; i++) {
    const file = `${onnxFile}_data${i ? `_${i}` : ''}`;
    const got = await f.probe(file, true);
    if (got === undefined) break;
    plan.push({ file, ...got });
  }
  plan.push({ file: onnxFile, ...onnx! });
  const todo = plan.filter((item) => !exists(path.join(dir, item.file)));
  const overallTotal = todo.reduce((n, item) => n + item.size, 0);
  const record = readRecord(dir) ?? { id, endpoint, revision, files: {} };
  let before = 0;
  for (const item of todo) {
    const base = before;
    const onProgress = opts.onProgress;
    const report =
      onProgress &&
      ((p: DownloadProgress) => {
        const overall: ModelDownloadProgress = { ...p, overallLoaded: base + p.loaded, overallTotal };
        onProgress(overall);
      });
    record.files[item.file] = await fetchFile(f, dir, item, report);
    before += item.size;
    fs.writeFileSync(path.join(dir, DOWNLOAD_RECORD), JSON.stringify(record, null, 1) + '\n');
  }
  return dir;
}

/** The download record of a cached model folder, if it has a readable one. */
export function readRecord(dir: string): DownloadRecord | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(dir, DOWNLOAD_RECORD), 'utf8')) as DownloadRecord;
    return r && typeof r.files === 'object' && r.files ? r : undefined;
  } catch {
    return undefined;
  }
}

async function fetchFile(
  f: Fetcher,
  dir: string,
  item: { file: string; size: number; sha256?: string },
  onProgress?: (p: DownloadProgress) => void,
): Promise<{ size: number; sha256: string }> {
  const { file, size: expected } = item;
  const dest = path.join(dir, file);
  const tmp = `${dest}.part-${process.pid}-${Date.now()}`;
  try {
    makeDirs(path.dirname(dest));
    fs.writeFileSync(tmp, '');
  } catch (e) {
    throw new BertLensError(
      'DOWNLOAD_FAILED',
      `Cannot write ${file} for ${f.id} into the cache ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Free some disk space or make the folder writable.`,
      { model: f.id, file, cause: e, fix: [{ option: 'cacheDir' }] },
    );
  }
  // Kept across attempts: a retry asks for the rest (Range) and appends, so the running hash stays valid.
  let loaded = 0;
  let hash: Hash = createHash('sha256');
  let resumable = true;
  try {
    await f.retrying(async () => {
      const { res, idle } = await f.get(file, loaded > 0 && resumable ? { Range: `bytes=${loaded}-` } : {});
      const refuse = async (err: Error) => {
        idle.clear();
        await res.body?.cancel().catch(() => undefined);
        return err;
      };
      let start = 0;
      if (res.status === 206 && loaded > 0) {
        start = Number(/bytes\s+(\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1]);
        if (start !== loaded)
          throw await refuse(
            new Transient(
              f.fail(file, `the server resumed at byte ${start} instead of ${loaded}`, 'Try again later; nothing partial was kept.'),
            ),
          );
      } else if (res.status !== 200) {
        throw await refuse(f.httpError(file, res.status));
      }
      const encoding = res.headers.get('content-encoding');
      const encoded = !!encoding && encoding !== 'identity';
      // fetch inflates a compressed body by itself: a binary has no reason to be compressed, and a gzip bomb inflates
      // without bound. JSON files stay accepted (some mirrors compress them) and are checked by parsing.
      if (encoded && !file.endsWith('.json')) {
        throw await refuse(
          f.fail(
            file,
            `the server sent it compressed (Content-Encoding: ${encoding}) although BERT Lens asked for the file as is`,
            'Nothing was kept; use an endpoint that serves files unmodified, e.g. https://huggingface.co or https://hf-mirror.com.',
          ),
        );
      }
      resumable = !encoded; // an inflated body's length says nothing about the bytes on the wire
      if (start === 0 && loaded > 0) {
        loaded = 0; // the server ignored Range: start over
        hash = createHash('sha256');
        fs.truncateSync(tmp, 0);
      }
      const length = Number(res.headers.get('content-length') ?? 0);
      const total = encoded ? expected || 0 : (length ? start + length : 0) || expected || 0;
      const fh = await fs.promises.open(tmp, 'a');
      try {
        onProgress?.({ model: f.id, file, loaded, total });
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          idle.reset();
          // Never more than announced: a server streaming on past the size would fill the disk.
          if (!encoded && expected > 0 && loaded + chunk.length > expected) {
            throw f.fail(
              file,
              `the server sent more than the announced ${expected} bytes`,
              'Nothing was kept; check that the hub endpoint serves the real files, then try again.',
            );
          }
          await fh.write(chunk);
          hash.update(chunk);
          loaded += chunk.length;
          onProgress?.({ model: f.id, file, loaded, total });
        }
      } catch (e) {
        if (e instanceof BertLensError) throw e;
        if (f.signal?.aborted)
          throw new BertLensError('ABORTED', `Download of ${f.id} was cancelled; nothing partial was kept.`, { model: f.id, file });
        if (idle.fired)
          throw new Transient(
            f.fail(
              file,
              `no data arrived for ${idle.ms / 1000} s after ${loaded} of ${total || '?'} bytes`,
              'The server stalled; try again, or set the hub endpoint to a mirror. Nothing partial was kept.',
              e,
            ),
          );
        throw new Transient(
          f.fail(
            file,
            `the connection broke after ${loaded} of ${total || '?'} bytes (${(e as Error).message})`,
            'Try again; nothing partial was kept in the cache.',
            e,
          ),
        );
      } finally {
        idle.clear();
        await fh.close();
      }
      // A compressed body (a server ignoring Accept-Encoding: identity) has no comparable length; the content check
      // below still catches a cut file.
      if (!encoded && total && loaded !== total) {
        throw new Transient(
          f.fail(file, `the server sent ${loaded} of ${total} bytes`, 'Try again; nothing partial was kept in the cache.'),
        );
      }
    });
    const sha256 = hash.digest('hex');
    if (item.sha256 && sha256 !== item.sha256) {
      throw new BertLensError(
        'CORRUPT_MODEL',
        `Downloaded ${file} for ${f.id} from ${f.endpoint} does not match the checksum the server announced (SHA-256 ${sha256.slice(0, 12)}…, expected ${item.sha256.slice(0, 12)}…); nothing was kept in the cache. Try again, or use another hub endpoint.`,
        { model: f.id, file },
      );
    }
    checkContent(f, tmp, file);
    fs.renameSync(tmp, dest);
    return { size: loaded, sha256 };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

// A mirror answering with an HTML page, or a cut file with a matching length, must not land in the cache.
function checkContent(f: Fetcher, tmp: string, file: string): void {
  const corrupt = (why: string) =>
    new BertLensError(
      'CORRUPT_MODEL',
      `Downloaded ${file} for ${f.id} from ${f.endpoint} is broken (${why}); nothing was kept in the cache. Check that the endpoint serves the real files, then try again.`,
      { model: f.id, file },
    );
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

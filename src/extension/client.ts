// Typed client for the inference worker: request ids, cancellation, stale-answer dropping, errors as {code,message}.
// No `vscode` import, so it runs in plain Node tests against a real worker thread.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type {
  DocInput,
  ErrorCode,
  FromWorker,
  Method,
  ModelsStatus,
  Params,
  Result,
  ToWorker,
  WireError,
  WorkerApi,
  WorkerConfig,
} from '../worker/protocol';
import { DOC_METHODS, METHOD_TABLE, toWireDoc } from '../worker/protocol';
import type { Fix } from '../core/model/errors';
import { disableOrtTelemetry } from '../core/model/telemetry';
import type { DownloadProgress } from '../core/api';

export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fix?: Fix[],
  ) {
    super(message);
  }
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress | { done: number; total: number }) => void;
}

/** `client.call.inspect(doc, offset, layer, top, opts?)` — every WorkerApi method, promised, plus CallOptions. */
export type ClientCalls = {
  [M in Method]: (...args: [...Params<M>, CallOptions?]) => Promise<Result<M>>;
};

interface Pending {
  method: Method;
  resolve: (v: unknown) => void;
  reject: (e: WorkerError) => void;
  onProgress?: CallOptions['onProgress'];
  doc?: { uri: string; version: number };
  cleanup: () => void;
}

export interface WorkerClientOptions {
  /** Absolute path of the bundled worker (dist/worker.js) or a .ts file when run under tsx. */
  script: string;
  execArgv?: string[];
  log?: (level: 'info' | 'error', msg: string) => void;
  /** V8 heap limits of the worker (default WORKER_LIMITS): past them Node stops the worker, not the extension host. */
  resourceLimits?: ResourceLimits;
}

/**
 * A 100 MB text or a hostile config must not take the extension host (and every other extension) down with an
 * out-of-memory abort: the worker's V8 heap is capped. onnxruntime's tensors live outside the V8 heap.
 */
export const WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 1536 };

/** The worker's heap limit: WORKER_LIMITS, or BERT_LENS_WORKER_HEAP_MB (MB) from the environment — a diagnostic knob
 * that reproduces an out-of-memory worker on a small document (docs/RELIABILITY.md; the e2e crash spec uses it). */
export function workerLimits(env: NodeJS.ProcessEnv = process.env): ResourceLimits {
  const mb = Number(env.BERT_LENS_WORKER_HEAP_MB);
  return Number.isInteger(mb) && mb >= 16 ? { maxOldGenerationSizeMb: mb } : WORKER_LIMITS;
}

/** Why the worker stopped, worded for the user; reported once per death. */
export interface WorkerDeath {
  cause: 'out-of-memory' | 'crash';
  exitCode: number;
  message: string;
}

export function describeDeath(exitCode: number, failure: Error | undefined, limits: ResourceLimits): WorkerDeath {
  if (failure && 'code' in failure && failure.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return {
      cause: 'out-of-memory',
      exitCode,
      message: `The inference worker ran out of memory (limit ${limits.maxOldGenerationSizeMb ?? '?'} MB) and was stopped; the editor is not affected. It restarts on the next request. Analyse a smaller document (lower bertLens.maxDocumentChars) or use a smaller model.`,
    };
  }
  return {
    cause: 'crash',
    exitCode,
    message: `The inference worker stopped unexpectedly (exit code ${exitCode}${failure ? `: ${failure.message}` : ''}). It restarts on the next request; if this repeats, run "BERT Lens: Show Log" and report what it says.`,
  };
}

/**
 * One long-lived worker (docs/TECH-NOTES.md §5.3). If it dies, pending calls fail with WORKER_DIED and the next call
 * starts a fresh worker with the last configuration.
 */
export class WorkerClient {
  readonly call: ClientCalls;
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly latest = new Map<string, number>(); // uri → newest version requested
  private lastConfig: WorkerConfig | undefined;
  private statusListeners = new Set<(s: ModelsStatus) => void>();
  private deathListeners = new Set<(d: WorkerDeath) => void>();
  private disposed = false;

  constructor(private readonly opts: WorkerClientOptions) {
    this.call = new Proxy({} as ClientCalls, {
      get:
        (_t, method: string) =>
        (...args: unknown[]) =>
          this.request(method as Method, args),
    });
  }

  /** Fires whenever the worker's model status changes (loading → ready/error). Returns an unsubscribe function. */
  onStatus(listener: (s: ModelsStatus) => void): { dispose(): void } {
    this.statusListeners.add(listener);
    return { dispose: () => this.statusListeners.delete(listener) };
  }

  /** Fires once each time the worker dies on its own (not on dispose), with the cause and what to do. */
  onDeath(listener: (d: WorkerDeath) => void): { dispose(): void } {
    this.deathListeners.add(listener);
    return { dispose: () => this.deathListeners.delete(listener) };
  }

  configure(cfg: WorkerConfig, opts?: CallOptions): Promise<ModelsStatus> {
    this.lastConfig = cfg;
    return this.call.configure(cfg, opts);
  }

  /** Marks `version` as the newest for `uri` without sending anything (e.g. on a document edit). */
  noteVersion(uri: string, version: number): void {
    if ((this.latest.get(uri) ?? -1) < version) this.latest.set(uri, version);
  }

  isStale(uri: string, version: number): boolean {
    return (this.latest.get(uri) ?? -1) > version;
  }

  /** Forget a closed document here and in the worker. */
  forget(uri: string): void {
    this.latest.delete(uri);
    if (this.worker) void this.call.forget(uri).catch(() => undefined);
  }

  private ensureWorker(method: Method): Worker {
    if (this.disposed) throw new WorkerError('WORKER_DIED', 'BERT Lens is shutting down.');
    if (this.worker) return this.worker;
    const limits = this.opts.resourceLimits ?? WORKER_LIMITS;
    disableOrtTelemetry(); // here, not in the worker: native code never sees a worker thread's process.env
    const w = new Worker(this.opts.script, { execArgv: this.opts.execArgv, resourceLimits: limits });
    let failure: Error | undefined;
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (e) => {
      failure = e;
      if ((e as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY')
        this.opts.log?.('error', `Inference worker error: ${e.stack ?? e.message}`);
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return; // terminated by dispose(): nothing to report
      this.worker = undefined;
      const death = describeDeath(code, failure, limits);
      const err = new WorkerError('WORKER_DIED', death.message);
      for (const [id, p] of this.pending) {
        p.cleanup();
        p.reject(err);
        this.pending.delete(id);
      }
      if (this.disposed) return;
      this.opts.log?.('error', death.message);
      for (const l of this.deathListeners) l(death);
    });
    this.worker = w;
    // A restarted worker needs its models again: configure is posted now, so it is first in the worker's queue
    // (ahead of the request that caused the restart).
    if (this.lastConfig && method !== 'configure') void this.call.configure(this.lastConfig).catch(() => undefined);
    return w;
  }

  private request(method: Method, args: unknown[]): Promise<unknown> {
    let opts: CallOptions | undefined;
    const last = args[args.length - 1];
    const arity = METHOD_TABLE[method].params;
    if (args.length > arity) opts = last as CallOptions | undefined;
    const params = args.slice(0, arity);
    let doc: { uri: string; version: number } | undefined;
    if (DOC_METHODS.has(method)) {
      const d = params[0] as DocInput;
      doc = { uri: d.uri, version: d.version };
      this.noteVersion(d.uri, d.version);
      params[0] = toWireDoc(d); // the kept parts of a large document, not the whole string
    }
    if (opts?.signal?.aborted) return Promise.reject(new WorkerError('CANCELLED', 'The request was cancelled.'));
    let worker: Worker;
    try {
      worker = this.ensureWorker(method);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        this.post({ type: 'cancel', id });
        reject(new WorkerError('CANCELLED', 'The request was cancelled.'));
      };
      opts?.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method,
        resolve,
        reject,
        doc,
        onProgress: opts?.onProgress,
        cleanup: () => opts?.signal?.removeEventListener('abort', onAbort),
      });
      const msg: ToWorker = { type: 'request', id, method, params };
      worker.postMessage(msg);
    });
  }

  private post(msg: ToWorker): void {
    this.worker?.postMessage(msg);
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'log':
        this.opts.log?.(m.level, m.message);
        return;
      case 'status':
        for (const l of this.statusListeners) l(m.status);
        return;
      case 'progress':
        this.pending.get(m.id)?.onProgress?.(m.progress);
        return;
      case 'response': {
        const p = this.pending.get(m.id);
        if (!p) return; // cancelled meanwhile
        this.pending.delete(m.id);
        p.cleanup();
        if (p.doc && this.isStale(p.doc.uri, p.doc.version)) {
          p.reject(new WorkerError('STALE', 'The document changed while this answer was computed.'));
        } else if (m.ok) {
          p.resolve(m.result);
        } else {
          p.reject(new WorkerError(m.error.code, m.error.message, m.error.fix));
        }
        if (this.opts.log && m.ms > 50)
          this.opts.log('info', `${p.method} ${m.ok ? 'done' : `failed (${(m as { error: WireError }).error.code})`} in ${m.ms} ms`);
        return;
      }
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) {
      p.cleanup();
      p.reject(new WorkerError('CANCELLED', 'BERT Lens is shutting down.'));
    }
    this.pending.clear();
    if (w) await w.terminate();
  }
}

export type { WorkerApi };

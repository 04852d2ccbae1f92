// The inference worker: one long-lived worker_threads thread that owns the engine and answers WorkerApi requests
// one at a time (ORT runs synchronously, docs/TECH-NOTES.md §5.3), dropping cancelled and stale work.
import { parentPort } from 'node:worker_threads';
import { createEngine } from '../core/index';
import type { FromWorker, Method, Params, ToWorker } from './protocol';
import { DOC_METHODS, METHOD_TABLE, fromWireDoc, toWireError, validateRequest, type KeptDocInput, type WireDocInput } from './protocol';
import { Handlers } from './handlers';

const port = parentPort;
if (!port) throw new Error('src/worker/main.ts must run inside a worker thread');

const send = (m: FromWorker) => port.postMessage(m);
const handlers = new Handlers(createEngine, {
  log: (level, message) => send({ type: 'log', level, message }),
  status: (status) => send({ type: 'status', status }),
});

interface Job {
  id: number;
  method: Method;
  params: unknown[];
  ctrl: AbortController;
  doc?: { uri: string; version: number };
}

const queue: Job[] = [];
let running: Job | undefined;
const madeTexts: Array<{ from: KeptDocInput; text: string }> = []; // documents rebuilt from kept parts (fromWireDoc)

port.on('message', (raw: unknown) => {
  const v = validateRequest(raw);
  if (!v.ok) {
    const id = (raw as { id?: unknown })?.id;
    if (typeof id === 'number') send({ type: 'response', id, ok: false, error: { code: 'BAD_REQUEST', message: v.reason }, ms: 0 });
    return;
  }
  const msg: ToWorker = v.msg;
  if (msg.type === 'cancel') {
    const i = queue.findIndex((j) => j.id === msg.id);
    if (i >= 0) queue.splice(i, 1);
    if (running?.id === msg.id) running.ctrl.abort();
    return;
  }
  const job: Job = { id: msg.id, method: msg.method, params: msg.params, ctrl: new AbortController() };
  if (DOC_METHODS.has(msg.method)) {
    const d = fromWireDoc(msg.params[0] as WireDocInput, madeTexts);
    job.params = [d, ...msg.params.slice(1)];
    job.doc = { uri: d.uri, version: d.version };
    dropOlder(job.doc.uri, job.doc.version);
  }
  if (METHOD_TABLE[job.method].immediate)
    void execute(job); // cheap, or a download that must not block hovers
  else {
    queue.push(job);
    pump();
  }
});

/** A newer version of a document makes queued and running work on older versions pointless. */
function dropOlder(uri: string, version: number): void {
  for (let i = queue.length - 1; i >= 0; i--) {
    const j = queue[i];
    if (j.doc?.uri === uri && j.doc.version < version) {
      queue.splice(i, 1);
      send({
        type: 'response',
        id: j.id,
        ok: false,
        error: { code: 'STALE', message: 'A newer version of the document was requested.' },
        ms: 0,
      });
    }
  }
  if (running?.doc?.uri === uri && running.doc.version < version) running.ctrl.abort();
}

function pump(): void {
  if (running) return;
  const job = queue.shift();
  if (!job) return;
  running = job;
  void execute(job).finally(() => {
    running = undefined;
    setImmediate(pump);
  });
}

async function execute(job: Job): Promise<void> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  try {
    // The wire boundary: validateRequest checked the method, its arity and the document; the table types the rest.
    const result = await handlers.handle(job.method, job.params as Params<Method>, {
      signal: job.ctrl.signal,
      progress: (progress) => send({ type: 'progress', id: job.id, progress }),
    });
    send({ type: 'response', id: job.id, ok: true, result, ms: ms() });
  } catch (e) {
    const error = job.ctrl.signal.aborted ? { code: 'CANCELLED' as const, message: 'The request was cancelled.' } : toWireError(e);
    send({ type: 'response', id: job.id, ok: false, error, ms: ms() });
  }
}

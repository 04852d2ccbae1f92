// The real inference worker (dist/worker.js) as the extension starts it — same resourceLimits, the extension's default
// thread count (half the cores, at most 2, so the host keeps a core), embedded models, offline — configured with
// `config` over those defaults. Shared by the memory and reliability probes.
import os from 'node:os';
import path from 'node:path';
import { WorkerClient, workerLimits } from '../../src/extension/client';
import { DEFAULTS, threadsFor } from '../../src/extension/config';
import type { WorkerConfig } from '../../src/worker/protocol';

const ROOT = path.resolve(__dirname, '../..');

export async function startWorker(config: Partial<WorkerConfig>): Promise<WorkerClient> {
  const client = new WorkerClient({ script: path.join(ROOT, 'dist', 'worker.js'), resourceLimits: workerLimits() });
  await client.configure({
    model: 'auto',
    qaModel: '',
    staticVectors: '',
    modelsDir: path.join(ROOT, 'models'),
    cacheDir: path.join(os.tmpdir(), 'bert-lens-memory-cache'),
    hubEndpoint: 'http://127.0.0.1:9',
    offline: true,
    threads: Number(process.env.BERT_LENS_PROBE_THREADS ?? threadsFor(DEFAULTS, os.cpus().length)),
    dtype: 'auto',
    language: 'en',
    ...config,
  });
  return client;
}

// The model layer inside worker_threads (where the extension runs inference): two workers load and run concurrently.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadModel } from '../../../src/core/model';
import { fixture } from './helpers';

function runInWorker(ids: number[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    // Workers do not inherit tsx's loader; register its CommonJS hook, then load the TypeScript entry.
    const boot = `require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'worker-entry.ts'))});`;
    const w = new Worker(boot, { eval: true, workerData: { dir: fixture('tiny-bert'), ids } });
    w.once('message', (m) => {
      void w.terminate();
      if (m && (m as { error?: string }).error) reject(new Error((m as { error: string }).error));
      else resolve(m as number[]);
    });
    w.once('error', reject);
  });
}

describe('worker threads', () => {
  it('two workers load and run the same model concurrently, with the main thread’s results', async () => {
    const ids = [2, 40, 50, 60, 3];
    const [a, b] = await Promise.all([runInWorker(ids), runInWorker(ids)]);
    const m = await loadModel(fixture('tiny-bert'), {}, { dtype: 'fp32' });
    const [o] = await m.run([{ ids }], { hiddenLayers: [2] });
    await m.dispose();
    assert.equal(a.length, 20);
    for (const x of [...a, ...b]) assert.equal(x, o.hidden[2][5]);
  });
});

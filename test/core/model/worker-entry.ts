// Worker body for worker.test.ts: load a model, run it 20 times, post one number per run back.
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel } from '../../../src/core/model';

(async () => {
  const m = await loadModel(workerData.dir, {}, { dtype: 'fp32' });
  const out: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [o] = await m.run([{ ids: workerData.ids }], { attentionLayers: [2], hiddenLayers: [2] });
    out.push(o.hidden[2][5]);
  }
  await m.dispose();
  parentPort!.postMessage(out);
})().catch((e) => parentPort!.postMessage({ error: String((e as Error)?.stack ?? e) }));

// What onnxruntime keeps after runs: loads MODEL_DIR (int8), runs three 512-token windows (or the model's maximum)
// fetching FETCH, and prints the RSS growth over the loaded state. Graph outputs live until a run ends, fetched or not,
// and the arena keeps the peak: compare a lean model (the default) with `--full` (every tap an output, as before
// tapped-session.ts) — docs/TECH-NOTES.md §6.
// Usage: node --expose-gc --import tsx scripts/memory/arena-probe.ts MODEL_DIR [hidden|none|attention] [--full]
import path from 'node:path';
import { loadModel } from '../../src/core/model';
import type { RunRequest } from '../../src/core/api';

async function main(): Promise<void> {
  const [dir, fetch = 'hidden'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const full = process.argv.includes('--full');
  const m = await loadModel(path.resolve(dir), { threads: 2, offline: true }, { dtype: 'int8', fullGraph: full });
  global.gc?.();
  const r0 = process.memoryUsage().rss;
  const T = Math.min(512, m.info.maxPositions);
  const ids = Array.from({ length: T }, (_, k) => (k === 0 ? 101 : k === T - 1 ? 102 : 1000 + (k % (m.info.vocabSize - 1000))));
  const L = m.info.layers;
  const req: RunRequest =
    fetch === 'attention' ? { attentionLayers: Array.from({ length: L }, (_, i) => i + 1) } : { hiddenLayers: fetch === 'none' ? [] : [L] };
  for (let i = 0; i < 3; i++) await m.run([{ ids }], req);
  global.gc?.();
  const mb = (b: number) => Math.round(b / 2 ** 20);
  console.log(
    JSON.stringify({
      model: dir,
      graph: full ? 'full' : 'lean',
      fetch,
      tokens: T,
      loadedMb: mb(r0),
      growthMb: mb(process.memoryUsage().rss - r0),
    }),
  );
  await m.dispose();
}

void main();

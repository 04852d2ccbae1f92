// What the encoder/head split saves (src/core/model/encoder.ts): the hover path's encode (last hidden state, on the
// lean encoder a model loads with, its untapped attention fused) and mask()'s one-position run, each against the same
// model loaded as the full graph (`fullGraph`: one graph, every tap); and what the attention fusion alone saves
// (fuse-attention.ts: the same lean encoder loaded with `fuseAttention: false`).
import fs from 'node:fs';
import path from 'node:path';
import type { RunRequest } from '../src/core/api';
import { loadModel } from '../src/core/model';
import { runsFused, runsLean, runsSplit } from '../src/core/model/session';
import { rowIds } from './lean-graph';

type Add = (name: string, a: string, fa: () => Promise<unknown>, b: string, fb: () => Promise<unknown>) => Promise<void>;

/** `dirs`: model folders; each runs with the int8 file when it has one, and with fp32. */
export async function splitRows(dirs: string[], threads: number, add: Add): Promise<void> {
  for (const dir of dirs) {
    const dtypes = fs.existsSync(path.join(dir, 'onnx', 'model_quantized.onnx')) ? (['int8', 'fp32'] as const) : (['fp32'] as const);
    for (const dtype of dtypes) {
      const split = await loadModel(dir, { threads }, { dtype });
      const full = await loadModel(dir, { threads }, { dtype, fullGraph: true });
      const unfused = await loadModel(dir, { threads }, { dtype, fuseAttention: false });
      try {
        const { layers } = split.info;
        const ids = rowIds(split.info);
        const T = ids.length;
        const tag = `${path.basename(dir)} ${dtype}, ${T} tokens${runsSplit(split) ? '' : ', NOT SPLIT'}${runsLean(split) ? '' : ', NOT LEAN'}${runsFused(split) ? '' : ', NOT FUSED'}`;
        const hover: RunRequest = { hiddenLayers: [layers] };
        await add(
          `hover-path encode (last hidden): lean encoder session vs full graph (${tag})`,
          'encoder session',
          () => split.run([{ ids }], hover),
          'full graph',
          () => full.run([{ ids }], hover),
        );
        await add(
          `hover-path encode: attention fused vs not, both lean encoder sessions (${tag})`,
          'fused',
          () => split.run([{ ids }], hover),
          'not fused',
          () => unfused.run([{ ids }], hover),
        );
        if (!split.info.capabilities.mlm) continue;
        const one: RunRequest = { mlmPositions: [[T >> 1]] };
        await add(
          `mask() one position: head on selected rows vs full graph (${tag})`,
          'encoder + head',
          () => split.run([{ ids }], one),
          'full graph',
          () => full.run([{ ids }], one),
        );
      } finally {
        await split.dispose();
        await full.dispose();
        await unfused.dispose();
      }
    }
  }
}

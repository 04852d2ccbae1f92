// BERT-small and BERT-base shapes for `npm run bench -- --shapes`: random-weight models built by the project's own
// tools (training/make_bench_models.py, Python with python3-torch) into build/bench-models/ the first time they are
// asked for — ~100 MB each, so they are not committed, and `npm test` never needs them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const SHAPES = ['small', 'base'] as const;

/** The folders of the shape models, built where missing; throws with what to install when Python cannot build them. */
export function shapeModels(root: string): string[] {
  return SHAPES.map((shape) => {
    const dir = path.join(root, 'build', 'bench-models', `bert-${shape}`);
    if (fs.existsSync(path.join(dir, 'onnx', 'model_quantized.onnx'))) return dir;
    console.error(`building ${path.relative(root, dir)} (random weights; once)…`);
    const r = spawnSync('/usr/bin/python3', ['-m', 'training.make_bench_models', shape], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0)
      throw new Error(
        `could not build the BERT-${shape} bench model (${r.error?.message ?? `exit ${r.status}`}). ` +
          'Install Python with torch: apt-get install -y python3-torch python3-onnx libopenblas0-pthread',
      );
    return dir;
  });
}

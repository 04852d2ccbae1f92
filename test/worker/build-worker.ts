// Bundles the real worker (src/worker/main.ts) the way esbuild.mjs does, into <repo>/.work/ (gitignored), so
// tests run it in a real worker thread; node_modules/onnxruntime-node resolves from the repo root.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function buildWorker(): Promise<string> {
  const outfile = path.join(root, '.work', 'test-worker', 'worker.js');
  await esbuild.build({
    entryPoints: [path.join(root, 'src/worker/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node', 'onnxruntime-common'],
    logLevel: 'warning',
  });
  return outfile;
}

// Bundles the extension host, the inference worker, the CLI and the webview. Native onnxruntime stays external
// (it ships beside the bundle in node_modules). transformers.js is not bundled: only the bench and parity tests use it.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync } from 'node:fs';

const root = path.dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  external: ['vscode', 'onnxruntime-node', 'onnxruntime-common'],
  logLevel: 'warning',
};
const builds = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts', worker: 'src/worker/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    entryPoints: { panel: 'src/webview/main.ts' },
    outdir: 'media',
    logLevel: 'warning',
  },
].filter((b) => Object.values(b.entryPoints).every((p) => existsSync(path.join(root, p))));

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

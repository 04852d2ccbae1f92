// Builds one .vsix per onnxruntime-node target (scripts/package.mjs each, after one production build), then unpacks
// every .vsix and checks that it holds the binding onnxruntime-node's loader requires on its platform and no other.
// Usage: node scripts/package-all.mjs [--targets linux-x64,win32-x64]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS, checkBindings } from './onnxruntime-stage.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--targets');
const targets = i >= 0 ? process.argv[i + 1].split(',') : TARGETS;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

run(process.execPath, ['esbuild.mjs', '--production']);
for (const t of targets) run(process.execPath, ['scripts/package.mjs', '--target', t, '--skip-build']);

let failed = 0;
for (const t of targets) {
  const vsix = path.join(root, 'dist', `bert-lens-${t}.vsix`);
  const dir = mkdtempSync(path.join(os.tmpdir(), `bert-lens-${t}-`));
  try {
    run('unzip', ['-q', vsix, '-d', dir]);
    const problems = checkBindings(path.join(dir, 'extension'), t);
    failed += problems.length;
    const mb = (statSync(vsix).size / 1024 / 1024).toFixed(1);
    console.log(
      problems.length ? problems.join('\n') : `unpack check: ${path.relative(root, vsix)} (${mb} MB) holds the ${t} binding only`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (failed) process.exit(1);

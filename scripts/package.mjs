// Builds the .vsix: production bundle → a staged allowlist folder (dist, media, models, l10n, samples and
// onnxruntime-node with only the target's native binding) → `vsce package --target`, then checks that the packaged
// worker loads onnxruntime-node from the extension's own node_modules and answers a request.
// Usage: node scripts/package.mjs [--target linux-x64] [--skip-build] [--no-verify]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBindings, stageOnnxruntime } from './onnxruntime-stage.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const target = arg('--target', 'linux-x64');
const stage = path.join(root, '.work', 'package', target);
const out = path.join(root, 'dist', `bert-lens-${target}.vsix`);

function run(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

function du(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.size;
  return readdirSync(p).reduce((n, e) => n + du(path.join(p, e)), 0);
}
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

if (!process.argv.includes('--skip-build')) run(process.execPath, ['esbuild.mjs', '--production']);
for (const f of ['dist/extension.js', 'dist/worker.js']) {
  if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: the build did not produce it.`);
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const copy = (rel, filter) => {
  const from = path.join(root, rel);
  if (!existsSync(from)) return false;
  cpSync(from, path.join(stage, rel), { recursive: true, filter: filter ? (src) => filter(path.relative(root, src)) : undefined });
  return true;
};

// The manifest, without what only development needs.
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
delete pkg.devDependencies;
delete pkg.scripts;
pkg.repository ??= { type: 'git', url: 'https://github.com/bert-lens/bert-lens' };
writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2));

copy('dist', (p) => /^dist$|^dist\/(extension|worker|cli)\.js$/.test(p));
copy('media', (p) => !p.endsWith('.map'));
copy('l10n');
copy('samples');
copy('LICENSE');
for (const f of readdirSync(root).filter((f) => /^package\.nls(\.[\w-]+)?\.json$/.test(f))) copy(f);
if (!copy('README.md')) writeFileSync(path.join(stage, 'README.md'), '# BERT Lens\n\nSee inside BERT from your editor.\n');
if (!copy('CHANGELOG.md')) writeFileSync(path.join(stage, 'CHANGELOG.md'), `# Changelog\n\n## ${pkg.version}\n\n- First release.\n`);
copy('.vscodeignore');

// Embedded models: only what the runtime loads (no training leftovers, no training log). Where a model folder has
// int8 weights the runtime picks them (dtype auto), so its fp32 file — kept in the repository for the PyTorch parity
// goldens and for resuming training — stays out of the package.
const int8Twin = (p) => p.endsWith('/onnx/model.onnx') && existsSync(path.join(root, p.replace(/model\.onnx$/, 'model_quantized.onnx')));
const modelFiles = (p) => !/\.(py|pt|pth|ckpt|log|tmp|jsonl)$|__pycache__|\/(train|runs|checkpoints)(\/|$)/.test(p) && !int8Twin(p);
if (!copy('models', modelFiles)) console.warn('warning: models/ is missing — the package ships no embedded models.');
for (const m of ['bert-lens-mini', 'bert-lens-mini-qa', 'word2vec-mini', 'bert-lens-zh', 'bert-lens-zh-qa', 'word2vec-zh']) {
  if (!existsSync(path.join(stage, 'models', m))) console.warn(`warning: embedded model models/${m} is missing.`);
}

// onnxruntime: only this target's native binding (docs/TECH-NOTES.md §5.4); onnxruntime-common stays a single copy.
stageOnnxruntime(root, stage, target);
const problems = checkBindings(stage, target);
if (problems.length) throw new Error(problems.join('\n'));

console.log(
  `staged ${mb(du(stage))} in ${path.relative(root, stage)} (models ${mb(du(path.join(stage, 'models')))}, onnxruntime ${mb(du(path.join(stage, 'dist', 'node_modules')))})`,
);
mkdirSync(path.dirname(out), { recursive: true });
rmSync(out, { force: true });
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
run(
  process.execPath,
  [vsce, 'package', '--no-dependencies', '--target', target, '--allow-missing-repository', '--skip-license', '-o', out],
  stage,
);
console.log(`vsix: ${path.relative(root, out)} ${mb(statSync(out).size)}`);

if (!process.argv.includes('--no-verify') && `${process.platform}-${process.arch}` === target) {
  await verify(out);
}

/** Unpacks the vsix and runs its worker from outside the repo: onnxruntime must come from the package itself. */
async function verify(vsix) {
  const dir = path.join(os.tmpdir(), `bert-lens-vsix-${process.pid}`); // outside the repo: no fallback node_modules
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run('unzip', ['-q', vsix, '-d', dir]);
  const ext = path.join(dir, 'extension');
  const resolved = spawnSync(
    process.execPath,
    ['-p', `require.resolve('onnxruntime-node', { paths: [${JSON.stringify(path.join(ext, 'dist'))}] })`],
    { cwd: '/', encoding: 'utf8' },
  ).stdout.trim();
  if (!resolved.startsWith(ext))
    throw new Error(`The packaged worker would load onnxruntime-node from ${resolved || '(nowhere)'}, not from the package.`);
  const embedded = existsSync(path.join(ext, 'models', 'bert-lens-mini'));
  const model = embedded ? 'bert-lens-mini' : path.join(root, 'test', 'fixtures', 'tiny-bert');
  const { Worker } = await import('node:worker_threads');
  process.env.ORT_DISABLE_TELEMETRY ||= '1'; // as the extension host does before its worker: src/core/model/telemetry.ts
  const w = new Worker(path.join(ext, 'dist', 'worker.js'));
  const ask = (id, method, params) =>
    new Promise((resolve, reject) => {
      const on = (m) => {
        if (m.type !== 'response' || m.id !== id) return;
        w.off('message', on);
        m.ok ? resolve(m.result) : reject(new Error(`${m.error.code}: ${m.error.message}`));
      };
      w.on('message', on);
      w.postMessage({ type: 'request', id, method, params });
    });
  try {
    const status = await ask(1, 'configure', [
      {
        model,
        qaModel: embedded ? 'bert-lens-mini-qa' : model,
        staticVectors: '',
        modelsDir: path.join(ext, 'models'),
        cacheDir: path.join(dir, 'cache'),
        hubEndpoint: 'http://127.0.0.1:9',
        offline: true,
        threads: 1,
        dtype: 'auto',
      },
    ]);
    if (status.encoder.state !== 'ready') throw new Error(`The packaged worker could not load ${model}: ${status.encoder.error?.message}`);
    if (embedded) {
      // The embedded models ship int8 only (fp32 stays in the repository), and the package stays within its budget.
      const fp32 = ['bert-lens-mini', 'bert-lens-mini-qa'].filter((m) => existsSync(path.join(ext, 'models', m, 'onnx', 'model.onnx')));
      if (fp32.length)
        throw new Error(`The package ships fp32 weights for ${fp32.join(', ')}; only onnx/model_quantized.onnx belongs in the .vsix.`);
      if (status.encoder.info.dtype !== 'int8')
        throw new Error(`The packaged embedded model runs as ${status.encoder.info.dtype}, not int8.`);
      if (statSync(vsix).size > 60 * 1024 * 1024) throw new Error(`The .vsix is ${mb(statSync(vsix).size)}, over the 60 MB budget.`);
    }
    const text = 'The capital of France is Paris.';
    const r = await ask(2, 'mask', [{ uri: 'file:///verify.txt', version: 1, text }, text.indexOf('Paris'), 3]);
    console.log(
      `verified: onnxruntime-node from ${path.relative(dir, resolved)}; ${model} (${status.encoder.info.dtype}) predicts ${r.predictions.map((p) => p.word).join(', ')}`,
    );
  } finally {
    await w.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
}

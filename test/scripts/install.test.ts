// The offline install: onnxruntime-node's postinstall (which would fetch CUDA providers on linux-x64) is skipped by what npm 11+ reads
// (allowScripts), by the .npmrc key npm 10 passes to the script, and by ONNXRUNTIME_NODE_INSTALL where installs run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from '../worker/build-worker';

const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
const ort = path.join(root, 'node_modules', 'onnxruntime-node');

/** The install flag onnxruntime-node's own parser reads from this environment (undefined: it would download). */
function ortFlag(env: Record<string, string>): unknown {
  const code = `const v = require(${JSON.stringify(path.join(ort, 'script', 'install-utils.js'))}).parseInstallFlag(); console.log(JSON.stringify(v ?? null))`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/onnxruntime_node_install/i.test(k)));
  const r = spawnSync(process.execPath, ['-e', code], { env: { ...clean, ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** KEY=value assignments in front of `npm install`/`npm ci` or exported, in a shell snippet. */
const assignments = (text: string, name: string) =>
  [...text.matchAll(new RegExp(`(?:^|\\s)(?:export\\s+)?${name}=(\\S+)`, 'gm'))].map((m) => m[1]);

test('.npmrc keeps onnxruntime-node-install=skip, so a plain `npm install` with npm 10 (Node 20) stays offline', () => {
  // npm 11 warns that it does not know the key (harmless); allowScripts (below) is what it and its next major read.
  const r = spawnSync('npm', ['config', 'get', 'onnxruntime-node-install'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'skip');
});

test('allowScripts names every installed package with an install script, so npm 11 warns about no install script', () => {
  const allowed = JSON.parse(read('package.json')).allowScripts ?? {};
  const lock = JSON.parse(read('package-lock.json')).packages as Record<string, { hasInstallScript?: boolean }>;
  const withScripts = Object.entries(lock)
    .filter(([p, meta]) => p && meta.hasInstallScript && existsSync(path.join(root, p))) // optional ones (keytar) may be absent
    .map(([p]) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
  assert.ok(withScripts.includes('onnxruntime-node'), 'the lock file records install scripts');
  assert.deepEqual(
    [...new Set(withScripts)].filter((name) => !(name in allowed)),
    [],
  );
});

test('allowScripts denies onnxruntime-node its postinstall (npm 11 skips denied scripts; its next major blocks unreviewed ones)', () => {
  const pkg = JSON.parse(read('package.json'));
  assert.equal(pkg.allowScripts?.['onnxruntime-node'], false);
});

test('.ci/run and the README quick start set ONNXRUNTIME_NODE_INSTALL=skip, which onnxruntime-node reads as "skip"', () => {
  const ci = assignments(read('.ci/run'), 'ONNXRUNTIME_NODE_INSTALL');
  const quick = read('README.md').split('## Quick start')[1].split('```')[1];
  const readme = assignments(quick, 'ONNXRUNTIME_NODE_INSTALL');
  assert.deepEqual(ci, ['skip']);
  assert.deepEqual(readme, ['skip']);
  assert.match(quick, /ONNXRUNTIME_NODE_INSTALL=skip npm install/);
  assert.equal(ortFlag({}), null, 'without the variable the script would download on linux-x64');
  assert.equal(ortFlag({ ONNXRUNTIME_NODE_INSTALL: ci[0] }), false);
});

test("onnxruntime-node's real install script, run as npm runs a dependency's postinstall, exits at once with the variable", () => {
  const env = {
    ...process.env,
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    npm_config_local_prefix: root,
    npm_package_json: path.join(ort, 'package.json'),
    GLOBAL_AGENT_HTTPS_PROXY: 'http://127.0.0.1:9',
  };
  const r = spawnSync(process.execPath, ['script/install.js'], { cwd: ort, env, encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout + r.stderr, '');
  assert.ok(!existsSync(path.join(ort, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so')));
});

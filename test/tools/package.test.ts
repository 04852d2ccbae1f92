// One .vsix per platform: each staged package holds the binding onnxruntime-node's own loader requires on its
// platform/arch and no other platform's binaries; the activation check decides as the loader would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from '../extension/build-worker';
import { ORT_IN_PACKAGE, TARGETS, bindingRequiredBy, checkBindings, stageOnnxruntime } from '../../tools/onnxruntime-stage.mjs';
import { TARGETS as EXT_TARGETS, bindingPath, runtimeSupport } from '../../src/extension/platform';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bert-lens-stage-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('every target stages only its own binding, at the path the loader requires for that platform/arch', () => {
  assert.deepEqual(TARGETS, [...EXT_TARGETS]);
  for (const t of TARGETS) {
    const stage = path.join(tmp, t);
    stageOnnxruntime(root, stage, t);
    assert.deepEqual(checkBindings(stage, t), [], t);
    const [platform, arch] = t.split('-') as [string, string];
    const binding = bindingRequiredBy(path.join(stage, ORT_IN_PACKAGE), platform, arch);
    assert.ok(binding.startsWith(path.join(stage, ORT_IN_PACKAGE, 'bin')) && existsSync(binding), binding);
    for (const other of TARGETS.filter((o) => o !== t)) {
      assert.notDeepEqual(checkBindings(stage, other), [], `${t} staged, checked as ${other}`);
    }
  }
});

test('the check rejects a package carrying every platform (the filter is what makes them differ)', () => {
  const all = path.join(tmp, 'all');
  cpSync(path.join(root, 'node_modules', 'onnxruntime-node', 'dist'), path.join(all, ORT_IN_PACKAGE, 'dist'), { recursive: true });
  cpSync(path.join(root, 'node_modules', 'onnxruntime-node', 'bin'), path.join(all, ORT_IN_PACKAGE, 'bin'), { recursive: true });
  const problems = checkBindings(all, 'linux-x64');
  assert.equal(problems.filter((p) => p.includes('carries')).length, TARGETS.length - 1, problems.join('\n'));
});

test('the activation check looks where the loader looks', () => {
  const ort = path.join(root, 'node_modules', 'onnxruntime-node');
  for (const t of TARGETS) {
    const [platform, arch] = t.split('-') as [string, string];
    assert.equal(bindingRequiredBy(ort, platform, arch), path.join(ort, bindingPath(platform, arch)));
  }
});

test('runtimeSupport: unsupported platforms, a package for another platform, dev and packaged layouts', () => {
  const files = (...fs: string[]) => (p: string) => fs.includes(p);
  const pkgd = 'ext/dist/node_modules/onnxruntime-node';
  const dev = 'ext/node_modules/onnxruntime-node';
  const linuxX64 = files(`${pkgd}/package.json`, `${pkgd}/${bindingPath('linux', 'x64')}`);
  assert.deepEqual(runtimeSupport('darwin', 'x64', [pkgd, dev], linuxX64), { kind: 'unsupported', target: 'darwin-x64' });
  assert.deepEqual(runtimeSupport('freebsd', 'x64', [pkgd, dev], linuxX64), { kind: 'unsupported', target: 'freebsd-x64' });
  assert.deepEqual(runtimeSupport('linux', 'x64', [pkgd, dev], linuxX64), { kind: 'ok' });
  assert.deepEqual(runtimeSupport('linux', 'arm64', [pkgd, dev], linuxX64), { kind: 'wrong-package', target: 'linux-arm64', packaged: 'linux-x64' });
  assert.deepEqual(runtimeSupport('win32', 'arm64', [pkgd, dev], files(`${dev}/package.json`, `${dev}/${bindingPath('win32', 'arm64')}`)), { kind: 'ok' });
  assert.deepEqual(runtimeSupport('darwin', 'arm64', [pkgd, dev], files()), { kind: 'wrong-package', target: 'darwin-arm64', packaged: undefined });
});

// One .vsix per platform: each staged package holds the binding onnxruntime-node's own loader requires on its
// platform/arch and no other platform's binaries; the activation check decides as the loader would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from '../worker/build-worker';
import { ORT_IN_PACKAGE, TARGETS, bindingRequiredBy, checkBindings, stageOnnxruntime } from '../../scripts/onnxruntime-stage.mjs';
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

/** DLL names a PE file links at load time or delay-loads (its import and delay-import directories). */
function peImports(file: string): string[] {
  const b = readFileSync(file);
  const pe = b.readUInt32LE(0x3c);
  const sections = b.readUInt16LE(pe + 6);
  const opt = pe + 24;
  const dirs = opt + (b.readUInt16LE(opt) === 0x20b ? 112 : 96);
  const table = opt + b.readUInt16LE(pe + 20);
  const off = (rva: number) => {
    for (let i = 0; i < sections; i++) {
      const va = b.readUInt32LE(table + 40 * i + 12),
        size = b.readUInt32LE(table + 40 * i + 8),
        raw = b.readUInt32LE(table + 40 * i + 20);
      if (rva >= va && rva < va + size) return rva - va + raw;
    }
    throw new Error(`rva ${rva} outside the sections of ${file}`);
  };
  const name = (rva: number) => {
    const o = off(rva);
    return b.toString('latin1', o, b.indexOf(0, o));
  };
  const names: string[] = [];
  const walk = (dir: number, entry: number, nameAt: number) => {
    const rva = b.readUInt32LE(dirs + 8 * dir);
    if (!rva) return;
    for (let o = off(rva); b.readUInt32LE(o + nameAt); o += entry) names.push(name(b.readUInt32LE(o + nameAt)));
  };
  walk(1, 20, 12); // IMAGE_DIRECTORY_ENTRY_IMPORT: Name at +12
  walk(13, 32, 4); // IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT: DllNameRVA at +4
  return names;
}

test('each staged binding keeps every library it links (PE imports, @rpath, soname); the DirectML shader compiler and the duplicate dylib stay out', () => {
  for (const t of TARGETS) {
    const [platform, arch] = t.split('-') as [string, string];
    const rel = path.join('bin', 'napi-v6', platform, arch);
    const staged = path.join(tmp, t, ORT_IN_PACKAGE, rel);
    const shipped = new Set(readdirSync(staged));
    const available = new Set(readdirSync(path.join(root, 'node_modules', 'onnxruntime-node', rel)));
    for (const f of shipped) {
      const file = path.join(staged, f);
      const linked =
        platform === 'win32'
          ? peImports(file)
          : [
              ...readFileSync(file)
                .toString('latin1')
                .matchAll(/(?:@rpath\/)?(libonnxruntime\.(?:so\.\d+|\d+\.dylib))\0/g),
            ].map((m) => m[1]);
      for (const lib of linked.filter((l) => available.has(l) && l !== f))
        assert.ok(shipped.has(lib), `${t}: ${f} links ${lib}, which is not staged`);
      if (f === 'onnxruntime_binding.node')
        assert.ok(
          linked.some((l) => /onnxruntime/.test(l)),
          `${t}: found what the binding links (${linked.join(', ')})`,
        );
    }
    if (platform === 'win32') {
      assert.ok(peImports(path.join(staged, 'onnxruntime_binding.node')).includes('onnxruntime.dll'), 'the test reads PE imports');
      assert.ok(shipped.has('DirectML.dll') && !shipped.has('dxcompiler.dll') && !shipped.has('dxil.dll'), t);
    }
    if (platform === 'darwin')
      assert.deepEqual(
        [...shipped].filter((f) => f.endsWith('.dylib')),
        ['libonnxruntime.1.dylib'],
      );
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
  const files =
    (...fs: string[]) =>
    (p: string) =>
      fs.includes(p);
  const pkgd = 'ext/dist/node_modules/onnxruntime-node';
  const dev = 'ext/node_modules/onnxruntime-node';
  const linuxX64 = files(`${pkgd}/package.json`, `${pkgd}/${bindingPath('linux', 'x64')}`);
  assert.deepEqual(runtimeSupport('darwin', 'x64', [pkgd, dev], linuxX64), { kind: 'unsupported', target: 'darwin-x64' });
  assert.deepEqual(runtimeSupport('freebsd', 'x64', [pkgd, dev], linuxX64), { kind: 'unsupported', target: 'freebsd-x64' });
  assert.deepEqual(runtimeSupport('linux', 'x64', [pkgd, dev], linuxX64), { kind: 'ok' });
  assert.deepEqual(runtimeSupport('linux', 'arm64', [pkgd, dev], linuxX64), {
    kind: 'wrong-package',
    target: 'linux-arm64',
    packaged: 'linux-x64',
  });
  assert.deepEqual(runtimeSupport('win32', 'arm64', [pkgd, dev], files(`${dev}/package.json`, `${dev}/${bindingPath('win32', 'arm64')}`)), {
    kind: 'ok',
  });
  assert.deepEqual(runtimeSupport('darwin', 'arm64', [pkgd, dev], files()), {
    kind: 'wrong-package',
    target: 'darwin-arm64',
    packaged: undefined,
  });
});

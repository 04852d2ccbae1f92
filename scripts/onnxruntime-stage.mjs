// onnxruntime-node in a staged extension: only one target's native binding, and the check that the binding path
// onnxruntime-node's own loader (dist/binding.js) requires on each platform/arch is present for the package's target
// and absent for every other one. Used by scripts/package.mjs, scripts/package-all.mjs and test/scripts/package.test.ts.
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

/** The vsce targets onnxruntime-node 1.30 ships a CPU binding for (it has none for darwin-x64). */
export const TARGETS = ['linux-x64', 'linux-arm64', 'win32-x64', 'win32-arm64', 'darwin-arm64'];

/** Where the staged bundle finds the packages: vsce --no-dependencies drops a top-level node_modules, and the
 * bundle's require('onnxruntime-node') resolves from dist/ upward (as Copilot/IntelliCode ship them). */
export const ORT_IN_PACKAGE = 'dist/node_modules/onnxruntime-node';

/**
 * Native files BERT Lens never loads, left out to keep each .vsix under 60 MB: DirectML's shader compiler
 * (dxcompiler.dll, dxil.dll — loaded by DirectML.dll itself, only for the DirectML execution provider; onnxruntime.dll
 * imports DirectML.dll, which stays) and the second copy of the macOS library (the binding links
 * @rpath/libonnxruntime.1.dylib; libonnxruntime.1.30.0.dylib is the same file under its full version).
 */
export const UNUSED_NATIVE = /\/(dxcompiler\.dll|dxil\.dll|libonnxruntime\.\d+\.\d+\.\d+\.dylib)$/;

/** Copies onnxruntime-node (with only `target`'s binding, without its install script) and onnxruntime-common. */
export function stageOnnxruntime(root, stage, target) {
  const [platform, arch] = target.split('-');
  const keep = `node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}`;
  const copyTo = (rel, filter) =>
    cpSync(path.join(root, rel), path.join(stage, 'dist', rel), { recursive: true, filter: (src) => filter(path.relative(root, src)) });
  copyTo('node_modules/onnxruntime-node', (p) => {
    if (p.includes('/script') || p.endsWith('.d.ts') || p.endsWith('.map') || UNUSED_NATIVE.test(p)) return false;
    if (!p.startsWith('node_modules/onnxruntime-node/bin')) return true;
    return keep.startsWith(p) || p.startsWith(keep);
  });
  copyTo('node_modules/onnxruntime-common', (p) => !p.endsWith('.map') && !p.includes('/lib/'));
  if (!existsSync(path.join(stage, 'dist', keep))) throw new Error(`onnxruntime-node has no binding for ${target} (${keep}).`);
  // The install script downloads GPU providers; the packaged copy must never run it.
  const pkgPath = path.join(stage, ORT_IN_PACKAGE, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  delete pkg.scripts;
  writeFileSync(pkgPath, JSON.stringify(pkg, null, 2));
}

/** The file onnxruntime-node's loader requires on `platform`/`arch`, found by running its dist/binding.js. */
export function bindingRequiredBy(ortDir, platform, arch) {
  const file = path.join(ortDir, 'dist', 'binding.js');
  const required = [];
  const sandbox = {
    exports: {},
    process: { platform, arch },
    require: (id) => (id.endsWith('.node') ? (required.push(id), {}) : {}),
  };
  vm.runInNewContext(readFileSync(file, 'utf8'), sandbox, { filename: file });
  if (required.length !== 1) throw new Error(`${file} required ${required.length} native bindings, expected 1.`);
  return path.resolve(path.dirname(file), required[0]);
}

/** Problems with the binding in an extension folder (staged or unpacked from a .vsix) built for `target`. */
export function checkBindings(extDir, target) {
  const ort = path.join(extDir, ORT_IN_PACKAGE);
  if (!existsSync(path.join(ort, 'dist', 'binding.js'))) return [`${target}: no ${ORT_IN_PACKAGE}/dist/binding.js`];
  const problems = [];
  for (const t of TARGETS) {
    const [platform, arch] = t.split('-');
    const binding = bindingRequiredBy(ort, platform, arch);
    const rel = path.relative(extDir, binding);
    if (t === target && !existsSync(binding)) problems.push(`${target}: the loader's ${rel} is missing`);
    if (t !== target && existsSync(path.dirname(binding))) problems.push(`${target}: carries ${path.dirname(rel)} (for ${t})`);
  }
  const platforms = readdirSync(path.join(ort, 'bin', 'napi-v6'));
  if (platforms.length !== 1) problems.push(`${target}: bin/napi-v6 holds ${platforms.join(', ')}`);
  return problems;
}

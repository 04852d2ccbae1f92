// Whether this machine can run the packaged onnxruntime-node, decided before the worker starts, so an unsupported
// platform or a .vsix built for another one gets a sentence at activation instead of a native-module stack trace.
// No `vscode` import (tested in plain Node).

/** The targets a .vsix is built for: onnxruntime-node 1.30 ships CPU bindings for these and no others. */
export const TARGETS = ['linux-x64', 'linux-arm64', 'win32-x64', 'win32-arm64', 'darwin-arm64'] as const;

/** The binding onnxruntime-node's loader (dist/binding.js) requires, relative to the onnxruntime-node folder. */
export const bindingPath = (platform: string, arch: string) => `bin/napi-v6/${platform}/${arch}/onnxruntime_binding.node`;

export type RuntimeSupport =
  | { kind: 'ok' }
  /** onnxruntime-node has no binding for this platform at all (e.g. darwin-x64, Intel Macs). */
  | { kind: 'unsupported'; target: string }
  /** A supported platform, but this package carries another platform's binding. */
  | { kind: 'wrong-package'; target: string; packaged: string | undefined };

/**
 * @param ortDirs candidate onnxruntime-node folders, first existing one wins (packaged: dist/node_modules; dev: node_modules)
 * @param has filesystem probe
 */
export function runtimeSupport(platform: string, arch: string, ortDirs: string[], has: (p: string) => boolean): RuntimeSupport {
  const target = `${platform}-${arch}`;
  if (!(TARGETS as readonly string[]).includes(target)) return { kind: 'unsupported', target };
  const ort = ortDirs.find((d) => has(`${d}/package.json`));
  if (ort && has(`${ort}/${bindingPath(platform, arch)}`)) return { kind: 'ok' };
  const packaged = ort ? TARGETS.find((t) => has(`${ort}/${bindingPath(...(t.split('-') as [string, string]))}`)) : undefined;
  return { kind: 'wrong-package', target, packaged };
}

// A full garbage collection on request. V8 frees a large ArrayBuffer only when it collects, and nothing prompts a
// collection right after a model load: the file and the graphs cut from it (three times a BERT-base file, over 300 MB)
// stayed resident until later work happened to trigger one (scripts/memory/load-probe.ts, bench/README.md).
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/** Collects garbage now (in the calling thread's isolate); a no-op where V8 does not offer it. */
export function collectGarbage(): void {
  if (gc === undefined) {
    gc = (globalThis as { gc?: () => void }).gc ?? null;
    if (!gc) {
      // The flag is on only while one private context is made, so no other code sees a `gc` global.
      try {
        v8.setFlagsFromString('--expose-gc');
        gc = vm.runInNewContext('gc') as () => void;
      } catch {
        gc = null;
      } finally {
        v8.setFlagsFromString('--no-expose-gc');
      }
    }
  }
  // Twice: V8 frees a dead ArrayBuffer's memory on a background thread after the collection that found it, and the
  // next collection first waits for that to finish — under load the first one alone returned with the memory still held.
  gc?.();
  gc?.();
}

/**
 * Hands `bytes`' memory back at the next collection, whoever still refers to them: their ArrayBuffer is detached (every
 * view of it reads empty from then on). Needed for a model file's bytes after the graphs are cut from them: optimized
 * code compiled while a load ran can keep a closure's context, and through it those bytes, alive past every
 * collection (BERT-base int8: 8 of 12 loads kept the 129 MB file resident while onnxruntime built its session, peak
 * 2.7× the file instead of 1.8×; with `--no-opt`, none of 4; scripts/memory/load-probe.ts, 2026-12-02). Skipped when
 * one of `keep` shares the buffer, when `bytes` is a slice of a larger buffer (Node's Buffer pool), or when the
 * buffer cannot be transferred.
 */
export function discard(bytes: Uint8Array, keep: Array<Uint8Array | undefined>): void {
  const buffer = bytes.buffer;
  if (bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength || keep.some((k) => k?.buffer === buffer)) return;
  try {
    structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
  } catch {
    // a SharedArrayBuffer or an untransferable one: left to the collector
  }
}

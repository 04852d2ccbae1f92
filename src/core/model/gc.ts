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

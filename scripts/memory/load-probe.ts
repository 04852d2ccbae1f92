// Issue 13's memory goals for a large model: the inference worker (started as the extension starts it) loads MODEL
// (a folder), then encodes a document and answers one hover. Prints one JSON line: the int8 file's size, the process's
// RSS growth over its state before the worker started — at its peak while loading (VmHWM, reset first through
// /proc/self/clear_refs), once loaded, and after the document — and those as multiples of the file.
// Goals: peak while loading ≤ 2× the file; RSS after a 50k-character document ≤ 3× the file (BERT-base int8).
// Usage: node --import tsx scripts/memory/load-probe.ts MODEL_DIR DOCUMENT [--hub]   (a BERT-base-shaped MODEL_DIR:
// /usr/bin/python3 -m training.make_bench_models base → build/bench-models/bert-base). --hub: the folder is copied into
// a download cache (build/tmp/probe-cache) and loaded from there as a hub model, with its weights mapped from the file
// (src/core/model/mapped.ts); without it, as a folder, from bytes.
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startWorker } from './start-worker';

const MB = 2 ** 20;
const rss = () => process.memoryUsage().rss;
/** Peak RSS since the last reset, from /proc (Linux). */
const hwm = () => 1024 * Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

async function main(): Promise<void> {
  const [dir, file, hub] = process.argv.slice(2);
  let model = path.resolve(dir);
  const fileBytes = statSync(path.join(model, 'onnx', 'model_quantized.onnx')).size;
  const cacheDir = path.resolve('build', 'tmp', 'probe-cache');
  if (hub === '--hub') {
    const id = `probe/${path.basename(model)}`;
    if (!existsSync(path.join(cacheDir, id))) cpSync(model, path.join(cacheDir, id), { recursive: true });
    model = id;
  }
  const text = readFileSync(file, 'utf8');
  global.gc?.();
  writeFileSync('/proc/self/clear_refs', '5'); // VmHWM := current RSS
  const base = rss();
  const client = await startWorker({ model, dtype: 'int8', cacheDir });
  const loadPeak = hwm() - base; // configure() returns once the models are loaded
  const loaded = rss() - base;
  const doc = { uri: 'file:///memory.txt', version: 1, text };
  const t0 = performance.now();
  const enc = await client.call.encode(doc, null, 'last', null);
  const encodeMs = performance.now() - t0;
  await client.call.inspect(doc, text.length >> 1, 'last', 5);
  const after = rss() - base;
  const x = (b: number) => Math.round((100 * b) / fileBytes) / 100;
  const mb = (b: number) => Math.round(b / MB);
  console.log(
    JSON.stringify({
      fileMb: mb(fileBytes),
      characters: text.length,
      windows: enc.windows,
      encodeMs: Math.round(encodeMs),
      loadPeakMb: mb(loadPeak),
      loadPeakX: x(loadPeak),
      loadedMb: mb(loaded),
      afterMb: mb(after),
      afterX: x(after),
      peakMb: mb(hwm() - base),
    }),
  );
  await client.dispose();
}

void main();

// The floor under issue 13's load goals: a plain onnxruntime-node session on the untouched model file (no taps, no
// split, no tokenizer), created from the path or from the file's bytes; prints the process's RSS growth once loaded,
// its peak while loading, and after one 512-token run, in MB and as multiples of the file.
// Usage: node --expose-gc scripts/memory/raw-ort.mjs build/bench-models/bert-base/onnx/model_quantized.onnx path|bytes [no-prepack]
// (no-prepack: onnxruntime's session.disable_prepacking, so the weights are not kept a second time, packed for the GEMMs)
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [file, from = 'path', prepack] = process.argv.slice(2);
const MB = 2 ** 20;
const rss = () => process.memoryUsage().rss;
const hwm = () => 1024 * Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
const size = statSync(file).size;
global.gc?.();
writeFileSync('/proc/self/clear_refs', '5'); // VmHWM := current RSS
const base = rss();
const options = { intraOpNumThreads: 2, executionMode: 'sequential', graphOptimizationLevel: 'all' };
if (prepack === 'no-prepack') options.extra = { session: { disable_prepacking: '1' } };
const session = await ort.InferenceSession.create(from === 'bytes' ? readFileSync(file) : file, options);
const peak = hwm() - base;
global.gc?.();
const loaded = rss() - base;
const T = 512;
const ids = (v) => new ort.Tensor('int64', new BigInt64Array(T).fill(v), [1, T]);
const feeds = { input_ids: ids(5n), attention_mask: ids(1n) };
if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = ids(0n);
await session.run(feeds, [session.outputNames[0]]);
const after = rss() - base;
const r = (b) => ({ mb: Math.round(b / MB), x: Math.round((100 * b) / size) / 100 });
console.log(
  JSON.stringify({
    from,
    prepack: prepack !== 'no-prepack',
    fileMb: Math.round(size / MB),
    loaded: r(loaded),
    loadPeak: r(peak),
    afterRun512: r(after),
  }),
);

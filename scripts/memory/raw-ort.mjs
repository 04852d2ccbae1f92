// The floor under issue 13's load goals: a plain onnxruntime-node session on the untouched model file (no taps, no
// split, no tokenizer), created from the path or from the file's bytes; prints the process's RSS growth once loaded,
// its peak while loading, and after one 512-token run, in MB and as multiples of the file.
// Usage: node --expose-gc scripts/memory/raw-ort.mjs build/bench-models/bert-base/onnx/model_quantized.onnx path|bytes [no-prepack]
// (no-prepack: onnxruntime's session.disable_prepacking, so the weights are not kept a second time, packed for the GEMMs)
import { readFileSync, statSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { probeOptions, sessionRss } from './session-rss.mjs';

const [file, from = 'path', prepack] = process.argv.slice(2);
const MB = 2 ** 20;
const size = statSync(file).size;
const options = probeOptions(prepack !== 'no-prepack');
const m = await sessionRss(() => ort.InferenceSession.create(from === 'bytes' ? readFileSync(file) : file, options));
const r = (b) => ({ mb: Math.round(b / MB), x: Math.round((100 * b) / size) / 100 });
console.log(
  JSON.stringify({
    from,
    prepack: prepack !== 'no-prepack',
    fileMb: Math.round(size / MB),
    loaded: r(m.loaded),
    loadPeak: r(m.peak),
    afterRun512: r(m.after),
  }),
);

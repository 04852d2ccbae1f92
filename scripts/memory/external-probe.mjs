// Experiment (issue 13, bench/README.md 2026-12-02): a plain onnxruntime session's RSS — loaded, peak while loading,
// after one 512-token run, as multiples of the file — for one int8 model loaded one of five ways:
//   bytes     InferenceSession.create(file bytes)            (what the engine does)
//   path      InferenceSession.create(file path)
//   ext       the weights as in-memory external data          (graph + weights.bin written by onnx into a temp folder)
//   ext-path  that graph + weights.bin loaded from its path
//   ref       a graph written next to the model whose initializers reference the model file itself (offsets of raw_data)
// Usage: node --expose-gc scripts/memory/external-probe.mjs build/bench-models/bert-base/onnx/model_quantized.onnx MODE [no-prepack]
// The ext/ref files are made once with /usr/bin/python3 (python3-onnx). Not part of npm test or the bench.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { probeOptions, sessionRss } from './session-rss.mjs';

const [file, mode = 'bytes', prepack] = process.argv.slice(2);
const dir = path.join(tmpdir(), `external-probe-${statSync(file).size}`);
const ref = path.join(path.dirname(file), `.external-probe-${path.basename(file)}`);
if (!existsSync(path.join(dir, 'weights.bin')) || !existsSync(ref)) {
  execFileSync('/usr/bin/python3', [
    '-c',
    `
import onnx, os, sys
src, out, ref = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
onnx.save_model(onnx.load(src), os.path.join(out, 'model.onnx'), save_as_external_data=True,
                all_tensors_to_one_file=True, location='weights.bin', size_threshold=1024)
blob = open(src, 'rb').read()
m = onnx.load(src)
for t in m.graph.initializer:
    if len(t.raw_data) < 1024: continue
    off, n = blob.find(t.raw_data), len(t.raw_data)
    t.ClearField('raw_data'); t.data_location = onnx.TensorProto.EXTERNAL
    for k, v in (('location', os.path.basename(src)), ('offset', str(off)), ('length', str(n))):
        e = t.external_data.add(); e.key = k; e.value = v
open(ref, 'wb').write(m.SerializeToString())
`,
    file,
    dir,
    ref,
  ]);
}
const MB = 2 ** 20;
const size = statSync(file).size;
const options = probeOptions(prepack !== 'no-prepack');
const create = {
  bytes: () => ort.InferenceSession.create(readFileSync(file), options),
  path: () => ort.InferenceSession.create(file, options),
  ext: () =>
    ort.InferenceSession.create(readFileSync(path.join(dir, 'model.onnx')), {
      ...options,
      externalData: [{ path: 'weights.bin', data: readFileSync(path.join(dir, 'weights.bin')) }],
    }),
  'ext-path': () => ort.InferenceSession.create(path.join(dir, 'model.onnx'), options),
  ref: () => ort.InferenceSession.create(ref, options),
}[mode];
if (!create) throw new Error(`MODE must be one of bytes, path, ext, ext-path, ref`);
const m = await sessionRss(create);
const x = (b) => Math.round((100 * b) / size) / 100;
console.log(
  JSON.stringify({
    mode,
    prepack: prepack !== 'no-prepack',
    fileMb: Math.round(size / MB),
    loaded: x(m.loaded),
    peak: x(m.peak),
    after: x(m.after),
    first: m.first,
  }),
);

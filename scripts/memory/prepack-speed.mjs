// What switching off onnxruntime's weight prepacking (session.disable_prepacking: less memory, see raw-ort.mjs) costs
// in speed: one model file, two sessions, runs interleaved, median of each and their ratio.
// Usage: node scripts/memory/prepack-speed.mjs MODEL.onnx [tokens=128] [pairs=15]
import * as ort from 'onnxruntime-node';

process.env.ORT_DISABLE_TELEMETRY ||= '1'; // before the first session: src/core/model/telemetry.ts says why

const [file, T = '128', P = '15'] = process.argv.slice(2);
const create = (prepack) =>
  ort.InferenceSession.create(file, {
    intraOpNumThreads: 2,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { disable_prepacking: prepack ? '0' : '1' } },
  });
const [packed, plain] = [await create(true), await create(false)];
const ids = (v) => new ort.Tensor('int64', new BigInt64Array(+T).fill(v), [1, +T]);
const feeds = (s) => ({
  input_ids: ids(5n),
  attention_mask: ids(1n),
  ...(s.inputNames.includes('token_type_ids') ? { token_type_ids: ids(0n) } : {}),
});
const time = async (s) => {
  const t = performance.now();
  await s.run(feeds(s), [s.outputNames[0]]);
  return performance.now() - t;
};
for (let i = 0; i < 3; i++) {
  await time(packed);
  await time(plain);
}
const [a, b] = [[], []];
for (let i = 0; i < +P; i++) {
  if (i % 2) (b.push(await time(plain)), a.push(await time(packed)));
  else (a.push(await time(packed)), b.push(await time(plain)));
}
const median = (x) => x.sort((p, q) => p - q)[x.length >> 1];
console.log(JSON.stringify({ file, tokens: +T, prepackedMs: median(a), notPrepackedMs: median(b), ratio: median(b) / median(a) }));

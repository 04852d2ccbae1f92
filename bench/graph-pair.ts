// Two ONNX graphs of one model timed against each other on the same 128-token rows (paired, interleaved: bench/pair.ts),
// after checking that they give the same outputs: how a graph rewrite (bench/trials/) is judged before the engine
// would make it.
// Usage: node --import tsx bench/graph-pair.ts A.onnx B.onnx [pairs] [rows]   Prints B/A with the ratios' IQR.
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../src/core/model/options';
import { pair } from './pair';

async function main(): Promise<void> {
  const [a, b, pairs = '30', rows = '1'] = process.argv.slice(2);
  const [R, T] = [Number(rows), 128];
  const sa = await ort.InferenceSession.create(a, sessionOptions(2));
  const sb = await ort.InferenceSession.create(b, sessionOptions(2));
  const ids = BigInt64Array.from({ length: R * T }, (_, k) => BigInt(1000 + ((k * 7919) % 15000)));
  const mask = new BigInt64Array(R * T).fill(1n);
  for (let r = 1; r < R; r++) mask.fill(0n, r * T + T - 8 * r, (r + 1) * T); // later rows padded, so the mask matters
  const feeds = {
    input_ids: new ort.Tensor('int64', ids, [R, T]),
    attention_mask: new ort.Tensor('int64', mask, [R, T]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(R * T), [R, T]),
  };
  const [oa, ob] = [await sa.run(feeds), await sb.run(feeds)];
  const shared = Object.keys(oa).filter((k) => k in ob);
  let diff = 0;
  for (const k of shared) {
    const [x, y] = [oa[k].data as Float32Array, ob[k].data as Float32Array];
    for (let i = 0; i < x.length; i++) diff = Math.max(diff, Math.abs(x[i] - y[i]));
  }
  console.log(`outputs: ${shared.length} shared (A ${Object.keys(oa).length}, B ${Object.keys(ob).length}), max |B − A| ${diff}`);
  const r = await pair(
    () => sb.run(feeds),
    () => sa.run(feeds),
    Number(pairs),
  );
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  console.log(
    `B ${r.aMs.toFixed(1)} ms, A ${r.bMs.toFixed(1)} ms: B/A ${(r.aMs / r.bMs).toFixed(3)} (IQR of the pairs ${r.iqr[0].toFixed(3)}–${r.iqr[1].toFixed(3)}), ${pairs} pairs, load ${load}`,
  );
  await Promise.all([sa.release(), sb.release()]);
}

void main();

// Where the hover path's encode spends its time, per operator: the lean encoder graph a model loads with (the split
// encoder with the lean taps, core/model/session.ts), profiled by onnxruntime over 12 runs of one 128-token row.
// Usage: node --import tsx bench/op-profile.ts <model.onnx> [--write FILE] [--unfused]   (a file in its model folder,
// whose config.json gives the shape; e.g. the BERT-base shape of bench/shapes.ts: build/bench-models/bert-base/onnx/
// model.onnx). Prints ms per run and share per operator; --write also saves the lean graph it profiles
// (bench/trials/ rewrites such a file, bench/graph-pair.ts times it); --unfused: the lean graph before its attention is
// fused (core/model/fuse-attention.ts), as the trials take.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../src/core/model/options';
import { leanGraph } from './lean-graph';

async function main(): Promise<void> {
  const all = process.argv.slice(2);
  const fuse = !all.includes('--unfused');
  const args = all.filter((a) => a !== '--unfused');
  const w = args.indexOf('--write');
  const out = w >= 0 ? args.splice(w, 2)[1] : undefined;
  const [file] = args;
  const { graph, hidden: last } = leanGraph(file, fuse);
  if (out) fs.writeFileSync(out, graph);
  const prefix = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'op-profile-')), 'ort');
  const s = await ort.InferenceSession.create(graph, { ...sessionOptions(2), enableProfiling: true, profileFilePrefix: prefix });
  const T = 128;
  const RUNS = 12;
  const ids = BigInt64Array.from({ length: T }, (_, k) => BigInt(1000 + k));
  const input = (n: string) => (n === 'input_ids' ? ids : n === 'attention_mask' ? new BigInt64Array(T).fill(1n) : new BigInt64Array(T));
  const feeds = Object.fromEntries(s.inputNames.map((n) => [n, new ort.Tensor('int64', input(n), [1, T])]));
  for (let i = 0; i < RUNS; i++) await s.run(feeds, [last]);
  s.endProfiling();
  await s.release();
  const dir = path.dirname(prefix);
  const events = JSON.parse(fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]), 'utf8')) as Array<{
    cat: string;
    name: string;
    dur: number;
    args: { op_name?: string };
  }>;
  const byOp = new Map<string, number>();
  for (const e of events) {
    if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) byOp.set(e.args.op_name!, (byOp.get(e.args.op_name!) ?? 0) + e.dur);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]))
    console.log(`${op.padEnd(20)} ${(us / 1000 / RUNS).toFixed(2).padStart(7)} ms/run ${((100 * us) / total).toFixed(1).padStart(5)} %`);
  console.log(`${'all kernels'.padEnd(20)} ${(total / 1000 / RUNS).toFixed(2).padStart(7)} ms/run`);
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();

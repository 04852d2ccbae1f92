// How the engine sets onnxruntime's threads (core/model/options.ts), against the alternatives (issue 13: the hover
// path's encode), on the lean encoder graph a model loads with:
// - spinning: the engine's threads sleep between operators (A) vs spin during runs (B: `intra_op.allow_spinning` 1
//   and `force_spinning_stop` 1, so they stop when a run returns) — on quiet cores, and with every core taken by a
//   busy process, as when the user's build runs beside the editor; and the CPU time per run when runs come 50 ms
//   apart (what spinning after a run would burn);
// - thread count: one intra-op thread vs the default two, for one 128-token row (a hover after an edit, Predict Word)
//   and for a batch of 16 (a document's encode).
// Usage: node --import tsx bench/threads.ts [--pairs 20] [model folders…]   Writes bench/RESULTS-threads.md.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../src/core/model/options';
import { pair } from './pair';
import { int64Feeds, leanGraph, shapeOf } from './lean-graph';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const p = args.indexOf('--pairs');
const PAIRS = p >= 0 ? Number(args.splice(p, 2)[1]) : 20;
const DEFAULT_DIRS = ['models/bert-lens-mini', 'models/bert-lens-zh', 'build/bench-models/bert-base'];
const THREADS = Math.min(2, os.cpus().length);
const T = 128;

const spinning = (): ort.InferenceSession.SessionOptions => {
  const o = sessionOptions(THREADS);
  return { ...o, extra: { session: { force_spinning_stop: '1', intra_op: { allow_spinning: '1' } } } };
};

/** One busy process per core (a plain `for (;;)` in Node), stopped by the returned function. */
function saturate(): () => void {
  const kids: ChildProcess[] = os.cpus().map(() => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
  return () => kids.forEach((k) => k.kill('SIGKILL'));
}

/** CPU milliseconds the process spends per run when runs come `gapMs` apart (both threads, the gap included). */
async function cpuPerRun(run: () => Promise<unknown>, n = 10, gapMs = 50): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    await run();
    await new Promise((r) => setTimeout(r, gapMs));
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

type Pair = Awaited<ReturnType<typeof pair>>;

interface Row {
  model: string;
  quiet: Pair;
  busy: Pair;
  cpuA: number;
  cpuB: number;
  load: [number, number];
  /** One thread vs two: one row, 16 rows. */
  one: Pair;
  sixteen: Pair;
}

async function measure(dir: string, file: string): Promise<Row> {
  const { vocab } = shapeOf(dir);
  const lean = leanGraph(file);
  const a = await ort.InferenceSession.create(lean.graph, sessionOptions(THREADS));
  const b = await ort.InferenceSession.create(lean.graph, spinning());
  const single = await ort.InferenceSession.create(lean.graph, sessionOptions(1));
  // Rows of [CLS] … [SEP] over the ordinary vocabulary, each different.
  const feedsOf = (rows: number) =>
    int64Feeds(
      a.inputNames,
      Array.from({ length: rows }, (_, r) =>
        Array.from({ length: T }, (_, k) => (k === 0 ? 2 : k === T - 1 ? 3 : 100 + (((r * T + k) * 7919) % (vocab - 100)))),
      ),
    );
  const [feeds, batch] = [feedsOf(1), feedsOf(16)];
  const runA = () => a.run(feeds, [lean.hidden]);
  const runB = () => b.run(feeds, [lean.hidden]);
  try {
    const one = await pair(() => single.run(feeds, [lean.hidden]), runA, PAIRS);
    const sixteen = await pair(
      () => single.run(batch, [lean.hidden]),
      () => a.run(batch, [lean.hidden]),
      Math.max(5, PAIRS >> 2),
    );
    const cpuA = await cpuPerRun(runA);
    const cpuB = await cpuPerRun(runB);
    const quiet = await pair(runB, runA, PAIRS);
    const quietLoad = os.loadavg()[0];
    const stop = saturate();
    let busy: Pair;
    try {
      await new Promise((r) => setTimeout(r, 500)); // the busy processes started
      busy = await pair(runB, runA, PAIRS);
    } finally {
      stop();
    }
    const model = `${path.relative(ROOT, dir) || dir} ${/quantized/.test(file) ? 'int8' : 'fp32'}`;
    return { model, quiet, busy, cpuA, cpuB, load: [quietLoad, os.loadavg()[0]], one, sixteen };
  } finally {
    await Promise.all([a.release(), b.release(), single.release()]);
  }
}

async function main(): Promise<void> {
  const dirs = (args.length ? args : DEFAULT_DIRS)
    .map((d) => path.resolve(ROOT, d))
    .filter((d) => {
      const ok = fs.existsSync(path.join(d, 'config.json'));
      if (!ok) console.error(`skipped ${d}: no model there (the BERT-base shape: /usr/bin/python3 -m training.make_bench_models base)`);
      return ok;
    });
  const rows: Row[] = [];
  for (const dir of dirs) {
    for (const name of ['model_quantized.onnx', 'model.onnx']) {
      const file = path.join(dir, 'onnx', name);
      if (!fs.existsSync(file)) continue;
      const r = await measure(dir, file);
      rows.push(r);
      console.log(
        `${r.model}: spinning/sleeping quiet ${(r.quiet.aMs / r.quiet.bMs).toFixed(2)}, busy ${(r.busy.aMs / r.busy.bMs).toFixed(2)}; one/two threads ${(r.one.aMs / r.one.bMs).toFixed(2)}, 16 rows ${(r.sixteen.aMs / r.sixteen.bMs).toFixed(2)}`,
      );
    }
  }
  const f = (x: number) => x.toFixed(2);
  const cell = (r: Pair) => `${f(r.aMs)} / ${f(r.bMs)} ms: **${f(r.aMs / r.bMs)}** (${f(r.iqr[0])}–${f(r.iqr[1])})`;
  const md = [
    "# onnxruntime's threads: spinning vs sleeping, one vs two (bench/threads.ts)",
    '',
    `Written by \`node --import tsx bench/threads.ts\` on ${new Date().toISOString()}: the lean encoder graph (the hover path's encode), ${T}-token rows, ${PAIRS} interleaved pairs per cell after 3 warm-up pairs (a quarter of them for 16 rows); ${os.cpus()[0]?.model.trim() ?? 'CPU'} × ${os.cpus().length}, Node ${process.version}.`,
    '',
    '## Spinning',
    '',
    `${THREADS} intra-op threads, one row.`,
    "A = the engine's settings (threads sleep between operators); B = the same with `intra_op.allow_spinning` 1 and `force_spinning_stop` 1. " +
      '"busy": one busy process per core ran beside the pairs. Read B/A (IQR of the paired ratios); below 1, spinning is faster.',
    '',
    '| model | quiet: B / A | busy cores: B / A | CPU per run, runs 50 ms apart: A / B | load (quiet, busy) |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.model} | ${cell(r.quiet)} | ${cell(r.busy)} | ${f(r.cpuA)} / ${f(r.cpuB)} ms | ${f(r.load[0])}, ${f(r.load[1])} |`,
    ),
    '',
    '## One intra-op thread vs two',
    '',
    "Sleeping threads (the engine's settings) but for the count, quiet cores. Read one / two: below 1, one thread is faster.",
    '',
    '| model | one row: one / two threads | 16 rows: one / two threads |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.model} | ${cell(r.one)} | ${cell(r.sixteen)} |`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(__dirname, 'RESULTS-threads.md'), md);
  console.log(`\n${md}`);
}

void main();

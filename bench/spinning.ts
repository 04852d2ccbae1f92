// Whether onnxruntime's threads should spin (busy-wait) between operators instead of sleeping (issue 13: the hover
// path's encode). The engine's sessions sleep (core/model/options.ts); this times the lean encoder graph with those
// settings (A) against the same settings with spinning during runs (B: `intra_op.allow_spinning` 1 and
// `force_spinning_stop` 1, so the threads stop spinning when a run returns) — on quiet cores, and with every core
// taken by a busy process, as when the user's build runs beside the editor. Also the CPU time each spends per run
// when runs come 50 ms apart (what spinning after a run would burn).
// Usage: node --import tsx bench/spinning.ts [--pairs 20] [model folders…]   Writes bench/RESULTS-spinning.md.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../src/core/model/options';
import { pair } from './pair';
import { leanGraph, shapeOf } from './lean-graph';

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

interface Row {
  model: string;
  quiet: Awaited<ReturnType<typeof pair>>;
  busy: Awaited<ReturnType<typeof pair>>;
  cpuA: number;
  cpuB: number;
  load: [number, number];
}

async function measure(dir: string, file: string): Promise<Row> {
  const { layers, hidden, vocab } = shapeOf(dir);
  const lean = leanGraph(file, layers, hidden);
  const a = await ort.InferenceSession.create(lean.graph, sessionOptions(THREADS));
  const b = await ort.InferenceSession.create(lean.graph, spinning());
  const ids = BigInt64Array.from({ length: T }, (_, k) => BigInt(k === 0 ? 2 : k === T - 1 ? 3 : 100 + ((k * 7919) % (vocab - 100))));
  const all: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', ids, [1, T]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(T), [1, T]),
  };
  const feeds = Object.fromEntries(a.inputNames.map((n) => [n, all[n]]));
  const runA = () => a.run(feeds, [lean.hidden]);
  const runB = () => b.run(feeds, [lean.hidden]);
  try {
    const cpuA = await cpuPerRun(runA);
    const cpuB = await cpuPerRun(runB);
    const quiet = await pair(runB, runA, PAIRS);
    const quietLoad = os.loadavg()[0];
    const stop = saturate();
    let busy: Awaited<ReturnType<typeof pair>>;
    try {
      await new Promise((r) => setTimeout(r, 500)); // the busy processes started
      busy = await pair(runB, runA, PAIRS);
    } finally {
      stop();
    }
    const model = `${path.relative(ROOT, dir) || dir} ${/quantized/.test(file) ? 'int8' : 'fp32'}`;
    return { model, quiet, busy, cpuA, cpuB, load: [quietLoad, os.loadavg()[0]] };
  } finally {
    await Promise.all([a.release(), b.release()]);
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
        `${r.model}: spinning/sleeping quiet ${r.quiet.aMs.toFixed(2)}/${r.quiet.bMs.toFixed(2)} ms, busy ${r.busy.aMs.toFixed(2)}/${r.busy.bMs.toFixed(2)} ms`,
      );
    }
  }
  const f = (x: number) => x.toFixed(2);
  const cell = (r: Row['quiet']) => `${f(r.aMs)} / ${f(r.bMs)} ms: **${f(r.aMs / r.bMs)}** (${f(r.iqr[0])}–${f(r.iqr[1])})`;
  const md = [
    '# Spinning threads vs sleeping threads (bench/spinning.ts)',
    '',
    `Written by \`node --import tsx bench/spinning.ts\` on ${new Date().toISOString()}: the lean encoder graph (the hover path's encode), one ${T}-token row, ${THREADS} intra-op threads, ${PAIRS} interleaved pairs per cell after 3 warm-up pairs; ${os.cpus()[0]?.model.trim() ?? 'CPU'} × ${os.cpus().length}, Node ${process.version}.`,
    "A = the engine's settings (threads sleep between operators); B = the same with `intra_op.allow_spinning` 1 and `force_spinning_stop` 1. " +
      '"busy": one busy process per core ran beside the pairs. Read B/A (IQR of the paired ratios); below 1, spinning is faster.',
    '',
    '| model | quiet: B / A | busy cores: B / A | CPU per run, runs 50 ms apart: A / B | load (quiet, busy) |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.model} | ${cell(r.quiet)} | ${cell(r.busy)} | ${f(r.cpuA)} / ${f(r.cpuB)} ms | ${f(r.load[0])}, ${f(r.load[1])} |`,
    ),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(__dirname, 'RESULTS-spinning.md'), md);
  console.log(`\n${md}`);
}

void main();

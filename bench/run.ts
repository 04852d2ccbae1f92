// Benchmarks of the model layer, all ratios measured in the same process on the same input:
// int8 vs fp32, tapped vs untapped, fetch-subset vs fetch-all, our run() vs transformers.js, batch vs singles, the
// cost of a hover on an encoded 10k-token document (bench/hover.ts), the encoder/head split (bench/split.ts), and the
// whole-document path against raw onnxruntime and transformers.js, per-token scaling and model load (bench/peers.ts),
// a 1-character edit of a 100k-token document (bench/edit.ts), the encode against onnxruntime running its weight
// products alone and against PyTorch eager (bench/reference.ts), and memory in probe processes (bench/memory.ts).
// Usage: npm run bench [-- --model <name|folder>] [--iters N] [--no-wasm] [--shapes]. Writes bench/results.json. No assertions on time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { RunRequest } from '../src/core/api';
import { loadModel } from '../src/core/model';
import { sessionOptions } from '../src/core/model/options';
import { hostRows } from './host';
import { pair } from './pair';
import { hoverRows } from './hover';
import { peerRows } from './peers';
import { splitRows } from './split';
import { shapeModels } from './shapes';
import { type ReferenceRow, productsRows, torchRows } from './reference';
import { type MemoryRow, memoryRows } from './memory';
import { editRows } from './edit';
import { seeded } from './prose';
import { loadTokenizer } from '../src/core/text/tokenizer';
import { useWasmDots } from '../src/core/wasm/dots';
import { disableOrtTelemetry } from '../src/core/model/telemetry';

const ROOT = path.resolve(__dirname, '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ITERS = Number(arg('iters') ?? 20);
if (process.argv.includes('--no-wasm')) useWasmDots(false); // the hover's JavaScript dot-product loop, for comparison
const THREADS = Math.min(2, os.cpus().length);
// --shapes: the split rows also on BERT-small and BERT-base shapes (random weights, built on demand: bench/shapes.ts).
const SHAPE_ROWS = process.argv.includes('--shapes');

function pickModel(): string {
  const given = arg('model');
  if (given) return fs.existsSync(given) ? path.resolve(given) : path.join(ROOT, 'models', given);
  const mini = path.join(ROOT, 'models', 'bert-lens-mini');
  // Fallback: the QA fixture takes 512 positions, so a real 384-token window fits.
  return fs.existsSync(path.join(mini, 'config.json')) ? mini : path.join(ROOT, 'test', 'fixtures', 'tiny-bert-qa');
}

/** The peer comparison needs a masked-LM head. */
function mlmDir(dir: string): string {
  const archs = JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).architectures ?? '');
  return /QuestionAnswering/.test(archs) ? path.join(ROOT, 'test', 'fixtures', 'tiny-bert') : dir;
}

interface Row {
  name: string;
  a: string;
  b: string;
  aMs: number;
  bMs: number;
  ratio: number; // aMs / bMs
  iqr: [number, number]; // 25th and 75th percentile of the paired ratios
  load: number; // 1-minute load average when the row finished
}

function windowIds(len: number, vocab: number, seed: number): number[] {
  // [CLS] … [SEP] with ids drawn from the ordinary vocabulary (skipping the ~first 100 special/unused slots).
  let x = seed;
  const lo = Math.min(100, vocab - 1);
  const body = Array.from({ length: len - 2 }, () => lo + ((x = (x * 1103515245 + 12345) >>> 0) % (vocab - lo)));
  return [2, ...body, 3];
}

async function plainSession(file: string) {
  return ort.InferenceSession.create(fs.readFileSync(file), sessionOptions(THREADS));
}

function feedsFor(s: ort.InferenceSession, ids: number[]) {
  const T = ids.length;
  const t = (v: (i: number) => number) =>
    new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: T }, (_, i) => BigInt(v(i))),
      [1, T],
    );
  const f: Record<string, ort.Tensor> = { input_ids: t((i) => ids[i]), attention_mask: t(() => 1) };
  if (s.inputNames.includes('token_type_ids')) f.token_type_ids = t(() => 0);
  return f;
}

async function main() {
  disableOrtTelemetry(); // before transformers.js's pipeline can start onnxruntime with its own options
  const dir = pickModel();
  const rows: Row[] = [];
  const add = async (name: string, a: string, fa: () => Promise<unknown>, b: string, fb: () => Promise<unknown>, iters = ITERS) => {
    const {
      aMs,
      bMs,
      iqr: [q1, q3],
    } = await pair(fa, fb, iters);
    rows.push({ name, a, b, aMs, bMs, ratio: aMs / bMs, iqr: [q1, q3], load: os.loadavg()[0] });
  };

  let fp32 = await loadModel(dir, { threads: THREADS }, { dtype: 'fp32' });
  const hasInt8 = fs.existsSync(path.join(dir, 'onnx', 'model_quantized.onnx'));
  let int8 = hasInt8 ? await loadModel(dir, { threads: THREADS }, { dtype: 'int8' }) : undefined;
  const main = int8 ?? fp32;
  const info = main.info;
  const T = Math.min(384, info.maxPositions);
  const ids = windowIds(T, info.vocabSize, 7);
  const all = Array.from({ length: info.layers }, (_, i) => i + 1);
  const lastHidden: RunRequest = { hiddenLayers: [info.layers] };
  console.error(
    `model ${dir} (${info.architecture}, ${info.layers} layers, hidden ${info.hidden}), window ${T} tokens, ${THREADS} threads, ${ITERS} iterations (median)`,
  );

  const q8 = int8;
  if (q8) {
    await add(
      `encode ${T} tokens: int8 vs fp32`,
      'int8',
      () => q8.run([{ ids }], lastHidden),
      'fp32',
      () => fp32.run([{ ids }], lastHidden),
    );
  }

  // Tapped graph fetching every layer's attention vs the untouched graph fetching its main output.
  const plain = await plainSession(info.modelFile);
  const feeds = feedsFor(plain, ids);
  const mainOut = plain.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : plain.outputNames[0];
  await add(
    `attention taps (all ${info.layers} layers) vs untapped graph`,
    'tapped run(attention all)',
    () => main.run([{ ids }], { attentionLayers: all, hiddenLayers: [info.layers] }),
    'untapped ORT',
    () => plain.run(feeds, [mainOut]),
  );
  await add(
    'tapped graph, nothing extra fetched vs untapped graph',
    'tapped run(last hidden)',
    () => main.run([{ ids }], lastHidden),
    'untapped ORT',
    () => plain.run(feeds, [mainOut]),
  );

  // What fetching costs: ORT runs the same nodes either way; only fetched outputs are copied out.
  const everything: RunRequest = {
    hiddenLayers: [0, ...all],
    attentionLayers: all,
    qkvLayers: info.capabilities.qkv ? all : [],
    mlmPositions: info.capabilities.mlm ? [ids.map((_, i) => i)] : undefined,
    nsp: info.capabilities.nsp,
    qa: info.capabilities.qa,
  };
  await add(
    'fetch subset (last hidden) vs fetch all outputs',
    'subset',
    () => main.run([{ ids }], lastHidden),
    'all',
    () => main.run([{ ids }], everything),
  );

  // Does ORT skip nodes that no fetched output needs? (No: the memory budget counts every tap because of this.)
  await add(
    'fetch embeddings only vs last layer (graph pruning?)',
    'hidden[0]',
    () => main.run([{ ids }], { hiddenLayers: [0] }),
    `hidden[${info.layers}]`,
    () => main.run([{ ids }], lastHidden),
  );

  // Batching: 4 windows in one run vs 4 runs.
  const four = [1, 2, 3, 4].map((s) => ({ ids: windowIds(T, info.vocabSize, s) }));
  await add(
    'batch of 4 windows vs 4 single runs',
    'batch 4',
    () => main.run(four, { hiddenLayers: [info.layers], attentionLayers: [info.layers] }),
    '4 singles',
    async () => {
      for (const r of four) await main.run([r], { hiddenLayers: [info.layers], attentionLayers: [info.layers] });
    },
  );

  // The rows above asked for attention, which swapped the shared session for the tapped one (tapped-session.ts); the
  // rows below time what a hover and Predict Word run, lean in the editor: the model loaded afresh.
  await fp32.dispose();
  await int8?.dispose();
  fp32 = await loadModel(dir, { threads: THREADS }, { dtype: 'fp32' });
  int8 = hasInt8 ? await loadModel(dir, { threads: THREADS }, { dtype: 'int8' }) : undefined;

  // Peer: transformers.js's own forward on the same ids (its default ORT session settings).
  const peerDir = mlmDir(dir);
  const peerDtype = int8 && fs.existsSync(path.join(peerDir, 'onnx', 'model_quantized.onnx')) ? 'int8' : 'fp32';
  const ours =
    peerDir === dir ? (peerDtype === 'int8' ? int8! : fp32) : await loadModel(peerDir, { threads: THREADS }, { dtype: peerDtype });
  try {
    const pT = Math.min(T, ours.info.maxPositions);
    const pIds = windowIds(pT, ours.info.vocabSize, 11);
    const tj = await import('@huggingface/transformers');
    tj.env.allowRemoteModels = false;
    tj.env.localModelPath = path.dirname(peerDir) + path.sep;
    const peer = await tj.AutoModelForMaskedLM.from_pretrained(path.basename(peerDir), { dtype: peerDtype === 'int8' ? 'q8' : 'fp32' });
    const t = (v: (i: number) => number) =>
      new tj.Tensor(
        'int64',
        BigInt64Array.from({ length: pT }, (_, i) => BigInt(v(i))),
        [1, pT],
      );
    const inputs: Record<string, unknown> = { input_ids: t((i) => pIds[i]), attention_mask: t(() => 1) };
    if (ours.info.capabilities.tokenTypes) inputs.token_type_ids = t(() => 0);
    const mlmAll: RunRequest = { mlmPositions: [pIds.map((_, i) => i)] };
    await add(
      `MLM logits, ${pT} tokens (${path.basename(peerDir)} ${peerDtype}): run() vs transformers.js`,
      'bert-lens run()',
      () => ours.run([{ ids: pIds }], mlmAll),
      'transformers.js',
      () => peer(inputs),
    );
    await peer.dispose();
  } catch (e) {
    console.error(`peer comparison skipped: ${(e as Error).message}`);
  } finally {
    if (ours !== fp32 && ours !== int8) await ours.dispose();
  }

  await hoverRows(ROOT, dir, THREADS, add);
  const ids128 = windowIds(128, fp32.info.vocabSize, 7);
  const forward128 = () => fp32.run([{ ids: ids128 }], { hiddenLayers: [fp32.info.layers] });
  await hostRows(ROOT, forward128, add, ITERS + 3); // pair() warms up with 3 calls
  const fixtures = ['tiny-bert', 'tiny-distilbert'].map((f) => path.join(ROOT, 'test', 'fixtures', f));
  await splitRows([dir, ...fixtures, ...(SHAPE_ROWS ? shapeModels(ROOT) : [])], THREADS, add);

  // A 1-character edit of a 100,000-token document (bench/edit.ts; every model: bench/tokenize.ts).
  rows.push(...(await editRows(ROOT, path.relative(ROOT, dir), int8 ?? fp32, await loadTokenizer(dir), 5, seeded(7))));

  // The encode against onnxruntime's GEMM on its own products, and against PyTorch eager on the same weights.
  const base = SHAPE_ROWS ? shapeModels(ROOT).filter((d) => path.basename(d) === 'bert-base') : [];
  const reference: ReferenceRow[] = await productsRows([dir, ...base], THREADS, ITERS);
  const bertDirs = [dir, ...base].filter((d) => JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8')).model_type === 'bert');
  const torch = await torchRows(ROOT, bertDirs, THREADS, ITERS);
  if (typeof torch === 'string') console.error(`PyTorch rows skipped: ${torch}`);
  else reference.push(...torch);

  await plain.release();
  await fp32.dispose();
  await int8?.dispose();
  // With no other holder of the model's sessions, so that its load row loads it afresh.
  await peerRows(ROOT, dir, THREADS, add, ITERS);
  const memory = memoryRows(ROOT, base[0]);
  if (typeof memory === 'string') console.error(`memory rows skipped: ${memory}`);

  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\n${pad('comparison', 64)} ${pad('A', 26)} ${'A ms'.padStart(8)}  ${pad('B', 18)} ${'B ms'.padStart(8)}  A/B`);
  for (const r of rows)
    console.log(
      `${pad(r.name, 64)} ${pad(r.a, 26)} ${r.aMs.toFixed(2).padStart(8)}  ${pad(r.b, 18)} ${r.bMs.toFixed(2).padStart(8)}  ${r.ratio.toFixed(2)}`,
    );
  const out = {
    date: new Date().toISOString(),
    model: path.relative(ROOT, dir),
    tokens: T,
    threads: THREADS,
    iterations: ITERS,
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    rows,
    reference,
    torchSkipped: typeof torch === 'string' ? torch : undefined,
    memory: typeof memory === 'string' ? [] : memory,
    memorySkipped: typeof memory === 'string' ? memory : undefined,
  };
  fs.writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify(out, null, 2) + '\n');
  fs.writeFileSync(path.join(ROOT, 'bench', 'RESULTS.md'), resultsMarkdown(out));
  console.log('\nwrote bench/results.json and bench/RESULTS.md');
}

function resultsMarkdown(o: {
  date: string;
  model: string;
  tokens: number;
  threads: number;
  iterations: number;
  node: string;
  cpu?: string;
  cores: number;
  rows: Row[];
  reference: ReferenceRow[];
  torchSkipped?: string;
  memory: MemoryRow[];
  memorySkipped?: string;
}): string {
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.ts) on ${o.date}: ${o.model}, ${o.tokens}-token window, ${o.threads} threads,`,
    `${o.iterations} interleaved pairs per row after 3 warm-up pairs; ${o.cpu ?? 'CPU'} × ${o.cores}, Node ${o.node}.`,
    'Each row times A and B alternately (A B, B A, …) in one process; read the ratio A/B, not the milliseconds.',
    'IQR = inter-quartile range of the per-pair ratios; load = 1-minute load average when the row finished',
    '(above the core count, other work shared the CPU and single timings wobble, the paired ratios less so).',
    '',
    '| comparison | A | A ms | B | B ms | A/B | IQR of A/B | load |',
    '|---|---|---|---|---|---|---|---|',
    ...o.rows.map(
      (r) =>
        `| ${r.name} | ${r.a} | ${r.aMs.toFixed(2)} | ${r.b} | ${r.bMs.toFixed(2)} | **${r.ratio < 0.1 ? r.ratio.toFixed(4) : r.ratio.toFixed(2)}** | ${r.iqr[0].toFixed(r.ratio < 0.1 ? 4 : 2)}–${r.iqr[1].toFixed(r.ratio < 0.1 ? 4 : 2)} | ${r.load.toFixed(1)} |`,
    ),
    '',
    '## Against references',
    '',
    "The lean encode of one row (the hover path's, last hidden state) against onnxruntime running the encoder's weight",
    'products alone (the same shapes and count chained in one graph, nothing else: the share of its GEMM rate the',
    'forward keeps), and against PyTorch eager on the same weights (bench/torch_peer.py: training/bert.py, its',
    "forward timed in its own process; OpenMP threads passive, as the engine's sleep). Each side runs once untimed",
    'right before its timed call, so neither is timed on the caches the other just filled. Value = median over the pairs.',
    '',
    '| comparison | value | IQR | detail | load |',
    '|---|---|---|---|---|',
    ...o.reference.map(
      (r) =>
        `| ${r.name} | **${r.value.toFixed(2)}** | ${r.iqr[0].toFixed(2)}–${r.iqr[1].toFixed(2)} | ${r.detail} | ${r.load.toFixed(1)} |`,
    ),
    ...(o.torchSkipped ? ['', `PyTorch rows skipped: ${o.torchSkipped}.`] : []),
    '',
    '## Memory',
    '',
    'Each probe runs in a process of its own (its RSS only); growth is over the state with the models loaded.',
    '',
    ...(o.memorySkipped
      ? [`Skipped: ${o.memorySkipped}.`]
      : [
          '| measurement | value | goal (issue 13) | command | load |',
          '|---|---|---|---|---|',
          ...o.memory.map((r) => `| ${r.name} | **${r.value}** | ${r.goal} | \`${r.command}\` | ${r.load.toFixed(1)} |`),
        ]),
    '',
  ];
  return lines.join('\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

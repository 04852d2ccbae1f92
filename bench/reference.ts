// The engine's encode against fixed references (issue 13, goal 6): onnxruntime running the encoder's weight products
// alone — how much of onnxruntime's own GEMM rate on those products the whole forward keeps (a fixed 2048³ product is
// no peak on every machine: bench/README.md) — and PyTorch eager running the same weights
// (training/bert.py through bench/torch_peer.py, /usr/bin/python3 with python3-torch; the rows are skipped with the
// reason when it is missing). Both time one 128-token row of the lean encoder (the hover path's encode, last hidden
// state), paired and interleaved like every other row (bench/pair.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import type { LoadedModel, ModelInfo } from '../src/core/api';
import { loadModel } from '../src/core/model';
import { sessionOptions } from '../src/core/model/options';
import { loadAverage, median, pairTimed, quantile } from './pair';
import { rowIds } from './lean-graph';

/** A row of the reference table: `value` and its IQR over the pairs, in the row's own unit. */
export interface ReferenceRow {
  name: string;
  value: number;
  iqr: [number, number];
  detail: string;
  load: number;
}

/** config.json's feed-forward width (BERT's intermediate_size, DistilBERT's hidden_dim). */
function intermediateOf(info: ModelInfo): number {
  const cfg = JSON.parse(fs.readFileSync(path.join(info.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  return Number(cfg.intermediate_size ?? cfg.hidden_dim ?? 4 * info.hidden);
}

/** FLOPs of one row of `tokens` through the encoder's weight products: per layer and token Q, K, V, the output
 * projection (4·h²) and the feed-forward pair (2·h·I), two FLOPs a multiply-add. */
export function productFlops(h: number, intermediate: number, layers: number, tokens: number): number {
  return layers * 2 * tokens * (4 * h * h + 2 * h * intermediate);
}

/** The encoder's weight products for one row of `tokens` and nothing else, as a graph: per layer Q, K, V and the output
 * projection (h → h) and the feed-forward pair (h → I → h), chained so that each feeds the next — fp32 MatMul, or for
 * int8 com.microsoft DynamicQuantizeMatMul (what onnxruntime makes of a dynamically quantized MatMul: the input
 * quantized per run, int8 weights, one scale). Seeded weights scaled so that activations stay near 1. */
export function productsGraph(h: number, intermediate: number, layers: number, tokens: number, int8: boolean): Uint8Array {
  const D = onnx.TensorProto.DataType;
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const widths = Array.from({ length: layers }, () => [h, h, h, h, intermediate, h]).flat();
  let k = h;
  let input = 'A';
  widths.forEach((n, i) => {
    const [w, out] = [`W${i}`, i === widths.length - 1 ? 'Y' : `X${i}`];
    if (int8) {
      const q = new Int8Array(k * n);
      for (let j = 0; j < q.length; j++) q[j] = Math.floor(next() * 255) - 127;
      inits.push(onnx.TensorProto.create({ name: w, dims: [k, n], dataType: D.INT8, rawData: new Uint8Array(q.buffer) }));
      inits.push(onnx.TensorProto.create({ name: `${w}_scale`, dims: [], dataType: D.FLOAT, floatData: [1 / (73 * Math.sqrt(k))] }));
      nodes.push(
        onnx.NodeProto.create({ opType: 'DynamicQuantizeMatMul', domain: 'com.microsoft', input: [input, w, `${w}_scale`], output: [out] }),
      );
    } else {
      const f = new Float32Array(k * n);
      const scale = Math.sqrt(12 / k);
      for (let j = 0; j < f.length; j++) f[j] = (next() - 0.5) * scale;
      inits.push(onnx.TensorProto.create({ name: w, dims: [k, n], dataType: D.FLOAT, rawData: new Uint8Array(f.buffer) }));
      nodes.push(onnx.NodeProto.create({ opType: 'MatMul', input: [input, w], output: [out] }));
    }
    [k, input] = [n, out];
  });
  const matrix = (name: string, cols: number) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: D.FLOAT, shape: { dim: [{ dimValue: tokens }, { dimValue: cols }] } } },
    });
  const graph = onnx.GraphProto.create({
    name: 'products',
    node: nodes,
    initializer: inits,
    input: [matrix('A', h)],
    output: [matrix('Y', h)],
  });
  const opsetImport = [{ domain: '', version: 14 }, ...(int8 ? [{ domain: 'com.microsoft', version: 1 }] : [])];
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport, graph }).finish();
}

/** `fn`'s time on its second of two back-to-back calls, so that neither side of a pair is timed on the caches the
 * other one just filled (BERT-base's int8 weights alone are 85 MB). */
const warmTimed = (fn: () => Promise<unknown>) => async () => {
  await fn();
  const s = performance.now();
  await fn();
  return performance.now() - s;
};

/** The encode's rate of weight-product FLOPs over onnxruntime's own rate on the same products run bare
 * (productsGraph), fp32 and int8 (when the folder has the file), per model folder: how close the forward comes to
 * onnxruntime's GEMM. Per pair: (FLOPs / encode ms) / (FLOPs / products ms), i.e. products ms / encode ms. */
export async function productsRows(dirs: string[], threads: number, iters: number): Promise<ReferenceRow[]> {
  const out: ReferenceRow[] = [];
  for (const dir of dirs) {
    for (const int8 of [false, true]) {
      if (int8 && !fs.existsSync(path.join(dir, 'onnx', 'model_quantized.onnx'))) continue;
      const model = await loadModel(dir, { threads }, { dtype: int8 ? 'int8' : 'fp32' });
      const { hidden: h, layers } = model.info;
      const ids = rowIds(model.info);
      const I = intermediateOf(model.info);
      const products = await ort.InferenceSession.create(productsGraph(h, I, layers, ids.length, int8), sessionOptions(threads));
      try {
        const a = new ort.Tensor(
          'float32',
          Float32Array.from({ length: ids.length * h }, (_, i) => ((i * 2654435761) >>> 24) / 128 - 1),
          [ids.length, h],
        );
        const req = { hiddenLayers: [layers] };
        const r = await pairTimed(
          warmTimed(() => model.run([{ ids }], req)),
          warmTimed(() => products.run({ A: a })),
          iters,
        );
        const shares = r.ratios.map((x) => 1 / x);
        const flops = productFlops(h, I, layers, ids.length);
        const rate = (ms: number) => `${(flops / ms / 1e6).toFixed(0)} G${int8 ? 'OP' : 'FLOP'}/s`;
        out.push({
          name: `${path.basename(dir)} ${int8 ? 'int8' : 'fp32'} encode (${ids.length} tokens) vs onnxruntime's ${int8 ? 'DynamicQuantizeMatMul' : 'MatMul'} on its ${6 * layers} weight products alone`,
          value: median(shares),
          iqr: [quantile(shares, 0.25), quantile(shares, 0.75)],
          detail: `encode ${r.aMs.toFixed(2)} ms = ${rate(r.aMs)} of weight products; the products alone ${r.bMs.toFixed(2)} ms = ${rate(r.bMs)}`,
          load: loadAverage(),
        });
      } finally {
        await products.release();
        await model.dispose();
      }
    }
  }
  return out;
}

const PYTHON = '/usr/bin/python3';

/** The PyTorch peer (bench/torch_peer.py) on one model: its hidden state for `ids`, then per call the time of the
 * second of two forwards (as warmTimed). */
async function torchPeer(root: string, dir: string, ids: number[], threads: number) {
  const child = spawn(PYTHON, [path.join(root, 'bench', 'torch_peer.py'), dir, String(threads)], {
    cwd: root,
    // Threads that sleep between operators, as the engine's (options.ts): PyTorch's OpenMP threads would otherwise spin
    // after each of its runs, on the cores the engine's next run needs.
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (msg: unknown) => {
    child.stdin.write(JSON.stringify(msg) + '\n');
    const { value, done } = await lines.next();
    if (done) throw new Error(`the PyTorch peer exited: ${stderr.trim().split('\n').pop() ?? 'no message'}`);
    return JSON.parse(value) as { hidden?: string; ms?: number };
  };
  const first = await ask({ ids });
  const hidden = new Float32Array(new Uint8Array(Buffer.from(first.hidden!, 'base64')).buffer);
  return {
    hidden,
    run: async () => (await ask({ run: true })).ms!,
    close: () => {
      child.stdin.end();
      child.kill();
    },
  };
}

/** Whether /usr/bin/python3 imports torch (python3-torch); the reason when not. */
function torchMissing(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const p = spawn(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' });
    p.on('error', (e) => resolve(`${PYTHON}: ${e.message}`));
    p.on('exit', (code) =>
      resolve(code === 0 ? undefined : `${PYTHON} cannot import torch and onnx (apt-get install python3-torch python3-onnx)`),
    );
  });
}

/** The engine's fp32 encode vs PyTorch eager on the same weights and ids, per BERT model folder: the median of the
 * paired ratios (engine / PyTorch); PyTorch's time is its forward alone, measured in its process. */
export async function torchRows(root: string, dirs: string[], threads: number, iters: number): Promise<ReferenceRow[] | string> {
  const missing = await torchMissing();
  if (missing) return missing;
  const out: ReferenceRow[] = [];
  for (const dir of dirs) {
    const model: LoadedModel = await loadModel(dir, { threads }, { dtype: 'fp32' });
    const ids = rowIds(model.info);
    const peer = await torchPeer(root, dir, ids, threads);
    try {
      const req = { hiddenLayers: [model.info.layers] };
      const ours = (await model.run([{ ids }], req))[0].hidden[model.info.layers];
      let diff = 0;
      for (let i = 0; i < ours.length; i++) diff = Math.max(diff, Math.abs(ours[i] - peer.hidden[i]));
      const r = await pairTimed(
        warmTimed(() => model.run([{ ids }], req)),
        peer.run,
        iters,
      );
      out.push({
        name: `${path.basename(dir)} fp32 encode (${ids.length} tokens): engine vs PyTorch eager (training/bert.py, same weights)`,
        value: median(r.ratios),
        iqr: [quantile(r.ratios, 0.25), quantile(r.ratios, 0.75)],
        detail: `engine ${r.aMs.toFixed(2)} ms, PyTorch ${r.bMs.toFixed(2)} ms; last hidden state max |diff| ${diff.toExponential(1)}`,
        load: loadAverage(),
      });
    } finally {
      peer.close();
      await model.dispose();
    }
  }
  return out;
}

// The graph rewrite itself: splice keeps every original byte of the weights, a graph without Softmax degrades to
// attention:false (still runs), and external-data models (.onnx_data) keep working.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { loadModel } from '../../../src/core/model';
import { tapModel } from '../../../src/core/model/taps';
import { copyDir, externalized, fixture, flat, golden, maxAbsDiff, rowsOf } from './helpers';
import { tempDir } from '../../temp';

const bertFile = path.join(fixture('tiny-bert'), 'onnx', 'model.onnx');

/** Rewrites a fixture with onnx-proto (fine for a 300 KB test model) and saves it as a new model folder. */
/** Loads the rewritten tiny-bert and checks both layers' attention and Q/K/V against the PyTorch golden (1e-4). */
async function expectTapsMatchGolden(dir: string, caps: Array<'attention' | 'qkv'>): Promise<void> {
  const m = await loadModel(dir, {}, { dtype: 'fp32' });
  try {
    for (const cap of caps) assert.equal(m.info.capabilities[cap], true, cap);
    const c = golden('tiny-bert').cases[0];
    const rows = rowsOf(c);
    const T = rows[0].ids.length;
    const [o] = await m.run(rows, { attentionLayers: [1, 2], qkvLayers: [1, 2] });
    for (const l of [1, 2]) {
      assert.ok(maxAbsDiff(o.attention[l], flat(c.attentions[l - 1][0], [4, T, T])) <= 1e-4, `attention ${l}`);
      for (const k of ['q', 'k', 'v'] as const)
        assert.ok(maxAbsDiff(o.qkv[l][k], flat(c.qkv[l - 1][k][0], [4, T, 8])) <= 1e-4, `${k} ${l}`);
    }
  } finally {
    await m.dispose();
  }
}

function rewrittenFolder(src: string, dtypeFile: string, edit: (g: onnx.GraphProto, dir: string, m: onnx.ModelProto) => void): string {
  const dir = tempDir('bert-lens-rewrite-');
  copyDir(src, dir);
  for (const f of fs.readdirSync(path.join(dir, 'onnx'))) fs.rmSync(path.join(dir, 'onnx', f));
  const m = onnx.ModelProto.decode(fs.readFileSync(path.join(src, dtypeFile)));
  edit(m.graph as onnx.GraphProto, dir, m);
  fs.writeFileSync(path.join(dir, dtypeFile), onnx.ModelProto.encode(m).finish());
  return dir;
}

describe('graph taps', () => {
  it('splices outputs without touching the weights', () => {
    const bytes = fs.readFileSync(bertFile);
    const { bytes: tapped, plan } = tapModel(bytes, 2);
    const before = onnx.ModelProto.decode(bytes).graph as onnx.GraphProto;
    const after = onnx.ModelProto.decode(tapped).graph as onnx.GraphProto;
    assert.equal(plan.layers.length, 2);
    assert.equal(plan.hidden.length, 3);
    const added = after.output.map((o) => o.name).slice(before.output.length);
    // 2 attention + 2×3 Q/K/V + 2 hidden (the last hidden state is already the output last_hidden_state).
    assert.equal(added.length, 10);
    assert.ok(plan.hidden.includes('last_hidden_state'));
    assert.equal(after.initializer.length, before.initializer.length);
    after.initializer.forEach((t, i) => assert.ok(Buffer.from(t.rawData!).equals(Buffer.from(before.initializer[i].rawData!))));
    assert.equal(after.node.length, before.node.length);
    // No names are hard-coded: every tap is a tensor some node produces.
    const produced = new Set(before.node.flatMap((n) => n.output));
    for (const n of added) assert.ok(produced.has(n), String(n));
  });

  it('rejects bytes that are not an ONNX model', () => {
    assert.throws(() => tapModel(Uint8Array.from({ length: 500 }, (_, i) => (i * 7919) % 256)));
    assert.throws(() => tapModel(fs.readFileSync(bertFile).subarray(0, 100_000)));
  });

  it('a graph whose Softmax is replaced (Exp/ReduceSum/Div) → attention:false, qkv:false, still runs with the same logits', async () => {
    const dir = rewrittenFolder(fixture('tiny-bert'), 'onnx/model.onnx', (g) => {
      const nodes: onnx.INodeProto[] = [];
      g.initializer.push(
        onnx.TensorProto.create({ name: 'axes_last', dataType: onnx.TensorProto.DataType.INT64, dims: [1], int64Data: [-1] }),
      );
      let replaced = 0;
      for (const n of g.node) {
        if (n.opType !== 'Softmax') {
          nodes.push(n);
          continue;
        }
        const x = n.input![0];
        const y = n.output![0];
        nodes.push({ opType: 'Exp', input: [x], output: [`${y}_exp`], name: `${n.name}_exp` });
        nodes.push({
          opType: 'ReduceSum',
          input: [`${y}_exp`, 'axes_last'],
          output: [`${y}_sum`],
          name: `${n.name}_sum`,
          attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
        });
        nodes.push({ opType: 'Div', input: [`${y}_exp`, `${y}_sum`], output: [y], name: `${n.name}_div` });
        replaced++;
      }
      assert.equal(replaced, 2);
      g.node = nodes;
    });
    const m = await loadModel(dir, {}, { dtype: 'fp32' });
    try {
      assert.equal(m.info.capabilities.attention, false);
      assert.equal(m.info.capabilities.qkv, false);
      assert.equal(m.info.capabilities.hidden, true, 'hidden states fall back to LayerNorm counting');
      const c = golden('tiny-bert').cases[0];
      const rows = rowsOf(c);
      const T = rows[0].ids.length;
      const [o] = await m.run(rows, { mlmPositions: [rows[0].ids.map((_, i) => i)], hiddenLayers: [0, 1, 2] });
      assert.ok(maxAbsDiff(o.mlmLogits!, flat(c.logits![0], [T, m.info.vocabSize])) <= 1e-4);
      for (const l of [0, 1, 2]) assert.ok(maxAbsDiff(o.hidden[l], flat(c.hidden_states[l][0], [T, 32])) <= 1e-4, `hidden ${l}`);
      await assert.rejects(
        m.run(rows, { attentionLayers: [1] }),
        (e: Error & { code?: string }) => e.code === 'ATTENTION_UNAVAILABLE' && /fused attention/.test(e.message),
      );
    } finally {
      await m.dispose();
    }
  });

  it('SDPA-style scaling (q and kᵀ each × d^-¼ computed from Shape, no Div after Q·Kᵀ) still yields unscaled Q/K and the golden attention', async () => {
    const dir = rewrittenFolder(fixture('tiny-bert'), 'onnx/model.onnx', (g) => {
      const I = onnx.TensorProto.DataType.INT64;
      g.initializer.push(onnx.TensorProto.create({ name: 'last_idx', dataType: I, dims: [], int64Data: [-1] }));
      const out: onnx.INodeProto[] = [];
      const scoreOutputs = new Set<string>(); // score MatMul outputs whose Div(√d) consumer is neutralised
      const nodes = g.node as onnx.NodeProto[];
      const consumer = (t: string, op: string) => nodes.find((c) => c.opType === op && c.input.includes(t));
      for (const n of nodes) {
        // Q·Kᵀ = the MatMul feeding Div → Add(mask) → Softmax.
        const div = n.opType === 'MatMul' ? consumer(n.output[0], 'Div') : undefined;
        const add = div && consumer(div.output[0], 'Add');
        const isScores = !!add && !!consumer(add.output[0], 'Softmax');
        if (isScores) {
          const [q, kt] = n.input;
          const id = n.output[0].replace(/\W/g, '_');
          out.push({ opType: 'Shape', input: [q], output: [`${id}_shape`] });
          out.push({
            opType: 'Gather',
            input: [`${id}_shape`, 'last_idx'],
            output: [`${id}_d`],
            attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
          });
          out.push({
            opType: 'Cast',
            input: [`${id}_d`],
            output: [`${id}_df`],
            attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }],
          });
          out.push({ opType: 'Sqrt', input: [`${id}_df`], output: [`${id}_s1`] });
          out.push({ opType: 'Sqrt', input: [`${id}_s1`], output: [`${id}_s2`] });
          out.push({ opType: 'Reciprocal', input: [`${id}_s2`], output: [`${id}_scale`] });
          out.push({ opType: 'Mul', input: [q, `${id}_scale`], output: [`${id}_q`] });
          out.push({ opType: 'Mul', input: [kt, `${id}_scale`], output: [`${id}_kt`] });
          out.push({ ...n, input: [`${id}_q`, `${id}_kt`] });
          scoreOutputs.add(n.output[0]);
          continue;
        }
        if (n.opType === 'Div' && scoreOutputs.has(n.input[0])) {
          out.push({ opType: 'Identity', input: [n.input[0]], output: n.output, name: n.name });
          continue;
        }
        out.push(n);
      }
      assert.equal(scoreOutputs.size, 2, 'both layers rewritten');
      g.node = out;
    });
    await expectTapsMatchGolden(dir, ['qkv']);
  });

  it('activation×activation MatMuls quantized too (DynamicQuantizeLinear → MatMulInteger) still yield taps', async () => {
    const dir = rewrittenFolder(fixture('tiny-bert'), 'onnx/model.onnx', (g) => {
      const nodes = g.node as onnx.NodeProto[];
      const isSoftmaxOut = (t: string) => nodes.some((n) => n.opType === 'Softmax' && n.output[0] === t);
      const feedsSoftmax = (t: string) => {
        // MatMul → Div → Add → Softmax
        const div = nodes.find((n) => n.opType === 'Div' && n.input[0] === t);
        const add = div && nodes.find((n) => n.opType === 'Add' && n.input.includes(div.output[0]));
        return !!add && nodes.some((n) => n.opType === 'Softmax' && n.input[0] === add.output[0]);
      };
      const out: onnx.INodeProto[] = [];
      let quantized = 0;
      const INT = onnx.AttributeProto.AttributeType.INT;
      for (const n of nodes) {
        const [a, b] = n.input;
        if (n.opType !== 'MatMul' || !(isSoftmaxOut(a) || feedsSoftmax(n.output[0]))) {
          out.push(n);
          continue;
        }
        const y = n.output[0];
        out.push({ opType: 'DynamicQuantizeLinear', input: [a], output: [`${y}_aq`, `${y}_as`, `${y}_az`] });
        out.push({ opType: 'DynamicQuantizeLinear', input: [b], output: [`${y}_bq`, `${y}_bs`, `${y}_bz`] });
        out.push({ opType: 'MatMulInteger', input: [`${y}_aq`, `${y}_bq`, `${y}_az`, `${y}_bz`], output: [`${y}_i`] });
        out.push({
          opType: 'Cast',
          input: [`${y}_i`],
          output: [`${y}_f`],
          attribute: [{ name: 'to', type: INT, i: onnx.TensorProto.DataType.FLOAT }],
        });
        out.push({ opType: 'Mul', input: [`${y}_as`, `${y}_bs`], output: [`${y}_s`] });
        out.push({ opType: 'Mul', input: [`${y}_f`, `${y}_s`], output: [y] });
        quantized++;
      }
      assert.equal(quantized, 4, 'scores and context MatMuls of both layers');
      g.node = out;
    });
    const m = await loadModel(dir, {}, { dtype: 'fp32' });
    try {
      assert.deepEqual([m.info.capabilities.attention, m.info.capabilities.qkv], [true, true]);
      const c = golden('tiny-bert').cases[0];
      const rows = rowsOf(c);
      const T = rows[0].ids.length;
      const [o] = await m.run(rows, { attentionLayers: [1], qkvLayers: [1] });
      // Layer 1's Q/K/V come before any quantized product: exact. Its attention went through uint8 scores: close.
      for (const k of ['q', 'k', 'v'] as const) assert.ok(maxAbsDiff(o.qkv[1][k], flat(c.qkv[0][k][0], [4, T, 8])) <= 1e-4, k);
      assert.ok(maxAbsDiff(o.attention[1], flat(c.attentions[0][0], [4, T, T])) <= 0.1);
    } finally {
      await m.dispose();
    }
  });

  it("ORT's FusedMatMul (transB=1, alpha=1/√d) for Q·Kᵀ: K is taken untransposed and matches the golden", async () => {
    const dir = rewrittenFolder(fixture('tiny-bert'), 'onnx/model.onnx', (g, _d, m) => {
      m.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: 'com.microsoft', version: 1 }));
      const nodes = g.node as onnx.NodeProto[];
      const out: onnx.INodeProto[] = [];
      const divs = new Set<string>();
      for (const n of nodes) {
        const div = n.opType === 'MatMul' ? nodes.find((x) => x.opType === 'Div' && x.input[0] === n.output[0]) : undefined;
        const add = div && nodes.find((x) => x.opType === 'Add' && x.input.includes(div.output[0]));
        if (div && add && nodes.some((x) => x.opType === 'Softmax' && x.input[0] === add.output[0])) {
          const [q, kt] = n.input;
          const y = n.output[0];
          out.push({
            opType: 'Transpose',
            input: [kt],
            output: [`${y}_k`],
            attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 1, 3, 2] }],
          });
          out.push({
            opType: 'FusedMatMul',
            domain: 'com.microsoft',
            input: [q, `${y}_k`],
            output: [y],
            attribute: [
              { name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
              { name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: 1 / Math.sqrt(8) },
            ],
          });
          divs.add(div.output[0]);
          continue;
        }
        if (n.opType === 'Div' && divs.has(n.output[0])) {
          out.push({ opType: 'Identity', input: [n.input[0]], output: n.output });
          continue;
        }
        out.push(n);
      }
      assert.equal(divs.size, 2);
      g.node = out;
    });
    await expectTapsMatchGolden(dir, ['attention', 'qkv']);
  });

  it('opset 17 export (LayerNormalization nodes, not the decomposed chain) matches the golden', async () => {
    const dir = tempDir('bert-lens-opset17-');
    copyDir(fixture('tiny-bert'), dir);
    fs.rmSync(path.join(dir, 'onnx'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'onnx'));
    const src = path.join(__dirname, 'graphs', 'tiny-bert-opset17.onnx');
    fs.copyFileSync(src, path.join(dir, 'onnx', 'model.onnx'));
    const g = onnx.ModelProto.decode(fs.readFileSync(src)).graph as onnx.GraphProto;
    assert.ok(
      g.node.some((n) => n.opType === 'LayerNormalization'),
      'the graph really uses LayerNormalization',
    );
    assert.ok(!g.node.some((n) => n.opType === 'ReduceMean'), 'and no decomposed LayerNorm');
    const m = await loadModel(dir);
    try {
      assert.deepEqual([m.info.capabilities.hidden, m.info.capabilities.attention, m.info.capabilities.qkv], [true, true, true]);
      const c = golden('tiny-bert').cases.find((x) => x.name === 'batch-padded')!;
      const rows = rowsOf(c);
      const outs = await m.run(rows, { hiddenLayers: [0, 1, 2], attentionLayers: [1, 2], qkvLayers: [2], nsp: true });
      outs.forEach((o, b) => {
        const T = o.seqLen;
        for (const l of [0, 1, 2]) assert.ok(maxAbsDiff(o.hidden[l], flat(c.hidden_states[l][b], [T, 32])) <= 1e-4, `hidden ${l}`);
        for (const l of [1, 2]) assert.ok(maxAbsDiff(o.attention[l], flat(c.attentions[l - 1][b], [4, T, T])) <= 1e-4, `attention ${l}`);
        assert.ok(maxAbsDiff(o.qkv[2].v, flat(c.qkv[1].v[b], [4, T, 8])) <= 1e-4);
        assert.ok(maxAbsDiff(o.nspLogits!, c.nsp_logits![b]) <= 1e-4);
      });
    } finally {
      await m.dispose();
    }
  });

  it('external data (model.onnx + model.onnx_data) loads and matches the golden', async () => {
    const dir = externalized(fixture('tiny-bert'));
    assert.ok(fs.statSync(path.join(dir, 'onnx', 'model.onnx')).size < 100_000, 'weights really moved out');
    const m = await loadModel(dir, {}, { dtype: 'fp32' });
    try {
      assert.equal(m.info.capabilities.attention, true);
      const c = golden('tiny-bert').cases[0];
      const rows = rowsOf(c);
      const T = rows[0].ids.length;
      const [o] = await m.run(rows, { attentionLayers: [2], mlmPositions: [[0, 1]] });
      assert.ok(maxAbsDiff(o.attention[2], flat(c.attentions[1][0], [4, T, T])) <= 1e-4);
      assert.ok(maxAbsDiff(o.mlmLogits!.subarray(0, 640), c.logits![0][0]) <= 1e-4);
    } finally {
      await m.dispose();
    }
  });
});

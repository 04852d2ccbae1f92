// Attention fusion in the lean graph (fuse-attention.ts): every untapped block of the repository's exports becomes one
// MultiHeadAttention node, the loaded model answers as the unfused one does (padded batches, every output the lean
// session serves), and a block that differs from the pattern in any part is left as it is.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import type { LoadedModel, RunRequest, RunRow } from '../../../src/core/api';
import { loadModel } from '../../../src/core/model';
import { runsFused, runsLean } from '../../../src/core/model/session';
import { indexModel } from '../../../src/core/model/graph';
import { planTaps, tapModel } from '../../../src/core/model/taps';
import { fuseAttention } from '../../../src/core/model/fuse-attention';
import { leanEdits, leanGraph } from '../../../src/core/model/tapped-session';
import { readModelInfo } from '../../../src/core/model/info';
import { ROOT, fixture, maxAbsDiff } from './helpers';

const TOL = 1e-5;
const embedded = (name: string) => path.join(ROOT, 'models', name);

const rowsFor = (vocab: number): RunRow[] =>
  [40, 7, 23].map((n, r) => ({
    ids: Array.from({ length: n }, (_, i) => (i === 0 ? 2 : i === n - 1 ? 3 : 100 + ((i * 37 + r * 11) % (vocab - 100)))),
  }));

const ops = (bytes: Uint8Array) => {
  const count = new Map<string, number>();
  for (const n of indexModel(bytes).nodes) count.set(n.opType, (count.get(n.opType) ?? 0) + 1);
  return count;
};

describe('attention fusion: the lean graphs of the repository models', () => {
  for (const [dir, file] of [
    [embedded('bert-lens-mini'), 'model_quantized.onnx'],
    [embedded('bert-lens-zh-qa'), 'model.onnx'],
    [fixture('tiny-distilbert'), 'model.onnx'],
  ] as const) {
    it(`${path.basename(dir)} ${file}: layers 2…L fused, layer 1 (tapped) kept, the decoder cut as before`, () => {
      const info = readModelInfo(dir);
      const t = tapModel(fs.readFileSync(path.join(dir, 'onnx', file)), info.layers);
      const archs = JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).architectures ?? '');
      const split = !/QuestionAnswering/.test(archs);
      const fused = ops(leanGraph(t, info, split, archs, leanEdits(t, info, true))!);
      const plain = ops(leanGraph(t, info, split, archs, leanEdits(t, info, false))!);
      assert.equal(fused.get('MultiHeadAttention'), info.layers - 1);
      assert.equal(fused.get('Softmax'), 1, "layer 1's attention is a tap: its block stays");
      assert.equal(plain.get('Softmax'), info.layers);
      assert.equal(plain.get('MultiHeadAttention'), undefined);
      const total = (c: Map<string, number>) => [...c.values()].reduce((a, b) => a + b, 0);
      assert.ok(total(fused) < total(plain) - 10 * (info.layers - 1), 'each block’s nodes and shape arithmetic are gone');
      assert.ok(indexModel(leanGraph(t, info, split, archs, leanEdits(t, info, true))!).opsets.get('com.microsoft') === 1);
    });
  }
});

const compare = (a: Awaited<ReturnType<LoadedModel['run']>>, b: typeof a, req: RunRequest, what: string) => {
  let worst = 0;
  for (let r = 0; r < a.length; r++) {
    for (const l of req.hiddenLayers ?? []) worst = Math.max(worst, maxAbsDiff(a[r].hidden[l], b[r].hidden[l]));
    for (const k of ['nspLogits', 'startLogits', 'endLogits', 'mlmLogits'] as const)
      if (a[r][k]) worst = Math.max(worst, maxAbsDiff(a[r][k]!, b[r][k]!));
  }
  assert.ok(worst <= TOL, `${what}: max |fused − unfused| ${worst}`);
  return worst;
};

describe('attention fusion: a loaded model answers as the unfused one', () => {
  for (const [dir, dtype] of [
    [embedded('bert-lens-mini'), 'int8'],
    [embedded('bert-lens-mini'), 'fp32'],
    [embedded('bert-lens-zh-qa'), 'int8'],
    [fixture('tiny-bert'), 'int8'],
    [fixture('tiny-distilbert'), 'fp32'],
  ] as const) {
    it(`${path.basename(dir)} ${dtype}: hidden states, MLM, NSP and QA of a padded batch within ${TOL}`, async () => {
      const fused = await loadModel(dir, {}, { dtype });
      const plain = await loadModel(dir, {}, { dtype, fuseAttention: false });
      try {
        assert.equal(runsFused(fused), true, 'fused');
        assert.equal(runsFused(plain), false, 'fuseAttention: false');
        const { layers, vocabSize, capabilities: cap } = fused.info;
        const rows = rowsFor(vocabSize);
        const req: RunRequest = {
          hiddenLayers: Array.from({ length: layers + 1 }, (_, i) => i),
          nsp: cap.nsp,
          qa: cap.qa,
          mlmPositions: cap.mlm ? [[3, 17], [1], [5]] : undefined,
        };
        const worst = compare(await fused.run(rows, req), await plain.run(rows, req), req, `${dir} ${dtype}`);
        console.log(`# ${path.basename(dir)} ${dtype}: max |fused − unfused| ${worst}`);
        // Attention asked for: the tapped session (no fusion) takes over and answers the same.
        await fused.run(rows.slice(0, 1), { attentionLayers: [2] });
        assert.equal(runsLean(fused) || runsFused(fused), false);
        compare(await fused.run(rows, req), await plain.run(rows, req), req, `${dir} ${dtype} after the swap`);
      } finally {
        await fused.dispose();
        await plain.dispose();
      }
    });
  }
});

/** tiny-bert's fp32 graph with layer 2's attention block edited, indexed; fusion is asked for both layers. */
function fusedLayers(edit: (nodes: onnx.NodeProto[], g: onnx.GraphProto) => void): number {
  const m = onnx.ModelProto.decode(fs.readFileSync(path.join(fixture('tiny-bert'), 'onnx', 'model.onnx')));
  const g = m.graph as onnx.GraphProto;
  edit(g.node as onnx.NodeProto[], g);
  const index = indexModel(onnx.ModelProto.encode(m).finish());
  const edits = fuseAttention(index, planTaps(index, 2), 4, 32, new Set());
  return edits ? [...edits.replace.values()].flat().filter((n) => n.opType === 'MultiHeadAttention').length : 0;
}

const layer2 = (nodes: onnx.NodeProto[], op: string) => nodes.filter((n) => n.opType === op && n.name.includes('layer.1/'))[0];
const INT = onnx.AttributeProto.AttributeType.INT;

describe('attention fusion: only the exact pattern', () => {
  it('both blocks of the unedited graph match', () =>
    assert.equal(
      fusedLayers(() => {}),
      2,
    ));

  it('a Softmax over another axis', () =>
    assert.equal(
      fusedLayers((nodes) => (layer2(nodes, 'Softmax').attribute = [onnx.AttributeProto.create({ name: 'axis', type: INT, i: 2 })])),
      1,
    ));

  it('scores not scaled by a constant (the Div replaced by Identity)', () =>
    assert.equal(
      fusedLayers((nodes) => {
        const div = nodes.find((n) => n.opType === 'Div' && n.name.endsWith('layer.1/attention/self/Div_1'))!;
        div.opType = 'Identity';
        div.input = [div.input[0]];
      }),
      1,
    ));

  it('a mask addend that is not (1 − attention_mask) · f', () =>
    assert.equal(
      fusedLayers((nodes, g) => {
        g.initializer.push(onnx.TensorProto.create({ name: 'zero_bias', dataType: 1, dims: [], floatData: [0] }));
        const add = layer2(nodes, 'Softmax').input[0];
        const n = nodes.find((x) => x.output[0] === add)!;
        n.input = [n.input[0], 'zero_bias'];
      }),
      1,
    ));

  it('attention probabilities that something else reads', () =>
    assert.equal(
      fusedLayers((nodes, g) => {
        const probs = layer2(nodes, 'Softmax').output[0];
        nodes.push(onnx.NodeProto.create({ opType: 'Identity', name: 'reader', input: [probs], output: ['probs_copy'] }));
        g.output.push(onnx.ValueInfoProto.create({ name: 'probs_copy' }));
      }),
      1,
    ));

  it("attention probabilities that are one of the model's own outputs", () =>
    assert.equal(
      fusedLayers((nodes, g) => g.output.push(onnx.ValueInfoProto.create({ name: layer2(nodes, 'Softmax').output[0] }))),
      1,
    ));

  it('heads split another way than config.json says (a Reshape to [B, T, 2, d])', () =>
    assert.equal(
      fusedLayers((nodes, g) => {
        g.initializer.push(onnx.TensorProto.create({ name: 'two_heads', dataType: 7, dims: [1], int64Data: [2] }));
        for (const cat of nodes.filter((n) => n.opType === 'Concat' && n.name.includes('layer.1/attention/self/Concat')))
          if (cat.input.length === 4) cat.input[2] = 'two_heads';
      }),
      1,
    ));

  it('tapped attention is never fused', () => {
    const t = tapModel(fs.readFileSync(path.join(fixture('tiny-bert'), 'onnx', 'model.onnx')), 2);
    assert.equal(fuseAttention(t.graph, t.plan, 4, 32, new Set(t.plan.layers.map((l) => l.attention))), undefined);
  });
});

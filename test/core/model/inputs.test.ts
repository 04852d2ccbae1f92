// Bad models and bad inputs end in one clear BertLensError — never an ORT crash — and the model keeps working.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedModel } from '../../../src/core/api';
import { BertLensError, loadModel } from '../../../src/core/model';
import { onnx } from 'onnx-proto';
import { copyDir, fixture } from './helpers';
import { tempDir } from '../../temp';
import { feedsFor, type Shared } from '../../../src/core/model/run';

const code = (c: string, re?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof BertLensError, String(e));
  assert.equal(e.code, c, e.message);
  if (re) assert.match(e.message, re);
  return true;
};

describe('bad model files', () => {
  it('random bytes as model.onnx → CORRUPT_MODEL naming the file with a remedy', async () => {
    const dir = tempDir('bert-lens-corrupt-');
    copyDir(fixture('tiny-distilbert'), dir);
    let x = 12345;
    const junk = Uint8Array.from({ length: 4096 }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), junk);
    await assert.rejects(loadModel(dir), code('CORRUPT_MODEL', /onnx\/model\.onnx .* is not a usable ONNX model .*Replace the file/));
  });

  it('a truncated model.onnx → CORRUPT_MODEL', async () => {
    const dir = tempDir('bert-lens-cut-');
    copyDir(fixture('tiny-distilbert'), dir);
    const f = path.join(dir, 'onnx', 'model.onnx');
    fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 150_000));
    await assert.rejects(loadModel(dir), code('CORRUPT_MODEL', /model\.onnx/));
  });

  it('broken config.json → CORRUPT_MODEL; missing config.json → MODEL_NOT_FOUND', async () => {
    const dir = tempDir('bert-lens-cfg-');
    copyDir(fixture('tiny-distilbert'), dir);
    fs.writeFileSync(path.join(dir, 'config.json'), '{"dim": 32,');
    await assert.rejects(loadModel(dir), code('CORRUPT_MODEL', /config\.json .*not valid JSON/));
    fs.rmSync(path.join(dir, 'config.json'));
    await assert.rejects(loadModel(dir), code('MODEL_NOT_FOUND', /config\.json/));
  });

  it('a graph onnxruntime cannot run (unknown operator) → CORRUPT_MODEL naming onnxruntime, file kept', async () => {
    const dir = tempDir('bert-lens-badop-');
    copyDir(fixture('tiny-distilbert'), dir);
    const f = path.join(dir, 'onnx', 'model.onnx');
    const m = onnx.ModelProto.decode(fs.readFileSync(f));
    const g = m.graph as onnx.GraphProto;
    (g.node.find((n) => n.opType === 'Gelu' || n.opType === 'Erf') ?? g.node[g.node.length - 1]).opType = 'NoSuchOp';
    fs.writeFileSync(f, onnx.ModelProto.encode(m).finish());
    await assert.rejects(loadModel(dir), code('CORRUPT_MODEL', /onnxruntime could not load onnx\/model\.onnx .*NoSuchOp/));
    assert.ok(fs.existsSync(f));
  });

  it('a graph with inputs BERT Lens does not feed → CORRUPT_MODEL listing them', async () => {
    const dir = tempDir('bert-lens-inputs-');
    copyDir(fixture('tiny-distilbert'), dir);
    const f = path.join(dir, 'onnx', 'model.onnx');
    const m = onnx.ModelProto.decode(fs.readFileSync(f));
    const g = m.graph as onnx.GraphProto;
    g.input.push(onnx.ValueInfoProto.create({ ...g.input[0], name: 'position_ids' }));
    fs.writeFileSync(f, onnx.ModelProto.encode(m).finish());
    await assert.rejects(loadModel(dir), code('CORRUPT_MODEL', /takes inputs input_ids, attention_mask, position_ids/));
  });

  it('a dtype the folder lacks → MODEL_NOT_FOUND naming the available one, with the dtype fix', async () => {
    const e = await loadModel(fixture('tiny-distilbert'), {}, { dtype: 'int8' }).catch((x: unknown) => x);
    assert.ok(code('MODEL_NOT_FOUND', /model_quantized\.onnx.*Available here: fp32\./)(e));
    assert.deepEqual((e as BertLensError).details.fix, [{ option: 'dtype', value: 'fp32' }]);
  });

  it('an unknown name → MODEL_NOT_FOUND', async () => {
    await assert.rejects(loadModel('no-such-model', { modelsDir: tempDir('bert-lens-models-') }), code('MODEL_NOT_FOUND', /not found/));
  });
});

describe('bad run() inputs', () => {
  let m: LoadedModel;
  before(async () => {
    m = await loadModel(fixture('tiny-bert'), {}, { dtype: 'fp32' });
  });
  after(() => m.dispose());

  const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['id ≥ vocab size', () => m.run([{ ids: [2, 640, 3] }], {}), /token id 640 is outside the vocabulary \[0, 640\)/],
    ['negative id', () => m.run([{ ids: [2, -1, 3] }], {}), /token id -1/],
    ['fractional id', () => m.run([{ ids: [2, 1.5, 3] }], {}), /token id 1.5/],
    ['too long', () => m.run([{ ids: Array(129).fill(5) }], {}), /129 tokens but the model takes at most 128/],
    ['empty row', () => m.run([{ ids: [] }], {}), /no token ids/],
    ['no rows', () => m.run([], {}), /at least one row/],
    ['type ids length', () => m.run([{ ids: [2, 5, 3], typeIds: [0, 0] }], {}), /3 ids but 2 token type ids/],
    ['type id out of range', () => m.run([{ ids: [2, 5, 3], typeIds: [0, 2, 0] }], {}), /token type id 2/],
    [
      'layer out of range',
      () => m.run([{ ids: [2, 5, 3] }], { attentionLayers: [3] }),
      /attention layer 3 does not exist \(valid: 1\.\.2\)/,
    ],
    ['hidden layer out of range', () => m.run([{ ids: [2, 5, 3] }], { hiddenLayers: [-1] }), /hidden-state layer -1/],
    ['mask position out of row', () => m.run([{ ids: [2, 5, 3] }], { mlmPositions: [[3]] }), /masked position 3/],
    ['QA on an MLM model', () => m.run([{ ids: [2, 5, 3] }], { qa: true }), /no question-answering head/],
  ];
  for (const [name, f, re] of cases) {
    it(`${name} → BAD_INPUT`, async () => {
      await assert.rejects(f(), code('BAD_INPUT', re));
    });
  }

  it('still works after all of that', async () => {
    const [o] = await m.run([{ ids: [2, 5, 3] }], { nsp: true });
    assert.equal(o.nspLogits!.length, 2);
    assert.ok(o.nspLogits!.every(Number.isFinite));
  });

  it('splits a big batch to stay within the memory budget, with the same results', async () => {
    const small = await loadModel(fixture('tiny-bert'), {}, { dtype: 'fp32', memoryBudgetBytes: 1 });
    try {
      const rows = [
        [2, 5, 6, 7, 3],
        [2, 8, 3],
        [2, 9, 10, 11, 12, 13, 3],
        [2, 14, 3],
      ].map((ids) => ({ ids }));
      const req = { attentionLayers: [1, 2], hiddenLayers: [2] };
      const a = await small.run(rows, req);
      const b = await m.run(rows, req);
      a.forEach((o, i) => {
        assert.equal(o.seqLen, rows[i].ids.length, 'results come back in input order');
        assert.deepEqual(
          [...o.hidden[2]].map((x) => x.toFixed(4)),
          [...b[i].hidden[2]].map((x) => x.toFixed(4)),
        );
      });
    } finally {
      await small.dispose();
    }
  });

  it('an aborted signal stops run()', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(m.run([{ ids: [2, 5, 3] }], {}, ac.signal), code('ABORTED'));
  });
});

describe('feeds', () => {
  it('writes ids, mask and segment ids as exact int64s, padding rows with zeros', () => {
    const s = { session: { inputNames: ['input_ids', 'attention_mask', 'token_type_ids'] } } as unknown as Shared;
    const f = feedsFor(s, [{ ids: [2, 2 ** 40 + 7, 3], typeIds: [0, 1, 1] }, { ids: [5] }]);
    assert.deepEqual(f.input_ids.dims, [2, 3]);
    assert.deepEqual(Array.from(f.input_ids.data as BigInt64Array), [2n, 2n ** 40n + 7n, 3n, 5n, 0n, 0n]);
    assert.deepEqual(Array.from(f.attention_mask.data as BigInt64Array), [1n, 1n, 1n, 1n, 0n, 0n]);
    assert.deepEqual(Array.from(f.token_type_ids.data as BigInt64Array), [0n, 1n, 1n, 0n, 0n, 0n]);
  });
});

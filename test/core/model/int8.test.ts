// int8 (dynamic-quantized MatMulInteger) graphs: taps found, attention rows are distributions with no mass on padding,
// logits close to fp32, and the tapped graph's main outputs bit-identical to the untouched graph's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { LoadedModel } from '../../../src/core/api';
import { loadModel } from '../../../src/core/model';
import { fixture, golden, maxAbsDiff, rowsOf } from './helpers';

// Random std-0.3 fixture weights quantize coarsely (fixtures README: up to ~0.4); real checkpoints are far closer.
const INT8_LOGIT_TOL = 1.0;

async function untapped(file: string, c: ReturnType<typeof golden>['cases'][number], outputs: string[]) {
  const s = await ort.InferenceSession.create(fs.readFileSync(file), {
    intraOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const B = c.input_ids.length;
  const T = c.input_ids[0].length;
  const t = (x: number[][]) => new ort.Tensor('int64', BigInt64Array.from(x.flat().map(BigInt)), [B, T]);
  const feeds: Record<string, ort.Tensor> = { input_ids: t(c.input_ids), attention_mask: t(c.attention_mask) };
  if (s.inputNames.includes('token_type_ids')) feeds.token_type_ids = t(c.token_type_ids!);
  const res = await s.run(feeds, outputs);
  await s.release();
  return res;
}

for (const name of ['tiny-bert', 'tiny-bert-qa']) {
  describe(`int8 taps: ${name}`, () => {
    let q: LoadedModel;
    let f: LoadedModel;
    before(async () => {
      q = await loadModel(fixture(name), {}, { dtype: 'int8' });
      f = await loadModel(fixture(name), {}, { dtype: 'fp32' });
    });
    after(async () => {
      await q.dispose();
      await f.dispose();
    });

    it('auto picks int8 when onnx/model_quantized.onnx exists', async () => {
      const a = await loadModel(fixture(name));
      assert.equal(a.info.dtype, 'int8');
      assert.equal(path.basename(a.info.modelFile), 'model_quantized.onnx');
      await a.dispose();
    });

    it('finds attention, Q/K/V and hidden taps in the quantized graph', () => {
      assert.equal(q.info.dtype, 'int8');
      assert.deepEqual([q.info.capabilities.attention, q.info.capabilities.qkv, q.info.capabilities.hidden], [true, true, true]);
    });

    it('attention rows sum to 1 ± 1e-5 with zero mass on padded keys (padded batch)', async () => {
      const c = golden(name).cases.find((x) => x.name === 'batch-padded')!;
      const rows = rowsOf(c);
      assert.notEqual(rows[0].ids.length, rows[1].ids.length, 'the case must really pad one row');
      const outs = await q.run(rows, { attentionLayers: [1, 2] });
      const heads = q.info.heads;
      for (const o of outs) {
        const T = o.seqLen;
        for (const l of [1, 2]) {
          const a = o.attention[l];
          assert.equal(a.length, heads * T * T);
          for (let r = 0; r < heads * T; r++) {
            let sum = 0;
            for (let j = 0; j < T; j++) sum += a[r * T + j];
            // The row over the real keys alone sums to 1, so padded keys (cut off here) got no mass.
            assert.ok(Math.abs(sum - 1) <= 1e-5, `layer ${l} row ${r}: sum ${sum}`);
          }
        }
      }
    });

    it(`logits within ${INT8_LOGIT_TOL} of fp32`, async (t) => {
      const c = golden(name).cases[0];
      const rows = rowsOf(c);
      const req = q.info.capabilities.mlm ? { mlmPositions: rows.map((r) => r.ids.map((_, i) => i)) } : { qa: true };
      const [a] = await q.run(rows, req);
      const [b] = await f.run(rows, req);
      const pa = a.mlmLogits ?? a.startLogits!;
      const pb = b.mlmLogits ?? b.startLogits!;
      const diff = maxAbsDiff(pa, pb);
      t.diagnostic(`max |int8 − fp32| logits = ${diff.toFixed(3)}`);
      assert.ok(diff > 0, 'int8 and fp32 must really be different graphs');
      assert.ok(diff <= INT8_LOGIT_TOL, `diff ${diff}`);
    });

    it('main outputs of the tapped graph are bit-identical to the untouched graph (int8 and fp32)', async () => {
      for (const m of [q, f]) {
        const c = golden(name).cases.find((x) => x.name === 'batch-padded')!;
        const mains = m.info.capabilities.qa ? ['start_logits', 'end_logits'] : ['logits', 'nsp_logits'];
        const rows = rowsOf(c);
        // Unpadded single rows, so both graphs see exactly the same feeds.
        for (let b = 0; b < rows.length; b++) {
          const single = {
            ...c,
            input_ids: [rows[b].ids],
            attention_mask: [rows[b].ids.map(() => 1)],
            token_type_ids: rows[b].typeIds ? [rows[b].typeIds!] : undefined,
          };
          const want = await untapped(m.info.modelFile, single, mains);
          const [o] = await m.run([rows[b]], {
            attentionLayers: [1, 2],
            hiddenLayers: [0, 1, 2],
            mlmPositions: m.info.capabilities.mlm ? [rows[b].ids.map((_, i) => i)] : undefined,
            nsp: m.info.capabilities.nsp,
            qa: m.info.capabilities.qa,
          });
          const got = m.info.capabilities.qa ? o.startLogits! : o.mlmLogits!;
          const exp = want[mains[0]].data as Float32Array;
          assert.equal(got.length, exp.length);
          assert.ok(
            got.every((x, i) => Object.is(x, exp[i])),
            `row ${b}: ${mains[0]} not bit-identical`,
          );
          if (o.nspLogits) assert.deepEqual([...o.nspLogits], [...(want.nsp_logits.data as Float32Array)]);
          if (o.endLogits) assert.deepEqual([...o.endLogits], [...(want.end_logits.data as Float32Array)]);
        }
      }
    });
  });
}

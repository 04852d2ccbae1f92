// fp32 parity with the PyTorch goldens (tolerance 1e-4): hidden states, attention, Q/K/V, MLM, NSP, QA — incl. a
// padded batch — for BERT, DistilBERT and BERT-QA fixtures, through the tapped graph.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadedModel } from '../../../src/core/api';
import { loadModel } from '../../../src/core/model';
import { fixture, flat, golden, maxAbsDiff, rowsOf } from './helpers';

const TOL = 1e-4;

for (const name of ['tiny-bert', 'tiny-distilbert', 'tiny-bert-qa']) {
  describe(`fp32 parity: ${name}`, () => {
    let m: LoadedModel;
    before(async () => {
      m = await loadModel(fixture(name), {}, { dtype: 'fp32' });
    });
    after(() => m.dispose());

    it('reports what the graph offers', () => {
      const c = m.info.capabilities;
      assert.equal(m.info.dtype, 'fp32');
      assert.equal(c.hidden, true);
      assert.equal(c.attention, true);
      assert.equal(c.qkv, true);
      assert.equal(c.tokenTypes, name !== 'tiny-distilbert');
      assert.equal(c.mlm, name !== 'tiny-bert-qa');
      assert.equal(c.nsp, name === 'tiny-bert');
      assert.equal(c.qa, name === 'tiny-bert-qa');
      assert.equal(m.info.architecture, name === 'tiny-distilbert' ? 'distilbert' : 'bert');
      assert.equal(m.info.layers, 2);
      assert.equal(m.info.heads, 4);
      assert.equal(m.info.hidden, 32);
    });

    for (const c of golden(name).cases) {
      it(`matches the golden for case "${c.name}" (${c.input_ids.length} row(s))`, async (t) => {
        const { layers: L, heads, hidden: H } = m.info;
        const d = H / heads;
        const rows = rowsOf(c);
        const all = Array.from({ length: L }, (_, i) => i + 1);
        const outs = await m.run(rows, {
          hiddenLayers: [0, ...all],
          attentionLayers: all,
          qkvLayers: all,
          mlmPositions: m.info.capabilities.mlm ? rows.map((r) => r.ids.map((_, i) => i)) : undefined,
          nsp: m.info.capabilities.nsp,
          qa: m.info.capabilities.qa,
        });
        assert.equal(outs.length, rows.length);
        let worst = 0;
        const check = (got: ArrayLike<number>, want: number[], what: string) => {
          const diff = maxAbsDiff(got, want);
          worst = Math.max(worst, diff);
          assert.ok(diff <= TOL, `${what}: max |diff| ${diff} > ${TOL}`);
        };
        outs.forEach((o, b) => {
          const T = rows[b].ids.length;
          assert.equal(o.seqLen, T);
          for (let l = 0; l <= L; l++) check(o.hidden[l], flat(c.hidden_states[l][b], [T, H]), `hidden[${l}] row ${b}`);
          for (let l = 1; l <= L; l++) {
            check(o.attention[l], flat(c.attentions[l - 1][b], [heads, T, T]), `attention[${l}] row ${b}`);
            for (const k of ['q', 'k', 'v'] as const) check(o.qkv[l][k], flat(c.qkv[l - 1][k][b], [heads, T, d]), `${k}[${l}] row ${b}`);
            assert.equal(o.qkv[l].headDim, d);
          }
          if (c.logits) check(o.mlmLogits!, flat(c.logits[b], [T, m.info.vocabSize]), `logits row ${b}`);
          if (c.nsp_logits) check(o.nspLogits!, c.nsp_logits[b], `nsp row ${b}`);
          if (c.start_logits) {
            check(o.startLogits!, c.start_logits[b].slice(0, T), `start row ${b}`);
            check(o.endLogits!, c.end_logits![b].slice(0, T), `end row ${b}`);
          }
        });
        t.diagnostic(`max |engine − golden| = ${worst.toExponential(2)}`);
      });
    }

    it('returns MLM logits only for the asked positions, in the asked order', async () => {
      if (!m.info.capabilities.mlm) return;
      const c = golden(name).cases[0];
      const rows = rowsOf(c).slice(0, 1);
      const positions = [3, 1];
      const [o] = await m.run(rows, { mlmPositions: [positions] });
      const V = m.info.vocabSize;
      assert.equal(o.mlmLogits!.length, positions.length * V);
      positions.forEach((p, i) => assert.ok(maxAbsDiff(o.mlmLogits!.subarray(i * V, (i + 1) * V), c.logits![0][p]) <= TOL));
      assert.deepEqual(Object.keys(o.attention), []);
      assert.deepEqual(Object.keys(o.hidden), []);
    });
  });
}

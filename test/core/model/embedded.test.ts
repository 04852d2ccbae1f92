// Parity on the embedded models (models/bert-lens-mini[-qa], bert-lens-zh[-qa]) through the engine's loader against
// their PyTorch goldens.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadModel } from '../../../src/core/model';
import { maxAbsDiff, ROOT } from './helpers';

const TOL = 1e-4;
type N = number;
interface MiniCase {
  name: string;
  input_ids: N[][];
  attention_mask: N[][];
  token_type_ids: N[][];
  logits_at?: Array<[N, N]>;
  logits_rows?: N[][];
  nsp_logits?: N[][];
  last_hidden_state_cls?: N[][];
  start_logits?: N[][];
  end_logits?: N[][];
}

for (const name of ['bert-lens-mini', 'bert-lens-mini-qa', 'bert-lens-zh', 'bert-lens-zh-qa']) {
  const goldenFile = path.join(ROOT, 'test', 'golden', `${name}.json`);
  const dir = path.join(ROOT, 'models', name);
  const present = fs.existsSync(goldenFile) && fs.existsSync(path.join(dir, 'onnx', 'model.onnx'));
  describe(`embedded ${name}`, { skip: present ? false : 'model or golden not built yet' }, () => {
    it('matches its PyTorch golden (fp32, incl. a padded batch)', async (t) => {
      const g = JSON.parse(fs.readFileSync(goldenFile, 'utf8')) as { cases: MiniCase[] };
      const m = await loadModel(name, { modelsDir: path.join(ROOT, 'models') }, { dtype: 'fp32' });
      let worst = 0;
      const check = (got: ArrayLike<number>, want: number[], what: string) => {
        const d = maxAbsDiff(got, want);
        worst = Math.max(worst, d);
        assert.ok(d <= TOL, `${what}: ${d}`);
      };
      try {
        for (const c of g.cases) {
          const rows = c.input_ids.map((ids, b) => {
            const n = c.attention_mask[b].reduce((a, x) => a + x, 0);
            return { ids: ids.slice(0, n), typeIds: c.token_type_ids[b].slice(0, n) };
          });
          const mlm = rows.map((_, b) => (c.logits_at ?? []).filter(([row]) => row === b).map(([, p]) => p));
          const outs = await m.run(rows, {
            hiddenLayers: [m.info.layers],
            mlmPositions: c.logits_at ? mlm : undefined,
            nsp: !!c.nsp_logits,
            qa: !!c.start_logits,
          });
          outs.forEach((o, b) => {
            if (c.logits_at) {
              c.logits_at.forEach(([row, p], k) => {
                if (row !== b) return;
                const i = mlm[b].indexOf(p);
                check(
                  o.mlmLogits!.subarray(i * m.info.vocabSize, (i + 1) * m.info.vocabSize),
                  c.logits_rows![k],
                  `${c.name} logits[${row},${p}]`,
                );
              });
            }
            if (c.nsp_logits) check(o.nspLogits!, c.nsp_logits[b], `${c.name} nsp row ${b}`);
            if (c.last_hidden_state_cls)
              check(o.hidden[m.info.layers].subarray(0, m.info.hidden), c.last_hidden_state_cls[b], `${c.name} [CLS] hidden row ${b}`);
            if (c.start_logits) {
              check(o.startLogits!, c.start_logits[b].slice(0, o.seqLen), `${c.name} start row ${b}`);
              check(o.endLogits!, c.end_logits![b].slice(0, o.seqLen), `${c.name} end row ${b}`);
            }
          });
        }
        t.diagnostic(`max |engine − golden| = ${worst.toExponential(2)}`);
      } finally {
        await m.dispose();
      }
    });
  });
}

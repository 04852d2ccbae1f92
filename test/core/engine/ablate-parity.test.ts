// Head ablation vs the PyTorch reference with Hugging Face's head_mask (training/ablate_golden.py → test/golden/ablate.json):
// the fixtures' raw outputs under every golden mask within 1e-4, one mask per run and all masks batched as rows.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import type { RunOutput, RunRequest } from '../../../src/core/api';
import { FIX } from './helpers';

interface Run {
  mlm_logits?: number[];
  nsp_logits?: number[];
  start_logits?: number[];
  end_logits?: number[];
}
interface Case {
  input_ids: number[];
  token_type_ids: number[];
  mask_position: number | null;
  runs: Record<string, Run>;
}
const GOLDEN = JSON.parse(readFileSync(path.resolve('test/golden/ablate.json'), 'utf8')) as {
  masks: Record<string, number[][]>;
  models: Record<string, Case>;
};

function maxDiff(a: ArrayLike<number>, b: number[]): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

function compare(o: RunOutput, want: Run, label: string): void {
  const pairs: Array<[ArrayLike<number> | undefined, number[] | undefined, string]> = [
    [o.mlmLogits, want.mlm_logits, 'mlm'],
    [o.nspLogits, want.nsp_logits, 'nsp'],
    [o.startLogits, want.start_logits, 'start'],
    [o.endLogits, want.end_logits, 'end'],
  ];
  for (const [got, exp, what] of pairs) {
    if (!exp) continue;
    assert.ok(got, `${label}: no ${what} output`);
    const d = maxDiff(got, exp);
    assert.ok(d < 1e-4, `${label}: ${what} differs by ${d}`);
  }
}

describe('head ablation vs the PyTorch golden (fixtures, fp32)', () => {
  let engine: BertLensEngine;
  before(() => {
    engine = createEngine({ dtype: 'fp32' });
  });
  after(() => engine.dispose());

  for (const [name, dir] of [
    ['tiny-bert', FIX.bert],
    ['tiny-distilbert', FIX.distil],
    ['tiny-bert-qa', FIX.qa],
  ] as const) {
    const c = GOLDEN.models[name];
    const labels = Object.keys(GOLDEN.masks);
    const row = { ids: c.input_ids, typeIds: name === 'tiny-distilbert' ? undefined : c.token_type_ids };
    const req = (n: number): RunRequest => ({
      mlmPositions: c.mask_position === null ? undefined : Array.from({ length: n }, () => [c.mask_position!]),
      nsp: name === 'tiny-bert' || undefined,
      qa: name === 'tiny-bert-qa' || undefined,
    });
    const mask = (label: string) => Float32Array.from(GOLDEN.masks[label].flat());

    it(`${name}: every golden mask within 1e-4, one run each`, async () => {
      const model = await engine.load(dir);
      for (const label of labels) {
        const [o] = await model.run([row], { ...req(1), headMask: [mask(label)] });
        compare(o, c.runs[label], label);
      }
    });

    it(`${name}: all masks as rows of one batch, each row its own mask`, async () => {
      const model = await engine.load(dir);
      const outs = await model.run(
        labels.map(() => row),
        { ...req(labels.length), headMask: labels.map(mask) },
      );
      outs.forEach((o, i) => compare(o, c.runs[labels[i]], `batched ${labels[i]}`));
    });
  }

  it('the golden masks change the outputs (a mask that did nothing would pass the comparison above)', () => {
    const runs = GOLDEN.models['tiny-bert'].runs;
    assert.ok(maxDiff(runs['all off'].mlm_logits!, runs.ones.mlm_logits!) > 0.1);
    assert.ok(maxDiff(runs['off 1.0,2.3'].mlm_logits!, runs.ones.mlm_logits!) > 1e-3);
  });
});

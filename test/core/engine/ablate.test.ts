// Head ablation on the engine: all ones is the plain run exactly; every head off makes the masked word independent
// of its context; the importance map matches the PyTorch golden and each entry is its single-head run;
// fp32 batches, int8 runs one row at a time; a head that does not exist is refused with the valid ranges.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import type { HeadRef } from '../../../src/core/api';
import { softmax } from '../../../src/core/mlm';
import { readModelInfo } from '../../../src/core/model/info';
import { counting, FIX } from './helpers';

const EN = 'The sun rises in the [MASK] and sets in the west.';
const DOC = 'The letter was written by Anna in Paris. She sent it to her brother.';
const GOLDEN = JSON.parse(readFileSync(path.resolve('test/golden/ablate.json'), 'utf8')) as {
  models: Record<string, { texts: string[]; runs: Record<string, { mlm_logits?: number[] }> }>;
};
/** bert-lens-mini's shape: the head masks and importance maps below are one factor per layer × head. */
const { layers: L, heads: H } = readModelInfo(path.resolve('models/bert-lens-mini'));
const every = (layers: number, heads: number): HeadRef[] =>
  Array.from({ length: layers * heads }, (_, i) => ({ layer: Math.floor(i / heads) + 1, head: i % heads }));
const argmax = (m: number[][]) => {
  let best = { layer: 0, head: 0, v: -Infinity };
  m.forEach((row, l) => row.forEach((v, h) => v > best.v && (best = { layer: l + 1, head: h, v })));
  return best;
};

describe('head ablation', () => {
  let engine: BertLensEngine;
  before(() => {
    engine = createEngine();
  });
  after(() => engine.dispose());

  for (const dtype of ['fp32', 'int8'] as const) {
    it(`${dtype}: a head mask of all ones is the plain run exactly (mask, nsp, qa)`, async () => {
      const model = await engine.load('bert-lens-mini', { dtype });
      const tk = await engine.tokenizer(model);
      const ids = [
        tk.special.cls,
        ...tk
          .tokenize(EN, { specials: ['[MASK]'] })
          .tokens.slice()
          .map((t) => t.id),
        tk.special.sep,
      ];
      const req = { mlmPositions: [[ids.indexOf(tk.special.mask)]], nsp: true };
      const [plain] = await model.run([{ ids }], req);
      const [ones] = await model.run([{ ids }], { ...req, headMask: [new Float32Array(L * H).fill(1)] });
      assert.deepEqual(ones.mlmLogits, plain.mlmLogits);
      assert.deepEqual(ones.nspLogits, plain.nspLogits);
      const r = await engine.ablate(model, { task: 'mask', text: EN });
      const m = await engine.mask(model, EN, { top: 5 });
      assert.equal(r.target, m.predictions[0].word);
      assert.equal(r.base, m.predictions[0].score);
      assert.equal(r.score, r.base, 'nothing switched off');
      assert.deepEqual(r.predictions, m.predictions);
      const n = await engine.ablate(model, { task: 'nsp', a: 'I went to the shop.', b: 'I bought some milk.' });
      assert.equal(n.base, (await engine.nsp(model, 'I went to the shop.', 'I bought some milk.')).isNext);
      assert.equal(n.target, 'is next');
      const qa = await engine.load('bert-lens-mini-qa', { dtype });
      const q = await engine.ablate(qa, { task: 'qa', question: 'Who wrote the letter?', document: DOC });
      const best = (await engine.answer(qa, 'Who wrote the letter?', DOC, { top: 1 })).answers[0];
      assert.deepEqual([q.target, q.start, q.end], [best.text, best.start, best.end]);
      // base: the answer's P(start)·P(end) in its best window, as occlusion reports it (answer()'s score is a share
      // across the document); with no head off, that window's best span is the answer.
      assert.equal(q.base, (await engine.occludeQa(qa, 'Who wrote the letter?', DOC)).base);
      assert.deepEqual([q.prediction.text, q.prediction.score], [best.text, q.base]);
    });
  }

  it('every head off: the masked word no longer depends on its context (same prediction for two sentences)', async () => {
    const model = await engine.load('bert-lens-mini', { dtype: 'fp32' });
    const off = every(L, H);
    // [MASK] at the same position in both: without attention each token sees only itself (and its position).
    const a = await engine.ablate(model, { task: 'mask', text: 'The cat sat on the [MASK].' }, { off });
    const b = await engine.ablate(model, { task: 'mask', text: 'A river runs to the [MASK].' }, { off });
    assert.deepEqual(
      a.predictions!.map((p) => p.word),
      b.predictions!.map((p) => p.word),
    );
    a.predictions!.forEach((p, i) => assert.ok(Math.abs(p.score - b.predictions![i].score) < 1e-5));
    const plainA = await engine.mask(model, 'The cat sat on the [MASK].', { top: 5 });
    const plainB = await engine.mask(model, 'A river runs to the [MASK].', { top: 5 });
    assert.notDeepEqual(
      plainA.predictions.map((p) => p.word),
      plainB.predictions.map((p) => p.word),
      'with attention they differ',
    );
    assert.notEqual(a.score, a.base);
  });

  it("fixture importance map = the PyTorch golden (drop in the target's probability per head, within 1e-4)", async () => {
    const fp32 = createEngine({ dtype: 'fp32' });
    try {
      const model = await fp32.load(FIX.distil); // one segment, as mask() reads it
      const tk = await fp32.tokenizer(model);
      const g = GOLDEN.models['tiny-distilbert'];
      const text = g.texts[0];
      const r = await fp32.ablate(
        model,
        { task: 'mask', text },
        {
          importance: true,
          off: [
            { layer: 1, head: 0 },
            { layer: 2, head: 3 },
          ],
        },
      );
      const id = tk.tokenToId(r.target)!;
      const p = (label: string) => softmax(g.runs[label].mlm_logits!)[id];
      assert.ok(Math.abs(r.base - p('ones')) < 1e-4);
      assert.ok(Math.abs(r.score - p('off 1.0,2.3')) < 1e-4);
      assert.equal(r.importance!.length, 2);
      r.importance!.forEach((row, l) =>
        row.forEach((v, h) => assert.ok(Math.abs(v - (p('ones') - p(`off ${l + 1}.${h}`))) < 1e-4, `${l + 1}.${h}`)),
      );
    } finally {
      await fp32.dispose();
    }
  });

  for (const dtype of ['fp32', 'int8'] as const) {
    // Which heads matter changes with each training run (3.0 and 4.1 before the 2026-11-30 continuation); what must
    // hold for any model: each entry is that single head's run, and some head carries part of the prediction.
    it(`${dtype}: importance on the shipped model: each entry is its single-head run; the top head carries the target`, async () => {
      const model = await engine.load('bert-lens-mini', { dtype });
      const m = await engine.ablate(model, { task: 'mask', text: EN }, { importance: true });
      const plain = await engine.mask(model, EN, { top: 1 });
      assert.equal(m.target, plain.predictions[0].word);
      assert.deepEqual(
        m.importance!.map((r) => r.length),
        Array<number>(L).fill(H),
      );
      const top = argmax(m.importance!);
      assert.ok(top.v > 0.05 * m.base, `head ${top.layer}.${top.head} carries part of P(${m.target}) = ${m.base} (drop ${top.v})`);
      assert.ok(new Set(m.importance!.flat().map((v) => v.toFixed(6))).size > 4, 'heads differ');
      const one = await engine.ablate(model, { task: 'mask', text: EN }, { off: [{ layer: top.layer, head: top.head }] });
      assert.ok(Math.abs(one.score - (m.base - top.v)) < 1e-9);
      const n = await engine.ablate(model, { task: 'nsp', a: 'I went to the shop.', b: 'I bought some milk.' }, { importance: true });
      const nt = argmax(n.importance!);
      const none = await engine.ablate(
        model,
        { task: 'nsp', a: 'I went to the shop.', b: 'I bought some milk.' },
        { off: [{ layer: nt.layer, head: nt.head }] },
      );
      assert.ok(Math.abs(none.score - (n.base - nt.v)) < 1e-9);
    });
  }

  it('fp32: one batched run for the whole map, equal to one-by-one runs; int8: one row per run', async () => {
    const fp32 = counting(await engine.load('bert-lens-mini', { dtype: 'fp32' }));
    const batched = await engine.ablate(fp32, { task: 'mask', text: EN, target: 'east' }, { importance: true });
    assert.deepEqual(
      fp32.calls.map((c) => c.length),
      [1 + 1 + L * H],
      `all heads on, the chosen heads off, ${L * H} single heads`,
    );
    const single = await engine.ablate(fp32, { task: 'mask', text: EN, target: 'east' }, { importance: true, batchSize: 1 });
    batched.importance!.flat().forEach((v, i) => assert.ok(Math.abs(v - single.importance!.flat()[i]) < 1e-6));
    const int8 = counting(await engine.load('bert-lens-mini', { dtype: 'int8' }));
    await engine.ablate(int8, { task: 'mask', text: EN, target: 'east' }, { importance: true });
    assert.ok(int8.calls.every((c) => c.length === 1) && int8.calls.length === 2 + L * H);
  });

  it('a head that does not exist, or a model without the task, is refused saying what to do', async () => {
    const model = await engine.load('bert-lens-mini');
    await assert.rejects(
      engine.ablate(model, { task: 'mask', text: EN }, { off: [{ layer: L + 1, head: 0 }] }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'BAD_INPUT');
        assert.match(
          e.message,
          new RegExp(`Head ${L + 1}\\.0 does not exist: bert-lens-mini has layers 1\\.\\.${L} and heads 0\\.\\.${H - 1}`),
        );
        assert.match(e.message, /LAYER\.HEAD/);
        return true;
      },
    );
    await assert.rejects(
      engine.ablate(model, { task: 'mask', text: EN }, { off: [{ layer: 1, head: H }] }),
      new RegExp(`heads 0\\.\\.${H - 1}`),
    );
    await assert.rejects(engine.ablate(model, { task: 'qa', question: 'Who?', document: DOC }), /no question-answering head/);
    await assert.rejects(
      model.run([{ ids: [2, 3] }], { headMask: [new Float32Array(3)] }),
      new RegExp(`${L * H} finite factors \\(${L} layers × ${H} heads\\)`),
    );
  });
});

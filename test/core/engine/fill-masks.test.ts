// Several [MASK]s filled jointly: one run per mask, most confident first, each later mask conditioned on the words
// already filled. Checked against single-mask predictions on the same (partly filled) texts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import type { LoadedModel } from '../../../src/core/api';
import { counting, FIX } from './helpers';

const TEXT = 'The [MASK] sat on the [MASK] because it was [MASK].';

describe('fillMasks', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
  });
  after(() => engine.dispose());

  it('fills every mask once, in text order, steps a permutation, text and joint score consistent', async () => {
    const counted = counting(model);
    const r = await engine.fillMasks(counted, TEXT, { top: 4 });
    assert.equal(counted.rows, 3, 'one model run per mask');
    assert.deepEqual(
      r.masks.map((m) => m.start),
      [...TEXT.matchAll(/\[MASK\]/g)].map((m) => m.index),
    );
    assert.deepEqual(r.masks.map((m) => m.step).sort(), [1, 2, 3]);
    let want = TEXT;
    for (const m of [...r.masks].reverse()) want = want.slice(0, m.start) + m.word + want.slice(m.end);
    assert.equal(r.text, want);
    const joint = r.masks.reduce((p, m) => p * m.predictions[0].score, 1);
    assert.ok(Math.abs(r.score - joint) < 1e-12);
    for (const m of r.masks) {
      assert.equal(m.word, m.predictions[0].word);
      assert.ok(m.predictions.every((p, i) => i === 0 || p.score <= m.predictions[i - 1].score));
      assert.ok(!m.word.startsWith('##') && !/^\[.*\]$/.test(m.word));
    }
    assert.match(r.method, /iterative/);
  });

  it('the last mask is predicted with the other words filled in (not from the all-masked input)', async () => {
    const r = await engine.fillMasks(model, TEXT, { top: 3 });
    const last = r.masks.find((m) => m.step === r.masks.length)!;
    // Fill all other masks with their chosen words and predict the last one alone: same candidates, same scores.
    let text = TEXT;
    for (const m of [...r.masks].reverse()) if (m !== last) text = text.slice(0, m.start) + m.word + text.slice(m.end);
    const single = await engine.mask(model, text, { top: 3 });
    assert.deepEqual(
      single.predictions.map((p) => p.word),
      last.predictions.map((p) => p.word),
    );
    single.predictions.forEach((p, i) => assert.ok(Math.abs(p.score - last.predictions[i].score) < 1e-6));
  });

  it('no mask, too many masks, or masks too far apart for one window: clear errors', async () => {
    await assert.rejects(engine.fillMasks(model, 'no masks here'), /No \[MASK\] in the text/);
    await assert.rejects(
      engine.fillMasks(model, 'The [mask] sat on the [mask].'),
      /^BertLensError: No \[MASK\] in the text \("\[mask\]" is not the mask token\)/,
    );
    // ［MASK］ and 【MASK】, as a Chinese input method types [MASK], are read as [MASK].
    assert.deepEqual(
      await engine.fillMasks(model, 'The ［MASK］ sat on the 【MASK】.'),
      await engine.fillMasks(model, 'The [MASK] sat on the [MASK].'),
    );
    await assert.rejects(engine.fillMasks(model, Array(40).fill('[MASK]').join(' ')), /at most 32 are filled/);
    const far = `[MASK] ${'word '.repeat(model.info.maxPositions)} [MASK]`;
    await assert.rejects(engine.fillMasks(model, far), /no window of .* sees them together/);
    // A single mask is fine too: the same answer as mask().
    const one = await engine.fillMasks(model, 'The [MASK] sat.', { top: 3 });
    const m = await engine.mask(model, 'The [MASK] sat.', { top: 20 });
    assert.equal(one.masks[0].word, m.predictions.find((p) => !p.word.startsWith('['))?.word);
  });
});

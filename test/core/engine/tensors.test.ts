// The tensor export's numbers on the tiny fixture: the cut-out attention equals the window's word attention, the
// hidden states are the word vectors of every layer, the census is the window's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import { tensorBundle, tensorLayers } from '../../../src/core/tensors';
import { wordAttentionTensor } from '../../../src/core/attention';
import { headCensus } from '../../../src/core/heads';
import { wordVectors } from '../../../src/core/vectors';
import { FIX } from './helpers';

const TEXT = 'The bank of the river was muddy. The bank raised its rates.';

describe('tensor export', () => {
  let engine: BertLensEngine;
  before(() => {
    engine = createEngine();
  });
  after(() => engine.dispose());

  it('the words of a range, with attention, hidden states and census of their window', async () => {
    const m = await engine.load(FIX.bert);
    const all = ['attention', 'hidden', 'census'] as const;
    const enc = await engine.encode(m, TEXT, tensorLayers(all));
    const start = TEXT.indexOf('river'),
      end = TEXT.indexOf('muddy') + 5;
    const b = tensorBundle(enc, { start, end }, all);
    assert.deepEqual(
      b.words.slice().map((w) => w.text),
      ['river', 'was', 'muddy'],
    );
    const { layers: L, heads: H, hidden: D } = m.info;
    const n = 3;
    assert.equal(b.attention!.length, L * H * n * n);
    const t = wordAttentionTensor(enc, enc.windows[0]);
    const W = t.words.length;
    const idx = b.words.slice().map((w) => enc.tok.words.slice().findIndex((x) => x.start === w.start));
    for (const [l, h, f, g] of [
      [0, 0, 0, 2],
      [L - 1, H - 1, 2, 1],
    ]) {
      assert.equal(b.attention![((l * H + h) * n + f) * n + g], t.weights[((l * H + h) * W + idx[f]) * W + idx[g]]);
    }
    assert.equal(b.hiddenStates!.length, (L + 1) * n * D);
    const last = wordVectors(enc, L)[idx[1]];
    assert.deepEqual([...b.hiddenStates!.subarray((L * n + 1) * D, (L * n + 2) * D)], [...last]);
    assert.deepEqual(b.census, headCensus(enc, idx[0]).rows);
    // An empty range: every word of the window; only what was asked is computed.
    const whole = tensorBundle(enc, { start: 0, end: 0 }, ['census']);
    assert.equal(whole.words.length, enc.tok.words.length);
    assert.equal(whole.attention, undefined);
    assert.equal(whole.hiddenStates, undefined);
  });

  it('a range without words is an input error', async () => {
    const m = await engine.load(FIX.bert);
    const text = 'Words.      ';
    const enc = await engine.encode(m, text, tensorLayers(['hidden']));
    assert.throws(() => tensorBundle(enc, { start: 7, end: 10 }, ['hidden']), /no words|no word/);
  });
});

// One attention maths for every surface: the panel's word-level tensor (wordAttentionTensor, what the worker sends)
// gives, row for row, the numbers the overlay and the CLI get from attention() — per layer and head, head mean, and
// rollout (which used to differ: 0.116 vs 0.106 for "it").
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import type { Encoding, LoadedModel } from '../../../src/core/api';
import { attentionMatrix, attentionView, wordAttentionTensor } from '../../../src/core/attention';
import { FIX } from './helpers';

const TEXT = "The animal didn't cross the street because it was too tired. It slept.";

describe('panel tensor = overlay/CLI attention', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  let enc: Encoding;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
    enc = await engine.encode(model, TEXT, { attentionLayers: 'all' });
  });
  after(() => engine.dispose());

  it('every word, every layer and head, the head mean and the rollout agree within 1e-6', () => {
    const win = enc.windows[0];
    const { layers, heads } = model.info;
    const t = wordAttentionTensor(enc, win);
    const W = t.words.length;
    assert.equal(W, enc.tok.words.length);
    const close = (got: ArrayLike<number>, want: number[], what: string) => {
      assert.equal(got.length, want.length, what);
      for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k] - want[k]) < 1e-6, `${what}[${k}]: ${got[k]} vs ${want[k]}`);
    };
    for (let f = 0; f < W; f++) {
      const row = (a: Float32Array, base: number) => a.subarray(base + f * W, base + (f + 1) * W);
      close(
        row(t.rollout, 0),
        engine.attention(enc, f, { layer: 'rollout' }).to.map((x) => x.weight),
        `rollout of word ${f}`,
      );
      for (let l = 1; l <= layers; l++) {
        const mean = new Float64Array(W);
        for (let h = 0; h < heads; h++) {
          const r = row(t.weights, ((l - 1) * heads + h) * W * W);
          close(
            r,
            engine.attention(enc, f, { layer: l, head: h }).to.map((x) => x.weight),
            `layer ${l} head ${h} word ${f}`,
          );
          r.forEach((v, k) => (mean[k] += v / heads));
        }
        // The head mean of word-level rows is not the word-level row of the head mean (renormalisation per head),
        // so the mean is checked for what it is: a distribution.
        assert.ok(Math.abs(mean.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      }
    }
    const it_ = enc.tok.words.slice().findIndex((w) => w.text === 'it');
    const rowSum = t.rollout.subarray(it_ * W, (it_ + 1) * W).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(rowSum - 1) < 1e-5, 'rollout rows are distributions over the words');
  });

  it("the worker's two views (overlay and panel) are these numbers, with the window's text span", () => {
    const it_ = enc.tok.words.slice().findIndex((w) => w.text === 'it');
    const m = attentionMatrix(enc, it_);
    const W = m.words.length;
    assert.equal(m.focus, it_);
    assert.deepEqual(m.window, { start: 0, end: TEXT.length });
    assert.equal(m.census.length, model.info.layers * model.info.heads);
    const v = attentionView(enc, it_, { layer: 2, head: 1 });
    assert.deepEqual(v.window, m.window);
    assert.equal(v.from.text, 'it');
    const base = ((2 - 1) * m.heads + 1) * W * W + it_ * W;
    v.to.forEach((t, k) => assert.ok(Math.abs(m.weights[base + k] - t.weight) < 1e-6, `word ${k}`));
    assert.throws(() => attentionView(enc, it_, { layer: 99 }), /Layer 99 does not exist/);
  });
});

// Attention views: rows over words sum to 1, subword→word aggregation, rollout math, and the explainer's softmax
// equal to the tapped attention (fp32 and int8 graphs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import { rollout, headMatrix, wordRow } from '../../../src/core/attention';
import { tokenAttention } from '../../../src/core/explain';
import type { Encoding, LoadedModel } from '../../../src/core/api';
import { FIX, longText, sum } from './helpers';

const TEXT = 'The runner was running quickly; the unbelievable runners sat. Café 中国!';

describe('rollout math', () => {
  it('matches a hand computation on 2 layers × 2 heads × 3 tokens', () => {
    // Layer matrices per head, row-stochastic.
    const l1 = Float32Array.from([1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5, /* head 2 */ 0, 1, 0, 0, 1, 0, 0, 0, 1]);
    const l2 = Float32Array.from([0.5, 0.5, 0, 0, 0, 1, 1, 0, 0, /* head 2 */ 0.5, 0.5, 0, 0, 0, 1, 1, 0, 0]);
    const r = rollout([l1, l2], 2, 3);
    const norm = (a: Float32Array) => {
      const m = headMatrix(a, 2, 3, 'mean');
      const out: number[][] = [];
      for (let i = 0; i < 3; i++) {
        const row = [0, 1, 2].map((j) => 0.5 * m[i * 3 + j] + (i === j ? 0.5 : 0));
        const s = sum(row);
        out.push(row.map((x) => x / s));
      }
      return out;
    };
    const A1 = norm(l1);
    const A2 = norm(l2);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const want = sum([0, 1, 2].map((k) => A2[i][k] * A1[k][j]));
        assert.ok(Math.abs(r[i * 3 + j] - want) < 1e-12);
      }
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(sum([0, 1, 2].map((j) => r[i * 3 + j])) - 1) < 1e-12);
  });
});

for (const dtype of ['fp32', 'int8'] as const) {
  describe(`attention on tiny-bert ${dtype}`, () => {
    let engine: BertLensEngine;
    let model: LoadedModel;
    let enc: Encoding;
    before(async () => {
      engine = createEngine({ dtype });
      model = await engine.load(FIX.bert);
      enc = await engine.encode(model, TEXT, { attentionLayers: 'all', qkvLayers: [1, 2] });
    });
    after(() => engine.dispose());

    it('every word row sums to 1 ± 1e-4 for each layer, head, mean and rollout', () => {
      const L = model.info.layers;
      for (let w = 0; w < enc.tok.words.length; w++) {
        for (const layer of [...Array.from({ length: L }, (_, i) => i + 1), 'rollout' as const]) {
          for (const head of ['mean' as const, 0, model.info.heads - 1]) {
            if (layer === 'rollout' && head !== 'mean') continue;
            const r = engine.attention(enc, w, { layer, head });
            assert.equal(r.to.length, enc.tok.words.length);
            assert.ok(Math.abs(sum(r.to.map((t) => t.weight)) - 1) < 1e-4);
            assert.ok(r.to.every((t) => t.weight >= 0));
            assert.equal(r.from.text, enc.tok.words.get(w).text);
          }
        }
      }
    });

    it('aggregates pieces: sum over target pieces, mean over source pieces, [CLS]/[SEP] renormalized away', () => {
      const win = enc.windows[0];
      const seq = win.seqLen;
      const w = enc.tok.words.slice().findIndex((x) => x.tokenEnd - x.tokenStart > 1); // a multi-piece word
      assert.ok(w >= 0, 'the text has a multi-piece word');
      const a = win.out.attention[1];
      const m = headMatrix(a, model.info.heads, seq, 2);
      const src: number[] = [];
      for (let t = enc.tok.words.get(w).tokenStart; t < enc.tok.words.get(w).tokenEnd; t++) src.push(t + 1);
      const want = enc.tok.words.slice().map((x) => {
        let s = 0;
        for (const i of src) for (let t = x.tokenStart; t < x.tokenEnd; t++) s += m[i * seq + t + 1] / src.length;
        return s;
      });
      const z = sum(want);
      const got = wordRow(m, seq, enc, win, w);
      got.forEach((g, k) => assert.ok(Math.abs(g - want[k] / z) < 1e-9));
      assert.ok(z < 1, 'some mass sat on [CLS]/[SEP] before renormalizing');
    });

    it('explain: softmax(q·kᵀ/√d) equals the tapped attention row within 1e-4', () => {
      const win = enc.windows[0];
      const seq = win.seqLen;
      for (const layer of [1, 2]) {
        for (let head = 0; head < model.info.heads; head++) {
          const rows = Array.from({ length: seq }, (_, i) => i);
          const { weights } = tokenAttention(win, layer, head, rows);
          const tapped = win.out.attention[layer];
          for (const i of rows)
            for (let j = 0; j < seq; j++)
              assert.ok(Math.abs(weights[i][j] - tapped[(head * seq + i) * seq + j]) < 1e-4, `layer ${layer} head ${head} [${i},${j}]`);
        }
      }
    });

    it('explain: word-level weights equal the attention view and sum to 1', async () => {
      const w = enc.tok.words.slice().findIndex((x) => x.text === 'unbelievable');
      const ex = await engine.explain(model, TEXT, w, { layer: 2, head: 1 });
      const view = engine.attention(enc, w, { layer: 2, head: 1 });
      assert.equal(ex.words.length, view.to.length);
      ex.weights.forEach((x, k) => assert.ok(Math.abs(x - view.to[k].weight) < 1e-5));
      assert.ok(Math.abs(sum(ex.weights) - 1) < 1e-6);
      assert.equal(ex.query.length, ex.headDim);
      assert.equal(ex.headDim, model.info.hidden / model.info.heads);
      ex.scaled.forEach((s, k) => assert.ok(Math.abs(s - ex.scores[k] / Math.sqrt(ex.headDim)) < 1e-9));
      assert.equal(ex.output.length, ex.headDim);
    });

    it('explain on a long text runs only the window around the word and matches the attention view', async () => {
      const text = longText(40);
      const full = await engine.encode(model, text, { attentionLayers: [2] });
      assert.ok(full.windows.length > 2);
      const w = full.tok.words.length - 3;
      const ex = await engine.explain(model, text, w, { layer: 2, head: 0 });
      const view = engine.attention(full, w, { layer: 2, head: 0 });
      assert.deepEqual(
        ex.words.slice().map((x) => x.start),
        view.to.map((x) => x.start),
      );
      ex.weights.forEach((x, k) => assert.ok(Math.abs(x - view.to[k].weight) < 1e-5));
    });

    it('rejects layers and heads that do not exist, with the valid range', () => {
      assert.throws(() => engine.attention(enc, 0, { layer: 9 }), /layers 1\.\.2/);
      assert.throws(() => engine.attention(enc, 0, { layer: 1, head: 7 }), /heads 0\.\.3/);
    });
  });
}

describe('attention on tiny-distilbert', () => {
  it('taps DistilBERT attention too; rows sum to 1', async () => {
    const engine = createEngine({});
    try {
      const m = await engine.load(FIX.distil);
      const enc = await engine.encode(m, TEXT, { attentionLayers: 'all' });
      for (let w = 0; w < enc.tok.words.length; w++)
        assert.ok(Math.abs(sum(engine.attention(enc, w, { layer: 'rollout' }).to.map((t) => t.weight)) - 1) < 1e-4);
    } finally {
      await engine.dispose();
    }
  });
});

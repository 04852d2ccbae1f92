// Contextual word vectors (mean of pieces at a layer, last4), occurrences and similarity, neighbours.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import type { Encoding, LoadedModel } from '../../../src/core/api';
import { FIX } from './helpers';

const TEXT = 'The bank of the river was muddy. The Bank raised rates. The unbelievable bank!';

describe('word vectors and similarity', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  let enc: Encoding;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
    enc = await engine.encode(model, TEXT);
  });
  after(() => engine.dispose());

  it('a word vector is the mean of its pieces at the layer; last4 averages the last layers', () => {
    const H = model.info.hidden;
    const L = model.info.layers;
    const w = enc.tok.words.slice().findIndex((x) => x.text === 'unbelievable');
    const { tokenStart, tokenEnd } = enc.tok.words.get(w);
    assert.ok(tokenEnd - tokenStart > 1);
    const win = enc.windows[0];
    const mean = (layer: number) => {
      const v = new Float64Array(H);
      const h = win.out.hidden[layer];
      assert.ok(h instanceof Float32Array);
      for (let t = tokenStart; t < tokenEnd; t++) for (let i = 0; i < H; i++) v[i] += h[(t + 1) * H + i] / (tokenEnd - tokenStart);
      return v;
    };
    const last = engine.wordVectors(enc)[w];
    const want = mean(L);
    for (let i = 0; i < H; i++) assert.ok(Math.abs(last[i] - want[i]) < 1e-5);
    const l1 = engine.wordVectors(enc, 1)[w];
    const w1 = mean(1);
    for (let i = 0; i < H; i++) assert.ok(Math.abs(l1[i] - w1[i]) < 1e-5);
    const emb = engine.wordVectors(enc, 0)[w];
    const w0 = mean(0);
    for (let i = 0; i < H; i++) assert.ok(Math.abs(emb[i] - w0[i]) < 1e-5);
    // The fixture has 2 layers: last4 = mean of layers 1..2.
    const l4 = engine.wordVectors(enc, 'last4')[w];
    for (let i = 0; i < H; i++) assert.ok(Math.abs(l4[i] - (w1[i] + want[i]) / 2) < 1e-5);
    assert.throws(() => engine.wordVectors(enc, 7), /choose 0 \(embeddings\) to 2/);
  });

  it('similar: every case-insensitive occurrence, square symmetric matrices, static all 1', () => {
    const r = engine.similar(enc, 'BANK');
    assert.deepEqual(
      r.occurrences,
      [...TEXT.matchAll(/bank/gi)].map((m) => ({ start: m.index, end: m.index + 4 })),
    );
    const n = r.occurrences.length;
    assert.equal(n, 3);
    for (const mtx of [r.contextual, r.static]) {
      assert.equal(mtx.length, n);
      mtx.forEach((row) => assert.equal(row.length, n));
    }
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(r.contextual[i][i] - 1) < 1e-6);
      for (let j = 0; j < n; j++) {
        assert.ok(Math.abs(r.contextual[i][j] - r.contextual[j][i]) < 1e-9);
        assert.equal(r.static[i][j], 1);
      }
    }
    // Context changes the vector: occurrences are not identical.
    assert.ok(r.contextual[0][1] < 1 - 1e-6);
    assert.throws(() => engine.similar(enc, 'zebra'), /does not occur/);
  });

  it('vectors(word): contextual neighbours per occurrence (other words, sorted) and static neighbours', async () => {
    const stat = await engine.inputEmbeddings(model);
    const r = engine.vectors(enc, 'bank', { top: 4, staticVectors: stat });
    assert.equal(r.contextual.length, 3);
    for (const c of r.contextual) {
      assert.equal(c.neighbours.length, 4);
      for (const nb of c.neighbours) {
        assert.notEqual(nb.word.toLowerCase(), 'bank');
        assert.equal(TEXT.slice(nb.start, nb.end), nb.word);
      }
      for (let k = 1; k < c.neighbours.length; k++) assert.ok(c.neighbours[k - 1].score >= c.neighbours[k].score);
      const types = c.neighbours.map((n) => n.word.toLowerCase());
      assert.equal(new Set(types).size, types.length, 'one neighbour per word type');
    }
    assert.ok(r.static);
    assert.equal(r.static.inVocabulary, true);
    assert.equal(r.static.neighbours.length, 4);
    assert.ok(r.static.neighbours.every((n) => n.word !== 'bank'));
  });
});

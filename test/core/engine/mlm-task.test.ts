// BERT's masked-LM pretraining task on a text: the seeded draw (15%, 80/10/10), what the model read, and its
// guesses checked against a direct run of the same row.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import { softmax } from '../../../src/core/softmax';
import type { LoadedModel } from '../../../src/core/api';
import { FIX, longText } from './helpers';

describe('masked-LM task', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
  });
  after(() => engine.dispose());
  const text = 'The old man walked to the river bank and sat down, because he was tired after the long day in the sun.';

  it('draws 15% of the pieces (none special), the same ones for the same seed, each marked where it is in the text', async () => {
    const tk = await engine.tokenizer(model);
    const pieces = tk.tokenize(text).tokens.length;
    const a = await engine.mlmTask(model, text, { seed: 7 });
    assert.equal(a.pieces, pieces);
    assert.equal(a.items.length, Math.round(pieces * 0.15));
    assert.deepEqual(a, await engine.mlmTask(model, text, { seed: 7 }), 'reproducible');
    const other = await engine.mlmTask(model, text, { seed: 8 });
    assert.notDeepEqual(
      other.items.map((x) => x.start),
      a.items.map((x) => x.start),
      'another seed, another draw',
    );
    for (const x of a.items) {
      const piece = x.original.replace(/^##/, '');
      assert.equal(text.slice(x.start, x.end).toLowerCase(), piece, 'the piece at its place (uncased model)');
      assert.ok(!/^\[.*\]$/.test(x.original));
      assert.equal(x.as, x.shown === 'mask' ? '[MASK]' : x.shown === 'same' ? x.original : x.as);
    }
    for (let k = 1; k < a.items.length; k++) assert.ok(a.items[k - 1].start < a.items[k].start, 'in text order');
    assert.equal(a.correct, a.items.filter((x) => x.correct).length);
    assert.deepEqual(a.read, { start: 0, end: text.length });
  });

  it('the guesses are the softmax of one direct run of the row the model read, and right means the top one is the original', async () => {
    const tk = await engine.tokenizer(model);
    const r = await engine.mlmTask(model, text, { seed: 3, rate: 0.4, top: 4 });
    const tok = tk.tokenize(text);
    const ids = tok.tokens.idList();
    const at = r.items.map((x) => Array.from(tok.tokens.starts).indexOf(x.start));
    at.forEach((i, k) => (ids[i] = tk.tokenToId(r.items[k].as)!));
    const [o] = await model.run([{ ids: [tk.special.cls, ...ids, tk.special.sep] }], { mlmPositions: [at.map((i) => i + 1)] });
    const V = model.info.vocabSize;
    r.items.forEach((x, k) => {
      const p = softmax(o.mlmLogits!, k * V, V);
      assert.equal(x.predictions.length, 4);
      for (const g of x.predictions) assert.ok(Math.abs(p[tk.tokenToId(g.word)!] - g.score) < 1e-6, g.word);
      assert.equal(x.correct, x.predictions[0].word === x.original);
    });
  });

  it('80 / 10 / 10: over many draws, [MASK], a random piece and the piece kept come in BERT’s shares', async () => {
    const long = longText(4);
    const n = { mask: 0, random: 0, same: 0 };
    for (let seed = 1; seed <= 12; seed++) for (const x of (await engine.mlmTask(model, long, { seed, rate: 1 })).items) n[x.shown]++;
    const total = n.mask + n.random + n.same;
    assert.ok(total > 800, `${total} draws`);
    assert.ok(
      Math.abs(n.mask / total - 0.8) < 0.04 && Math.abs(n.random / total - 0.1) < 0.03 && Math.abs(n.same / total - 0.1) < 0.03,
      JSON.stringify(n),
    );
  });

  it('reads the first window of a long text and says so; refuses a bad rate, a text with nothing to mask and a model without the head', async () => {
    const long = longText(60);
    const r = await engine.mlmTask(model, long, { seed: 1 });
    assert.ok(r.read.end < long.length && r.pieces <= model.info.maxPositions - 2);
    assert.ok(r.items.every((x) => x.end <= r.read.end));
    await assert.rejects(engine.mlmTask(model, text, { rate: 0 }), /masking rate must be above 0 and at most 1 \(got 0\); BERT uses 0\.15/);
    await assert.rejects(engine.mlmTask(model, '   ', {}), /No words to mask here/);
    const qa = await engine.load(FIX.qa);
    await assert.rejects(engine.mlmTask(qa, text), /has no masked-LM head/);
  });
});

// Two models on one text (core/compare-models.ts): word alignment by character offsets, tokenization differences,
// attention per layer and rollout with the Jensen–Shannon divergence by relative depth, predictions on both sides.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import { compareModels, layerAtDepth } from '../../../src/core/compare-models';
import { alignWords, jsDivergence } from '../../../src/core/word-align';
import { TokensBuilder } from '../../../src/core/text/tokens';
import type { Tokenized } from '../../../src/core/api';
import { FIX } from './helpers';

/** A Tokenized with one piece per word, words given as [start, end). */
const tok = (text: string, spans: Array<[number, number]>): Tokenized => {
  const b = new TokensBuilder(spans.map(([s, e]) => text.slice(s, e)));
  spans.forEach(([s, e], i) => {
    b.token(i, text.slice(s, e), s, e);
    b.word(s, e);
  });
  return { text, ...b.build(text) };
};
const sum = (p: number[]) => p.reduce((x, y) => x + y, 0);

describe('word alignment and divergence (pure)', () => {
  it('groups words where the two splits differ, keeps a word only one side reads', () => {
    const text = "can't stop é";
    const a = tok(text, [
      [0, 5],
      [6, 10],
      [11, 12],
    ]); // "can't" one word
    const b = tok(text, [
      [0, 3],
      [3, 4],
      [4, 5],
      [6, 10],
    ]); // "can", "'", "t"; "é" skipped
    const u = alignWords(text, a, b);
    assert.deepEqual(
      u.map((x) => [x.text, x.a, x.b]),
      [
        ["can't", [0], [0, 1, 2]],
        ['stop', [1], [3]],
        ['é', [2], []],
      ],
    );
    assert.deepEqual(
      alignWords(text, a, b, 6, 10).map((x) => x.text),
      ['stop'],
      'only words inside the range',
    );
  });

  it('Jensen–Shannon in bits: 0 for equal, 1 for disjoint, symmetric', () => {
    assert.equal(jsDivergence([0.5, 0.5], [0.5, 0.5]), 0);
    assert.equal(jsDivergence([1, 0], [0, 1]), 1);
    const p = [0.7, 0.2, 0.1],
      q = [0.1, 0.3, 0.6];
    assert.ok(Math.abs(jsDivergence(p, q) - jsDivergence(q, p)) < 1e-12);
    assert.ok(jsDivergence(p, q) > 0 && jsDivergence(p, q) < 1);
  });

  it("relative depth: each model's layers in order, the deeper one all of its own", () => {
    const map = (la: number, lb: number) =>
      Array.from({ length: Math.max(la, lb) }, (_, i) => [
        layerAtDepth(i + 1, Math.max(la, lb), la),
        layerAtDepth(i + 1, Math.max(la, lb), lb),
      ]);
    assert.deepEqual(map(2, 4), [
      [1, 1],
      [1, 2],
      [2, 3],
      [2, 4],
    ]);
    assert.deepEqual(
      map(12, 4).map(([, b]) => b),
      [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4],
    );
    assert.deepEqual(map(3, 3), [
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });
});

describe('compareModels on real models', () => {
  let engine: BertLensEngine;
  before(() => {
    engine = createEngine({ dtype: 'fp32' });
  });
  after(() => engine.dispose());

  it('bert-lens-mini vs bert-lens-zh: different vocabularies, same words; [UNK]s and splits reported; distributions sum to 1', async () => {
    const [a, b] = [await engine.load('bert-lens-mini'), await engine.load('bert-lens-zh')];
    const text = 'The naïve cat sat on the mat because it was tired. 猫坐在垫子上。';
    const at = text.indexOf('it was');
    const r = await compareModels(engine, a, b, text, at, { top: 4 });
    assert.deepEqual(r.focus, { text: 'it', start: at, end: at + 2, index: r.focus.index });
    assert.equal(r.masked, 'word');
    assert.deepEqual(
      r.words
        .slice()
        .map((w) => w.text)
        .join(' '),
      'The naïve cat sat on the mat because it was tired . 猫 坐 在 垫 子 上 。',
    );
    const cat = r.words.slice().find((w) => w.text === '猫')!;
    assert.deepEqual(cat.unknown, { a: 1, b: 0 }, 'the English vocabulary has no 猫');
    assert.equal(r.a.unknown, 7);
    assert.equal(r.b.unknown, 0);
    assert.ok(
      r.words.slice().some((w) => !w.same && w.unknown.a === 0 && w.b.length > w.a.length),
      'English words split into more pieces by the Chinese vocabulary',
    );
    const [la, lb] = [a.info.layers, b.info.layers];
    for (const [s, L] of [
      [r.a, la],
      [r.b, lb],
    ] as const) {
      assert.equal(s.attention!.layers.length, L, 'one row per layer of each model');
      for (const row of [...s.attention!.layers, s.attention!.rollout]) {
        assert.equal(row.length, r.words.length);
        assert.ok(Math.abs(sum(row) - 1) < 1e-9);
      }
      assert.equal(s.predictions!.length, 4);
    }
    // One step of relative depth per layer of the deeper model; each model's layer at a step as layerAtDepth says
    // (unit-tested above on unequal depths; both embedded models have 6 layers since 2026-12-04).
    const steps = Math.max(la, lb);
    assert.deepEqual(
      r.depth.map((d) => [d.a, d.b]),
      Array.from({ length: steps }, (_, i) => [layerAtDepth(i + 1, steps, la), layerAtDepth(i + 1, steps, lb)]),
    );
    assert.ok(r.depth.every((d) => d.divergence! > 0 && d.divergence! < 1) && r.rollout! > 0);
    assert.deepEqual(r.top1, {
      a: r.a.predictions![0].word,
      b: r.b.predictions![0].word,
      agree: r.a.predictions![0].word === r.b.predictions![0].word,
    });
    // The masked word is the pronoun: the English model's first four are pronouns, "it" among them (it said "it"
    // first until 2026-12-06; now he 0.27, she 0.19, it 0.19, they 0.09).
    assert.ok(
      r.a.predictions!.some((p) => p.word === 'it'),
      `the English model restores "it" among its four (${r.a.predictions!.map((p) => p.word)})`,
    );
  });

  it('matches the single-model views: the attention row is attention() summed to words, the predictions are mask()', async () => {
    const [a, b] = [await engine.load(FIX.bert), await engine.load(FIX.distil)];
    const text = 'the cat sat on the mat because it was tired .';
    const at = text.indexOf('cat');
    const r = await compareModels(engine, a, b, text, at, { top: 3 });
    const enc = await engine.encode(a, text, { hiddenLayers: [], attentionLayers: 'all' });
    const one = engine.attention(enc, 1, { layer: 2, head: 'mean' });
    one.to.forEach((t, i) => assert.ok(Math.abs(t.weight - r.a.attention!.layers[1][i]) < 1e-9));
    assert.deepEqual(r.b.predictions, (await engine.mask(b, text, { at, top: 3 })).predictions);
    assert.ok(
      r.words.slice().every((w) => w.same),
      'the fixtures share a vocabulary',
    );
  });

  it('a literal [MASK] at the offset; a model without a masked-LM head says so and the other still predicts', async () => {
    const [a, qa] = [await engine.load(FIX.bert), await engine.load(FIX.qa)];
    const text = 'the cat sat on the [MASK] . the [MASK] was red .';
    const r = await compareModels(engine, a, qa, text, text.indexOf('[MASK]') + 2);
    assert.equal(r.masked, 'literal');
    assert.equal(r.focus.text, 'MASK');
    assert.deepEqual(r.a.predictions, (await engine.mask(a, 'the cat sat on the [MASK] . the        was red .')).predictions);
    assert.equal(r.b.predictions, null);
    assert.match(r.b.predictionsError!, /has no masked-LM head/);
    assert.equal(r.top1, null);
    assert.ok(
      r.depth.every((d) => d.divergence !== null),
      'attention still compared',
    );
  });

  it('refuses the same model twice and an offset between words', async () => {
    const a = await engine.load(FIX.bert);
    await assert.rejects(compareModels(engine, a, a, 'the cat', 1), /comparing a model with itself/);
    await assert.rejects(compareModels(engine, a, await engine.load(FIX.distil), 'the    cat', 5), /reads no word at offset 5/);
  });
});

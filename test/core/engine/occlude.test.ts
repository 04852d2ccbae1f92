// Occlusion attribution of a masked-word prediction on the embedded models: the base is mask()'s probability, the
// known context word matters most, each score is the probability with that word masked too, batched == one by one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import { softmax } from '../../../src/core/mlm';
import { maskedSoftmax, planQa } from '../../../src/core/qa';
import { counting } from './helpers';

// The model fills the blank from its context: here it repeats "sun" (a retrained model may choose another word; the
// test checks that the word it copies from is the one that matters most).
const EN = 'The sun rises in the east and sets in the [MASK].';
const ZH = '我今天很[MASK]兴。';

describe('occlusion (masked word)', () => {
  let engine: BertLensEngine;
  before(() => {
    engine = createEngine();
  });
  after(() => engine.dispose());

  // The model's pick is its business (bert-lens-mini said "sun" until 2026-12-01, "east" 0.102 vs "sun" 0.101 since):
  // a pick the text already holds is a copy, and masking that word must take most of it away; otherwise `other`.
  for (const [id, text, targets, other] of [
    ['bert-lens-mini', EN, ['sun', 'east', 'west'], 'east'],
    ['bert-lens-zh', ZH, ['高'], '兴'],
  ] as const) {
    for (const dtype of ['int8', 'fp32'] as const) {
      it(`${id} ${dtype}: target one of ${targets.join('/')}, base = mask()'s probability, the word it copies (or "${other}") matters most`, async () => {
        const model = await engine.load(id, { dtype });
        const r = await engine.occlude(model, text);
        const plain = await engine.mask(model, text, { top: 1 });
        assert.equal(r.task, 'mask');
        assert.ok((targets as readonly string[]).includes(r.target), r.target);
        const key = r.words.slice().some((w) => w.word === r.target) ? r.target : other;
        assert.equal(r.target, plain.predictions[0].word);
        assert.equal(r.base, plain.predictions[0].score);
        assert.deepEqual([r.start, r.end], [plain.start, plain.end]);
        // Every other word of the text, in order, the masked one left out.
        const words = (await engine.tokenize(model, text.replace('[MASK]', '').replace('  ', ' '))).words.slice().map((w) => w.text);
        assert.deepEqual(
          r.words.slice().map((w) => w.word),
          words,
        );
        assert.ok(r.words.slice().every((w) => w.start >= r.end || w.end <= r.start));
        for (const w of r.words) assert.equal(w.delta, r.base - w.score);
        const top = [...r.words].sort((a, b) => b.delta - a.delta)[0];
        assert.equal(top.word, key);
        assert.ok(top.delta > 0.3 * r.base, `the drop for "${key}" (${top.delta}) is a large share of the base ${r.base}`);
      });
    }
  }

  it('each score is the probability with that word masked too (checked by a direct run)', async () => {
    const model = await engine.load('bert-lens-mini', { dtype: 'fp32' });
    const tk = await engine.tokenizer(model);
    const r = await engine.occlude(model, EN);
    const tok = tk.tokenize(EN, { specials: ['[MASK]'] });
    const ids = [tk.special.cls, ...tok.tokens.slice().map((t) => t.id), tk.special.sep];
    const pos = ids.indexOf(tk.special.mask);
    const east = tok.words.slice().findIndex((w) => w.text === 'east');
    ids[tok.words.get(east).tokenStart + 1] = tk.special.mask;
    const [o] = await model.run([{ ids }], { mlmPositions: [[pos]] });
    const p = softmax(o.mlmLogits!)[tk.tokenToId(r.target)!];
    assert.ok(Math.abs(r.words.slice().find((w) => w.word === 'east')!.score - p) < 1e-9);
  });

  it('fp32: one batched run, equal to one-by-one runs', async () => {
    const model = counting(await engine.load('bert-lens-mini', { dtype: 'fp32' }));
    const batched = await engine.occlude(model, EN, { target: 'east' });
    assert.equal(model.calls.length, 1, 'one run');
    assert.equal(model.rows, batched.words.length + 1, 'the base row and one row per word');
    const single = await engine.occlude(model, EN, { target: 'east', batchSize: 1 });
    assert.equal(model.calls.length, 1 + batched.words.length + 1);
    batched.words.slice().forEach((w, i) => assert.ok(Math.abs(w.score - single.words[i].score) < 1e-6, w.word));
  });

  it('a target of two pieces at a one-piece word: two [MASK]s, later words shifted (checked by direct runs)', async () => {
    const model = await engine.load('bert-lens-mini', { dtype: 'fp32' });
    const tk = await engine.tokenizer(model);
    const text = 'The cat sat on the mat today.';
    const r = await engine.occlude(model, text, { at: text.indexOf('mat'), target: 'astronomers' });
    const [a, b] = tk
      .tokenize('astronomers')
      .tokens.slice()
      .map((t) => t.id);
    const M = tk.special.mask;
    const ids = (w: string) =>
      tk
        .tokenize(w)
        .tokens.slice()
        .map((t) => t.id);
    const row = [tk.special.cls, ...ids('The cat sat on the'), M, M, ...ids('today.'), tk.special.sep];
    const score = async (r: number[]) => {
      const pos = [r.indexOf(M), r.indexOf(M) + 1];
      const [o] = await model.run([{ ids: r }], { mlmPositions: [pos] });
      const V = model.info.vocabSize;
      return softmax(o.mlmLogits!, 0, V)[a] * softmax(o.mlmLogits!, V, V)[b];
    };
    assert.ok(Math.abs(r.base - (await score(row))) < 1e-9);
    const today = [...row];
    today[today.length - 3] = M;
    assert.ok(Math.abs(r.words.slice().find((w) => w.word === 'today')!.score - (await score(today))) < 1e-9);
    assert.equal(r.words.length, 7);
  });

  it('a target outside the vocabulary or of several words: a clear error', async () => {
    const model = await engine.load('bert-lens-mini');
    await assert.rejects(engine.occlude(model, EN, { target: 'north pole' }), /not one word/);
  });
});

describe('occlusion (QA answer)', () => {
  let engine: BertLensEngine;
  before(() => {
    engine = createEngine();
  });
  after(() => engine.dispose());
  // The machinery, not the model's grade: a question the shipped model answers confidently (its 2026-12-05 fine-tune
  // answers "When was penicillin discovered?" with London, 0.23; this one with Alexander Fleming, 0.99).
  const Q = 'Who discovered penicillin?';
  const DOC = 'Penicillin was discovered by Alexander Fleming in 1928 in London.';

  for (const dtype of ['int8', 'fp32'] as const) {
    it(`bert-lens-mini-qa ${dtype}: answer()'s best span, base = its p_start·p_end, every document word once, masking the answer removes most of it`, async () => {
      const model = await engine.load('bert-lens-mini-qa', { dtype });
      const r = await engine.occludeQa(model, Q, DOC);
      const [best] = (await engine.answer(model, Q, DOC, { top: 1 })).answers;
      assert.equal(r.task, 'qa');
      assert.deepEqual([r.target, r.start, r.end], [best.text, best.start, best.end]);
      // The short document is one window: base is the span's P(start)·P(end) there, softmax over [CLS] + the document.
      const { tokenizer: tk } = await engine.tokenizerOf('bert-lens-mini-qa');
      const doc = tk.tokenize(DOC);
      const [win] = planQa(model.info, tk, Q, doc, { maxSeqLen: 128, stride: 128, maxQuestionLen: 64 });
      const [o] = await model.run([{ ids: win.ids, typeIds: win.typeIds }], { qa: true });
      const ctx = [0, ...Array.from({ length: doc.tokens.length }, (_, i) => win.contextStart + i)];
      const s = win.contextStart + doc.words.slice().find((w) => w.start === r.start)!.tokenStart;
      const e = win.contextStart + doc.words.slice().find((w) => w.end === r.end)!.tokenEnd - 1;
      const p = maskedSoftmax(o.startLogits!, ctx)[s] * maskedSoftmax(o.endLogits!, ctx)[e];
      assert.ok(Math.abs(r.base - p) < 1e-9, `${r.base} vs ${p}`);
      assert.deepEqual(
        r.words.slice().map((w) => w.word),
        (await engine.tokenize(model, DOC)).words.slice().map((w) => w.text),
      );
      for (const w of r.words) assert.equal(DOC.slice(w.start, w.end), w.word);
      // Masking the answer itself removes most of its probability (the test follows the shipped model, it does not
      // grade its answer; other words may move it as much — the 2026-12-05 model: "Fleming" −0.93 of 0.99, "Penicillin" −0.98).
      const own = r.words.slice().filter((w) => w.start >= r.start && w.end <= r.end);
      assert.ok(own.length > 0 && Math.max(...own.map((w) => w.delta)) >= 0.5 * r.base, `masking "${r.target}" barely changes it`);
    });
  }

  it('fp32: batched == one by one; a QA model is required', async () => {
    const model = counting(await engine.load('bert-lens-mini-qa', { dtype: 'fp32' }));
    const a = await engine.occludeQa(model, Q, DOC);
    const runs = model.calls.length;
    const b = await engine.occludeQa(model, Q, DOC, { batchSize: 1 });
    assert.ok(model.calls.length - runs > runs, 'one by one takes more runs');
    a.words.slice().forEach((w, i) => assert.ok(Math.abs(w.score - b.words[i].score) < 1e-6, w.word));
    const mlm = await engine.load('bert-lens-mini');
    await assert.rejects(engine.occludeQa(mlm, Q, DOC), /no question-answering head/);
  });

  it("a chosen answer (not the best): its own span probability, equal to the best answer's when it is the best", async () => {
    const model = await engine.load('bert-lens-mini-qa', { dtype: 'fp32' });
    const best = await engine.occludeQa(model, Q, DOC);
    const same = await engine.occludeQa(model, Q, DOC, { answer: { start: best.start, end: best.end } });
    assert.equal(same.base, best.base);
    assert.deepEqual(same.words, best.words);
    const at = DOC.indexOf('London');
    const other = await engine.occludeQa(model, Q, DOC, { answer: { start: at, end: at + 'London'.length } });
    assert.deepEqual([other.target, other.start], ['London', at]);
    assert.ok(other.base < best.base, `a worse span scores lower: ${other.base} vs ${best.base}`);
    const most = [...other.words].sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))[0];
    assert.ok(other.words.slice().every((w) => Number.isFinite(w.score)));
    assert.ok(most.word.length > 0);
    await assert.rejects(engine.occludeQa(model, Q, DOC, { answer: { start: 5, end: 900 } }), /not a span of the text/);
    await assert.rejects(engine.occludeQa(model, Q, DOC, { answer: { start: 1, end: 4 } }), /word boundaries/);
  });

  it('a question past 64 tokens: occlusion and head ablation read it cut and say so, as answer() does', async () => {
    const model = await engine.load('bert-lens-mini-qa');
    const long = `When was penicillin ${'first found and then '.repeat(20)}discovered?`;
    const asked = (await engine.tokenize(model, long)).tokens.length;
    assert.ok(asked > 64, `${asked} tokens`);
    const cut = { kept: 64, of: asked };
    assert.deepEqual((await engine.answer(model, long, DOC)).questionCut, cut);
    const o = await engine.occludeQa(model, long, DOC);
    assert.deepEqual(o.questionCut, cut);
    assert.ok(o.words.length > 0);
    const at = DOC.indexOf('1928');
    assert.deepEqual((await engine.occludeQa(model, long, DOC, { answer: { start: at, end: at + 4 } })).questionCut, cut, 'chosen span');
    assert.deepEqual((await engine.ablate(model, { task: 'qa', question: long, document: DOC })).questionCut, cut);
    assert.equal((await engine.occludeQa(model, Q, DOC)).questionCut, undefined);
    assert.equal((await engine.ablate(model, { task: 'qa', question: Q, document: DOC })).questionCut, undefined);
  });
});

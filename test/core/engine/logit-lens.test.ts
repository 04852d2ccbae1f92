// Logit lens: the model's own MLM head (cut out of its ONNX graph) on every layer's hidden state. Checked against a
// PyTorch golden of the fixtures (training/lens_golden.py) and, at the last layer, against plain mask() on the
// embedded models (fp32 and int8, English and Chinese).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import { FIX } from './helpers';

interface LensCase {
  text: string;
  input_ids: number[];
  position: number;
  probs: number[][];
}
const GOLDEN = JSON.parse(readFileSync(path.resolve('test/golden/logit-lens.json'), 'utf8')) as {
  models: Record<string, { cases: LensCase[] }>;
};

describe('logit lens vs the PyTorch golden (fixtures, fp32)', () => {
  let engine: BertLensEngine;
  before(() => {
    engine = createEngine({ dtype: 'fp32' });
  });
  after(() => engine.dispose());

  for (const [name, dir] of [
    ['tiny-bert', FIX.bert],
    ['tiny-distilbert', FIX.distil],
  ] as const) {
    for (const c of GOLDEN.models[name].cases) {
      it(`${name}: "${c.text}" — every layer's top 10 within 1e-4`, async () => {
        const model = await engine.load(dir);
        const tk = await engine.tokenizer(model);
        const ids = tk
          .tokenize(c.text, { specials: ['[MASK]'] })
          .tokens.slice()
          .map((t) => t.id);
        assert.deepEqual([tk.special.cls, ...ids, tk.special.sep], c.input_ids, 'same input as the golden');
        const r = await engine.logitLens(model, c.text, { top: 10 });
        assert.equal(r.layers.length, model.info.layers + 1);
        r.layers.forEach((l, i) => {
          assert.equal(l.layer, i);
          const p = c.probs[i];
          // The golden's own top 10 among whole words (no [..] specials, no ## continuations).
          const words = p
            .map((x, id) => ({ id, x }))
            .filter(({ id }) => !/^\[.*\]$|^##/.test(tk.idToToken(id)))
            .sort((a, b) => b.x - a.x);
          const tenth = words[9].x;
          for (const pred of l.predictions) {
            const id = tk.tokenToId(pred.word)!;
            assert.ok(Math.abs(pred.score - p[id]) < 1e-4, `layer ${i} ${pred.word}: ${pred.score} vs golden ${p[id]}`);
            assert.ok(p[id] >= tenth - 1e-4, `layer ${i}: ${pred.word} is not in the golden's top 10`);
          }
        });
        // The layers differ: the lens reads each layer, not the last one L+1 times.
        assert.notDeepEqual(r.layers[0].predictions, r.layers[model.info.layers].predictions);
      });
    }
  }
});

describe('logit lens: the last layer is the plain mask() answer', () => {
  let engine: BertLensEngine;
  before(() => {
    engine = createEngine();
  });
  after(() => engine.dispose());

  const cases: Array<[string, 'fp32' | 'int8', string]> = [
    ['bert-lens-mini', 'int8', 'The cat sat on the [MASK].'],
    ['bert-lens-mini', 'fp32', 'Paris is the capital of [MASK].'],
    ['bert-lens-zh', 'int8', '我今天很[MASK]兴。'],
    ['bert-lens-zh', 'fp32', '北京是中国的首[MASK]。'],
    [FIX.bert, 'int8', 'The cat sat on the [MASK] today.'],
  ];
  for (const [id, dtype, text] of cases) {
    it(`${path.basename(id)} ${dtype}: "${text}" — identical predictions`, async () => {
      const model = await engine.load(id, { dtype });
      const lens = await engine.logitLens(model, text, { top: 8 });
      const plain = await engine.mask(model, text, { top: 8 });
      assert.deepEqual([lens.start, lens.end], [plain.start, plain.end]);
      assert.equal(lens.layers.length, model.info.layers + 1);
      assert.deepEqual(lens.layers.at(-1)!.predictions, plain.predictions);
    });
  }

  it('a word of several pieces (--at): the last layer matches mask() within 1e-5 (fp32)', async () => {
    const model = await engine.load('bert-lens-mini', { dtype: 'fp32' });
    const tk = await engine.tokenizer(model);
    const text = 'The astronomers watched the telescope all night.';
    const word = tk
      .tokenize(text)
      .words.slice()
      .find((w) => w.tokenEnd - w.tokenStart > 1);
    assert.ok(word, 'the text has a word of several pieces');
    const lens = await engine.logitLens(model, text, { at: word.start, top: 5 });
    const plain = await engine.mask(model, text, { at: word.start, top: 5 });
    const last = lens.layers.at(-1)!.predictions;
    assert.deepEqual(
      last.map((p) => p.word),
      plain.predictions.map((p) => p.word),
    );
    last.forEach((p, i) => assert.ok(Math.abs(p.score - plain.predictions[i].score) < 1e-5));
  });

  it('Chinese: every layer predicts Chinese characters for a Chinese [MASK], the last one the plain answer', async () => {
    const model = await engine.load('bert-lens-zh');
    const r = await engine.logitLens(model, '我今天很[MASK]兴。', { top: 3 });
    assert.equal(r.layers.length, model.info.layers + 1);
    for (const l of r.layers.slice(1))
      assert.ok(
        l.predictions.some((p) => /\p{Script=Han}/u.test(p.word)),
        `layer ${l.layer}: ${JSON.stringify(l.predictions)}`,
      );
    assert.equal(r.layers.at(-1)!.predictions[0].word, '高');
  });

  it('a model without an MLM head: a clear error that names a model to use', async () => {
    const model = await engine.load(FIX.qa);
    await assert.rejects(
      engine.logitLens(model, 'The cat sat on the [MASK].'),
      (e: Error) => /no masked-LM head/.test(e.message) && /bert-lens-mini/.test(e.message),
    );
  });
});

// The document-level services the worker's handlers and the CLI share (core/inspect.ts, senses.ts,
// sentence-checks.ts), on the tiny-bert fixture: each equals the engine primitives it is built from.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import type { Encoding, LoadedModel } from '../../../src/core/api';
import { inspectWord, staticNeighbours, substitutes } from '../../../src/core/inspect';
import { senseVectors } from '../../../src/core/senses';
import { sentenceChecks } from '../../../src/core/sentence-checks';
import { adjacentPairs } from '../../../src/core/text/sentences';
import { cosine, neighboursOf, occurrences } from '../../../src/core/vectors';
import { FIX } from './helpers';

const TEXT = 'We sat on the bank of the river. She went to the bank to deposit money.\n\nThe bank was closed. It rained.';

describe('document services', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  let enc: Encoding;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
    enc = await engine.encode(model, TEXT);
  });
  after(() => engine.dispose());

  it('inspectWord: the word, its document neighbours and every other occurrence with its cosine', async () => {
    const banks = occurrences(enc, 'bank');
    assert.equal(banks.length, 3);
    const stat = await engine.inputEmbeddings(model);
    const r = inspectWord(enc, banks[1], { layer: 'last', top: 4, staticVectors: stat });
    assert.deepEqual(r.word, { text: 'bank', start: TEXT.indexOf('bank', 20), end: TEXT.indexOf('bank', 20) + 4 });
    assert.deepEqual(r.neighbours, neighboursOf(enc, banks[1], { layer: 'last', top: 4 }));
    assert.deepEqual(
      r.occurrences.map((o) => o.start),
      [banks[0], banks[2]].map((i) => enc.tok.words.get(i).start),
    );
    assert.equal(r.occurrencesTotal, 2);
    const vecs = engine.wordVectors(enc, 'last');
    assert.equal(r.occurrences[0].similarity, cosine(vecs[banks[1]], vecs[banks[0]]));
    assert.deepEqual(r.static, staticNeighbours(stat, 'bank', 4));
    assert.equal(r.static?.inVocabulary, true);
    assert.equal(inspectWord(enc, banks[1], { layer: 'last', top: 4 }).static, null, 'no static vectors: null');
  });

  it('inspectWord caps the occurrences to the nearest in the text and still counts them all', () => {
    const banks = occurrences(enc, 'bank');
    const r = inspectWord(enc, banks[2], { layer: 'last', top: 3, maxOccurrences: 1 });
    assert.deepEqual(
      r.occurrences.map((o) => o.start),
      [enc.tok.words.get(banks[1]).start],
    );
    assert.equal(r.occurrencesTotal, 2);
  });

  it('staticNeighbours: the word as written, else lower-cased; out of vocabulary says so', () => {
    // A word2vec vocabulary, mostly lower case.
    const vocab = new Map([
      ['bank', 'river'],
      ['river', 'bank'],
      ['Paris', 'London'],
    ]);
    const sv = {
      source: 'w2v',
      dims: 1,
      size: vocab.size,
      has: (w: string) => vocab.has(w),
      vector: () => undefined,
      neighboursOf: () => [],
      neighbours: (w: string) => [{ word: vocab.get(w)!, score: 0.5 }],
    };
    assert.deepEqual(staticNeighbours(sv, 'Bank', 3), { source: 'w2v', inVocabulary: true, neighbours: [{ word: 'river', score: 0.5 }] });
    assert.deepEqual(staticNeighbours(sv, 'Paris', 3)?.neighbours, [{ word: 'London', score: 0.5 }]);
    assert.deepEqual(staticNeighbours(sv, 'paris', 3), { source: 'w2v', inVocabulary: false, neighbours: [] });
    assert.equal(staticNeighbours(undefined, 'bank', 3), null);
  });

  it('substitutes: the masked LM at the word, words only, `top` of them', async () => {
    const at = TEXT.indexOf('bank');
    const r = await substitutes(engine, model, TEXT, { at, top: 5 });
    const raw = await engine.mask(model, TEXT, { at, top: 10 });
    assert.deepEqual(r.predictions, raw.predictions.filter((p) => /[\p{L}\p{N}]/u.test(p.word)).slice(0, 5));
    assert.ok(r.predictions.length <= 5 && r.predictions.every((p) => /[\p{L}\p{N}]/u.test(p.word)));
  });

  it('senseVectors: one row per occurrence (the word vector) with its context; null takes every word', async () => {
    const r = senseVectors(enc, TEXT, 'BANK', 'last');
    const banks = occurrences(enc, 'bank');
    assert.equal(r.items.length, 3);
    assert.equal(r.dims, model.info.hidden);
    const vecs = engine.wordVectors(enc, 'last');
    banks.forEach((i, k) => assert.deepEqual(r.vectors.subarray(k * r.dims, (k + 1) * r.dims), vecs[i]));
    assert.ok(r.items.every((x) => x.context.includes('bank') && !/\s\s/.test(x.context)));
    // `at` places each occurrence in its own snippet (the panel marks it there).
    for (const x of r.items) assert.equal(x.context.slice(x.at, x.at + x.end - x.start), TEXT.slice(x.start, x.end));
    assert.equal(r.pairCosine, undefined, 'three occurrences are grouped, not paired');
    // Two occurrences cannot be grouped by sense: the cosine of their vectors comes with them, as the hover measures it.
    const para = TEXT.slice(0, TEXT.indexOf('\n\n'));
    const encPara = await engine.encode(model, para);
    const two = senseVectors(encPara, para, 'bank', 'last');
    const paraVecs = engine.wordVectors(encPara, 'last');
    const [b0, b1] = occurrences(encPara, 'bank').map((i) => paraVecs[i]);
    assert.equal(two.items.length, 2);
    assert.equal(two.pairCosine, cosine(b0, b1));
    // A partial encode (only the windows around the first occurrence) has no vector for the second: no cosine.
    const far = `bank ${'and the river '.repeat(120)}bank`;
    const part = await engine.encode(model, far, { range: { start: 0, end: 4 } });
    const farPair = senseVectors(part, far, 'bank', 'last');
    assert.equal(farPair.items.length, 2);
    assert.equal(farPair.pairCosine, undefined);
    const all = senseVectors(enc, TEXT, null, 'last');
    assert.ok(all.items.length > 3 && all.items.every((x) => /\p{L}{2,}/u.test(x.text)) && all.pairCosine === undefined);
  });

  it('sentenceChecks: NSP of each adjacent pair (none across the blank line), with progress; refuses a model without the head', async () => {
    const seen: number[] = [];
    const r = await sentenceChecks(engine, TEXT, async () => model, { onProgress: (done) => seen.push(done) });
    assert.ok(
      r.every((p) => p.cut === undefined),
      'short pairs are read whole',
    );
    const pairs = adjacentPairs(TEXT);
    assert.equal(r.length, pairs.length);
    assert.equal(r.length, 2, 'two pairs: one per paragraph');
    for (const [k, [a, b]] of pairs.entries()) {
      assert.deepEqual([r[k].a, r[k].b], [a, b]);
      assert.equal(r[k].isNext, (await engine.nsp(model, a.text, b.text)).isNext);
    }
    assert.deepEqual(seen, [1, 2]);
    assert.equal((await sentenceChecks(engine, TEXT, async () => model, { max: 1 })).length, 1);
    const long = `${'The river ran past the old mill and on to the sea '.repeat(20)}. It was cold.`;
    const [cut] = await sentenceChecks(engine, long, async () => model);
    assert.equal(cut.cut, true, 'a pair longer than the model reads is marked');
    const qa = await engine.load(FIX.qa);
    await assert.rejects(
      sentenceChecks(engine, TEXT, async () => qa),
      /no next-sentence head/,
    );
  });
});

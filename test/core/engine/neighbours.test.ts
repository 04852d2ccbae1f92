// Hover-path neighbours and occurrence similarities come from one word matrix per encoding; they must equal, bit for
// bit, the brute-force answer (pool every word, pairwise cosine, stable sort, one entry per word type) on a document
// of several windows, for every occurrence and layer choice.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import type { Encoding, LayerChoice, LoadedModel, Neighbour } from '../../../src/core/api';
import { compareOccurrences, cosine, neighboursOf, occurrences, otherOccurrences, similarities } from '../../../src/core/vectors';
import { FIX } from './helpers';

const TEXT = Array.from({ length: 12 }, (_, i) =>
  i % 2
    ? `The bank raised its rates again, and the bank said so on day ${i}.`
    : `We sat on the bank of the river, the water was cold (day ${i}).`,
).join(' ');
const PUNCT = /^[\p{P}\p{S}]+$/u;

/** The reference: every word pooled, pairwise cosine, sorted by score (stable), first occurrence per type. */
function bruteForce(engine: BertLensEngine, enc: Encoding, i: number, layer: LayerChoice, top: number): Neighbour[] {
  const all = engine.wordVectors(enc, layer);
  const key = (s: string) => s.normalize('NFC').toLowerCase();
  const self = key(enc.tok.words.get(i).text);
  const cands: Neighbour[] = [];
  enc.tok.words.slice().forEach((w, j) => {
    if (j === i || !all[j].length || key(w.text) === self || PUNCT.test(w.text)) return;
    cands.push({ word: w.text, score: cosine(all[i], all[j]), start: w.start, end: w.end });
  });
  cands.sort((a, b) => b.score - a.score);
  const seen = new Set<string>();
  return cands.filter((c) => !seen.has(key(c.word)) && !!seen.add(key(c.word))).slice(0, top);
}

describe('neighbours and similarities from the word matrix', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  let enc: Encoding;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
    enc = await engine.encode(model, TEXT, { maxTokens: 24, overlap: 8 });
  });
  after(() => engine.dispose());

  it('the document spans several windows', () => assert.ok(enc.windows.length >= 5, `${enc.windows.length} windows`));

  for (const layer of ['last', 1, 0, 'last4'] as LayerChoice[]) {
    it(`equal the brute force for every occurrence of "bank" and "the" (layer ${layer})`, () => {
      for (const word of ['bank', 'the']) {
        for (const i of occurrences(enc, word)) {
          for (const top of [1, 5, 40])
            assert.deepEqual(neighboursOf(enc, i, { layer, top }), bruteForce(engine, enc, i, layer, top), `${word}@${i} top ${top}`);
        }
      }
      const all = engine.wordVectors(enc, layer);
      const occ = occurrences(enc, 'bank');
      for (const i of [...occ, ...occurrences(enc, 'the'), ...occurrences(enc, ',')]) {
        assert.deepEqual(
          otherOccurrences(enc, i, layer),
          occurrences(enc, enc.tok.words.get(i).text).filter((j) => j !== i),
        );
      }
      assert.deepEqual(
        similarities(enc, occ[0], occ, layer),
        occ.map((j) => cosine(all[occ[0]], all[j])),
      );
    });
  }

  it('vectors --occurrence: only that occurrence, the same neighbours as the full answer has for it', () => {
    const full = engine.vectors(enc, 'bank', { top: 6 });
    const third = engine.vectors(enc, 'bank', { top: 6, occurrence: 2 });
    assert.equal(third.contextual.length, 1);
    assert.deepEqual(third.contextual[0], full.contextual[2]);
    assert.throws(
      () => engine.vectors(enc, 'bank', { occurrence: full.contextual.length }),
      /occurs \d+ time\(s\); there is no occurrence/,
    );
  });

  it('vectors without --occurrence: the first maxOccurrences occurrences, and how many there are', () => {
    const full = engine.vectors(enc, 'bank', { top: 6 });
    assert.ok(full.contextual.length >= 3);
    assert.equal(full.occurrences, full.contextual.length);
    const capped = engine.vectors(enc, 'bank', { top: 6, maxOccurrences: 2 });
    assert.deepEqual(capped.contextual, full.contextual.slice(0, 2));
    assert.equal(capped.occurrences, full.contextual.length);
    assert.equal(engine.vectors(enc, 'bank', { occurrence: 1 }).occurrences, full.contextual.length);
  });

  it('compareOccurrences: per-layer cosine of the two word vectors, embeddings to last layer', () => {
    const [a, , b] = occurrences(enc, 'bank');
    const r = compareOccurrences(enc, a, b, 3);
    assert.deepEqual(
      r.layers.map((l) => l.layer),
      [0, 1, 2],
    );
    r.layers.forEach(({ layer, similarity }) => {
      const all = engine.wordVectors(enc, layer);
      assert.equal(similarity, cosine(all[a], all[b]));
    });
    assert.deepEqual(r.neighbours.a, neighboursOf(enc, a, { top: 3 }));
    assert.equal(r.b.start, enc.tok.words.get(b).start);
  });

  it('a new encoding is not answered from the previous one', async () => {
    const other = await engine.encode(model, 'The bank of the river. The bank raised rates.');
    const i = occurrences(other, 'bank')[0];
    assert.deepEqual(neighboursOf(other, i, { top: 3 }), bruteForce(engine, other, i, 'last', 3));
    const j = occurrences(enc, 'bank')[0];
    assert.deepEqual(neighboursOf(enc, j, { top: 3 }), bruteForce(engine, enc, j, 'last', 3));
  });
});

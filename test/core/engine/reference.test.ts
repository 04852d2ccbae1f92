// Nearest contexts in a reference corpus: every corpus word's vector against a direct run of its passage alone, the
// ranking against a brute-force cosine, long lines cut into rows, one corpus read per layer, and the errors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import { indexReference, ReferenceIndexes, searchReference, MAX_REFERENCE_CHARS } from '../../../src/core/reference';
import { cosine, wordVectors } from '../../../src/core/vectors';
import { wordAt } from '../../../src/core/text/tokenizer';
import type { LoadedModel } from '../../../src/core/api';
import { FIX, counting } from './helpers';
import { tempDir } from '../../temp';

const PASSAGES = [
  'The old man walked to the river bank and sat down.',
  'She put her money in the bank before noon.',
  'A cat sat on the mat, and the dog sat near the door.',
  'The city built a new road to the river.',
];

describe('reference corpus search', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  const dir = tempDir('bert-lens-ref-');
  const file = path.join(dir, 'corpus.txt');
  writeFileSync(file, PASSAGES.join('\n') + '\n');
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
  });
  after(() => engine.dispose());

  it("indexes each passage read alone: a word's corpus vector is its vector in that passage, encoded by itself", async () => {
    const tk = await engine.tokenizer(model);
    const index = await indexReference(model, tk, { name: 'test', text: PASSAGES.join('\n') }, 1);
    assert.equal(index.passages, PASSAGES.length);
    let at = 0;
    let checked = 0;
    for (const p of PASSAGES) {
      const enc = await engine.encode(model, p, { hiddenLayers: [1] });
      const vecs = wordVectors(enc, 1);
      for (let i = 0; i < enc.tok.words.length; i++) {
        const w = enc.tok.words.get(i);
        if (/^[\p{P}\p{S}]+$/u.test(w.text)) continue;
        const k = index.starts.indexOf(at + w.start);
        assert.ok(k >= 0, `"${w.text}" is indexed`);
        assert.equal(index.ends[k], at + w.end);
        assert.equal(index.positions[k], w.tokenStart + 1, 'its first piece after [CLS]');
        const row = Float32Array.from(index.q.subarray(k * index.H, (k + 1) * index.H), (x) => x * index.scale[k]);
        assert.ok(cosine(row, vecs[i]) > 0.9995, `"${w.text}": ${cosine(row, vecs[i])}`);
        checked++;
      }
      at += p.length + 1;
    }
    assert.equal(index.starts.length, checked, 'punctuation is not indexed');
  });

  it('ranks every corpus word by cosine as a brute-force comparison does; a passage searched for finds its own word first', async () => {
    const text = PASSAGES[1]; // the query text is a corpus passage: its "bank" is in the corpus, at cosine ≈ 1
    const at = text.indexOf('bank');
    const r = await engine.reference(model, text, { at, layer: 2, top: 8, corpus: file });
    assert.deepEqual([r.corpus, r.layer, r.layers, r.passages], ['corpus.txt', 2, 2, 4]);
    assert.deepEqual(r.word, { text: 'bank', start: at, end: at + 4 });
    assert.equal(r.matches[0].word, 'bank');
    assert.ok(r.matches[0].score > 0.999, String(r.matches[0].score));
    assert.equal(`${r.matches[0].before}${r.matches[0].word}${r.matches[0].after}`, PASSAGES[1], 'the passage around it');
    const tok = await engine.tokenize(model, text);
    const pos = tok.words.tokenStarts[wordAt(tok, at)] + 1;
    assert.deepEqual([r.position, r.matches[0].position], [pos, pos], 'the same position in the same passage');
    // Brute force over every word of every passage, each encoded alone, at float32.
    const all: Array<{ word: string; score: number }> = [];
    const query = wordVectors(await engine.encode(model, text, { hiddenLayers: [2] }), 2)[wordAt(await engine.tokenize(model, text), at)];
    for (const p of PASSAGES) {
      const enc = await engine.encode(model, p, { hiddenLayers: [2] });
      wordVectors(enc, 2).forEach((v, i) => {
        const w = enc.tok.words.text(i);
        if (!/^[\p{P}\p{S}]+$/u.test(w)) all.push({ word: w, score: cosine(query, v) });
      });
    }
    all.sort((a, b) => b.score - a.score);
    assert.equal(r.searched, all.length);
    r.matches.forEach((m, k) => assert.ok(Math.abs(m.score - all[k].score) < 5e-3, `match ${k}: ${m.score} vs ${all[k].score}`));
    for (let k = 1; k < r.matches.length; k++) assert.ok(r.matches[k - 1].score >= r.matches[k].score, 'best first');
    const same = r.matches.filter((m) => m.word.toLowerCase() === 'bank').length;
    assert.equal(r.sameWord, same);
    assert.equal(
      r.words.reduce((n, w) => n + w.count, 0),
      r.matches.length,
    );
    for (let k = 1; k < r.words.length; k++) assert.ok(r.words[k - 1].count >= r.words[k].count, 'most frequent first');
  });

  it('reads the corpus once per layer (later searches only compare) and again after a cancelled read', async () => {
    const c = counting(model);
    const tk = await engine.tokenizer(model);
    const indexes = new ReferenceIndexes();
    const corpus = { name: 'test', text: PASSAGES.join('\n') };
    await indexes.get(c, tk, corpus, 1, {});
    const rows = c.rows;
    assert.equal(rows, PASSAGES.length, 'one row per passage');
    await indexes.get(c, tk, corpus, 1, {});
    assert.equal(c.rows, rows, 'the same layer again: no model run');
    await indexes.get(c, tk, corpus, 2, {});
    assert.equal(c.rows, 2 * rows, 'another layer: read again');
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(indexes.get(c, tk, corpus, 0, { signal: ac.signal }), { code: 'ABORTED' });
    await indexes.get(c, tk, corpus, 0, {});
    assert.equal(c.rows, 3 * rows, 'the cancelled read was forgotten, not cached');
  });

  it("a request that joined another's read gets its own when that one is cancelled (the cursor moved on)", async () => {
    const tk = await engine.tokenizer(model);
    const indexes = new ReferenceIndexes();
    const corpus = { name: 'twenty', text: Array.from({ length: 20 }, (_, i) => `${PASSAGES[i % 4]} (${i})`).join('\n') };
    const ac = new AbortController();
    const a = indexes.get(model, tk, corpus, 1, { signal: ac.signal });
    const b = indexes.get(model, tk, corpus, 1, {}); // joins a's read
    ac.abort(); // before a's second batch of 8
    await assert.rejects(a, { code: 'ABORTED' });
    const index = await b;
    assert.equal(index.passages, 20, 'b read the whole corpus itself');
  });

  it('cuts a line longer than the model reads into rows between words, and indexes every word of it', async () => {
    const tk = await engine.tokenizer(model);
    const words = Array.from({ length: 300 }, (_, i) => ['river', 'bank', 'money', 'road', 'cat'][i % 5]);
    const c = counting(model);
    const index = await indexReference(c, tk, { name: 'long', text: words.join(' ') }, 1);
    assert.equal(index.starts.length, 300);
    assert.equal(index.passages, 1);
    assert.ok(c.calls.flat().length >= 3, 'three rows or more for 300 words on a 128-position model');
    for (const row of c.calls.flat()) assert.ok(row.ids.length <= model.info.maxPositions);
  });

  it('says what is wrong: punctuation, no word, a bad layer or count, a missing, binary, empty or too long corpus', async () => {
    const text = 'The cat  sat on the mat.';
    const bad = (o: Partial<Parameters<BertLensEngine['reference']>[2]>, re: RegExp) =>
      assert.rejects(engine.reference(model, text, { at: 4, corpus: file, ...o }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'BAD_INPUT', e.message);
        assert.match(e.message, re);
        return true;
      });
    await bad({ at: text.indexOf('.') }, /punctuation.*Put the cursor on a word/);
    await bad({ at: 8 }, /no word at offset 8/);
    await bad({ at: 99 }, /outside the text/);
    await bad({ layer: 3 }, /Layer 3 does not exist/);
    await bad({ top: 0 }, /1 to 100/);
    await bad({ top: 101 }, /1 to 100/);
    await bad({ corpus: path.join(dir, 'none.txt') }, /not found/);
    writeFileSync(path.join(dir, 'bin.txt'), Buffer.from([0x41, 0, 0xff, 0x42]));
    await bad({ corpus: path.join(dir, 'bin.txt') }, /not UTF-8 text/);
    writeFileSync(path.join(dir, 'empty.txt'), '\n\n  \n');
    await bad({ corpus: path.join(dir, 'empty.txt') }, /no words to search/);
    writeFileSync(path.join(dir, 'punct.txt'), '!!! ...\n— ？。\n');
    await bad({ corpus: path.join(dir, 'punct.txt') }, /no words to search/);
    await bad({ corpus: dir }, /is not a file \(a folder or a device\)/);
    await bad({ corpus: '/dev/zero' }, /is not a file/);
    writeFileSync(path.join(dir, 'long.txt'), 'a '.repeat(MAX_REFERENCE_CHARS / 2 + 1));
    await bad({ corpus: path.join(dir, 'long.txt') }, /longer than 400,000 characters/);
  });

  it('searchReference refuses a word outside the encoded windows', async () => {
    const tk = await engine.tokenizer(model);
    const index = await indexReference(model, tk, { name: 'test', text: PASSAGES.join('\n') }, 1);
    const enc = await engine.encode(model, 'The cat sat.', { hiddenLayers: [1] });
    assert.throws(() => searchReference(index, { ...enc, windows: [] }, 1, 5), /was not encoded/);
  });
});

describe('reference corpus search on the embedded models', () => {
  let engine: BertLensEngine;
  before(() => {
    engine = createEngine();
  });
  after(() => engine.dispose());

  it('searches the English corpus for a Latin-script word and the Chinese corpus for a Han character', async () => {
    const en = await engine.load('bert-lens-mini');
    const text = 'The Federal Reserve is the central bank of the United States.';
    const r = await engine.reference(en, text, { at: text.indexOf('bank'), layer: 0, top: 5 });
    assert.equal(r.corpus, 'reference-en');
    assert.ok(r.searched > 40_000 && r.passages > 800, `${r.searched} words, ${r.passages} passages`);
    assert.equal(r.matches.length, 5);
    assert.equal(r.sameWord, r.matches.filter((m) => m.word.toLowerCase() === 'bank').length);
    const zh = await engine.load('bert-lens-zh');
    const zt = '下班了，你在干哈呢？';
    const z = await engine.reference(zh, zt, { at: zt.indexOf('哈'), top: 5 });
    assert.equal(z.corpus, 'reference-zh');
    assert.ok(z.searched > 30_000, String(z.searched));
    assert.deepEqual(z.word, { text: '哈', start: 7, end: 8 });
  });
});

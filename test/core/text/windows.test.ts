// Windows: ≤ maxTokens, sentence-boundary cuts, overlap, own ranges partitioning the words; QA windows with stride.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer, type TextTokenizer } from '../../../src/core/text/tokenizer';
import { planWindows, qaWindows, ownerOf } from '../../../src/core/text/windows';
import { tokenizerDirs } from './fixtures';

const dirs = tokenizerDirs();

describe('windows', { skip: dirs.length ? false : 'no tokenizer fixtures' }, () => {
  let tk: TextTokenizer;
  before(async () => {
    tk = await loadTokenizer(dirs[0]);
  });

  it('one window when the text fits', () => {
    const t = tk.tokenize('The cat sat on the mat.');
    const w = planWindows(t, { maxTokens: 100 });
    assert.equal(w.length, 1);
    assert.deepEqual([w[0].tokenStart, w[0].tokenEnd, w[0].ownStart, w[0].ownEnd], [0, t.tokens.length, 0, t.words.length]);
  });

  it('splits long text within maxTokens, with overlap, own ranges partitioning all words', () => {
    const sentence = (i: number) => `Sentence ${i} says the cat sat on the mat and the dog ran.`;
    const text = Array.from({ length: 40 }, (_, i) => sentence(i)).join(' ');
    const t = tk.tokenize(text);
    for (const maxTokens of [16, 24, 50, 77]) {
      const ws = planWindows(t, { maxTokens, overlap: 6 });
      assert.ok(ws.length > 1);
      let own = 0;
      ws.forEach((w, i) => {
        assert.equal(w.index, i);
        assert.ok(w.tokenEnd - w.tokenStart <= maxTokens, 'window within maxTokens');
        assert.equal(w.tokenStart, t.words.get(w.wordStart).tokenStart, 'windows start on a word');
        assert.equal(w.tokenEnd, t.words.get(w.wordEnd - 1).tokenEnd, 'windows end on a word');
        assert.equal(w.ownStart, own, 'own ranges are contiguous');
        assert.ok(w.ownStart >= w.wordStart && w.ownEnd <= w.wordEnd && w.ownEnd > w.ownStart);
        own = w.ownEnd;
        if (i > 0) assert.ok(w.wordStart < ws[i - 1].wordEnd, 'neighbours overlap');
      });
      assert.equal(own, t.words.length);
      for (let k = 0; k < t.words.length; k++) assert.ok(ownerOf(ws, k) >= 0);
    }
    // With room for whole sentences, windows end at a sentence boundary ('.').
    const ws = planWindows(t, { maxTokens: 50, overlap: 6 });
    for (const w of ws.slice(0, -1)) assert.equal(t.words.get(w.wordEnd - 1).text, '.');
  });

  it('QA windows: question repeated, chunks overlap by the stride, cover the document', () => {
    const q = [10, 11, 12];
    const doc = Array.from({ length: 100 }, (_, i) => 1000 + i);
    const ws = qaWindows(q, doc, { maxSeqLen: 32, stride: 8, maxQuestionLen: 64, cls: 2, sep: 3 });
    const room = 32 - 3 - 3;
    ws.forEach((w, i) => {
      assert.ok(w.ids.length <= 32);
      assert.deepEqual(w.ids.slice(0, 5), [2, 10, 11, 12, 3]);
      assert.equal(w.ids.at(-1), 3);
      assert.equal(w.contextStart, 5);
      assert.deepEqual(w.ids.slice(5, -1), doc.slice(w.docTokenStart, w.docTokenEnd));
      assert.equal(w.typeIds[4], 0);
      assert.equal(w.typeIds[5], 1);
      if (i > 0) assert.equal(ws[i - 1].docTokenEnd - w.docTokenStart, 8, 'stride = overlap');
      if (i < ws.length - 1) assert.equal(w.docTokenEnd - w.docTokenStart, room);
    });
    assert.equal(ws[0].docTokenStart, 0);
    assert.equal(ws.at(-1)!.docTokenEnd, 100);
    // The question is cut to maxQuestionLen.
    const long = qaWindows(Array(80).fill(7), doc, { maxSeqLen: 384, stride: 128, maxQuestionLen: 64, cls: 2, sep: 3 });
    assert.equal(long[0].contextStart, 66);
    // A window too short for the question and one document token: what to raise it to, or to shorten.
    assert.throws(
      () => qaWindows([7, 7, 7, 7, 7], doc, { maxSeqLen: 8, stride: 2, maxQuestionLen: 64, cls: 2, sep: 3 }),
      /^BertLensError: A window of 8 tokens \(maxSeqLen, the CLI's --max-seq-len\) leaves no room for the document after a 5-token question: raise it to at least 9, or ask a shorter question\.$/,
    );
    assert.equal(qaWindows([7, 7, 7, 7, 7], doc, { maxSeqLen: 9, stride: 0, maxQuestionLen: 64, cls: 2, sep: 3 })[0].ids.length, 9);
  });
});

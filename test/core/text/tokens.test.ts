// Token and word columns (core/text/tokens.ts): rows rebuilt from the columns equal what the tokenizer produced, a
// token's word is found by binary search, and text outside the vocabulary survives tokenizing and splicing.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { TokensBuilder } from '../../../src/core/text/tokens';
import { loadTokenizer, type TextTokenizer } from '../../../src/core/text/tokenizer';
import { remembering } from '../../../src/core/text/splice';

describe('token and word columns', () => {
  it('rows, word of each token, token ends and spans from a hand-built table', () => {
    const b = new TokensBuilder(['[UNK]', 'play', '##ing', 'now']);
    const text = 'playing now [X]';
    b.token(1, 'play', 0, 4);
    b.token(2, '##ing', 4, 7);
    b.word(0, 7);
    b.token(3, 'now', 8, 11);
    b.word(8, 11);
    b.token(0, '[X]', 12, 15); // a special string outside the vocabulary: [UNK]'s id, its own text
    b.word(12, 15);
    const { tokens, words } = b.build(text);
    assert.deepEqual(
      tokens.slice().map((t) => [t.id, t.text, t.start, t.end, t.word]),
      [
        [1, 'play', 0, 4, 0],
        [2, '##ing', 4, 7, 0],
        [3, 'now', 8, 11, 1],
        [0, '[X]', 12, 15, 2],
      ],
    );
    assert.deepEqual(
      [...words].map((w) => [w.text, w.start, w.end, w.tokenStart, w.tokenEnd]),
      [
        ['playing', 0, 7, 0, 2],
        ['now', 8, 11, 2, 3],
        ['[X]', 12, 15, 3, 4],
      ],
    );
    assert.deepEqual(words.span(0, 2), { start: 0, end: 11 });
    assert.equal(words.span(2, 2), undefined);
    assert.equal(words.span(0, 4), undefined);
    assert.deepEqual(
      words.indices((i) => words.text(i).length === 3),
      [1, 2],
    );
    assert.deepEqual(tokens.idList(1, 3), [2, 3]);
    assert.throws(() => tokens.get(4), RangeError);
    assert.throws(() => words.get(-1), RangeError);
  });

  it('refuses a word without tokens and tokens without a word', () => {
    const b = new TokensBuilder(['a']);
    assert.throws(() => b.word(0, 1), /at least one token/);
    b.token(0, 'a', 0, 1);
    assert.throws(() => b.build('a'), /after the last word/);
  });

  describe('with a real tokenizer', () => {
    let tk: TextTokenizer;
    before(async () => {
      tk = await loadTokenizer('models/bert-lens-mini');
    });

    it('wordOf agrees with every word’s token range over a long text', () => {
      const text = 'Unbelievably, the riverbank’s 12,345 otters — naïve ones — swam. 中文字 '.repeat(50);
      const { tokens, words } = tk.tokenize(text);
      for (let w = 0; w < words.length; w++)
        for (let t = words.tokenStarts[w]; t < words.tokenEnd(w); t++) assert.equal(tokens.wordOf(t), w, `token ${t}`);
      assert.equal(words.tokenEnd(words.length - 1), tokens.length);
    });

    it('keeps a special string’s own text through splicing (it is not a vocabulary entry)', () => {
      const inc = remembering(tk);
      const opts = { specials: ['<<ZZ>>'] };
      const text = 'The <<ZZ>> sat on the mat. '.repeat(40);
      const first = inc.tokenize(text, opts);
      const at = first.tokens.slice().findIndex((t) => t.text === '<<ZZ>>');
      assert.equal(first.tokens.ids[at], tk.special.unk);
      const edited = `${text.slice(0, 500)} a few more words ${text.slice(500)}`; // moves every later token
      const spliced = inc.tokenize(edited, opts);
      assert.deepEqual(spliced, tk.tokenize(edited, opts));
      assert.equal(spliced.tokens.slice().filter((t) => t.text === '<<ZZ>>').length, 40);
    });
  });
});

// Tokens with offsets: ids identical to the library's encode() over tricky strings, and a fast-check property test
// (≥ 10,000 random strings) on offset validity and coverage.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { wordAt, type TextTokenizer } from '../../../src/core/text/tokenizer';
import type { Tokenized } from '../../../src/core/api';
import { testTokenizers, tokenizerDirs } from './fixtures';

const TRICKY = [
  'Café résumé NAÏVE',
  '中国abc 我是人',
  'c\u0327a va, cafe\u0301!',
  'a\u200Bb zero\u200Dwidth \uFEFFbom',
  '👨‍👩‍👧 family 👍🏽! 🏳️‍🌈 🇫🇷',
  'İstanbul ﬁne straße',
  '𠀀中 Ext-B',
  'foo_bar(x)=1; // comment',
  'ΟΣ σοσ ΣΟΦΟΣ',
  'The bank of the river. The bank raised rates!',
  '  lead\ttab\n\nnew paragraph\r\n',
  'مرحبا بالعالم שלום',
  '\u0301x leading mark',
  '한국어 텍스트',
  'a\u0000b\uFFFDc\u0007d',
  'the runner was running quickly',
  'x\u00A0y NBSP',
  '',
  '   ',
];

/** "Normalized" for the coverage property: the library's own normalizer, all whitespace removed, final sigma ς
 * folded to σ (the only context-dependent lower-casing: a piece seen alone cannot know it is word-final). */
function normalized(tk: TextTokenizer, s: string): string {
  const n = tk.lib.normalizer ? tk.lib.normalizer(s) : s;
  return n.replace(/\s+/gu, '').replace(/ς/g, 'σ');
}

const isLowSurrogate = (s: string, i: number) => i > 0 && i < s.length && /[\uDC00-\uDFFF]/.test(s[i]) && /[\uD800-\uDBFF]/.test(s[i - 1]);

function checkInvariants(tk: TextTokenizer, text: string, t: Tokenized): void {
  let prev = 0;
  for (const tok of t.tokens) {
    assert.ok(
      tok.start >= prev && tok.start <= tok.end && tok.end <= text.length,
      `token ${JSON.stringify(tok)} out of order in ${JSON.stringify(text)}`,
    );
    assert.ok(!isLowSurrogate(text, tok.start) && !isLowSurrogate(text, tok.end), `token splits a surrogate pair: ${JSON.stringify(tok)}`);
    const w = t.words.get(tok.word);
    assert.ok(tok.start >= w.start && tok.end <= w.end, 'token inside its word');
    prev = tok.end;
  }
  prev = 0;
  t.words.slice().forEach((w, i) => {
    assert.ok(w.start >= prev && w.start < w.end && w.end <= text.length, `word ${JSON.stringify(w)} invalid`);
    assert.equal(w.text, text.slice(w.start, w.end));
    assert.ok(w.tokenEnd > w.tokenStart);
    for (let k = w.tokenStart; k < w.tokenEnd; k++) assert.equal(t.tokens.get(k).word, i);
    prev = w.end;
  });
  const joined = t.tokens
    .slice()
    .map((x) => normalized(tk, text.slice(x.start, x.end)))
    .join('');
  assert.equal(joined, normalized(tk, text), `coverage for ${JSON.stringify(text)}`);
}

const dirs = tokenizerDirs();

describe('tokens with offsets', { skip: dirs.length ? false : 'no tokenizer fixtures in test/fixtures' }, () => {
  let tks: Array<[string, TextTokenizer]> = [];
  before(async () => {
    tks = await testTokenizers();
  });

  it('gives ids identical to the library encode() on tricky strings', () => {
    for (const [d, tk] of tks) {
      for (const s of TRICKY) {
        const ours = tk
          .tokenize(s)
          .tokens.slice()
          .map((t) => t.id);
        const lib = tk.lib.encode(s, { add_special_tokens: false }).ids;
        assert.deepEqual(ours, lib, `${d}: ${JSON.stringify(s)}`);
        checkInvariants(tk, s, tk.tokenize(s));
      }
    }
  });

  it('final sigma and decomposed Hangul: library ids, no overlapping offsets', () => {
    const [, tk] = tks.find(([d]) => d.includes('greek + jamo'))!;
    const s = 'ΟΣ 한국 σοσ';
    const t = tk.tokenize(s);
    assert.deepEqual(
      t.tokens.slice().map((x) => x.id),
      tk.lib.encode(s, { add_special_tokens: false }).ids,
    );
    // Σ beside a CJK ideograph, a mark or a character outside CHAR_WISE (normalized by the word, tokenizer.ts oddWords).
    for (const x of ['ΟΣ中', '中ΟΣ中σ', 'ΟΣᵀ中ΟΣ', 'ΟΣ\u0301中', 'ー中ΟΣー', '😀ΟΣ😀', 'ΑΣ-ΟΣ', 'ᵀΟΣ ΟΣᵀ'])
      assert.deepEqual(
        tk
          .tokenize(x)
          .tokens.slice()
          .map((y) => y.id),
        tk.lib.encode(x, { add_special_tokens: false }).ids,
        JSON.stringify(x),
      );
    assert.equal(t.tokens.get(0).text, 'ος', 'whole-word lower-casing gives the final sigma');
    const han = t.tokens.slice().filter((x) => t.words.get(x.word).text === '한국');
    assert.deepEqual(
      han.map((x) => x.text),
      ['ᄒ', '##ᅡ', '##ᆫ', '##ᄀ', '##ᅮ', '##ᆨ'],
    );
    // The first piece from a syllable owns it; later pieces from the same syllable are empty ranges after it.
    assert.deepEqual(
      han.map((x) => [x.start, x.end]),
      [
        [3, 4],
        [4, 4],
        [4, 4],
        [4, 5],
        [5, 5],
        [5, 5],
      ],
    );
    checkInvariants(tk, s, t);
  });

  it('maps known words to exact source slices', () => {
    for (const [, tk] of tks) {
      const text = 'Café, 中国! c\u0327a';
      const t = tk.tokenize(text);
      assert.deepEqual(
        t.words.slice().map((w) => w.text),
        ['Café', ',', '中', '国', '!', 'c\u0327a'],
      );
      // The dropped combining mark belongs to the token before it.
      const last = t.words.get(5);
      assert.equal(t.tokens.get(last.tokenEnd - 1).end, text.length);
    }
  });

  it('keeps literal [MASK]/[CLS] as plain text unless asked', () => {
    for (const [, tk] of tks) {
      const t = tk.tokenize('The [MASK] sat [CLS].');
      assert.ok(!t.tokens.slice().some((x) => x.id === tk.special.mask || x.id === tk.special.cls));
      const m = tk.tokenize('The [MASK] sat.', { specials: ['[MASK]'] });
      const mi = m.tokens.slice().findIndex((x) => x.id === tk.special.mask);
      assert.ok(mi > 0);
      assert.deepEqual([m.tokens.get(mi).start, m.tokens.get(mi).end], [4, 10]);
      assert.equal(m.words.get(m.tokens.get(mi).word).text, '[MASK]');
    }
  });

  it('finds the word at an offset', () => {
    const tk = tks[0][1];
    const t = tk.tokenize('hello, world');
    assert.equal(wordAt(t, 0), 0);
    assert.equal(wordAt(t, 5), 1); // the comma starts where "hello" ends
    assert.equal(wordAt(t, 8), 2);
    assert.equal(wordAt(t, 12), 2); // right after the last word
    assert.equal(wordAt(t, 6), 1); // just after the comma still counts as the comma
    assert.equal(wordAt(tk.tokenize('a   b'), 2), -1); // inside a run of spaces: no word
  });

  it('property: 10,000 random strings per tokenizer give valid, ordered, covering offsets and the library ids', () => {
    const frags = [
      'the',
      'bank',
      'running',
      'Café',
      'NAÏVE',
      'e\u0301',
      'a\u0308',
      '\u0327',
      '\u0301',
      '\u20DD',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r\n',
      '.',
      ',',
      '!',
      '?',
      '(',
      ')',
      '_',
      '#',
      '##',
      '中',
      '国',
      '人',
      '𠀀',
      '한',
      '😀',
      '👍🏽',
      '👨‍👩‍👧',
      '🏳️‍🌈',
      '🇫🇷',
      '\u200B',
      '\u200C',
      '\u200D',
      '\uFEFF',
      '\u200E',
      '\u200F',
      '\u202E',
      'مرحبا',
      'שלום',
      '\u00A0',
      'İ',
      'ﬁ',
      'ß',
      'Σ',
      'ΟΣ',
      'σ',
      'ο',
      '한',
      '국',
      '\uD800',
      '\u0000',
      '\u0007',
      'x',
      'Q',
      '9',
    ];
    const text = fc.oneof(
      fc.array(fc.constantFrom(...frags), { maxLength: 12 }).map((a) => a.join('')),
      fc.fullUnicodeString({ maxLength: 16 }),
      fc.string({ maxLength: 16 }),
    );
    for (const [, tk] of tks) {
      fc.assert(
        fc.property(text, (s) => {
          const t = tk.tokenize(s);
          checkInvariants(tk, s, t);
          assert.deepEqual(
            t.tokens.slice().map((x) => x.id),
            tk.lib.encode(s, { add_special_tokens: false }).ids,
          );
        }),
        { numRuns: 10_000, seed: 20261125 },
      );
    }
  });
});

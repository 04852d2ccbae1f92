// Chunked tokenization (long texts go through the tokenizer 64 Ki characters at a time): for any chunk size the
// tokens, ids, offsets and words are exactly those of the text tokenized in one piece.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BLANK_RUN, CHAR_WISE, charWise, chunks, nonBlank, type TextTokenizer } from '../../../src/core/text/tokenizer';
import { testTokenizers } from './fixtures';

const TRICKY = [
  'line one\r\nline two\r\n\r\nCRLF paragraph',
  '👨‍👩‍👧 family 👍🏽! 🏳️‍🌈 🇫🇷 𠀀中 Ext-B',
  '中国abc 我是人。这是第二句话！',
  `${'a'.repeat(300)} short ${'supercalifragilistic'.repeat(20)}`,
  'ΟΣ σοσ ΣΟΦΟΣ İstanbul ﬁne straße',
  'c\u0327a va, cafe\u0301! \u0301x leading mark',
  'a\u200Bb zero\u200Dwidth \uFEFFbom x\u00A0y\tTab',
  'The bank of the river.\n\nThe bank raised rates!\n \nNext paragraph [MASK] here.',
];
const ALPHABET = [' ', '\n', '\r', '\t', 'a', 'b', 'Σ', 'ς', 'İ', 'ﬁ', '\u0301', '\uFEFF', '\u00A0', '中', '文', '😀', '.', '[MASK]', '한'];

let tokenizers: Array<[string, TextTokenizer]> = [];
before(async () => {
  tokenizers = await testTokenizers();
  assert.ok(tokenizers.length > 0, 'no tokenizer fixtures');
});

const allCharWise = (x: string) => Array.from({ length: x.length }, (_, i) => x.charCodeAt(i)).every(charWise);

const same = (tk: TextTokenizer, text: string, size: number, specials?: string[]) =>
  assert.deepEqual(
    tk.tokenize(text, { chunkChars: size, specials }),
    tk.tokenize(text, { chunkChars: Infinity, specials }),
    `chunk size ${size}: ${JSON.stringify(text.slice(0, 80))}`,
  );

describe('chunked tokenization', () => {
  it('cuts only before whitespace or a CJK character, and a word longer than a chunk stays whole', () => {
    const text = 'ab cd\r\nef中文 ghijklmnop q';
    const cuts = chunks(text, 0, text.length, 3, true);
    assert.deepEqual(
      cuts.map(([a, b]) => text.slice(a, b)),
      ['ab', ' cd', '\r', '\nef', '中文', ' ghijklmnop', ' q'],
    );
    assert.deepEqual(chunks('x\uFEFFy\u00A0z', 0, 5, 1, true), [[0, 5]], 'U+FEFF and NBSP are not cut points');
    assert.deepEqual(chunks('中文', 0, 2, 1, false), [[0, 2]], 'no CJK cuts without handle_chinese_chars');
  });

  it('tricky texts: every chunk size gives the whole-text tokens and words', () => {
    const text = TRICKY.join('\n\n');
    for (const [, tk] of tokenizers) {
      for (const size of [1, 2, 3, 5, 8, 13, 64, 1000]) {
        same(tk, text, size);
        same(tk, text, size, ['[MASK]']);
      }
    }
  });

  it('random texts over a hostile alphabet (fast-check)', () => {
    for (const [, tk] of tokenizers) {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (parts, size) => {
          same(tk, parts.join(''), size, ['[MASK]']);
        }),
        { numRuns: 400, seed: 12 },
      );
    }
  });

  it('long blank runs (a document over maxDocumentChars arrives blanked) are skipped: the same tokens and words', () => {
    const blanks = [BLANK_RUN - 1, BLANK_RUN, BLANK_RUN + 1, 300].flatMap((n) => [' '.repeat(n), '\n'.repeat(n), ' \r\n\t'.repeat(n)]);
    const text = TRICKY.map((t, i) => t + blanks[i % blanks.length]).join('') + '\u0301x' + blanks[3] + '中' + blanks[5];
    assert.ok(nonBlank(text, 0, text.length).length > 5, 'the text has blank runs to skip');
    for (const [, tk] of tokenizers) for (const size of [1, 7, 64, 1000, 1 << 16]) same(tk, text, size, ['[MASK]']);
  });

  it('nonBlank: the ranges between runs of BLANK_RUN or more blanks, within [from, to)', () => {
    const run = ' '.repeat(BLANK_RUN);
    const text = `ab${run}cd${' '.repeat(BLANK_RUN - 1)}ef${run}`;
    const at = (x: string) => text.indexOf(x);
    assert.deepEqual(nonBlank(text, 0, text.length), [
      [0, 2],
      [at('cd'), at('ef') + 2],
    ]);
    assert.deepEqual(nonBlank(text, 1, at('cd') + 1), [
      [1, 2],
      [at('cd'), at('cd') + 1],
    ]);
    assert.deepEqual(nonBlank(run, 0, BLANK_RUN), []);
  });

  it('random texts with long blank runs (fast-check)', () => {
    const long = [' '.repeat(BLANK_RUN), '\n'.repeat(BLANK_RUN + 3), '\t \r\n'.repeat(BLANK_RUN)];
    for (const [, tk] of tokenizers) {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...ALPHABET, ...long), { maxLength: 40 }), fc.integer({ min: 1, max: 200 }), (parts, size) => {
          same(tk, parts.join(''), size, ['[MASK]']);
        }),
        { numRuns: 200, seed: 7 },
      );
    }
  });

  it("charWise: where it holds for every character, BERT's normalizer gives the whole text exactly what it gives per character", () => {
    // Every character it admits, in random strings, through each test tokenizer's own normalizer (cased and uncased).
    const admitted = [0x0, 0x9, 0xa, 0xd, 0x20, 0x41, 0x5a, 0x61, 0xad, 0xc0, 0xdf, 0x130, 0x131, 0x149, 0x17f, 0x1c5, 0x1f0, 0x2ff];
    const ranges = CHAR_WISE;
    const char = fc.oneof(
      fc.constantFrom(...admitted.map((c) => String.fromCharCode(c))),
      fc.constantFrom(...ranges).chain(([a, b]) => fc.integer({ min: a, max: b }).map((c) => String.fromCharCode(c))),
    );
    for (const [name, tk] of tokenizers) {
      const norm = tk.lib.normalizer;
      if ((norm as { config?: { type?: string } } | null)?.config?.type !== 'BertNormalizer') continue;
      const one = (x: string) => norm!(x);
      fc.assert(
        fc.property(fc.array(char, { maxLength: 40 }), (cs) => {
          const text = cs.join('');
          assert.ok(allCharWise(text));
          assert.equal(one(text), cs.map(one).join(''), `${name}: ${JSON.stringify(text)}`);
        }),
        { numRuns: 2000, seed: 3 },
      );
      // What it refuses really differs: Greek final sigma (lower-cased by its neighbour) and a mark after a mark.
      for (const x of ['ΟΣ', 'e\u0301', 'x\u0483', '\u302a', '😀']) assert.ok(!allCharWise(x));
    }
    const uncased = tokenizers.find(([n]) => /greek/.test(n))![1].lib.normalizer!;
    assert.notEqual(uncased('ΟΣ'), uncased('Ο') + uncased('Σ'), 'the sigma case is real');
  });
});

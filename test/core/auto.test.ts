// The `auto` rule: which language a text (or the paragraph around an offset) is read in, which embedded models that
// picks, and when a model's [UNK] share earns a notice and what it offers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseLanguage,
  cjkShare,
  countUnknown,
  EMBEDDED,
  HUB_CHINESE,
  isAuto,
  paragraphsByLanguage,
  resolveModel,
  unknownAdvice,
} from '../../src/core/auto';
import { paragraphs } from '../../src/core/text/paragraphs';
import type { Tokenized } from '../../src/core/api';
import { TokensBuilder } from '../../src/core/text/tokens';

test('cjkShare: a Han character is one unit, any other run of letters one word; digits and punctuation are neutral', () => {
  const cases: Array<[string, number | undefined]> = [
    ['', undefined],
    ['2024 — 42!', undefined],
    ['你在干哈呢', 1],
    ['The bank of the river.', 0],
    ['BERT 模型', 2 / 3], // one word, two characters
    ['我用 BERT 看注意力。', 6 / 7],
    ['Café naïve', 0], // accents and combining marks stay inside their word
    ['こんにちは世界', 2 / 3], // kana run is one unit, 世 and 界 one each
  ];
  for (const [text, want] of cases) {
    const got = cjkShare(text);
    if (want === undefined) assert.equal(got, undefined, text);
    else assert.ok(Math.abs(got! - want) < 1e-9, `${text}: ${got} ≠ ${want}`);
  }
});

test('chooseLanguage: mostly CJK → zh, otherwise en; a tie is English', () => {
  assert.deepEqual(chooseLanguage('这只动物没有过马路，因为它太累了。'), { language: 'zh', share: 1, scope: 'document' });
  assert.equal(chooseLanguage('The animal did not cross the street.').language, 'en');
  assert.equal(chooseLanguage('one two 一二').language, 'en'); // exactly half
  assert.equal(chooseLanguage('one 一二').language, 'zh');
  assert.deepEqual(chooseLanguage('   '), { language: 'en', share: 0, scope: 'document' });
});

test('chooseLanguage with an offset: the paragraph around it decides; a paragraph without letters follows the document', () => {
  const text =
    'An English paragraph about the bank of the river, long enough to be the majority of the text.\n\n干杯！你在干哈呢？\n\n---\n\nMore English words here.';
  const zh = text.indexOf('干哈');
  assert.deepEqual(chooseLanguage(text, zh), { language: 'zh', share: 1, scope: 'paragraph' });
  assert.equal(chooseLanguage(text, 3).language, 'en');
  const rule = text.indexOf('---') + 1;
  assert.deepEqual(chooseLanguage(text, rule).scope, 'document');
  assert.equal(chooseLanguage(text, rule).language, 'en');
  assert.equal(chooseLanguage(text).language, 'en'); // no offset: the whole text
  assert.equal(chooseLanguage(text, 10_000).language, 'en'); // past the end: clamped into the last paragraph
});

test('resolveModel: auto picks the embedded model of the language; any other setting is kept as is', () => {
  assert.equal(resolveModel('auto', 'encoder', 'zh'), 'bert-lens-zh');
  assert.equal(resolveModel(' Auto ', 'qa', 'zh'), 'bert-lens-zh-qa');
  assert.equal(resolveModel('auto', 'static', 'zh'), 'word2vec-zh');
  assert.equal(resolveModel('auto', 'encoder', 'en'), 'bert-lens-mini');
  assert.equal(resolveModel('auto', 'qa', 'en'), 'bert-lens-mini-qa');
  assert.equal(resolveModel('auto', 'static', 'en'), 'word2vec-mini');
  assert.equal(resolveModel('Xenova/bert-base-chinese', 'encoder', 'en'), 'Xenova/bert-base-chinese');
  assert.equal(resolveModel('', 'static', 'zh'), '');
  assert.ok(isAuto('AUTO') && !isAuto('automatic') && !isAuto(''));
});

test('paragraphs and paragraphsByLanguage: blank lines separate, letterless paragraphs follow the document', () => {
  const text = 'Hello world.\n\n你好，世界。\n  \n123\n\nBye now.';
  const ps = paragraphs(text).map((p) => text.slice(p.start, p.end));
  assert.deepEqual(ps, ['Hello world.', '你好，世界。', '123', 'Bye now.']);
  const by = paragraphsByLanguage(text);
  assert.deepEqual(
    by.zh.map((p) => text.slice(p.start, p.end)),
    ['你好，世界。'],
  );
  assert.deepEqual(
    by.en.map((p) => text.slice(p.start, p.end)),
    ['Hello world.', '123', 'Bye now.'],
  );
  assert.deepEqual(paragraphs(''), []);
});

const tok = (texts: string[]): Tokenized => {
  const b = new TokensBuilder(texts);
  texts.forEach((t, i) => {
    b.token(i, t, i, i + 1);
    b.word(i, i + 1);
  });
  return { text: '', ...b.build('') };
};

test('countUnknown counts [UNK] tokens', () => {
  assert.deepEqual(countUnknown(tok(['the', '[UNK]', '[UNK]', '##s'])), { tokens: 4, unknown: 2 });
  assert.deepEqual(countUnknown(tok(['<unk>', 'a']), '<unk>'), { tokens: 2, unknown: 1 });
});

test('unknownAdvice: over 30% [UNK] earns a notice with the fitting embedded model, auto and (Chinese encoders) the hub model', () => {
  const zh = { kind: 'encoder' as const, model: 'bert-lens-mini', tokens: 100, unknown: 80, language: 'zh' as const };
  assert.deepEqual(unknownAdvice(zh, 'bert-lens-mini'), {
    share: 0.8,
    offers: [
      { kind: 'model', id: EMBEDDED.zh.encoder },
      { kind: 'auto', id: 'bert-lens-zh' },
      { kind: 'hub', id: HUB_CHINESE },
    ],
  });
  assert.equal(unknownAdvice({ ...zh, unknown: 30 }, 'bert-lens-mini'), undefined, '30% is not "most"');
  assert.equal(unknownAdvice({ ...zh, tokens: 5, unknown: 5 }, 'bert-lens-mini'), undefined, 'too little text to tell');
  // Already auto: nothing to switch to among the embedded models but the hub one.
  assert.deepEqual(unknownAdvice({ ...zh, model: 'bert-lens-zh' }, 'auto')!.offers, [{ kind: 'hub', id: HUB_CHINESE }]);
  // The Chinese model on English text: offer the English one and auto; no hub model for English.
  const en = { kind: 'encoder' as const, model: 'bert-lens-zh', tokens: 50, unknown: 40, language: 'en' as const };
  assert.deepEqual(unknownAdvice(en, 'bert-lens-zh')!.offers, [
    { kind: 'model', id: 'bert-lens-mini' },
    { kind: 'auto', id: 'bert-lens-mini' },
  ]);
  // QA: the QA model of the language; the hub model has no QA head.
  const qa = { kind: 'qa' as const, model: 'bert-lens-mini-qa', tokens: 50, unknown: 40, language: 'zh' as const };
  assert.deepEqual(unknownAdvice(qa, 'bert-lens-mini-qa')!.offers, [
    { kind: 'model', id: 'bert-lens-zh-qa' },
    { kind: 'auto', id: 'bert-lens-zh-qa' },
  ]);
});

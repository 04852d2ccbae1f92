// Which two sentences the Sentences view compares (src/extension/panel/sentence-pair.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sentencePair } from '../../../src/extension/panel/sentence-pair';

const TEXT = 'The cat sat on the mat. It purred. Then it slept.\n\nA new paragraph starts here. 猫坐在垫子上。它睡着了。';
const at = (s: string) => TEXT.indexOf(s);

test('A is the sentence at the cursor; B the next one, else the previous; choices are the sentences around A', () => {
  const p = sentencePair(TEXT, at('purred'), [], null)!;
  assert.equal(p.pick, 'cursor');
  assert.equal(p.a.text, 'It purred.');
  assert.equal(p.b.text, 'Then it slept.');
  assert.deepEqual(
    p.choices.map((c) => c.text),
    ['The cat sat on the mat.', 'Then it slept.', 'A new paragraph starts here.', '猫坐在垫子上。', '它睡着了。'],
  );
  assert.deepEqual([p.a.start, p.a.end], [at('It purred.'), at('It purred.') + 'It purred.'.length]);
  const last = sentencePair(TEXT, TEXT.length - 2, [], null)!;
  assert.deepEqual([last.a.text, last.b.text], ['它睡着了。', '猫坐在垫子上。'], 'the last sentence is compared with the one before');
});

test('a picked B is kept while it is still a choice, otherwise the next sentence', () => {
  assert.equal(sentencePair(TEXT, at('purred'), [], at('A new'))!.b.text, 'A new paragraph starts here.');
  assert.equal(sentencePair(TEXT, at('purred'), [], 3)!.b.text, 'Then it slept.', 'not a sentence start');
  assert.equal(sentencePair(TEXT, at('purred'), [], at('It purred'))!.b.text, 'Then it slept.', 'A itself is not a choice');
});

test('the cursor between sentences belongs to the sentence before it', () => {
  assert.equal(sentencePair(TEXT, TEXT.indexOf('\n\n') + 1, [], null)!.a.text, 'Then it slept.');
});

test('two selections with words are the pair, in document order; empty or punctuation-only ones are ignored', () => {
  const sel = (s: string) => ({ start: at(s), end: at(s) + s.length });
  const p = sentencePair(TEXT, 0, [sel('Then it slept'), sel('The cat sat')], null)!;
  assert.equal(p.pick, 'selections');
  assert.deepEqual([p.a.text, p.b.text], ['The cat sat', 'Then it slept']);
  assert.deepEqual(p.choices, []);
  const one = sentencePair(TEXT, at('purred'), [sel('Then it slept'), { start: at('.'), end: at('.') + 1 }], null)!;
  assert.equal(one.pick, 'cursor', 'a selection of "." is not a sentence');
});

test('fewer than two sentences: null; a huge document is read only around the cursor, ranges and labels bounded', () => {
  assert.equal(sentencePair('Only one sentence here', 3, [], null), null);
  assert.equal(sentencePair('', 0, [], null), null);
  const huge = 'word '.repeat(2_000_000) + 'End. Next one.';
  assert.equal(sentencePair(huge, 10, [], null), null, 'no sentence end within reach of the cursor');
  const t0 = performance.now();
  const p = sentencePair(huge, huge.length - 3, [], null)!;
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(p.a.text, 'Next one.');
  assert.ok(p.b.end - p.b.start <= 4000 && p.b.text.length <= 161, 'a 20,000-character sentence is cut for the model and the label');
  assert.ok(p.b.text.endsWith('…'));
  const emoji = 'x' + '😀'.repeat(200) + '. Short one.'; // character 160 is a low surrogate
  const e = sentencePair(emoji, emoji.length - 2, [], null)!;
  assert.ok(!/[\uD800-\uDBFF]…$/.test(e.b.text), 'never cut inside a surrogate pair');
});

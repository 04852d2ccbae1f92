// The sentence pairs of scripts/nsp-sentences.ts: half true successors, half sentences of another document, the
// same draw every run (two models are compared on the same pairs), short and long lines left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sentencePairs } from '../../scripts/nsp-sentences';

const DOCS = [
  ['Rain falls from the clouds.', 'It gathers in rivers and lakes.', 'Ok.', 'The sun warms the water again.'],
  ['The market opens at dawn.', 'Traders set out their fruit.', 'Buyers come before noon.'],
  ['Cats sleep most of the day.', 'They hunt when it gets dark.'],
].map((d) => d.join('\n'));

test('pairs alternate: the next sentence of the same document, then a sentence of another one', () => {
  const pairs = sentencePairs(DOCS.join('\n\n'), 40);
  assert.equal(pairs.length, 40);
  const docOf = (s: string) => DOCS.findIndex((d) => d.split('\n').includes(s));
  pairs.forEach((p, k) => {
    assert.equal(p.next, k % 2 === 0);
    const [a, b] = [docOf(p.a), docOf(p.b)];
    assert.ok(a >= 0 && b >= 0);
    if (p.next) {
      const lines = DOCS[a].split('\n').filter((l) => l !== 'Ok.');
      assert.equal(lines[lines.indexOf(p.a) + 1], p.b);
    } else assert.notEqual(a, b);
    assert.ok(p.a !== 'Ok.' && p.b !== 'Ok.', 'sentences under 4 words are left out');
  });
});

test('the draw is the same every run; too little text is refused', () => {
  assert.deepEqual(sentencePairs(DOCS.join('\n\n'), 20), sentencePairs(DOCS.join('\n\n'), 20));
  assert.throws(() => sentencePairs(DOCS[0], 4), /at least two documents/);
});

test('Chinese sentences are kept by their length in characters, as they have no spaces', () => {
  const zh = [
    ['今天早上下了一场大雨。', '街上的行人都打着伞。', '好。'],
    ['我们明天去图书馆看书吧。', '图书馆九点钟开门。'],
  ].map((d) => d.join('\n'));
  const pairs = sentencePairs(zh.join('\n\n'), 10, 'zh');
  assert.equal(pairs.length, 10);
  assert.ok(
    pairs.every((p) => p.a !== '好。' && p.b !== '好。'),
    'sentences under 8 characters are left out',
  );
  assert.throws(() => sentencePairs(zh.join('\n\n'), 4), /at least two documents/, 'no Chinese line has 4 words');
});

// The one "words around a span" helper (core/text/context.ts) behind the hover's occurrence links, the panel's lists
// and the sense map: about `room` characters either side, never half a word, never half a surrogate pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { around, inContext } from '../../../src/core/text/context';

const plain = (text: string, s: number, e: number, room?: number) => inContext(text, s, e, room, { ellipsis: false });

test('stops at word boundaries in spaced text and keeps the word it is about', () => {
  const text = 'We sat on the bank of the river and watched the water. She went to the bank to deposit her salary.';
  const at = text.indexOf('bank');
  const s = plain(text, at, at + 4);
  assert.ok(s.includes('bank'));
  for (const w of s.split(' ')) assert.ok(text.split(/\s+/).includes(w), `"${w}" is a whole word of the text`);
  assert.equal(plain(text, at, at + 4, 5), 'the bank of');
  assert.equal(inContext(text, at, at + 4, 5), '…the bank of…');
  // A word longer than the room is dropped rather than cut; the target itself is never trimmed.
  assert.equal(plain('extraordinarily bank', 16, 20, 3), 'bank');
  assert.equal(inContext('extraordinarily bank', 16, 20, 3), '…bank');
});

test('Chinese is cut anywhere (each character is a word); mixed text keeps Latin words whole', () => {
  const zh = '下班了，你在干哈呢？朋友们举起酒杯：干杯！';
  const at = zh.indexOf('干哈');
  assert.equal(plain(zh, at, at + 1, 3), '，你在干哈呢？');
  const mixed = '我们用 BERT 模型分析';
  const b = mixed.indexOf('模');
  assert.equal(plain(mixed, b, b + 1, 4), '模型分析', 'BERT would be cut in two: left out');
  assert.equal(plain(mixed, b, b + 1, 6), 'BERT 模型分析');
});

test('parts: the space next to the span is kept, whitespace collapsed, cuts reported; `line` stays on the line', () => {
  const text = 'The river bank was muddy.\nLater the bank   raised its rates.';
  assert.deepEqual(around(text, 10, 14, 6), { before: 'river ', after: ' was', cutBefore: true, cutAfter: true });
  const later = text.lastIndexOf('bank');
  assert.deepEqual(around(text, later, later + 4, 100, { line: true }), {
    before: 'Later the ',
    after: ' raised its rates.',
    cutBefore: false,
    cutAfter: false,
  });
  assert.equal(around(text, later, later + 4, 100).before, 'The river bank was muddy. Later the ', 'a newline is whitespace');
  assert.equal(inContext('a\nbank\nb', 2, 6, 24, { line: true }), 'bank', 'never crosses a line');
});

test('never splits a surrogate pair at either edge', () => {
  const text = '😀'.repeat(30) + 'x' + '😀'.repeat(30);
  for (let room = 1; room < 12; room++) {
    const c = around(text, 60, 61, room);
    for (const part of [c.before, c.after])
      assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(part), `room ${room}: ${JSON.stringify(part)}`);
  }
});

// The sense map's context snippets (core/senses.ts snippet): about 40 characters either side, never half a word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snippet } from '../../src/core/senses';

test('a snippet stops at word boundaries in spaced text and keeps the word it is about', () => {
  const text = 'We sat on the bank of the river and watched the water. She went to the bank to deposit her salary.';
  const at = text.indexOf('bank');
  const s = snippet(text, at, at + 4);
  assert.ok(s.includes('bank'));
  for (const w of s.split(' ')) assert.ok(text.split(/\s+/).includes(w), `"${w}" is a whole word of the text`);
  assert.equal(snippet(text, at, at + 4, 5), 'the bank of');
  // A word longer than the room is dropped rather than cut; the target itself is never trimmed.
  assert.equal(snippet('extraordinarily bank', 16, 20, 3), 'bank');
});

test('Chinese is cut anywhere (each character is a word); mixed text keeps Latin words whole', () => {
  const zh = '下班了，你在干哈呢？朋友们举起酒杯：干杯！';
  const at = zh.indexOf('干哈');
  assert.equal(snippet(zh, at, at + 1, 3), '，你在干哈呢？');
  const mixed = '我们用 BERT 模型分析';
  const b = mixed.indexOf('模');
  assert.equal(snippet(mixed, b, b + 1, 4), '模型分析', 'BERT would be cut in two: left out');
  assert.equal(snippet(mixed, b, b + 1, 6), 'BERT 模型分析');
});

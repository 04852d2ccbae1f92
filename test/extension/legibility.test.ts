// Overlay labels (which words, drawn out of the line's flow, legend) and hover occurrence links (line:column, context).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketOf } from '../../src/extension/buckets';
import { lineColumn, snippet } from '../../src/extension/hover-logic';
import { LABEL_CSS, LABELLED, labelText, labelledWords, legend } from '../../src/extension/overlay-labels';

test('labels: only the k strongest words, never the focus word, never inside a word', () => {
  const text = "The animal didn't cross the street because it was too tired.";
  const span = (w: string, weight: number, from = 0) => ({ start: text.indexOf(w, from), end: text.indexOf(w, from) + w.length, weight });
  const words = [
    span('The', 0.05),
    span('animal', 0.4),
    span('didn', 0.3),
    span('cross', 0.1),
    span('street', 0.2),
    span('it', 0.9, 40),
    span('tired', 0.25),
  ];
  const focus = words.find((w) => w.weight === 0.9)!;
  const got = labelledWords(words, focus, text);
  assert.equal(got.size, LABELLED);
  assert.deepEqual([...got].map((w) => text.slice(w.start, w.end)).sort(), ['animal', 'street', 'tired']);
  assert.equal(labelledWords(words, focus, text, 1).size, 1);
  // The overlay passes only the stretch its words lie in and the offset it starts at: the same labels as from the
  // whole text, also when the stretch starts well inside the document.
  const lo = Math.min(...words.map((w) => w.start));
  const hi = Math.max(...words.map((w) => w.end)) + 1;
  assert.deepEqual(labelledWords(words, focus, text.slice(lo, hi), LABELLED, lo), got);
  const shifted = words.map((w) => ({ ...w, start: w.start + 11, end: w.end + 11 }));
  const inDoc = `${'x'.repeat(11)}${text}`;
  const fromStretch = labelledWords(shifted, { start: focus.start + 11 }, inDoc.slice(lo + 11, hi + 11), LABELLED, lo + 11);
  assert.deepEqual([...fromStretch].map((w) => inDoc.slice(w.start, w.end)).sort(), ['animal', 'street', 'tired']);
});

test('labelledWords: a Chinese character before another can carry a number (each is a word of its own)', () => {
  const text = '这只动物没有过马路，因为它太累了。';
  const at = (c: string, weight: number) => ({ start: text.indexOf(c), end: text.indexOf(c) + 1, weight });
  const words = [at('动', 0.5), at('物', 0.1), at('路', 0.2), at('它', 0.9), at('累', 0.4), at('了', 0.05)];
  const got = labelledWords(words, at('它', 0.9), text);
  assert.deepEqual([...got].map((w) => text[w.start]).sort(), ['动', '累', '路'].sort());
  // Latin letters after a Han character still end no word: "中X" keeps the label off "中".
  assert.equal(labelledWords([{ start: 0, end: 1, weight: 1 }], { start: 9 }, '中X').size, 0);
});

test('labels take no width: out of the flow, short text', () => {
  // VS Code inserts textDecoration after "text-decoration:"; what follows must take the label out of the flow.
  assert.match(LABEL_CSS, /^none;/);
  assert.match(LABEL_CSS, /position: absolute/);
  assert.ok(!/[{}]/.test(LABEL_CSS), 'cannot close the CSS rule');
  assert.equal(labelText(0.4213), '.42');
  assert.equal(labelText(0.005), '.01');
  assert.equal(labelText(1), '1.0');
});

test('legend: each shade covers the weights bucketOf puts in it', () => {
  const max = 0.4;
  const ranges = legend(max);
  assert.equal(ranges.length, 6);
  ranges.forEach((r, b) => {
    const mid = (r.from + r.to) / 2;
    assert.equal(bucketOf(mid, max), b, `bucket ${b}`);
    assert.equal(bucketOf(r.from * 0.999, max), b - 1 >= 0 ? b - 1 : -1);
  });
  assert.ok(Math.abs(ranges[5].to - max) < 1e-12);
});

test('occurrence links: line:column and the words around, distinct on one line', () => {
  const text = 'Intro line.\nThe bank by the river, and the bank that lends money, and a third bank here.\nEnd.';
  const at = (n: number) => {
    let i = -1;
    for (let k = 0; k <= n; k++) i = text.indexOf('bank', i + 1);
    return i;
  };
  const pos = (o: number) => ({ line: text.slice(0, o).split('\n').length - 1, character: o - text.lastIndexOf('\n', o - 1) - 1 });
  const labels = [0, 1, 2].map((n) => `${lineColumn(pos(at(n)))} ${snippet(text, at(n), at(n) + 4)}`);
  assert.deepEqual(labels, ['2:5 The bank by the river,…', '2:32 …river, and the bank that lends…', '2:67 …and a third bank here.']);
  assert.equal(new Set(labels).size, 3);
  assert.equal(snippet('(bank), yes', 1, 5), '(bank), yes', 'punctuation glued to the word stays');
  assert.equal(snippet('a\nbank\nb', 2, 6), 'bank', 'never crosses a line');
  const zh = '我们'.repeat(200) + '银行' + '我们'.repeat(200);
  assert.equal(snippet(zh, 400, 402).length, 1 + 16 + 2 + 16 + 1, 'a long Chinese line is cut too (was: the whole line)');
});

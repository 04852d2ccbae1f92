// Decoration bucketing, staleness tickets/debounce, sentence splitting and attention math — the vscode-free logic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKETS, bucketAlpha, bucketOf, bucketize } from '../../src/extension/buckets';
import { Debouncer, RenderGate } from '../../src/extension/staleness';
import { adjacentPairs, sentences } from '../../src/core/text/sentences';
import { answerToExplain, fmtScore, maskLiteralAt, masksInParagraph, matchCase } from '../../src/extension/tasks-logic';
import { onlyMaskAt } from '../../src/core/mlm';

test('bucketOf: relative to the max, tiny weights dropped, strongest in the top bucket', () => {
  assert.equal(bucketOf(1, 1), BUCKETS - 1);
  assert.equal(bucketOf(0.5, 0.5), BUCKETS - 1);
  assert.equal(bucketOf(0.01, 1), -1);
  assert.equal(bucketOf(0.1, 1), -1, 'below an eighth of the max is not drawn');
  assert.equal(bucketOf(0, 1), -1);
  assert.equal(bucketOf(0.3, 0), -1);
  const bs = [0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1].map((w) => bucketOf(w, 1));
  assert.deepEqual(
    [...bs].sort((a, b) => a - b),
    bs,
    'monotone',
  );
});

test('bucketize returns every bucket, excludes the focus word', () => {
  const items = [
    { start: 0, end: 3, weight: 0.6 },
    { start: 4, end: 6, weight: 0.3 },
    { start: 7, end: 9, weight: 0.1 },
    { start: 10, end: 12, weight: 0.001 },
  ];
  const out = bucketize(items, BUCKETS, { start: 0, end: 3 });
  assert.equal(out.length, BUCKETS);
  const flat = out.flat();
  assert.equal(flat.length, 2);
  assert.ok(
    out[BUCKETS - 1].some((x) => x.start === 4),
    'strongest remaining word is in the top bucket',
  );
  assert.ok(!flat.some((x) => x.start === 0));
  assert.deepEqual(bucketize([], 3), [[], [], []]);
});

test('bucketAlpha increases', () => {
  for (let b = 1; b < BUCKETS; b++) assert.ok(bucketAlpha(b) > bucketAlpha(b - 1));
});

test('RenderGate: a newer ticket or a new document version makes a result stale', () => {
  const g = new RenderGate();
  const t1 = g.begin('attention', 'file:///a', 1);
  assert.equal(g.isCurrent(t1, 1), true);
  assert.equal(g.isCurrent(t1, 2), false, 'document edited meanwhile');
  const t2 = g.begin('attention', 'file:///a', 1);
  assert.equal(g.isCurrent(t1, 1), false, 'superseded');
  assert.equal(g.isCurrent(t2, 1), true);
  const other = g.begin('qa', 'file:///a', 1);
  assert.equal(g.isCurrent(t2, 1), true, 'views are independent');
  g.end('attention');
  assert.equal(g.isCurrent(t2, 1), false);
  assert.equal(g.isCurrent(other, 1), true);
});

test('Debouncer fires once after the last trigger; cancel drops it', async () => {
  let n = 0;
  const d = new Debouncer(20, () => n++);
  d.trigger();
  d.trigger();
  d.trigger();
  assert.equal(d.pending, true);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(n, 1);
  d.trigger();
  d.cancel();
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(n, 1);
});

test('sentences: spans are exact, split on . ! ? and CJK stops, blank lines break pairs', () => {
  const text = 'The animal was tired. It slept!  Did it?\n\nNew paragraph here. 今天下雨。明天晴。';
  const s = sentences(text);
  assert.deepEqual(
    s.map((x) => x.text),
    ['The animal was tired.', 'It slept!', 'Did it?', 'New paragraph here.', '今天下雨。', '明天晴。'],
  );
  for (const x of s) assert.equal(text.slice(x.start, x.end), x.text);
  const pairs = adjacentPairs(text).map(([a, b]) => `${a.text} | ${b.text}`);
  assert.deepEqual(pairs, [
    'The animal was tired. | It slept!',
    'It slept! | Did it?',
    'New paragraph here. | 今天下雨。',
    '今天下雨。 | 明天晴。',
  ]);
  assert.deepEqual(sentences('   '), []);
});

test('matchCase keeps the original capitalisation', () => {
  assert.equal(matchCase('Paris', 'london'), 'London');
  assert.equal(matchCase('NASA', 'esa'), 'ESA');
  assert.equal(matchCase('river', 'lake'), 'lake');
  assert.equal(matchCase('[MASK]', 'paris'), 'paris');
});

test('fmtScore never shows a positive score as 0.00', () => {
  assert.equal(fmtScore(0.8765), '0.88');
  assert.equal(fmtScore(0.0022358), '0.0022');
  assert.equal(fmtScore(0), '0.00');
});

test("masksInParagraph counts the [MASK]s of the cursor's paragraph only", () => {
  const text = 'A [MASK] here.\n\nThe [MASK] sat on the [MASK].\n\nLast [MASK].';
  assert.equal(masksInParagraph(text, text.indexOf('sat')), 2);
  assert.equal(masksInParagraph(text, 3), 1);
  assert.equal(masksInParagraph('no masks', 2), 0);
  assert.equal(masksInParagraph('北京是【MASK】国的［MASK］都，[MASK]。', 0), 3, 'as a Chinese input method types them');
});

test('a [MASK] typed as ［MASK］ or 【MASK】 is a literal under the cursor; the others are blanked around it', () => {
  const text = '北京是【MASK】国的［MASK］都 [MASK] [mask]';
  const at = text.indexOf('【');
  for (const o of [at, at + 3, at + 6]) assert.deepEqual(maskLiteralAt(text, o), { start: at, end: at + 6 }, `offset ${o}`);
  assert.equal(maskLiteralAt(text, text.indexOf('[mask]') + 2), undefined, 'lower case is not one');
  const only = onlyMaskAt(text, text.indexOf('［'));
  assert.equal(only, '北京是      国的［MASK］都        [mask]');
  assert.equal(only.length, text.length);
  assert.equal(matchCase('［MASK］', 'went'), 'went');
  assert.equal(matchCase('【MASK】', 'went'), 'went');
});

test('answerToExplain: the linked answer, else the one at the selection or cursor, else the best', () => {
  const answers = [
    { start: 10, end: 20 },
    { start: 40, end: 45 },
  ];
  assert.equal(answerToExplain(answers, { start: 0, end: 0 }), answers[0]);
  assert.equal(answerToExplain(answers, { start: 40, end: 45 }), answers[1]); // picked in the list: selected
  assert.equal(answerToExplain(answers, { start: 43, end: 43 }), answers[1]); // the cursor inside it
  assert.equal(answerToExplain(answers, { start: 45, end: 45 }), answers[1]); // just after it
  assert.equal(answerToExplain(answers, { start: 30, end: 30 }), answers[0]);
  assert.equal(answerToExplain(answers, { start: 15, end: 15 }, 1), answers[1]);
  assert.equal(answerToExplain(answers, { start: 15, end: 15 }, 5), undefined);
  assert.equal(answerToExplain([], { start: 0, end: 0 }), undefined);
});

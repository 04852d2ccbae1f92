// Host-side shaping of worker results into panel messages, and the CSP-locked HTML shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ablateData,
  occludeData,
  compareData,
  focusIn,
  gridData,
  headData,
  inspectData,
  lensData,
  qaData,
  poolSquare,
  maskingData,
  referenceData,
  positionsData,
  sentencesData,
  occurrencesData,
  senseData,
  snippet,
} from '../../src/extension/panel/shape';
import { newNonce, panelHtml } from '../../src/extension/panel/html';
import { validateHostMessage } from '../../src/shared/panel-protocol';
import { positionRows } from '../../src/core/qa-positions';
import { rng } from '../../src/extension/panel/cluster';
import type { AttentionMatrix } from '../../src/worker/protocol';

function matrix(layers: number, heads: number, words: string[]): AttentionMatrix {
  const n = words.length;
  const weights = new Float32Array(layers * heads * n * n);
  for (let m = 0; m < layers * heads; m++) for (let i = 0; i < n; i++) weights[(m * n + i) * n + ((i + m) % n)] = 1; // one-hot rows
  let pos = 0;
  const spans = words.map((text) => {
    const s = { text, start: pos, end: pos + text.length };
    pos += text.length + 1;
    return s;
  });
  return {
    window: { start: 0, end: pos - 1 },
    words: spans,
    focus: 1,
    layers,
    heads,
    weights,
    rollout: new Float32Array(n * n).fill(1 / n),
    census: Array.from({ length: layers * heads }, () => 'broad' as const),
  };
}

test('headData: one layer of focus rows, rollout row, truncation flag, valid protocol message', () => {
  const m = matrix(3, 2, ['the', 'river', 'bank', 'flooded']);
  const d = headData(m, 1, 2, false, 100);
  assert.equal(d.weights.length, 2 * 4);
  // layer 2 → m = 2*1 + h; one-hot at (i + m) % n with i = 1
  assert.deepEqual(Array.from(d.weights), [0, 0, 0, 1, 1, 0, 0, 0]);
  assert.equal(d.truncated, true); // window ends before the document does
  assert.equal(headData(m, 1, 2, false, m.window.end).truncated, false);
  const r = headData(m, 1, 9, true, m.window.end);
  assert.equal(r.layer, 0);
  assert.deepEqual(Array.from(r.weights), [0.25, 0.25, 0.25, 0.25]);
  assert.equal(headData(m, 1, 99, false, 0).layer, 3, 'layer clamped to the model');
  assert.equal(typeof validateHostMessage({ type: 'head', seq: 1, data: d }), 'object');
  assert.equal(focusIn(m, 5, 5), 1);
  assert.equal(focusIn(m, 10, 5), 2, 'another offset in the cached window → the word under it');
});

test('gridData: compact thumbnails for every layer × head', () => {
  const m = matrix(2, 3, ['a', 'b', 'c', 'd', 'e', 'f']);
  const g = gridData(m, 0, 3);
  assert.equal(g.size, 3);
  assert.equal(g.thumbs.length, 2 * 3 * 9);
  assert.ok(
    g.focusRow.every((x) => Math.abs(x - 1) < 1e-6),
    'one-hot rows are fully focused',
  );
  assert.deepEqual(g.labels, m.census, 'the census labels travel with the grid');
  assert.equal(typeof validateHostMessage({ type: 'model', seq: 1, data: g }), 'object');
});

test('senseData: two usages of a word separate into two clusters on PC1', () => {
  const r = rng(5);
  const dims = 16,
    per = 6;
  const items = [],
    vec = new Float32Array(2 * per * dims);
  for (let i = 0; i < 2 * per; i++) {
    items.push({ text: 'bank', start: i * 10, end: i * 10 + 4, context: i < per ? 'river bank' : 'bank loan', at: i < per ? 6 : 0 });
    for (let j = 0; j < dims; j++) vec[i * dims + j] = (i < per ? (j < 8 ? 1 : 0) : j < 8 ? 0 : 1) + (r() - 0.5) * 0.1;
  }
  const d = senseData({ items, dims, vectors: vec }, 'bank', 0);
  assert.equal(d.k, 2);
  assert.ok((d.silhouette ?? 0) > 0.8);
  assert.ok(d.explained[0] > 0.8, `PC1 explains ${d.explained[0]}`);
  const a = new Set(d.clusters.slice(0, per)),
    b = new Set(d.clusters.slice(per));
  assert.equal(a.size, 1);
  assert.equal(b.size, 1);
  assert.notDeepEqual([...a], [...b]);
  // the clusters sit on opposite sides of PC1
  assert.ok(Math.sign(d.points[0]) !== Math.sign(d.points[2 * per]));
  assert.equal(typeof validateHostMessage({ type: 'sense', seq: 1, data: d }), 'object');
  assert.equal(d.pairCosine, undefined, 'twelve points are grouped, not paired');
  // Two occurrences: no grouping is possible, so the cosine the worker measured is passed on instead.
  const pairVectors = Float32Array.of(...vec.subarray(0, dims), ...vec.subarray(per * dims, (per + 1) * dims));
  const two = senseData({ items: [items[0], items[per]], dims, vectors: pairVectors, pairCosine: 0.07 }, 'bank', 0);
  assert.equal(two.k, 1);
  assert.equal(two.pairCosine, 0.07, 'passed through from the worker (core/senses.ts)');
  assert.equal(typeof validateHostMessage({ type: 'sense', seq: 1, data: two }), 'object');
  assert.equal(
    typeof validateHostMessage({ type: 'sense', seq: 1, data: { ...d, pairCosine: 0.5 } }),
    'string',
    'a pair cosine needs exactly two items',
  );
  const one = senseData({ items: items.slice(0, 1), dims, vectors: vec.slice(0, dims) }, 'bank', 0);
  assert.equal(one.k, 1);
  assert.equal(one.silhouette, null);
  assert.equal(typeof validateHostMessage({ type: 'sense', seq: 1, data: one }), 'object');
});

test('snippets, inspect and QA shaping', () => {
  const text = 'The river bank was muddy.\nLater the bank   raised its rates.';
  assert.deepEqual(snippet(text, 10, 14, 6), { before: '…river ', after: ' was…' }, 'whole words: not "was m…"');
  assert.deepEqual(snippet(text, 0, 3, 100), { before: '', after: text.slice(3).replace(/\s+/g, ' ') });
  const ins = inspectData(
    {
      model: 'bert-lens-mini',
      word: { text: 'bank', start: 10, end: 14 },
      layer: 'last',
      partial: false,
      static: { source: 'w2v', inVocabulary: true, neighbours: [{ word: 'banks', score: 0.8 }] },
      substitutes: [{ word: 'shore', score: 0.4 }],
      neighbours: [{ word: 'river', score: 0.7, start: 4, end: 9 }],
      occurrences: [{ start: 36, end: 40, similarity: 0.42 }],
      occurrencesTotal: 1,
    },
    text,
  );
  assert.equal(ins.staticSource, 'w2v');
  assert.ok(ins.occurrences[0].snippet.includes('the bank raised'));
  assert.equal(typeof validateHostMessage({ type: 'inspect', seq: 1, data: ins }), 'object');
  const noStatic = inspectData(
    { ...({} as any), word: { text: 'x', start: 0, end: 1 }, static: null, substitutes: [], neighbours: [], occurrences: [] },
    text,
  );
  assert.equal(noStatic.staticSource, null);
  const qa = qaData({ answers: [{ text: 'muddy', start: 19, end: 24, score: 0.7 }] }, 'How was the bank?', text);
  assert.equal(qa.answers[0].before, 'The river bank was ');
  assert.equal(typeof validateHostMessage({ type: 'qa', seq: 1, data: qa }), 'object');
  assert.equal(qa.questionCut, undefined);
  const cut = qaData({ answers: [], questionCut: { kept: 64, of: 90 } }, 'How was the bank?', text);
  assert.deepEqual(cut.questionCut, { kept: 64, of: 90 });
  assert.equal(typeof validateHostMessage({ type: 'qa', seq: 1, data: cut }), 'object');
  assert.equal(typeof validateHostMessage({ type: 'qa', seq: 1, data: { ...cut, questionCut: { kept: '64', of: 90 } } }), 'string');
  // The no-answer share travels with the answers (its absence too), and must be a probability.
  assert.equal(qa.noAnswer, undefined);
  const none = qaData({ answers: [], noAnswerScore: 0.93 }, 'How was the bank?', text);
  assert.equal(none.noAnswer, 0.93);
  assert.equal(typeof validateHostMessage({ type: 'qa', seq: 1, data: none }), 'object');
  assert.equal(typeof validateHostMessage({ type: 'qa', seq: 1, data: { ...none, noAnswer: 1.5 } }), 'string');
  assert.equal(qaData({ answers: [], noAnswerScore: NaN }, 'How was the bank?', text).noAnswer, undefined);
});

test('positionRows: the best pair ± 4 tokens and the most likely start and end elsewhere, with gaps; the rest sums to 1', () => {
  // 20 tokens; the pair is 10..11; the window's most likely end is token 18 (outside the pair's neighbourhood).
  const tokens = Array.from({ length: 20 }, (_, i) => ({ text: `t${i}`, start: i, end: i + 1, pStart: 0.01, pEnd: 0.01 }));
  tokens[10].pStart = 0.5;
  tokens[11].pEnd = 0.3;
  tokens[18].pEnd = 0.4;
  const cls = { pStart: 0.1, pEnd: 0.05 };
  const d = positionRows({ window: 2, windows: 5, tokens, answer: [10, 11], cls });
  assert.deepEqual(
    d.rows.map((r) => [r.text, r.answer, r.gap]),
    [
      ['t6', false, true],
      ['t7', false, false],
      ['t8', false, false],
      ['t9', false, false],
      ['t10', true, false],
      ['t11', true, false],
      ['t12', false, false],
      ['t13', false, false],
      ['t14', false, false],
      ['t15', false, false],
      ['t18', false, true],
    ],
  );
  // Listed: 10 tokens at 0.01 + 0.5 (start) and [CLS] 0.1 → the rest 1 − 0.7 = 0.3.
  assert.ok(Math.abs(d.rest.pStart - 0.3) < 1e-12 && Math.abs(d.rest.pEnd - (1 - 0.05 - 0.09 - 0.3 - 0.4)) < 1e-12);
  assert.deepEqual([d.window, d.windows, d.cls], [2, 5, cls]);
  const msg = { type: 'qa', seq: 1, data: { question: 'q', answers: [], positions: d } };
  assert.equal(typeof validateHostMessage(msg), 'object');
  const bad = { ...d, rows: [{ ...d.rows[0], pStart: 1.5 }] };
  assert.equal(typeof validateHostMessage({ ...msg, data: { ...msg.data, positions: bad } }), 'string');
  assert.equal(typeof validateHostMessage({ ...msg, data: { ...msg.data, positions: { ...d, window: 5 } } }), 'string');
});

test("panel HTML: strict CSP, one nonce'd script, no inline styles, fresh nonce per load", () => {
  const html = panelHtml({
    cspSource: 'vscode-webview://abc',
    nonce: 'N0nce',
    scriptUri: 'vscode-webview://abc/panel.js',
    styleUri: 'vscode-webview://abc/panel.css',
    lang: 'zh-cn',
  });
  assert.ok(
    html.includes(
      `content="default-src 'none'; img-src vscode-webview://abc data:; style-src vscode-webview://abc; script-src 'nonce-N0nce';"`,
    ),
  );
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(html.includes('<script nonce="N0nce" src="vscode-webview://abc/panel.js"></script>'));
  assert.ok(!/style=|<style/.test(html));
  assert.ok(!/https?:/.test(html));
  const a = newNonce(),
    b = newNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9]{16,}$/);
});

test('logit lens shaping: layers with plain {word, score} predictions, or the error text', () => {
  const r = {
    start: 4,
    end: 8,
    layers: [
      { layer: 0, predictions: [{ word: 'the', score: 0.1 }] },
      { layer: 1, predictions: [{ word: 'shore', score: 0.3 }] },
    ],
  };
  assert.deepEqual(lensData(r), { lens: r.layers });
  assert.deepEqual(lensData('no head'), { lensError: 'no head' });
});

test('ablateData: heads as flat indices, the map flattened row by row, a QA answer as the one prediction; it validates', () => {
  const mask = ablateData({
    task: 'mask',
    layers: 2,
    heads: 3,
    target: 'shore',
    start: 4,
    end: 9,
    base: 0.4,
    off: [{ layer: 2, head: 1 }],
    score: 0.1,
    prediction: { text: 'river', score: 0.3 },
    predictions: [{ word: 'river', score: 0.3 }],
    importance: [
      [0.1, 0.2, 0.3],
      [0.4, -0.5, 0.6],
    ],
  });
  assert.deepEqual(mask.off, [4]);
  assert.deepEqual(mask.importance, [0.1, 0.2, 0.3, 0.4, -0.5, 0.6]);
  assert.equal(typeof validateHostMessage({ type: 'ablate', seq: 1, data: mask }), 'object');
  const qaResult = {
    task: 'qa' as const,
    layers: 2,
    heads: 3,
    target: 'the bank',
    start: 10,
    end: 18,
    base: 0.2,
    off: [],
    score: 0.2,
    prediction: { text: 'the bank', score: 0.2, start: 10, end: 18 },
  };
  const qa = ablateData(qaResult);
  assert.deepEqual(qa.predictions, [{ word: 'the bank', score: 0.2, start: 10, end: 18 }]);
  assert.equal(qa.importance, null);
  assert.equal(typeof validateHostMessage({ type: 'ablate', seq: 1, data: qa }), 'object');
  assert.equal(qa.questionCut, undefined);
  const cut = ablateData({ ...qaResult, questionCut: { kept: 64, of: 90 } });
  assert.deepEqual(cut.questionCut, { kept: 64, of: 90 });
  assert.equal(typeof validateHostMessage({ type: 'ablate', seq: 1, data: cut }), 'object');
  assert.equal(typeof validateHostMessage({ type: 'ablate', seq: 1, data: { ...cut, questionCut: { kept: 64 } } }), 'string');
  // No span of the window qualifies with the heads off (core: text ''): no prediction, not an empty one.
  const none = ablateData({ ...qaResult, off: [{ layer: 1, head: 0 }], score: 0.01, prediction: { text: '', score: 0 } });
  assert.deepEqual(none.predictions, []);
  assert.equal(typeof validateHostMessage({ type: 'ablate', seq: 1, data: none }), 'object');
});

test('occludeData: the result, the model and the text read; a cut question passes through; it validates', () => {
  const r = {
    task: 'qa' as const,
    target: 'Paris',
    start: 27,
    end: 32,
    base: 0.5,
    model: 'bert-lens-mini-qa',
    read: { start: 0, end: 40 },
    words: [{ word: 'Anna', start: 20, end: 24, score: 0.4, delta: 0.1 }],
  };
  const d = occludeData(r);
  assert.equal(d.questionCut, undefined);
  assert.equal(typeof validateHostMessage({ type: 'occlude', seq: 1, data: d }), 'object');
  const cut = occludeData({ ...r, questionCut: { kept: 64, of: 90 } });
  assert.deepEqual(cut.questionCut, { kept: 64, of: 90 });
  assert.equal(typeof validateHostMessage({ type: 'occlude', seq: 1, data: cut }), 'object');
  assert.equal(typeof validateHostMessage({ type: 'occlude', seq: 1, data: { ...cut, questionCut: { kept: -1, of: 90 } } }), 'string');
});

test('compareData: pieces as one string, attention as [layers][words] Float32Arrays, notes merged; it validates', () => {
  const span = (text: string, start: number) => ({ text, start, end: start + text.length });
  const r = {
    focus: { ...span('bank', 4), index: 1 },
    masked: 'word' as const,
    words: [
      { ...span('the', 0), a: ['the'], b: ['the'], unknown: { a: 0, b: 0 }, same: true },
      { ...span('bank', 4), a: ['bank'], b: ['ban', '##k'], unknown: { a: 0, b: 0 }, same: false },
    ],
    a: {
      model: 'a',
      layers: 2,
      heads: 2,
      vocabSize: 10,
      window: { start: 0, end: 8 },
      tokens: 2,
      unknown: 0,
      attention: {
        layers: [
          [0.25, 0.75],
          [0.5, 0.5],
        ],
        rollout: [0.4, 0.6],
      },
      predictions: [{ word: 'shore', score: 0.5 }],
    },
    b: {
      model: 'b',
      layers: 1,
      heads: 1,
      vocabSize: 12,
      window: { start: 0, end: 8 },
      tokens: 3,
      unknown: 0,
      attention: null,
      attentionError: 'fused.',
      predictions: null,
      predictionsError: 'no MLM head.',
    },
    depth: [
      { a: 1, b: 1, divergence: null },
      { a: 2, b: 1, divergence: null },
    ],
    rollout: null,
    divergence: 'jensen-shannon, bits' as const,
    top1: null,
  };
  const d = compareData(r, ['a', 'b'], 'b');
  const res = d.result!;
  assert.deepEqual(
    res.words.map((w) => [w.a, w.b, w.same]),
    [
      ['the', 'the', true],
      ['bank', 'ban ##k', false],
    ],
  );
  assert.deepEqual(Array.from(res.a.attention!), [0.25, 0.75, 0.5, 0.5]);
  assert.deepEqual(
    Array.from(res.a.rollout!).map((x) => +x.toFixed(3)),
    [0.4, 0.6],
  );
  assert.equal(res.b.attention, null);
  assert.equal(res.b.note, 'fused. no MLM head.');
  assert.equal(res.a.note, null);
  assert.equal(res.agree, null);
  assert.equal(typeof validateHostMessage({ type: 'compare', seq: 1, data: d }), 'object');
});

test('sentencesData: the pair, the layers, the model used, truncated when either sentence was cut; validates', () => {
  const pair = { pick: 'cursor' as const, a: { text: 'A.', start: 0, end: 2 }, b: { text: 'B.', start: 3, end: 5 }, choices: [] };
  const r = {
    a: { tokens: 2, truncated: false },
    b: { tokens: 126, truncated: true },
    layers: [{ layer: 0, cosine: 0.5, shuffled: 0.25 }],
    model: 'bert-lens-mini',
    isNext: 0.75,
  };
  const d = sentencesData(r, pair);
  assert.deepEqual(d, { ...pair, model: 'bert-lens-mini', layers: r.layers, tokens: { a: 2, b: 126, truncated: true }, isNext: 0.75 });
  assert.equal(typeof validateHostMessage({ type: 'sentences', seq: 1, data: d }), 'object');
  // Each fits alone but not together: NSP read the pair cut, and the note says a sentence was cut.
  const whole = { ...r, b: { tokens: 70, truncated: false } };
  assert.equal(sentencesData(whole, pair).tokens.truncated, false);
  assert.equal(sentencesData({ ...whole, nspCut: true }, pair).tokens.truncated, true);
});

test('occurrencesData: each occurrence in its context, A left out of the choices, neighbours as ranked words; validates', () => {
  const text = 'We sat on the bank of the river. She went to the bank to deposit money.';
  const at = (n: number) => (n === 0 ? text.indexOf('bank') : text.lastIndexOf('bank'));
  const span = (i: number) => ({ text: 'bank', start: at(i), end: at(i) + 4 });
  const r = {
    a: span(1),
    b: span(0),
    layers: [
      { layer: 0, similarity: 0.9 },
      { layer: 1, similarity: 0.4 },
    ],
    neighbours: { a: [{ word: 'deposit', score: 0.5, start: 52, end: 59 }], b: [{ word: 'river', score: 0.6, start: 26, end: 31 }] },
    model: 'bert-lens-mini',
    occurrences: [0, 1].map((i) => ({ start: at(i), end: at(i) + 4 })),
    total: 2,
  };
  const d = occurrencesData(r, text);
  assert.equal(d.a.context, '…of the river. She went to the bank to deposit money.', 'whole words, 30 characters a side');
  assert.deepEqual(
    d.choices.map((c) => c.start),
    [at(0)],
    'A is not a choice',
  );
  assert.equal(d.b.context, 'We sat on the bank of the river. She went to the…');
  assert.deepEqual(d.neighbours.b, [{ word: 'river', score: 0.6, start: 26, end: 31 }]);
  assert.equal(typeof validateHostMessage({ type: 'occurrences', seq: 1, data: d }), 'object');
});

test('positions: maps pooled to at most 128 cells a side (block means, uneven blocks too); small models shown whole; it validates', () => {
  // 5 × 5 map of i·5 + j pooled to 2 × 2: blocks rows/cols [0, 3) and [3, 5) (edges round(c·5/2) = 0, 2.5→3, 5).
  const m = Float32Array.from({ length: 25 }, (_, k) => k);
  const mean = (rows: number[], cols: number[]) =>
    rows.flatMap((i) => cols.map((j) => i * 5 + j)).reduce((a, b) => a + b) / (rows.length * cols.length);
  assert.deepEqual(Array.from(poolSquare(m, 5, 2)), [
    mean([0, 1, 2], [0, 1, 2]),
    mean([0, 1, 2], [3, 4]),
    mean([3, 4], [0, 1, 2]),
    mean([3, 4], [3, 4]),
  ]);
  assert.equal(poolSquare(m, 5, 5), m, 'no pooling when it fits');
  const stats = (n: number) => ({ similarity: new Float32Array(n * n).fill(0.5), byDistance: Array(n).fill(0.5), norms: Array(n).fill(1) });
  const big = positionsData({ model: 'b', positions: 4096, compared: 512, dims: 4, learned: stats(512), sinusoid: stats(512) });
  assert.deepEqual([big.size, big.learned.length, big.byDistance.learned.length], [128, 128 * 128, 512]);
  assert.ok(Math.abs(big.learned[777] - 0.5) < 1e-6);
  const small = positionsData({ model: 's', positions: 128, compared: 128, dims: 4, learned: stats(128), sinusoid: stats(128) });
  assert.equal(small.size, 128);
  assert.equal(typeof validateHostMessage({ type: 'positions', seq: 1, data: big }), 'object');
  const bad = (data: unknown) => validateHostMessage({ type: 'positions', seq: 1, data });
  assert.equal(typeof bad({ ...big, size: 600 }), 'string', 'more cells than positions');
  assert.equal(typeof bad({ ...big, compared: 5000 }), 'string', 'more compared than the table has');
  assert.equal(typeof bad({ ...big, learned: new Float32Array(4) }), 'string', 'map of the wrong size');
  assert.equal(typeof bad({ ...big, byDistance: { ...big.byDistance, sinusoid: [2] } }), 'string');
});

test('maskingData: offsets into the text read (which starts at read.start in the document); it validates', () => {
  const doc = 'Intro.\n\nThe cat sat on the mat.';
  const item = (start: number, end: number, shown: 'mask' | 'random' | 'same') => ({
    start,
    end,
    original: doc.slice(start, end).toLowerCase(),
    shown,
    as: shown === 'mask' ? '[MASK]' : 'dog',
    predictions: [{ word: 'cat', score: 0.5 }],
    correct: true,
  });
  const r = {
    model: 'm',
    read: { start: 8, end: doc.length },
    pieces: 7,
    rate: 0.15,
    seed: 2,
    items: [item(12, 15, 'mask'), item(27, 30, 'random')],
    correct: 2,
  };
  const d = maskingData(r, doc);
  assert.equal(d.text, 'The cat sat on the mat.');
  assert.equal(d.offset, 8);
  assert.deepEqual(
    d.items.map((x) => d.text.slice(x.start, x.end)),
    ['cat', 'mat'],
  );
  assert.equal(typeof validateHostMessage({ type: 'masking', seq: 1, data: d }), 'object');
  const bad = (data: unknown) => validateHostMessage({ type: 'masking', seq: 1, data });
  assert.equal(typeof bad({ ...d, items: [{ ...d.items[0], end: 99 }] }), 'string', 'a piece past the text');
  assert.equal(typeof bad({ ...d, items: [{ ...d.items[0], shown: 'hidden' }] }), 'string');
  assert.equal(typeof bad({ ...d, text: 'x'.repeat(5000) }), 'string', 'text over the cap');
});

test("referenceData: the search as the panel shows it (strings cut to the validator's bound); it validates", () => {
  const m = (word: string, score: number) => ({
    word,
    score,
    position: 3,
    before: 'the central ',
    after: ' of the state',
    cutBefore: true,
    cutAfter: false,
  });
  const r = {
    model: 'm',
    corpus: 'reference-en',
    layer: 2,
    layers: 4,
    searched: 50_000,
    passages: 900,
    word: { text: 'bank', start: 10, end: 14 },
    position: 3,
    matches: [m('bank', 0.9), m('river', 0.8), m('Bank', 0.7)],
    sameWord: 2,
    words: [
      { word: 'bank', count: 2 },
      { word: 'river', count: 1 },
    ],
  };
  const d = referenceData(r);
  assert.deepEqual([d.word, d.layer, d.layers, d.sameWord, d.matches.length], ['bank', 2, 4, 2, 3]);
  assert.equal(typeof validateHostMessage({ type: 'reference', seq: 1, data: d }), 'object');
  const long = referenceData({ ...r, matches: [{ ...m('x', 0.5), before: 'y'.repeat(1000) }], sameWord: 0 });
  assert.equal(long.matches[0].before.length, 400);
  assert.equal(typeof validateHostMessage({ type: 'reference', seq: 1, data: long }), 'object');
  const bad = (data: unknown) => validateHostMessage({ type: 'reference', seq: 1, data });
  assert.equal(typeof bad({ ...d, layer: 5 }), 'string', 'a layer past the model');
  assert.equal(typeof bad({ ...d, sameWord: 4 }), 'string', 'more of the same word than matches');
  assert.equal(typeof bad({ ...d, matches: [{ ...d.matches[0], position: -1 }] }), 'string', 'a negative position');
  assert.equal(typeof bad({ ...d, matches: [{ ...d.matches[0], score: NaN }] }), 'string', 'a NaN score is refused');
  assert.equal(typeof bad({ ...d, matches: Array(101).fill(d.matches[0]), sameWord: 0 }), 'string', 'over the cap');
});

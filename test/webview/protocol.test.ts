// Message validation on both sides: every well-formed message passes, malformed and unknown ones are dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateHostMessage, validateWebviewMessage, type HostMessage, type WebviewMessage } from '../../src/shared/panel-protocol';

const span = (text: string, start: number) => ({ text, start, end: start + text.length });
const words = [span('the', 0), span('bank', 4), span('river', 9)];

const goodHost: HostMessage[] = [
  { type: 'init', language: 'zh-cn', model: { id: 'tiny', layers: 2, heads: 2 } },
  { type: 'init', language: 'en', model: null },
  { type: 'focus', focus: { uri: 'file:///a.txt', version: 3, word: span('bank', 4), fileName: 'a.txt' } },
  { type: 'focus', focus: null },
  { type: 'error', section: null, seq: 0, message: 'Model failed to load. Pick another in settings.' },
  {
    type: 'head',
    seq: 2,
    data: { words, focus: 1, layers: 2, heads: 2, layer: 1, rollout: false, weights: new Float32Array(6), truncated: false },
  },
  {
    type: 'head',
    seq: 2,
    data: { words, focus: 1, layers: 2, heads: 2, layer: 0, rollout: true, weights: new Float32Array(3), truncated: true },
  },
  {
    type: 'model',
    seq: 3,
    data: {
      words: 3,
      layers: 2,
      heads: 2,
      size: 3,
      thumbs: new Uint8Array(36),
      focusRow: new Float32Array(4),
      labels: ['broad', 'previous-token', '[SEP] sink', 'mixed'],
    },
  },
  {
    type: 'explain',
    seq: 4,
    data: {
      layer: 1,
      head: 0,
      headDim: 2,
      from: words[1],
      words,
      query: [1, 2],
      keys: [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      values: [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      scores: [1, 2, 3],
      scaled: [1, 2, 3],
      weights: [0.2, 0.3, 0.5],
      output: [0.7, 0.8],
      heads: 2,
      hidden: 4,
    },
  },
  {
    type: 'inspect',
    seq: 5,
    data: {
      word: words[1],
      staticSource: null,
      inVocabulary: false,
      staticNeighbours: [],
      substitutes: [{ word: 'shore', score: 0.3 }],
      documentNeighbours: [{ word: 'river', score: 0.8, start: 9, end: 14 }],
      occurrences: [{ start: 20, end: 24, similarity: 0.5, snippet: '…bank…' }],
      occurrencesTotal: 1,
    },
  },
  {
    type: 'sense',
    seq: 6,
    data: {
      word: 'bank',
      layer: 4,
      items: [{ text: 'bank', start: 4, end: 8, context: 'the bank', at: 4 }],
      points: new Float32Array(2),
      clusters: new Uint8Array(1),
      k: 1,
      silhouette: null,
      explained: [0.6, 0.2],
    },
  },
  {
    type: 'qa',
    seq: 7,
    data: { question: 'where?', answers: [{ text: 'river', start: 9, end: 14, score: 0.9, before: 'the bank ', after: '' }] },
  },
  {
    type: 'ablate',
    seq: 10,
    data: {
      task: 'mask',
      target: 'shore',
      start: 4,
      end: 8,
      layers: 2,
      heads: 2,
      base: 0.3,
      off: [3],
      score: 0.1,
      predictions: [{ word: 'river', score: 0.2 }],
      importance: [0.1, -0.05, 0, 0.2],
    },
  },
  {
    type: 'ablate',
    seq: 11,
    data: {
      task: 'qa',
      target: 'river',
      start: 9,
      end: 14,
      layers: 2,
      heads: 2,
      base: 0.3,
      off: [],
      score: 0.3,
      predictions: [{ word: 'river', score: 0.3, start: 9, end: 14 }],
      importance: null,
    },
  },
  {
    type: 'occlude',
    seq: 12,
    data: {
      task: 'mask',
      target: 'shore',
      start: 4,
      end: 8,
      base: 0.3,
      model: 'tiny',
      read: { start: 0, end: 14 },
      words: [
        { word: 'the', start: 0, end: 3, score: 0.1, delta: 0.2 },
        { word: 'river', start: 9, end: 14, score: 0.5, delta: -0.2 },
      ],
    },
  },
  {
    type: 'occlude',
    seq: 13,
    data: { task: 'qa', target: 'river', start: 9, end: 14, base: 0.3, model: 'tiny-qa', read: { start: 0, end: 14 }, words: [] },
  },
  { type: 'saved', path: '/tmp/x.svg' },
  { type: 'show', section: 'head', layer: 2, head: 1 },
  { type: 'show', section: 'occlude' },
  {
    type: 'inspect',
    seq: 8,
    data: {
      word: words[1],
      staticSource: null,
      inVocabulary: false,
      staticNeighbours: [],
      substitutes: [],
      documentNeighbours: [],
      occurrences: [],
      occurrencesTotal: 0,
      lens: [
        { layer: 0, predictions: [{ word: 'the', score: 0.1 }] },
        { layer: 1, predictions: [] },
      ],
    },
  },
  {
    type: 'inspect',
    seq: 9,
    data: {
      word: words[1],
      staticSource: null,
      inVocabulary: false,
      staticNeighbours: [],
      substitutes: [],
      documentNeighbours: [],
      occurrences: [],
      occurrencesTotal: 0,
      lensError: 'no MLM head',
    },
  },
  { type: 'compare', seq: 14, data: { choices: ['bert-lens-mini', 'bert-lens-zh'], against: '', error: null, result: null } },
  {
    type: 'compare',
    seq: 15,
    data: { choices: [], against: 'nope', error: 'The model to compare against, "nope", failed to load', result: null },
  },
];

/** A comparison of 3 words: A with 2 layers, B with 3 (and no MLM head). */
const compareResult = () => ({
  words: [
    { ...words[0], a: 'the', b: 'the', same: true },
    { ...words[1], a: 'bank', b: 'ban ##k', same: false },
    { ...words[2], a: '[UNK]', b: 'river', same: false },
  ],
  focus: 1,
  masked: 'word' as const,
  a: {
    model: 'a',
    layers: 2,
    heads: 2,
    tokens: 3,
    unknown: 1,
    attention: new Float32Array(6),
    rollout: new Float32Array(3),
    predictions: [{ word: 'shore', score: 0.4 }],
    note: null,
  },
  b: {
    model: 'b',
    layers: 3,
    heads: 4,
    tokens: 4,
    unknown: 0,
    attention: new Float32Array(9),
    rollout: new Float32Array(3),
    predictions: null,
    note: 'b has no masked-LM head',
  },
  depth: [
    { a: 1, b: 1, divergence: 0.1 },
    { a: 1, b: 2, divergence: 0.2 },
    { a: 2, b: 3, divergence: null },
  ],
  rollout: 0.05,
  agree: null,
});
goodHost.push({ type: 'compare', seq: 16, data: { choices: ['a', 'b'], against: 'b', error: null, result: compareResult() } });

const occ = (goodHost.find((m) => m.type === 'occlude') as any).data;
const sentences = {
  model: 'bert-lens-mini',
  pick: 'cursor' as const,
  a: { text: 'The cat sat.', start: 0, end: 12 },
  b: { text: 'It purred.', start: 13, end: 23 },
  choices: [{ text: 'It purred.', start: 13, end: 23 }],
  layers: [
    { layer: 0, cosine: 0.4, shuffled: 0.4 },
    { layer: 1, cosine: 1, shuffled: -0.2 },
  ],
  tokens: { a: 4, b: 3, truncated: false },
  isNext: 0.9,
};
const pw = (start: number, context: string) => ({ text: 'bank', start, end: start + 4, context });
const occurrences = {
  model: 'bert-lens-mini',
  a: pw(4, 'the bank of'),
  b: pw(40, '…the bank to…'),
  choices: [pw(40, '…the bank to…')],
  total: 2,
  layers: [
    { layer: 0, similarity: 0.9 },
    { layer: 1, similarity: -0.1 },
  ],
  neighbours: { a: [{ word: 'river', score: 0.5, start: 16, end: 21 }], b: [] },
};
goodHost.push({ type: 'occurrences', seq: 19, data: occurrences });
goodHost.push(
  { type: 'sentences', seq: 17, data: sentences },
  { type: 'sentences', seq: 18, data: { ...sentences, pick: 'selections', choices: [], isNext: null } },
);

test('every well-formed host message validates', () => {
  for (const m of goodHost) assert.equal(typeof validateHostMessage(m), 'object', JSON.stringify(m.type));
});

/** Compare data that must be dropped: wrong lengths, a focus or depth out of range, a divergence past 1 bit. */
function badCompare(): unknown[] {
  const ok = { choices: ['a', 'b'], against: 'b', error: null, result: compareResult() };
  const r = (patch: object) => ({ type: 'compare', seq: 1, data: { ...ok, result: { ...compareResult(), ...patch } } });
  const side = (k: 'a' | 'b', patch: object) => r({ [k]: { ...compareResult()[k], ...patch } });
  return [
    { type: 'compare', seq: 1, data: { ...ok, choices: [1] } },
    { type: 'compare', seq: 1, data: { ...ok, against: null } },
    { type: 'compare', seq: 1, data: { ...ok, error: 3 } },
    r({ focus: 3 }),
    r({ masked: 'both' }),
    r({ words: [{ ...words[0], a: 'the', b: 'the' }] }),
    side('a', { attention: new Float32Array(5) }),
    side('b', { rollout: [0, 0, 0] }),
    side('a', { predictions: [{ word: 1, score: 1 }] }),
    r({ depth: [{ a: 3, b: 1, divergence: 0.1 }] }),
    r({ depth: [{ a: 1, b: 0, divergence: 0.1 }] }),
    r({ depth: [{ a: 1, b: 1, divergence: 1.5 }] }),
    r({ rollout: NaN }),
    r({ agree: 'yes' }),
  ];
}

test('malformed host messages are rejected with a reason', () => {
  const bad: unknown[] = [
    null,
    42,
    'head',
    [],
    {},
    { type: 'nope' },
    { type: 'focus' },
    { type: 'busy', section: 'head', seq: 1 }, // no such message (any more)
    { type: 'show', section: 'elsewhere' },
    { ...goodHost[5], seq: -1 },
    { type: 'inspect', seq: 5, data: { ...(goodHost[7] as any).data, occurrencesTotal: 0 } }, // fewer than listed
    // weights of the wrong length / type, focus outside the words, layer outside 1..layers
    { type: 'head', seq: 1, data: { ...(goodHost[5] as any).data, weights: new Float32Array(5) } },
    { type: 'head', seq: 1, data: { ...(goodHost[5] as any).data, weights: [0, 0, 0, 0, 0, 0] } },
    { type: 'head', seq: 1, data: { ...(goodHost[5] as any).data, focus: 3 } },
    { type: 'head', seq: 1, data: { ...(goodHost[5] as any).data, layer: 3 } },
    { type: 'head', seq: 1, data: { ...(goodHost[5] as any).data, words: [{ text: 'x', start: 5, end: 2 }] } },
    { type: 'model', seq: 1, data: { ...(goodHost[7] as any).data, thumbs: new Uint8Array(35) } },
    { type: 'model', seq: 1, data: { ...(goodHost[7] as any).data, labels: ['broad', 'broad', 'broad'] } },
    { type: 'model', seq: 1, data: { ...(goodHost[7] as any).data, labels: ['broad', 'broad', 'broad', '<img onerror=x>'] } },
    { type: 'explain', seq: 1, data: { ...(goodHost[8] as any).data, query: [1] } },
    { type: 'explain', seq: 1, data: { ...(goodHost[8] as any).data, weights: [0.5, 0.5] } },
    { type: 'explain', seq: 1, data: { ...(goodHost[8] as any).data, scores: [1, NaN, 2] } },
    { type: 'inspect', seq: 1, data: { ...(goodHost[9] as any).data, substitutes: [{ word: 3, score: 1 }] } },
    { type: 'inspect', seq: 1, data: { ...(goodHost[9] as any).data, lens: [{ layer: 0, predictions: [{ word: 'x', score: 'high' }] }] } },
    { type: 'inspect', seq: 1, data: { ...(goodHost[9] as any).data, lensError: 3 } },
    { type: 'sense', seq: 1, data: { ...(goodHost[10] as any).data, clusters: new Uint8Array([1]) } },
    { type: 'sense', seq: 1, data: { ...(goodHost[10] as any).data, points: new Float32Array(3) } },
    { type: 'qa', seq: 1, data: { question: 'q', answers: [{ text: 'a', start: 0, end: 1, score: '1', before: '', after: '' }] } },
    { type: 'show', section: 'head', layer: -2 },
    { type: 'ablate', seq: 1, data: { ...(goodHost.find((m) => m.type === 'ablate') as any).data, importance: [0.1, 0.2, 0.3] } },
    { type: 'ablate', seq: 1, data: { ...(goodHost.find((m) => m.type === 'ablate') as any).data, off: [4] } },
    { type: 'ablate', seq: 1, data: { ...(goodHost.find((m) => m.type === 'ablate') as any).data, task: 'nsp' } },
    { type: 'ablate', seq: 1, data: { ...(goodHost.find((m) => m.type === 'ablate') as any).data, importance: [0.1, NaN, 0, 0] } },
    { type: 'occlude', seq: 1, data: { ...occ, task: 'nsp' } },
    { type: 'occlude', seq: 1, data: { ...occ, base: NaN } },
    { type: 'occlude', seq: 1, data: { ...occ, read: { start: 5, end: 2 } } },
    { type: 'occlude', seq: 1, data: { ...occ, model: undefined } },
    { type: 'occlude', seq: 1, data: { ...occ, words: [{ word: 'the', start: 0, end: 3, score: 0.1, delta: '0.2' }] } },
    { type: 'occlude', seq: 1, data: { ...occ, words: [{ word: 'the', start: 3, end: 0, score: 0.1, delta: 0.2 }] } },
    { type: 'occlude', seq: -1, data: occ },
    ...badCompare(),
    { type: 'occurrences', seq: 1, data: { ...occurrences, a: { text: 'bank', start: 4, end: 8 } } },
    { type: 'occurrences', seq: 1, data: { ...occurrences, layers: [{ layer: 0, similarity: 2 }] } },
    { type: 'occurrences', seq: 1, data: { ...occurrences, total: -1 } },
    { type: 'occurrences', seq: 1, data: { ...occurrences, neighbours: { a: [{ word: 'x', score: 'high' }], b: [] } } },
    { type: 'occurrences', seq: 1, data: { ...occurrences, choices: [{ text: 'bank', start: 9, end: 2, context: '' }] } },
    { type: 'sentences', seq: 1, data: { ...sentences, pick: 'both' } },
    { type: 'sentences', seq: 1, data: { ...sentences, a: { text: 'x', start: 5, end: 2 } } },
    { type: 'sentences', seq: 1, data: { ...sentences, layers: [] } },
    { type: 'sentences', seq: 1, data: { ...sentences, layers: [{ layer: 0, cosine: NaN, shuffled: 0 }] } },
    { type: 'sentences', seq: 1, data: { ...sentences, layers: [{ layer: 0, cosine: 1.5, shuffled: 0 }] } },
    { type: 'sentences', seq: 1, data: { ...sentences, isNext: 1.2 } },
    { type: 'sentences', seq: 1, data: { ...sentences, tokens: { a: 4, b: 3 } } },
    { type: 'sentences', seq: 1, data: { ...sentences, choices: [{ text: 3, start: 0, end: 1 }] } },
  ];
  for (const m of bad) {
    const r = validateHostMessage(m);
    assert.equal(typeof r, 'string', `accepted ${JSON.stringify(m)}`);
  }
});

test('webview messages: good pass, bad are dropped', () => {
  const good: WebviewMessage[] = [
    { type: 'ready' },
    { type: 'request', seq: 1, request: { section: 'head', layer: 3, rollout: false } },
    { type: 'request', seq: 2, request: { section: 'model' } },
    { type: 'request', seq: 3, request: { section: 'explain', layer: 1, head: 0 } },
    { type: 'request', seq: 4, request: { section: 'inspect' } },
    { type: 'request', seq: 5, request: { section: 'sense', word: null, layer: 0 } },
    { type: 'request', seq: 6, request: { section: 'qa', question: 'Who?' } },
    {
      type: 'request',
      seq: 7,
      request: {
        section: 'ablate',
        task: 'mask',
        question: '',
        off: [
          [1, 0],
          [2, 3],
        ],
        importance: true,
      },
    },
    { type: 'request', seq: 8, request: { section: 'ablate', task: 'qa', question: 'Who?', off: [], importance: false } },
    { type: 'reveal', start: 3, end: 7 },
    { type: 'preview', start: 3, end: 3 },
    { type: 'export', format: 'svg', name: 'head-view.svg', data: '<svg/>' },
    { type: 'export', format: 'png', name: 'head-view.png', data: new Uint8Array([137, 80]) },
    { type: 'exportData', format: 'tsv' },
    { type: 'request', seq: 9, request: { section: 'occlude', task: 'mask', question: '' } },
    { type: 'request', seq: 10, request: { section: 'occlude', task: 'qa', question: 'Who?' } },
    { type: 'exportData', format: 'tsv', section: 'sense' },
    { type: 'exportData', format: 'tsv', section: 'occlude' },
    { type: 'exportData', format: 'json', section: 'occlude' },
    { type: 'exportData', format: 'npy', section: 'model' },
    { type: 'log', message: 'hello' },
    { type: 'request', seq: 11, request: { section: 'compare', against: '' } },
    { type: 'request', seq: 12, request: { section: 'compare', against: 'Xenova/bert-base-chinese' } },
    { type: 'request', seq: 13, request: { section: 'sentences', b: null } },
    { type: 'request', seq: 14, request: { section: 'sentences', b: 42 } },
    { type: 'request', seq: 15, request: { section: 'occurrences', b: null } },
  ];
  for (const m of good) assert.equal(typeof validateWebviewMessage(m), 'object', JSON.stringify(m));
  const bad: unknown[] = [
    undefined,
    { type: 'eval', code: '1' },
    { type: 'request', seq: 1 },
    { type: 'request', seq: 1, request: { section: 'explain', layer: 0, head: 0 } },
    { type: 'request', seq: 1, request: { section: 'qa', question: '   ' } },
    { type: 'request', seq: 1, request: { section: 'qa', question: 'x'.repeat(1001) } },
    { type: 'request', seq: 1, request: { section: 'bogus' } },
    { type: 'request', seq: 1, request: { section: 'ablate', task: 'qa', question: ' ', off: [], importance: false } },
    { type: 'request', seq: 1, request: { section: 'ablate', task: 'mask', question: '', off: [[0, 1]], importance: false } },
    { type: 'request', seq: 1, request: { section: 'ablate', task: 'mask', question: '', off: [1], importance: false } },
    { type: 'request', seq: 1, request: { section: 'ablate', task: 'nsp', question: '', off: [], importance: true } },
    { type: 'reveal', start: 7, end: 3 },
    { type: 'reveal', start: 1.5, end: 3 },
    { type: 'export', format: 'png', name: 'x.png', data: 'not bytes' },
    { type: 'export', format: 'svg', name: '../../etc/passwd', data: '<svg/>' },
    { type: 'export', format: 'exe', name: 'x', data: '' },
    { type: 'exportData', format: 'pdf' },
    { type: 'request', seq: 1, request: { section: 'occlude', task: 'qa', question: '  ' } },
    { type: 'request', seq: 1, request: { section: 'occlude', task: 'nsp', question: '' } },
    { type: 'request', seq: 1, request: { section: 'occlude', task: 'mask' } },
    { type: 'request', seq: 1, request: { section: 'occlude', task: 'mask', question: 'x'.repeat(1001) } },
    { type: 'exportData', format: 'json' },
    { type: 'exportData', format: 'json', section: 'sense' },
    { type: 'exportData', format: 'npy', section: 'head' },
    { type: 'exportData', format: 'npy' },
    { type: 'exportData', format: 'tsv', section: 'bogus' },
    { type: 'request', seq: 1, request: { section: 'compare' } },
    { type: 'request', seq: 1, request: { section: 'sentences' } },
    { type: 'request', seq: 1, request: { section: 'sentences', b: -1 } },
    { type: 'request', seq: 1, request: { section: 'occurrences', b: 'next' } },
    { type: 'request', seq: 1, request: { section: 'sentences', b: 1.5 } },
    { type: 'request', seq: 1, request: { section: 'compare', against: 'x'.repeat(1001) } },
  ];
  for (const m of bad) assert.equal(typeof validateWebviewMessage(m), 'string', `accepted ${JSON.stringify(m)}`);
});

test('log messages are truncated, not trusted at any length', () => {
  const r = validateWebviewMessage({ type: 'log', message: 'x'.repeat(5000) });
  assert.ok(typeof r === 'object' && r.type === 'log' && r.message.length === 2000);
});

test('every data message survives a JSON round trip of its non-array fields (no NaN/Infinity sent)', () => {
  // VS Code may serialise webview messages as JSON apart from typed arrays: NaN would arrive as null.
  const json = (v: unknown) =>
    JSON.parse(
      JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? { __t: x.constructor.name, a: Array.from(x as Float32Array) } : x)),
      (_k, x) => (x && x.__t ? new (globalThis as any)[x.__t](x.a) : x),
    );
  for (const m of goodHost) assert.equal(typeof validateHostMessage(json(m)), 'object', m.type);
});

test('typed arrays survive structured cloning (what postMessage does) and still validate', () => {
  const cloned = structuredClone(goodHost[7]);
  assert.equal(typeof validateHostMessage(cloned), 'object');
  assert.ok((cloned as any).data.thumbs instanceof Uint8Array);
});

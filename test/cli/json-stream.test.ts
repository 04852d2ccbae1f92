// Streamed JSON (src/cli/json-stream.ts) is byte for byte JSON.stringify(value, null, 2), lazy arrays included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lazy, batched, jsonPieces } from '../../src/cli/json-stream';

const text = (v: unknown) => [...batched(jsonPieces(v), 7)].join('');
const lazy = <T>(xs: T[]) => new Lazy(xs.length, (i) => xs[i]);

test('lazy arrays and objects holding them stringify as JSON.stringify(…, null, 2)', () => {
  const tokens = [
    { text: '##ing', start: 0, end: 3, word: 0, id: 7 },
    { text: '"\n\u2028😀', start: 3, end: 9, word: 1, id: -1 },
  ];
  const nested = [{ a: [1, [2, { b: null }]], c: {} }, [], 'x', 0.1 + 0.2, NaN, undefined, null];
  for (const [plain, streamed] of [
    [
      { model: 'm', tokens, words: [] },
      { model: 'm', tokens: lazy(tokens), words: lazy([]) },
    ],
    [
      { skip: undefined, rows: nested, n: 3 },
      { skip: undefined, rows: lazy(nested), n: 3 },
    ],
    [tokens, lazy(tokens)],
    [[], lazy([])],
    [
      { deep: { x: [1, 2] }, list: ['a'] },
      { deep: { x: [1, 2] }, list: lazy(['a']) },
    ],
  ] as const) {
    assert.equal(text(streamed), JSON.stringify(plain, null, 2));
  }
});

test('pieces are batched into writes of about the given size, in order', () => {
  const parts = [...batched(['ab', 'cd', 'e', 'fghij', 'k'], 4)];
  assert.deepEqual(parts, ['abcd', 'efghij', 'k']);
});

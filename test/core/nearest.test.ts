// The occurrences listed for a word are the ones nearest it in the text, in document order; a long document's "the"
// must not send thousands (issue 12: bounded message size and time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestOccurrences } from '../../src/core/nearest';

test('the max nearest, in document order, wherever the word is', () => {
  const others = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90];
  assert.deepEqual(nearestOccurrences(others, 45, 4), [30, 40, 50, 60]);
  assert.deepEqual(nearestOccurrences(others, -5, 3), [0, 10, 20], 'before all of them');
  assert.deepEqual(nearestOccurrences(others, 500, 3), [70, 80, 90], 'after all of them');
  assert.deepEqual(nearestOccurrences(others, 12, 2), [10, 20]);
  assert.deepEqual(nearestOccurrences(others, 18, 1), [20]);
});

test('fewer than max: all of them (a copy)', () => {
  const others = [3, 9];
  const got = nearestOccurrences(others, 5, 200);
  assert.deepEqual(got, [3, 9]);
  assert.notEqual(got, others);
  assert.deepEqual(nearestOccurrences([], 5, 3), []);
});

test('matches a brute-force choice on random inputs', () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rnd() * 40);
    const set = new Set<number>();
    while (set.size < n) set.add(Math.floor(rnd() * 500));
    const others = [...set].sort((a, b) => a - b);
    const pivot = Math.floor(rnd() * 520) - 10;
    const max = 1 + Math.floor(rnd() * n);
    const got = nearestOccurrences(others, pivot, max);
    // The farthest distance in the chosen window is the smallest any window of `max` consecutive entries achieves.
    const reach = (w: number[]) => Math.max(...w.map((x) => Math.abs(x - pivot)));
    let best = Infinity;
    for (let s = 0; s + max <= n; s++) best = Math.min(best, reach(others.slice(s, s + max)));
    assert.equal(got.length, max);
    assert.equal(reach(got), best, `others=${others} pivot=${pivot} max=${max}`);
  }
});

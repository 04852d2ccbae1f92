// Data shaping for the head and model views from the worker's [layer][head][from][to] tensor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  focusScores,
  layerRows,
  rolloutRow,
  thumbnails,
  nearestWordAt,
  type AttentionTensor,
} from '../../../src/extension/panel/attention-rows';

/** Row-stochastic tensor where each value encodes its own indices, so slices are easy to check. */
function tensor(layers: number, heads: number, n: number): AttentionTensor {
  const w = new Float32Array(layers * heads * n * n);
  for (let l = 0; l < layers; l++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < n; i++) {
        let sum = 0;
        const row = ((l * heads + h) * n + i) * n;
        for (let j = 0; j < n; j++) {
          w[row + j] = 1 + l * 1000 + h * 100 + i * 10 + j;
          sum += w[row + j];
        }
        for (let j = 0; j < n; j++) w[row + j] /= sum;
      }
  const r = new Float32Array(n * n).fill(1 / n);
  return { layers, heads, n, weights: w, rollout: r };
}

test('layerRows picks the focus row of every head in a 1-based layer', () => {
  const t = tensor(3, 2, 4);
  const rows = layerRows(t, 2, 1);
  assert.equal(rows.length, 2 * 4);
  for (let h = 0; h < 2; h++) {
    const expected = t.weights.slice(((1 * 2 + h) * 4 + 1) * 4, ((1 * 2 + h) * 4 + 1) * 4 + 4);
    assert.deepEqual(Array.from(rows.slice(h * 4, h * 4 + 4)), Array.from(expected));
    const sum = rows.slice(h * 4, h * 4 + 4).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5);
  }
  assert.throws(() => layerRows(t, 0, 1), RangeError);
  assert.throws(() => layerRows(t, 4, 1), RangeError);
  assert.throws(() => layerRows(t, 1, 4), RangeError);
  assert.deepEqual(Array.from(rolloutRow(t, 2)), [0.25, 0.25, 0.25, 0.25]);
});

test('thumbnails pool attention mass into cells and scale each map to 255', () => {
  // One head, n = 4, identity attention → pooled into 2×2: diagonal cells hold 2, off-diagonal 0.
  const n = 4;
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  const { size, thumbs } = thumbnails({ layers: 1, heads: 1, n, weights: w, rollout: new Float32Array(n * n) }, 2);
  assert.equal(size, 2);
  assert.deepEqual(Array.from(thumbs), [255, 0, 0, 255]);
  // size is capped by n, and 12×12 heads × 24² cells is the compact payload.
  const t = tensor(12, 12, 30);
  const big = thumbnails(t, 24);
  assert.equal(big.thumbs.length, 12 * 12 * 24 * 24);
  assert.equal(thumbnails(tensor(1, 1, 5), 24).size, 5);
  // every thumbnail reaches its max exactly once at least
  for (let m = 0; m < 144; m++) assert.equal(Math.max(...big.thumbs.subarray(m * 576, (m + 1) * 576)), 255);
});

test('focusScores: one-hot row → 1, uniform row → 0', () => {
  const n = 4;
  const w = new Float32Array(2 * n * n);
  w[0 * n + 2] = 1; // head 0, from 0: all on word 2
  for (let j = 0; j < n; j++) w[n * n + j] = 1 / n; // head 1, from 0: uniform
  const s = focusScores({ layers: 1, heads: 2, n, weights: w, rollout: new Float32Array(n * n) }, 0);
  assert.ok(Math.abs(s[0] - 1) < 1e-6);
  assert.ok(Math.abs(s[1]) < 1e-6);
});

test('nearestWordAt finds the word under an offset, or the nearest before it', () => {
  const words = [
    { start: 0, end: 3 },
    { start: 4, end: 8 },
    { start: 10, end: 12 },
  ];
  assert.equal(nearestWordAt(words, 5), 1);
  assert.equal(nearestWordAt(words, 8), 1); // the gap after "bank" stays on it
  assert.equal(nearestWordAt(words, 11), 2);
  assert.equal(nearestWordAt(words, 99), 2);
  assert.equal(nearestWordAt(words, 0), 0);
});

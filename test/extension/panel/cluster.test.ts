// k-means + silhouette: separated blobs give their true k, noise gives one sense, labels are stable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseClusters, kmeans, rng, silhouette } from '../../../src/extension/panel/cluster';

function blobs(centres: number[][], per: number, spread: number, seed = 3): Float32Array {
  const r = rng(seed);
  const d = centres[0].length;
  const out = new Float32Array(centres.length * per * d);
  centres.forEach((c, ci) => {
    for (let i = 0; i < per; i++) for (let j = 0; j < d; j++) out[(ci * per + i) * d + j] = c[j] + (r() - 0.5) * spread;
  });
  return out;
}

test('silhouette matches a hand computation', () => {
  // 1-D points 0, 1 | 10, 11: a(0)=1, b(0)=10.5 → s = 9.5/10.5; symmetric for all four.
  const s = silhouette(new Float32Array([0, 1, 10, 11]), 4, 1, new Uint8Array([0, 0, 1, 1]), 2);
  const s0 = (10.5 - 1) / 10.5; // point 0: b = mean(10, 11)
  const s1 = (9.5 - 1) / 9.5; // point 1: b = mean(9, 10)
  assert.ok(Math.abs(s - (2 * s0 + 2 * s1) / 4) < 1e-12, `${s}`);
  assert.ok(Number.isNaN(silhouette(new Float32Array([0, 1, 2]), 3, 1, new Uint8Array(3), 1)));
});

for (const k of [2, 3, 4]) {
  test(`finds k = ${k} for ${k} separated blobs`, () => {
    const centres = [
      [0, 0, 0],
      [10, 0, 0],
      [0, 10, 0],
      [0, 0, 10],
    ].slice(0, k);
    const pts = blobs(centres, 12, 1);
    const c = chooseClusters(pts, 12 * k, 3);
    assert.equal(c.k, k);
    assert.ok(c.silhouette > 0.7);
    // Every blob is one cluster, numbered by first appearance.
    for (let b = 0; b < k; b++) {
      const labels = new Set(c.labels.slice(b * 12, b * 12 + 12));
      assert.deepEqual([...labels], [b]);
    }
  });
}

test('uniform noise has no clear senses → k = 1; too few points → k = 1', () => {
  const r = rng(9);
  const noise = new Float32Array(60 * 2).map(() => r());
  const c = chooseClusters(noise, 60, 2, { minSilhouette: 0.5 });
  assert.equal(c.k, 1);
  assert.ok(c.labels.every((l) => l === 0));
  assert.equal(chooseClusters(new Float32Array([1, 2]), 2, 1).k, 1);
});

test('kmeans is deterministic for a seed and never returns more clusters than points', () => {
  const pts = blobs(
    [
      [0, 0],
      [5, 5],
    ],
    10,
    2,
  );
  assert.deepEqual(kmeans(pts, 20, 2, 2, { seed: 4 }).labels, kmeans(pts, 20, 2, 2, { seed: 4 }).labels);
  const few = kmeans(new Float32Array([0, 0, 1, 1]), 2, 2, 4);
  assert.ok(Math.max(...few.labels) <= 1);
  assert.throws(() => kmeans(pts, 20, 2, 0), /k must be/);
});

// PCA against a decomposition known by construction: X = A·Vᵀ with orthogonal, zero-mean columns of A.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pca } from '../../../src/extension/panel/pca';

const TOL = 1e-6;

/** Orthonormal rows from a rotation of the standard basis in 5-D (Givens rotations). */
function rotatedBasis(d: number): number[][] {
  const V = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j): number => (i === j ? 1 : 0)));
  const rot = (a: number, b: number, t: number) => {
    for (const row of V) {
      const x = row[a],
        y = row[b];
      row[a] = Math.cos(t) * x - Math.sin(t) * y;
      row[b] = Math.sin(t) * x + Math.cos(t) * y;
    }
  };
  rot(0, 1, 0.7);
  rot(1, 2, 1.1);
  rot(0, 3, -0.4);
  rot(2, 4, 0.3);
  return V;
}

test('recovers the axes and variance ratios of a known decomposition', () => {
  const d = 5;
  const V = rotatedBasis(d);
  // Walsh-like columns: zero mean and mutually orthogonal over 8 rows.
  const a1 = [1, -1, 1, -1, 1, -1, 1, -1].map((x) => 3 * x);
  const a2 = [1, 1, -1, -1, 1, 1, -1, -1].map((x) => 2 * x);
  const a3 = [1, 1, 1, 1, -1, -1, -1, -1].map((x) => 0.5 * x);
  const n = 8;
  const offset = [10, -4, 2, 0, 7]; // a mean far from 0 must be removed
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = offset[j] + a1[i] * V[0][j] + a2[i] * V[1][j] + a3[i] * V[2][j];
  const r = pca(X, n, d, 3);
  const s2 = [9, 4, 0.25].map((x) => x * n);
  const total = s2.reduce((a, b) => a + b, 0);
  for (let k = 0; k < 3; k++) {
    const dot = r.axes[k].reduce((s, x, j) => s + x * V[k][j], 0);
    assert.ok(Math.abs(Math.abs(dot) - 1) < TOL, `axis ${k} |dot| = ${dot}`);
    assert.ok(Math.abs(r.explained[k] - s2[k] / total) < TOL, `explained ${k}: ${r.explained[k]}`);
    assert.ok(Math.abs(r.variance[k] - s2[k] / (n - 1)) < 1e-6 * s2[k]);
  }
  for (let j = 0; j < d; j++) assert.ok(Math.abs(r.mean[j] - offset[j]) < 1e-9);
  // Coordinates are ±a1, ±a2 (the sign follows the convention, so compare magnitudes and correlation).
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(Math.abs(r.coords[i * 3]) - Math.abs(a1[i])) < 1e-4);
    assert.ok(Math.abs(Math.abs(r.coords[i * 3 + 1]) - Math.abs(a2[i])) < 1e-4);
  }
});

test('sign convention is deterministic and axes are orthonormal', () => {
  const n = 30,
    d = 12;
  const X = new Float32Array(n * d).map((_, k) => Math.sin(k * 1.3) + Math.cos(k * 0.17) * (k % 5));
  const a = pca(X, n, d, 2);
  const b = pca(X, n, d, 2);
  assert.deepEqual(Array.from(a.coords), Array.from(b.coords));
  const dot = a.axes[0].reduce((s, x, j) => s + x * a.axes[1][j], 0);
  assert.ok(Math.abs(dot) < 1e-6);
  for (const ax of a.axes) assert.ok(Math.abs(Math.hypot(...ax) - 1) < 1e-9);
  assert.ok(a.explained[0] >= a.explained[1]);
});

test('degenerate inputs: identical rows, a single row, wrong length', () => {
  const same = new Float32Array(4 * 3).fill(2);
  const r = pca(same, 4, 3, 2);
  assert.deepEqual(Array.from(r.coords), [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(r.explained, [0, 0]);
  const one = pca(new Float32Array([1, 2, 3]), 1, 3, 2);
  assert.equal(one.components, 1);
  assert.throws(() => pca(new Float32Array(5), 2, 3), /expected 2×3/);
});

test('no variance left: the second axis stays flat instead of stretching rounding noise (two occurrences, 160-D)', () => {
  // Two points span one direction; the second component has zero variance, so every point's PC2 is ~0. Before the fix
  // the deflated iterate was normalised rounding noise and PC2 came out as large as PC1 (the sense map drew a slope).
  const d = 160;
  const v = Float32Array.from({ length: 2 * d }, (_, i) => Math.sin(i * 0.37) * 3 + (i >= d ? Math.cos(i) : 0));
  const r = pca(v, 2, d, 2);
  assert.equal(r.components, 2);
  assert.ok(Math.abs(r.coords[0]) > 1, 'PC1 separates the two points');
  assert.ok(Math.abs(r.coords[1]) < 1e-9 && Math.abs(r.coords[3]) < 1e-9, `PC2 ${r.coords[1]}, ${r.coords[3]}`);
  let dot = 0;
  for (let j = 0; j < d; j++) dot += r.axes[0][j] * r.axes[1][j];
  assert.ok(Math.abs(dot) < 1e-12, 'the axes are orthogonal');
  assert.equal(r.explained[1], 0);
});

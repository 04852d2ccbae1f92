// k-means (k-means++ seeding, seeded RNG, several restarts) and the silhouette score to choose k ≤ 4 senses.
import { rng } from '../../shared/rng';

export interface Clustering {
  k: number;
  labels: Uint8Array;
  silhouette: number; // NaN for k = 1
  inertia: number;
}

/** mulberry32 (shared/rng.ts): the same text always gets the same colours. */
export { rng };

function dist2(p: ArrayLike<number>, i: number, q: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const x = p[i * d + t] - q[j * d + t];
    s += x * x;
  }
  return s;
}

/** Lloyd's k-means on row-major points [n][d]; best of `restarts` by inertia. */
export function kmeans(
  points: ArrayLike<number>,
  n: number,
  d: number,
  k: number,
  opts: { seed?: number; restarts?: number; iterations?: number } = {},
): { labels: Uint8Array; inertia: number } {
  const { seed = 1, restarts = 6, iterations = 100 } = opts;
  if (k < 1 || k > 255) throw new Error(`kmeans: k must be in 1..255, got ${k}`);
  k = Math.min(k, n);
  let best = { labels: new Uint8Array(n), inertia: Infinity };
  const rand = rng(seed);
  for (let r = 0; r < restarts; r++) {
    const centres = new Float64Array(k * d);
    // k-means++: first centre uniform, then proportional to squared distance.
    const first = Math.floor(rand() * n);
    for (let t = 0; t < d; t++) centres[t] = points[first * d + t];
    const dmin = new Float64Array(n).fill(Infinity);
    for (let c = 1; c < k; c++) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        dmin[i] = Math.min(dmin[i], dist2(points, i, centres, c - 1, d));
        sum += dmin[i];
      }
      let pick = n - 1;
      let x = rand() * sum;
      for (let i = 0; i < n; i++) {
        x -= dmin[i];
        if (x <= 0) {
          pick = i;
          break;
        }
      }
      for (let t = 0; t < d; t++) centres[c * d + t] = points[pick * d + t];
    }
    const labels = new Uint8Array(n);
    let inertia = Infinity;
    for (let it = 0; it < iterations; it++) {
      let changed = it === 0;
      inertia = 0;
      for (let i = 0; i < n; i++) {
        let bc = 0;
        let bd = Infinity;
        for (let c = 0; c < k; c++) {
          const dd = dist2(points, i, centres, c, d);
          if (dd < bd) {
            bd = dd;
            bc = c;
          }
        }
        if (labels[i] !== bc) {
          labels[i] = bc;
          changed = true;
        }
        inertia += bd;
      }
      if (!changed) break;
      const counts = new Float64Array(k);
      centres.fill(0);
      for (let i = 0; i < n; i++) {
        counts[labels[i]]++;
        for (let t = 0; t < d; t++) centres[labels[i] * d + t] += points[i * d + t];
      }
      for (let c = 0; c < k; c++) {
        if (counts[c] === 0) {
          // an empty cluster takes the point farthest from its centre
          let far = 0;
          let fd = -1;
          for (let i = 0; i < n; i++) {
            const dd = dist2(points, i, centres, labels[i], d);
            if (dd > fd) {
              fd = dd;
              far = i;
            }
          }
          for (let t = 0; t < d; t++) centres[c * d + t] = points[far * d + t];
        } else for (let t = 0; t < d; t++) centres[c * d + t] /= counts[c];
      }
    }
    if (inertia < best.inertia) best = { labels, inertia };
  }
  return best;
}

/** Mean silhouette (Euclidean). Points alone in their cluster score 0, as in scikit-learn. */
export function silhouette(points: ArrayLike<number>, n: number, d: number, labels: Uint8Array, k: number): number {
  if (k < 2 || n < 3) return NaN;
  const dist = new Float64Array(k);
  const count = new Float64Array(k);
  for (let i = 0; i < n; i++) count[labels[i]]++;
  let total = 0;
  for (let i = 0; i < n; i++) {
    dist.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) dist[labels[j]] += Math.sqrt(dist2(points, i, points, j, d));
    const own = labels[i];
    if (count[own] <= 1) continue;
    const a = dist[own] / (count[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && count[c] > 0) b = Math.min(b, dist[c] / count[c]);
    if (!Number.isFinite(b)) continue;
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / n;
}

/**
 * Chooses k in 2..maxK by the best silhouette; falls back to k = 1 when even the best is below `minSilhouette`
 * (no clear senses) or there are too few points. Clusters are renumbered by first appearance for stable colours.
 */
export function chooseClusters(
  points: ArrayLike<number>,
  n: number,
  d: number,
  opts: { maxK?: number; minSilhouette?: number; seed?: number } = {},
): Clustering {
  const { maxK = 4, minSilhouette = 0.25, seed = 1 } = opts;
  let best: Clustering = { k: 1, labels: new Uint8Array(n), silhouette: NaN, inertia: NaN };
  let bestS = -Infinity;
  for (let k = 2; k <= Math.min(maxK, n - 1); k++) {
    const { labels, inertia } = kmeans(points, n, d, k, { seed });
    const used = new Set(labels).size;
    const s = silhouette(points, n, d, labels, k);
    if (used === k && s > bestS) {
      bestS = s;
      best = { k, labels, silhouette: s, inertia };
    }
  }
  if (!(bestS >= minSilhouette)) return { k: 1, labels: new Uint8Array(n), silhouette: Number.isFinite(bestS) ? bestS : NaN, inertia: NaN };
  const map = new Map<number, number>();
  const labels = best.labels.map((l) => {
    if (!map.has(l)) map.set(l, map.size);
    return map.get(l)!;
  });
  return { ...best, labels };
}

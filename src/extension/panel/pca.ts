// Principal component analysis by power iteration with deflation: DOM-free, dependency-free, deterministic.
// X·(Xᵀ·v) is applied without forming the d×d covariance, so 768-dim vectors of thousands of words stay cheap.

export interface Pca {
  n: number;
  dims: number;
  components: number; // how many were computed
  mean: Float64Array; // [dims]
  axes: Float64Array[]; // unit vectors, each [dims]
  variance: number[]; // eigenvalues of the covariance (divided by n - 1)
  explained: number[]; // variance / total variance
  coords: Float32Array; // [n][components] projections of the centered rows
}

/** `vectors` is row-major [n][dims]. Rows whose values are all equal still work (zero variance → zero axes). */
export function pca(
  vectors: ArrayLike<number>,
  n: number,
  dims: number,
  components = 2,
  opts: { iterations?: number; tol?: number } = {},
): Pca {
  const { iterations = 500, tol = 1e-10 } = opts;
  if (vectors.length !== n * dims) throw new Error(`pca: expected ${n}×${dims} values, got ${vectors.length}`);
  const c = Math.max(0, Math.min(components, n, dims));
  const mean = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) mean[j] += vectors[i * dims + j];
  for (let j = 0; j < dims; j++) mean[j] /= Math.max(1, n);
  const X = new Float64Array(n * dims);
  let total = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dims; j++) {
      const v = vectors[i * dims + j] - mean[j];
      X[i * dims + j] = v;
      total += v * v;
    }
  const denom = Math.max(1, n - 1);
  total /= denom;
  const axes: Float64Array[] = [];
  const variance: number[] = [];
  const xv = new Float64Array(n);
  for (let comp = 0; comp < c; comp++) {
    // Deterministic start that is unlikely to be orthogonal to the top axis.
    let v = new Float64Array(dims);
    for (let j = 0; j < dims; j++) v[j] = 1 + ((j * 7919 + comp * 104729) % 97) / 97;
    orthonormalise(v, axes);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      // w = Xᵀ X v / (n-1)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < dims; j++) s += X[i * dims + j] * v[j];
        xv[i] = s;
      }
      const w = new Float64Array(dims);
      for (let i = 0; i < n; i++) {
        const s = xv[i];
        if (s === 0) continue;
        for (let j = 0; j < dims; j++) w[j] += X[i * dims + j] * s;
      }
      for (let j = 0; j < dims; j++) w[j] /= denom;
      let nextLambda = 0;
      for (let j = 0; j < dims; j++) nextLambda += w[j] * v[j]; // Rayleigh quotient vᵀCv (v has unit length)
      const norm = orthonormalise(w, axes); // deflation: stay orthogonal to the axes already found
      // No variance left off the axes found (two points, or repeated ones): what remains of w is rounding noise, and
      // normalised it would point anywhere, the found axes included — the picture would stretch noise to full scale.
      // Keep v, a unit vector orthogonal to them, with zero variance.
      if (norm <= 1e-12 * total) {
        lambda = 0;
        break;
      }
      let diff = 0;
      for (let j = 0; j < dims; j++) diff += Math.abs(w[j] - v[j]);
      v = w;
      const settled = it > 8 && Math.abs(nextLambda - lambda) <= tol * Math.max(total, 1e-300);
      lambda = nextLambda;
      // Converged vector, or converged eigenvalue (within a degenerate eigenspace any vector will do),
      // or an axis that carries no variance any more.
      if (diff < tol || settled || lambda <= tol * total) break;
    }
    // Sign convention: the largest-magnitude entry is positive, so repeated runs draw the same picture.
    let big = 0;
    for (let j = 0; j < dims; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
    if (v[big] < 0) for (let j = 0; j < dims; j++) v[j] = -v[j];
    axes.push(v);
    variance.push(Math.max(0, lambda));
  }
  const coords = new Float32Array(n * c);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++) {
      let s = 0;
      const a = axes[k];
      for (let j = 0; j < dims; j++) s += X[i * dims + j] * a[j];
      coords[i * c + k] = s;
    }
  return { n, dims, components: c, mean, axes, variance, explained: variance.map((v) => (total > 0 ? v / total : 0)), coords };
}

/** Gram-Schmidt against `basis`, twice (one pass leaves a residue along the basis when v nearly lies in it), then
 * unit length (left as-is when it vanishes). */
function orthonormalise(v: Float64Array, basis: Float64Array[]): number {
  for (let pass = 0; pass < 2; pass++)
    for (const b of basis) {
      let d = 0;
      for (let j = 0; j < v.length; j++) d += v[j] * b[j];
      for (let j = 0; j < v.length; j++) v[j] -= d * b[j];
    }
  let norm = 0;
  for (let j = 0; j < v.length; j++) norm += v[j] * v[j];
  norm = Math.sqrt(norm);
  if (norm > 1e-300) for (let j = 0; j < v.length; j++) v[j] /= norm;
  return norm;
}

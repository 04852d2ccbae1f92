// Positional encoding, as the course teaches it: BERT learns one vector per position (a [max_positions, hidden] table
// added to the token embedding), where the original Transformer fixes them as sines and cosines. This compares the
// two on one model: how alike positions i and j are (cosine), and how that falls with the distance |i − j|.
import type { LoadedModel, PositionReport, PositionStats } from './api';
import { readPositionEmbeddings } from './embeddings';
import { dotAt } from './vectors';

/** The Transformer's fixed encoding (Vaswani et al. 2017): PE(p, 2i) = sin(p / 10000^(2i/d)), PE(p, 2i+1) = cos(…). */
export function sinusoidPositions(n: number, dims: number): Float32Array {
  const m = new Float32Array(n * dims);
  for (let p = 0; p < n; p++)
    for (let i = 0; i < dims; i += 2) {
      const angle = p / Math.pow(10000, i / dims);
      m[p * dims + i] = Math.sin(angle);
      if (i + 1 < dims) m[p * dims + i + 1] = Math.cos(angle);
    }
  return m;
}

/** Cosine of every pair of rows ([n][n], symmetric, 1 on the diagonal) and its mean at each distance k = 0..n−1. */
export function positionStats(m: Float32Array, n: number, dims: number): PositionStats {
  const norm = Float64Array.from({ length: n }, (_, i) => Math.sqrt(dotAt(m, i * dims, m, i * dims, dims)));
  const similarity = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const c = norm[i] && norm[j] ? dotAt(m, i * dims, m, j * dims, dims) / (norm[i] * norm[j]) : 0;
      similarity[i * n + j] = similarity[j * n + i] = c;
    }
  const byDistance = Array.from({ length: n }, (_, k) => {
    let s = 0;
    for (let i = 0; i + k < n; i++) s += similarity[i * n + i + k];
    return s / (n - k);
  });
  return { similarity, byDistance, norms: Array.from(norm) };
}

/** Positions compared at most: BERT's 512 in full; a 4,096-position model would need 2 × 64 MB of cosines. */
export const MAX_COMPARED = 1024;

/** The model's learned position vectors next to sin/cos ones of the same size. */
export async function positions(model: LoadedModel): Promise<PositionReport> {
  const rows = model.info.maxPositions;
  const { matrix, dims } = await readPositionEmbeddings(model.info.modelFile, rows);
  const n = Math.min(rows, MAX_COMPARED);
  return {
    model: model.info.id,
    positions: rows,
    compared: n,
    dims,
    learned: positionStats(matrix, n, dims),
    sinusoid: positionStats(sinusoidPositions(n, dims), n, dims),
  };
}

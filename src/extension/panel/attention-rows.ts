// Shapes the worker's full attention tensor into what one view needs: a layer's rows for the head view,
// compact pooled thumbnails for the model view, and a focus score per head. DOM-free (host side and tests).

/** The worker's attention matrix: word-level, rows sum to 1. */
export interface AttentionTensor {
  layers: number;
  heads: number;
  n: number; // words in the window
  weights: Float32Array; // [layer][head][from][to]
  rollout: Float32Array; // [from][to]
}

/** Rows of word `from` in 1-based `layer` for every head: [heads][n]. */
export function layerRows(t: AttentionTensor, layer: number, from: number): Float32Array {
  if (layer < 1 || layer > t.layers) throw new RangeError(`layer ${layer} outside 1..${t.layers}`);
  if (from < 0 || from >= t.n) throw new RangeError(`word ${from} outside 0..${t.n - 1}`);
  const out = new Float32Array(t.heads * t.n);
  const n2 = t.n * t.n;
  for (let h = 0; h < t.heads; h++) {
    const base = ((layer - 1) * t.heads + h) * n2 + from * t.n;
    out.set(t.weights.subarray(base, base + t.n), h * t.n);
  }
  return out;
}

export function rolloutRow(t: AttentionTensor, from: number): Float32Array {
  if (from < 0 || from >= t.n) throw new RangeError(`word ${from} outside 0..${t.n - 1}`);
  return t.rollout.slice(from * t.n, (from + 1) * t.n);
}

/**
 * Pools each head's n×n map into size×size cells (sum of the attention mass in a cell), scaled so each
 * thumbnail's brightest cell is 255. 12×12 heads at size 24 is 83 KB instead of 151 MB at n = 512.
 */
export function thumbnails(t: AttentionTensor, size = 24): { size: number; thumbs: Uint8Array } {
  const s = Math.max(1, Math.min(size, t.n));
  const thumbs = new Uint8Array(t.layers * t.heads * s * s);
  const cell = new Float64Array(s * s);
  const bin = new Int32Array(t.n);
  for (let i = 0; i < t.n; i++) bin[i] = Math.min(s - 1, Math.floor((i * s) / t.n));
  // Column ranges per cell (bins are monotonic), so the inner loop is a plain running sum.
  const edge = new Int32Array(s + 1);
  for (let c = 0, j = 0; c < s; c++) {
    while (j < t.n && bin[j] === c) j++;
    edge[c + 1] = j;
  }
  const n2 = t.n * t.n;
  const w = t.weights;
  for (let m = 0; m < t.layers * t.heads; m++) {
    cell.fill(0);
    const base = m * n2;
    for (let i = 0; i < t.n; i++) {
      const row = bin[i] * s;
      const off = base + i * t.n;
      for (let c = 0; c < s; c++) {
        let sum = 0;
        for (let j = off + edge[c], e = off + edge[c + 1]; j < e; j++) sum += w[j];
        cell[row + c] += sum;
      }
    }
    let max = 0;
    for (let c = 0; c < cell.length; c++) if (cell[c] > max) max = cell[c];
    const out = m * s * s;
    if (max > 0) for (let c = 0; c < cell.length; c++) thumbs[out + c] = Math.round((cell[c] / max) * 255);
  }
  return { size: s, thumbs };
}

/** 1 − H(row)/log(n) per [layer][head] for the focus word: 1 = all attention on one word, 0 = uniform. */
export function focusScores(t: AttentionTensor, from: number): Float32Array {
  const out = new Float32Array(t.layers * t.heads);
  const logN = Math.log(t.n);
  for (let m = 0; m < t.layers * t.heads; m++) {
    const off = m * t.n * t.n + from * t.n;
    let h = 0;
    for (let j = 0; j < t.n; j++) {
      const p = t.weights[off + j];
      if (p > 0) h -= p * Math.log(p);
    }
    out[m] = logN > 0 ? Math.max(0, Math.min(1, 1 - h / logN)) : 1;
  }
  return out;
}

/** The word whose span contains (or, failing that, is nearest before) a document offset. */
export function nearestWordAt(words: Array<{ start: number; end: number }>, offset: number): number {
  let best = -1;
  for (let i = 0; i < words.length; i++) {
    if (words[i].start <= offset && offset < words[i].end) return i;
    if (words[i].start <= offset) best = i;
  }
  return best < 0 ? 0 : best;
}

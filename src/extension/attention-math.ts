// Word-level attention matrices and rollout from one encoded window's token-level maps (plain math, no I/O).
import type { EncodedWindow, Tokenized } from '../core/api';

/**
 * Word-level weights [layer][head][from][to] for the window's words: the from-word's row is the mean of its pieces'
 * rows, a to-word collects the sum over its pieces; [CLS]/[SEP] mass is dropped and each row renormalised to 1.
 */
export function wordAttention(
  win: EncodedWindow,
  tok: Tokenized,
  layers: number,
  heads: number,
): { words: number[]; weights: Float32Array } {
  const words: number[] = [];
  for (let w = win.wordStart; w < win.wordEnd; w++) words.push(w);
  const W = words.length;
  const seq = win.seqLen;
  const out = new Float32Array(layers * heads * W * W);
  // window position of each document token: p = docToken - tokenStart + 1
  const pieces = words.map((w) => {
    const wd = tok.words[w]!;
    const ps: number[] = [];
    for (let t = Math.max(wd.tokenStart, win.tokenStart); t < Math.min(wd.tokenEnd, win.tokenEnd); t++) ps.push(t - win.tokenStart + 1);
    return ps;
  });
  for (let l = 0; l < layers; l++) {
    const a = win.out.attention[l + 1];
    if (!a) continue; // layer not tapped: rows stay 0 (callers check `attention` capability first)
    for (let h = 0; h < heads; h++) {
      const base = h * seq * seq;
      for (let f = 0; f < W; f++) {
        const row = ((l * heads + h) * W + f) * W;
        let total = 0;
        for (let t = 0; t < W; t++) {
          let s = 0;
          for (const i of pieces[f]!) for (const j of pieces[t]!) s += a[base + i * seq + j]!;
          s /= Math.max(1, pieces[f]!.length);
          out[row + t] = s;
          total += s;
        }
        if (total > 0) for (let t = 0; t < W; t++) out[row + t]! /= total;
      }
    }
  }
  return { words, weights: out };
}

/** Mean over heads of one layer: [from][to]. */
export function meanHeads(weights: Float32Array, layer: number, heads: number, W: number): Float32Array {
  const m = new Float32Array(W * W);
  for (let h = 0; h < heads; h++) {
    const base = (layer * heads + h) * W * W;
    for (let i = 0; i < W * W; i++) m[i]! += weights[base + i]! / heads;
  }
  return m;
}

/**
 * Attention rollout (Abnar & Zuidema 2020) at word level: per layer Â = ½·mean_heads(A) + ½·I, rows renormalised,
 * R = Â_L ··· Â_1. Row f of R says how much each input word flows into word f's last-layer representation.
 */
export function rollout(weights: Float32Array, layers: number, heads: number, W: number): Float32Array {
  let r = identity(W);
  for (let l = 0; l < layers; l++) {
    const m = meanHeads(weights, l, heads, W);
    for (let f = 0; f < W; f++) {
      let s = 0;
      for (let t = 0; t < W; t++) {
        const v = 0.5 * m[f * W + t]! + (f === t ? 0.5 : 0);
        m[f * W + t] = v;
        s += v;
      }
      if (s > 0) for (let t = 0; t < W; t++) m[f * W + t]! /= s;
    }
    r = matmul(m, r, W);
  }
  return r;
}

function identity(n: number): Float32Array {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function matmul(a: Float32Array, b: Float32Array, n: number): Float32Array {
  const c = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const x = a[i * n + k]!;
      if (x === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j]! += x * b[k * n + j]!;
    }
  }
  return c;
}

/** Cosine similarity of two vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0;
}

/** Index of the word covering `offset` (or the nearest one starting right after it), -1 when none is close. */
export function wordAt(tok: Tokenized, offset: number): number {
  let lo = 0, hi = tok.words.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const w = tok.words[mid]!;
    if (offset < w.start) hi = mid - 1;
    else if (offset >= w.end) lo = mid + 1;
    else return mid;
  }
  // offset just at a word's end (cursor after the last letter) counts for that word
  const prev = tok.words[lo - 1];
  if (prev && prev.end === offset) return lo - 1;
  return -1;
}

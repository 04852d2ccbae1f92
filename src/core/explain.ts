// The explainer: softmax(q·kᵀ/√d)·V for one word, layer and head, from the tapped query/key/value tensors.
import type { EncodedWindow, Encoding, Explanation } from './api';
import { BertLensError } from './model/errors';
import { windowOf } from './encode';
import { softmax } from './softmax';

/** Token-level rows for the window positions in `rows`: raw scores, scaled scores and softmax over all positions. */
export function tokenAttention(
  win: EncodedWindow,
  layer: number,
  head: number,
  rows: number[],
): { scores: number[][]; scaled: number[][]; weights: number[][] } {
  const qkv = win.out.qkv[layer];
  if (!qkv) throw new BertLensError('BAD_INPUT', `Query/key/value of layer ${layer} were not encoded; encode with qkvLayers [${layer}].`);
  const d = qkv.headDim;
  const seq = win.seqLen;
  const base = head * seq * d;
  const scores: number[][] = [];
  const scaled: number[][] = [];
  const weights: number[][] = [];
  for (const i of rows) {
    const s: number[] = [];
    for (let j = 0; j < seq; j++) {
      let dot = 0;
      for (let x = 0; x < d; x++) dot += qkv.q[base + i * d + x] * qkv.k[base + j * d + x];
      s.push(dot);
    }
    const sc = s.map((v) => v / Math.sqrt(d));
    scores.push(s);
    scaled.push(sc);
    weights.push(Array.from(softmax(sc)));
  }
  return { scores, scaled, weights };
}

function meanRows(m: Float32Array, base: number, d: number, positions: number[]): number[] {
  const out = new Array<number>(d).fill(0);
  for (const p of positions) for (let x = 0; x < d; x++) out[x] += m[base + p * d + x] / positions.length;
  return out;
}

/**
 * Word level: the query is the mean of the source word's piece queries; keys and values are per-word means of their
 * pieces; `weights` are the real token softmax rows, averaged over source pieces and summed over each word's target
 * pieces, with [CLS]/[SEP] left out and the rest renormalized (as in attention.ts), so they equal the attention view.
 * `scores`/`scaled` are q̄·k̄ and q̄·k̄/√d of those means (what the panel can show as a formula); `output` is
 * Σ weights·values over the words; `outputExact` the true head output averaged over the source pieces (specials incl.).
 */
export function explain(enc: Encoding, wordIndex: number, opts: { layer: number; head: number }): Explanation {
  const { layer, head } = opts;
  const info = enc.model;
  if (!(wordIndex >= 0 && wordIndex < enc.tok.words.length))
    throw new BertLensError('BAD_INPUT', `No word ${wordIndex}: the text has ${enc.tok.words.length} words.`);
  const w = enc.tok.words.get(wordIndex);
  if (!(head >= 0 && head < info.heads))
    throw new BertLensError('BAD_INPUT', `Head ${head} does not exist: ${info.id} has heads 0..${info.heads - 1}.`);
  const win = windowOf(enc, wordIndex);
  if (!win) throw new BertLensError('BAD_INPUT', `The text around "${w.text}" was not encoded yet.`);
  const qkv = win.out.qkv[layer];
  if (!qkv) throw new BertLensError('BAD_INPUT', `Query/key/value of layer ${layer} were not encoded; encode with qkvLayers [${layer}].`);
  const d = qkv.headDim;
  const seq = win.seqLen;
  const base = head * seq * d;
  const ws = enc.tok.words;
  const pos = (k: number) => {
    const out: number[] = [];
    for (let t = Math.max(ws.tokenStarts[k], win.tokenStart); t < Math.min(ws.tokenEnd(k), win.tokenEnd); t++)
      out.push(t - win.tokenStart + 1);
    return out;
  };
  const src = pos(wordIndex);
  const tokenRows = tokenAttention(win, layer, head, src).weights;
  const rowMean = new Array<number>(seq).fill(0);
  for (const r of tokenRows) r.forEach((v, j) => (rowMean[j] += v / tokenRows.length));
  const words = [];
  const keys: number[][] = [];
  const values: number[][] = [];
  const raw: number[] = [];
  for (let k = win.wordStart; k < win.wordEnd; k++) {
    const p = pos(k);
    words.push({ text: ws.text(k), start: ws.starts[k], end: ws.ends[k] });
    keys.push(meanRows(qkv.k, base, d, p));
    values.push(meanRows(qkv.v, base, d, p));
    raw.push(p.reduce((a, j) => a + rowMean[j], 0));
  }
  const total = raw.reduce((a, b) => a + b, 0);
  const weights = raw.map((x) => x / total);
  const query = meanRows(qkv.q, base, d, src);
  const scores = keys.map((k) => k.reduce((a, v, x) => a + v * query[x], 0));
  const output = new Array<number>(d).fill(0);
  weights.forEach((wt, k) => values[k].forEach((v, x) => (output[x] += wt * v)));
  const outputExact = new Array<number>(d).fill(0);
  rowMean.forEach((wt, j) => {
    for (let x = 0; x < d; x++) outputExact[x] += wt * qkv.v[base + j * d + x];
  });
  return {
    layer,
    head,
    headDim: d,
    from: { text: w.text, start: w.start, end: w.end },
    words,
    query,
    keys,
    values,
    scores,
    scaled: scores.map((s) => s / Math.sqrt(d)),
    weights,
    output,
    outputExact,
  };
}

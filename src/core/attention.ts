// Word-level attention for one word: a layer/head (or mean over heads) or rollout across layers, aggregated from
// subword pieces to words (sum over target pieces, mean over source pieces).
import type { AttentionMatrix, AttentionResult, AttentionView, EncodedWindow, Encoding } from './api';
import { BertLensError } from './model/errors';
import { windowOf } from './encode';
import { headCensus } from './heads';

/** [seq, seq] attention of one head, or the mean over heads. */
export function headMatrix(a: Float32Array, heads: number, seq: number, head: number | 'mean'): Float64Array {
  const m = new Float64Array(seq * seq);
  if (head === 'mean') {
    for (let h = 0; h < heads; h++) for (let i = 0; i < seq * seq; i++) m[i] += a[h * seq * seq + i] / heads;
  } else {
    for (let i = 0; i < seq * seq; i++) m[i] = a[head * seq * seq + i];
  }
  return m;
}

/**
 * Attention rollout (Abnar & Zuidema 2020): per layer Â = row-normalize(0.5·mean_heads(A) + 0.5·I), and
 * R = Â_L · … · Â_1. Rows of R sum to 1 because each factor is row-stochastic.
 */
export function rollout(layers: Float32Array[], heads: number, seq: number): Float64Array {
  let r: Float64Array | null = null;
  for (const a of layers) {
    const m = headMatrix(a, heads, seq, 'mean');
    for (let i = 0; i < seq; i++) {
      let s = 0;
      for (let j = 0; j < seq; j++) {
        const v = 0.5 * m[i * seq + j] + (i === j ? 0.5 : 0);
        m[i * seq + j] = v;
        s += v;
      }
      for (let j = 0; j < seq; j++) m[i * seq + j] /= s;
    }
    if (!r) {
      r = m;
      continue;
    }
    const next = new Float64Array(seq * seq);
    for (let i = 0; i < seq; i++)
      for (let k = 0; k < seq; k++) {
        const v = m[i * seq + k];
        if (v) for (let j = 0; j < seq; j++) next[i * seq + j] += v * r[k * seq + j];
      }
    r = next;
  }
  if (!r) throw new BertLensError('BAD_INPUT', 'Rollout needs at least one attention layer.');
  return r;
}

/**
 * One source word's row over the window's words: mean over the source word's pieces, sum over each target word's
 * pieces. [CLS] and [SEP] are left out of the targets and the rest renormalized: they soak up much of BERT's
 * attention ("no-op" attention, Clark et al. 2019) and are not text the user can point at.
 */
export function wordRow(m: Float64Array, seq: number, enc: Encoding, win: EncodedWindow, word: number): number[] {
  const ws = enc.tok.words;
  const src: number[] = [];
  for (let t = Math.max(ws.tokenStarts[word], win.tokenStart); t < Math.min(ws.tokenEnd(word), win.tokenEnd); t++)
    src.push(t - win.tokenStart + 1);
  const row = new Float64Array(seq);
  for (const p of src) for (let j = 0; j < seq; j++) row[j] += m[p * seq + j] / src.length;
  const out: number[] = [];
  let total = 0;
  for (let w = win.wordStart; w < win.wordEnd; w++) {
    let s = 0;
    for (let t = Math.max(ws.tokenStarts[w], win.tokenStart); t < Math.min(ws.tokenEnd(w), win.tokenEnd); t++)
      s += row[t - win.tokenStart + 1];
    out.push(s);
    total += s;
  }
  return out.map((x) => (total > 0 ? x / total : 1 / out.length));
}

export function attention(
  enc: Encoding,
  wordIndex: number,
  opts: { layer?: number | 'rollout'; head?: number | 'mean' } = {},
): AttentionResult {
  const info = enc.model;
  const { layer = info.layers, head = 'mean' } = opts;
  if (!(wordIndex >= 0 && wordIndex < enc.tok.words.length))
    throw new BertLensError('BAD_INPUT', `No word ${wordIndex}: the text has ${enc.tok.words.length} words.`);
  const w = enc.tok.words.get(wordIndex);
  const win = windowOf(enc, wordIndex);
  if (!win) throw new BertLensError('BAD_INPUT', `The text around "${w.text}" was not encoded yet.`);
  const seq = win.seqLen;
  const need = layer === 'rollout' ? Array.from({ length: info.layers }, (_, i) => i + 1) : [layer];
  for (const l of need) {
    if (!(l >= 1 && l <= info.layers))
      throw new BertLensError('BAD_INPUT', `Layer ${l} does not exist: ${info.id} has layers 1..${info.layers}.`);
    if (!win.out.attention[l])
      throw new BertLensError('BAD_INPUT', `Attention of layer ${l} was not encoded; encode with attentionLayers 'all'.`);
  }
  if (head !== 'mean' && !(Number.isInteger(head) && head >= 0 && head < info.heads)) {
    throw new BertLensError('BAD_INPUT', `Head ${head} does not exist: ${info.id} has heads 0..${info.heads - 1} (or 'mean').`);
  }
  const m =
    layer === 'rollout'
      ? rollout(
          need.map((l) => win.out.attention[l]),
          info.heads,
          seq,
        )
      : headMatrix(win.out.attention[layer], info.heads, seq, head);
  const weights = wordRow(m, seq, enc, win, wordIndex);
  const to = weights.map((weight, k) => {
    const t = enc.tok.words.get(win.wordStart + k);
    return { text: t.text, start: t.start, end: t.end, weight };
  });
  return { layer, head: layer === 'rollout' ? 'mean' : head, from: { text: w.text, start: w.start, end: w.end }, to };
}

/**
 * The window's whole word-level attention, for the panel: weights [layer][head][from][to] and the rollout [from][to],
 * each row built by `wordRow` from the token-level maps — the same maths as `attention()`, so the panel, the overlay
 * and the CLI show the same numbers (rollout is taken over tokens, [CLS]/[SEP] included, then aggregated to words).
 */
export function wordAttentionTensor(enc: Encoding, win: EncodedWindow): { words: number[]; weights: Float32Array; rollout: Float32Array } {
  const { layers, heads } = enc.model;
  const seq = win.seqLen;
  const words: number[] = [];
  for (let w = win.wordStart; w < win.wordEnd; w++) words.push(w);
  const W = words.length;
  const fill = (m: Float64Array, out: Float32Array, base: number) => {
    for (let f = 0; f < W; f++) out.set(wordRow(m, seq, enc, win, win.wordStart + f), base + f * W);
  };
  const weights = new Float32Array(layers * heads * W * W);
  const tapped: Float32Array[] = [];
  for (let l = 1; l <= layers; l++) {
    const a = win.out.attention[l];
    if (!a) continue; // not tapped: rows stay 0 (callers check the attention capability first)
    tapped.push(a);
    for (let h = 0; h < heads; h++) fill(headMatrix(a, heads, seq, h), weights, ((l - 1) * heads + h) * W * W);
  }
  const roll = new Float32Array(W * W);
  if (tapped.length === layers) fill(rollout(tapped, heads, seq), roll, 0);
  return { words, weights, rollout: roll };
}

/** The text a window covers, in document offsets. */
function windowText(enc: Encoding, win: EncodedWindow): { start: number; end: number } {
  return enc.tok.words.span(win.wordStart, win.wordEnd) ?? { start: 0, end: 0 };
}

/** `attention()` plus the span of text its window covers: what the editor overlay draws. */
export function attentionView(
  enc: Encoding,
  wordIndex: number,
  opts: { layer?: number | 'rollout'; head?: number | 'mean' } = {},
): AttentionView {
  const r = attention(enc, wordIndex, opts);
  const win = windowOf(enc, wordIndex) ?? enc.windows[0];
  return { ...r, window: windowText(enc, win) };
}

/**
 * Everything the panel's attention views draw for the window around one word: every layer and head at word level,
 * the rollout, and the head census's labels. Needs an encoding with every attention layer tapped.
 */
export function attentionMatrix(enc: Encoding, wordIndex: number): AttentionMatrix {
  const win = windowOf(enc, wordIndex) ?? enc.windows[0];
  const { layers, heads } = enc.model;
  const { words, weights, rollout: roll } = wordAttentionTensor(enc, win);
  const spans = words.map((i) => {
    const w = enc.tok.words.get(i);
    return { text: w.text, start: w.start, end: w.end };
  });
  const census = headCensus(enc, wordIndex).rows.map((r) => r.label);
  return { window: windowText(enc, win), words: spans, focus: wordIndex - win.wordStart, layers, heads, weights, rollout: roll, census };
}

// Head census: what every layer × head does on one encoded window, in numbers and a label — the summary across
// heads that bertviz users ask for (Clark et al. 2019, "What Does BERT Look At?", measure the same quantities).
import type { EncodedWindow, Encoding } from './api';
import { BertLensError } from './model/errors';
import { PUNCT } from './text/punct';
import type { HeadLabel } from '../shared/head-labels';

export interface HeadRow {
  layer: number; // 1-based
  head: number; // 0-based
  entropy: number; // mean over query tokens of the attention distribution's entropy, in bits
  cls: number; // mean attention to [CLS]
  sep: number; // … to [SEP]
  punct: number; // … to punctuation tokens
  self: number; // … to the query token itself
  prev: number; // … to the token just before
  next: number; // … to the token just after
  distance: number; // mean |i − j| under the attention, in tokens
  label: HeadLabel;
}

export type { HeadLabel } from '../shared/head-labels';

export interface HeadCensus {
  layers: number;
  heads: number;
  window: { start: number; end: number; tokens: number };
  rows: HeadRow[];
}

/**
 * The labels' rules (documented in docs/CLI.md, in this order): a share of at least `DOMINANT` on one target kind
 * names the head after it (previous-token, next-token, [SEP] sink, [CLS], self — the largest wins); else a mean
 * distance of at most `LOCAL_DISTANCE` tokens is "local"; else an entropy of at least `BROAD_ENTROPY` of the
 * maximum (log2 of the window length) is "broad"; else "mixed".
 */
export const DOMINANT = 0.5;
export const LOCAL_DISTANCE = 2;
export const BROAD_ENTROPY = 0.8;

export function label(r: Omit<HeadRow, 'label'>, seq: number): HeadLabel {
  const kinds: Array<[HeadLabel, number]> = [
    ['previous-token', r.prev],
    ['next-token', r.next],
    ['[SEP] sink', r.sep],
    ['[CLS]', r.cls],
    ['self', r.self],
  ];
  const [best, share] = kinds.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (share >= DOMINANT) return best;
  if (r.distance <= LOCAL_DISTANCE) return 'local';
  if (seq > 1 && r.entropy >= BROAD_ENTROPY * Math.log2(seq)) return 'broad';
  return 'mixed';
}

/**
 * Census of one window from its token-level attention maps ([heads][seq][seq] per layer, [CLS] at 0 and [SEP] last).
 * Averages are over every query token of the window, [CLS] and [SEP] included, as Clark et al. do.
 */
export function censusOf(attention: Float32Array[], heads: number, seq: number, tokens: string[]): HeadRow[] {
  if (tokens.length !== seq) throw new BertLensError('BAD_INPUT', `Head census: ${tokens.length} token texts for a window of ${seq}.`);
  const isPunct = tokens.map((t) => PUNCT.test(t));
  const isSep = tokens.map((t, i) => t === '[SEP]' || i === seq - 1);
  const rows: HeadRow[] = [];
  attention.forEach((a, l) => {
    for (let h = 0; h < heads; h++) {
      const m = { entropy: 0, cls: 0, sep: 0, punct: 0, self: 0, prev: 0, next: 0, distance: 0 };
      for (let i = 0; i < seq; i++) {
        const row = h * seq * seq + i * seq;
        for (let j = 0; j < seq; j++) {
          const p = a[row + j];
          if (p > 0) m.entropy -= p * Math.log2(p);
          if (j === 0) m.cls += p;
          if (isSep[j]) m.sep += p;
          if (isPunct[j]) m.punct += p;
          if (j === i) m.self += p;
          else if (j === i - 1) m.prev += p;
          else if (j === i + 1) m.next += p;
          m.distance += p * Math.abs(i - j);
        }
      }
      const mean = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v / seq])) as typeof m;
      rows.push({ layer: l + 1, head: h, ...mean, label: label({ layer: l + 1, head: h, ...mean }, seq) });
    }
  });
  return rows;
}

/** Census of the encoded window that owns word `wordIndex` (the first window when omitted). */
export function headCensus(enc: Encoding, wordIndex?: number): HeadCensus {
  const info = enc.model;
  const win: EncodedWindow | undefined =
    wordIndex === undefined ? enc.windows[0] : (enc.windows.find((w) => wordIndex >= w.ownStart && wordIndex < w.ownEnd) ?? enc.windows[0]);
  if (!win) throw new BertLensError('BAD_INPUT', 'Head census needs some text: the document is empty.');
  const maps: Float32Array[] = [];
  for (let l = 1; l <= info.layers; l++) {
    const a = win.out.attention[l];
    if (!a) throw new BertLensError('BAD_INPUT', `Attention of layer ${l} was not encoded; encode with attentionLayers 'all'.`);
    maps.push(a);
  }
  const toks = enc.tok.tokens.slice(win.tokenStart, win.tokenEnd).map((t) => t.text);
  const { start, end } = enc.tok.words.span(win.wordStart, win.wordEnd) ?? { start: 0, end: 0 };
  return {
    layers: info.layers,
    heads: info.heads,
    window: { start, end, tokens: win.seqLen },
    rows: censusOf(maps, info.heads, win.seqLen, ['[CLS]', ...toks, '[SEP]']),
  };
}

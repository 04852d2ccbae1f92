// The start and end distributions behind the best QA answer, for teaching how a span is chosen (QaResult.positions).
import type { QaPositionRows, QaPositions, Tokenized } from './api';
import { softmax } from './softmax';
import type { QaWindow } from './text/windows';

/** The best start/end pair seen so far and its window's logits (copied: the run's buffers are reused). */
export interface BestPair {
  logit: number;
  window: number;
  s: number; // positions in the window's ids
  e: number;
  startLogits: Float32Array;
  endLogits: Float32Array;
}

/** The better of `best` and the pair (s, e) of window `window`; the window's logits are copied only for a new window. */
export function keepBest(
  best: BestPair | undefined,
  logit: number,
  window: number,
  s: number,
  e: number,
  sl: Float32Array,
  el: Float32Array,
): BestPair | undefined {
  if (best && best.logit >= logit) return best;
  if (best?.window === window) return { ...best, logit, s, e };
  return { logit, window, s, e, startLogits: sl.slice(), endLogits: el.slice() };
}

/** P(start) and P(end) over the window's real positions (padding of a batch row excluded), per document token. */
export function qaPositions(best: BestPair, w: QaWindow, windows: number, doc: Tokenized): QaPositions {
  const n = w.ids.length;
  const ps = softmax(best.startLogits, 0, n);
  const pe = softmax(best.endLogits, 0, n);
  const tokens: QaPositions['tokens'] = [];
  for (let i = w.contextStart; i < w.contextStart + w.docTokenEnd - w.docTokenStart; i++) {
    const d = w.docTokenStart + i - w.contextStart;
    tokens.push({ text: doc.tokens.text(d), start: doc.tokens.starts[d], end: doc.tokens.ends[d], pStart: ps[i], pEnd: pe[i] });
  }
  return {
    window: best.window,
    windows,
    tokens,
    answer: [best.s - w.contextStart, best.e - w.contextStart],
    cls: { pStart: ps[0], pEnd: pe[0] },
  };
}

/** Tokens shown around the best start/end pair (the rest of a 384-token window would not fit a sidebar). */
const AROUND = 4;

/** The pair ± `around` tokens, and the most likely start and end of the window wherever they are. */
export function positionRows(p: QaPositions, around = AROUND): QaPositionRows {
  const [s, e] = p.answer;
  const argmax = (key: 'pStart' | 'pEnd') => p.tokens.reduce((b, t, i) => (t[key] > p.tokens[b][key] ? i : b), 0);
  const keep = new Set([argmax('pStart'), argmax('pEnd')]);
  for (let i = Math.max(0, s - around); i <= Math.min(p.tokens.length - 1, e + around); i++) keep.add(i);
  const shown = [...keep].sort((a, b) => a - b);
  const rows = shown.map((i, k) => ({
    text: p.tokens[i].text,
    pStart: p.tokens[i].pStart,
    pEnd: p.tokens[i].pEnd,
    answer: i >= s && i <= e,
    gap: k === 0 ? i > 0 : i > shown[k - 1] + 1,
  }));
  const listed = (key: 'pStart' | 'pEnd') => rows.reduce((a, r) => a + r[key], p.cls[key]);
  const clamp = (x: number) => Math.min(1, Math.max(0, x)); // rounding: 1 − a sum of shares can dip below 0
  return {
    window: p.window,
    windows: p.windows,
    rows,
    cls: p.cls,
    rest: { pStart: clamp(1 - listed('pStart')), pEnd: clamp(1 - listed('pEnd')) },
  };
}

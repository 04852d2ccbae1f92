// Incremental tokenization: a new version of a recently tokenized text re-tokenizes only the stretch around what
// changed (cut at safe points, where tokens never cross) and reuses the tokens on either side, shifted. The result is
// exactly that of tokenizing the new text from scratch (test/core/text/splice.test.ts).
import type { Tokenized } from '../api';
import { copyShifted, uninitialisedInt32, WordTable } from './tokens';
import type { WordEdit } from './windows';
import type { TextTokenizer, TokenizeOptions } from './tokenizer';

interface Entry {
  specials: string;
  tok: Tokenized;
  spliceable: boolean;
}

/** A base worth splicing from shares at least this fraction of the new text (prefix + suffix). */
const MIN_SHARED = 0.5;
/** Re-tokenized stretches reach at least this far on either side of the change, so cuts fall on common whitespace. */
const MARGIN = 64;
const BLOCK = 1024;

/** Results made by splicing, with the result they came from (weakly: a strong link would keep every earlier version of
 * an edited document alive through the latest) and what changed — window plans are redone from there. */
const spliced = new WeakMap<Tokenized, { from: WeakRef<Tokenized>; edit: WordEdit }>();

/** The result `tok` was spliced from, if still in use, and the words that changed; undefined when it was tokenized
 * whole or its predecessor is gone. */
export function spliceOf(tok: Tokenized): { from: Tokenized; edit: WordEdit } | undefined {
  const s = spliced.get(tok);
  const from = s?.from.deref();
  return s && from ? { from, edit: s.edit } : undefined;
}

/** The tokenizer with a memory of its last `keep` results: the same text again is answered from memory (hovers
 * re-encode the same text many times) and an edited version of one of them is spliced. Results are shared, so
 * callers must treat Tokenized as read-only. */
export function remembering(tk: TextTokenizer, keep = 4): TextTokenizer {
  const recent: Entry[] = [];
  const tokenizeSpliceable = (text: string, o?: TokenizeOptions): { tok: Tokenized; spliceable: boolean } => {
    const specials = (o?.specials ?? []).join('\u0000');
    let hit = recent.find((r) => r.tok.text === text && r.specials === specials);
    if (!hit) {
      // A special string with a cut point inside could straddle a cut.
      const straddles = o?.specials?.some((x) => Array.from({ length: x.length }, (_, i) => tk.safeCut(x, i)).includes(true));
      const base = straddles ? undefined : closest(recent, text, specials);
      hit = { specials, ...((base && splice(tk, base.base.tok, base.ends, text, o)) ?? tk.tokenizeSpliceable(text, o)) };
    } else recent.splice(recent.indexOf(hit), 1);
    recent.unshift(hit);
    recent.length = Math.min(recent.length, keep);
    return hit;
  };
  return { ...tk, tokenize: (text, o) => tokenizeSpliceable(text, o).tok, tokenizeSpliceable };
}

/** Length of the common prefix of a and b, and of their common suffix not overlapping it. Whole blocks are compared
 * natively first: a character loop over a 500k-character document costs more than the splice itself. */
export function sharedEnds(a: string, b: string): [number, number] {
  const n = Math.min(a.length, b.length);
  let p = 0;
  while (p + BLOCK <= n && a.slice(p, p + BLOCK) === b.slice(p, p + BLOCK)) p += BLOCK;
  while (p < n && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  const [x, y] = [a.length, b.length];
  while (s + BLOCK <= n - p && a.slice(x - s - BLOCK, x - s) === b.slice(y - s - BLOCK, y - s)) s += BLOCK;
  while (s < n - p && a.charCodeAt(x - 1 - s) === b.charCodeAt(y - 1 - s)) s++;
  return [p, s];
}

/** The remembered result sharing the most with `text` (the latest version of the document being edited), with the
 * lengths of the shared ends. */
function closest(recent: Entry[], text: string, specials: string): { base: Entry; ends: [number, number] } | undefined {
  let best: { base: Entry; ends: [number, number] } | undefined;
  let most = MIN_SHARED * text.length;
  for (const base of recent) {
    if (base.specials !== specials || !base.spliceable || Math.abs(base.tok.text.length - text.length) > text.length - most) continue;
    const ends = sharedEnds(base.tok.text, text);
    if (ends[0] + ends[1] < most) continue;
    [best, most] = [{ base, ends }, ends[0] + ends[1]];
    if (text.length - most <= MARGIN) break; // a small edit of this one: none can be much better
  }
  return best;
}

/** First index in [0, n) whose value is > x over a non-decreasing sequence; n when none. */
function firstAbove(n: number, at: (i: number) => number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at(mid) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * `text` tokenized by reusing `old` (p, s: the lengths of their shared ends): old tokens before a safe cut `a`
 * (before the change) and after a safe cut `b`
 * (after it) are kept, the stretch [a, b) is tokenized apart. Undefined when the pieces' normalization could differ
 * from the whole text's (then tokenize from scratch).
 */
function splice(
  tk: TextTokenizer,
  old: Tokenized,
  [p, s]: [number, number],
  text: string,
  o?: TokenizeOptions,
): { tok: Tokenized; spliceable: boolean } | undefined {
  const delta = text.length - old.text.length;
  // Cuts inside the shared ends (the same character on both sides of the cut in both texts), MARGIN away from the change.
  let a = Math.max(0, p - MARGIN);
  while (a > 0 && !tk.safeCut(text, a)) a--;
  let b = Math.min(text.length, text.length - s + MARGIN);
  while (b < text.length && !tk.safeCut(text, b)) b++;
  const mid = tk.tokenizeSpliceable(text.slice(a, b), o);
  if (!mid.spliceable) return undefined;
  // No token or word crosses a safe cut, and a word left of a cut ends at or before it (one right of it ends after).
  const ow = old.words;
  const ot = old.tokens;
  const wa = firstAbove(ow.length, (i) => ow.ends[i], a);
  const wb = firstAbove(ow.length, (i) => ow.ends[i], b - delta);
  const ta = wa < ow.length ? ow.tokenStarts[wa] : ot.length;
  const tb = wb < ow.length ? ow.tokenStarts[wb] : ot.length;
  const mt = mid.tok.tokens;
  const mw = mid.tok.words;
  const dt = ta + mt.length - tb; // how far the kept tail's token indices move
  // Each column: the kept head as is, the middle shifted by (a, ta), the kept tail by (delta, dt).
  const column = (oldCol: Int32Array, midCol: Int32Array, head: number, midAdd: number, tailFrom: number, tailAdd: number) => {
    const tail = oldCol.length - tailFrom;
    const out = uninitialisedInt32(head + midCol.length + tail);
    copyShifted(out, 0, oldCol, 0, head, 0);
    copyShifted(out, head, midCol, 0, midCol.length, midAdd);
    copyShifted(out, head + midCol.length, oldCol, tailFrom, tail, tailAdd);
    return out;
  };
  const tokens = {
    ids: column(ot.ids, mt.ids, ta, 0, tb, 0),
    starts: column(ot.starts, mt.starts, ta, a, tb, delta),
    ends: column(ot.ends, mt.ends, ta, a, tb, delta),
  };
  const odd = new Map<number, string>();
  for (const [i, x] of ot.oddEntries()) if (i < ta) odd.set(i, x);
  for (const [i, x] of mt.oddEntries()) odd.set(i + ta, x);
  for (const [i, x] of ot.oddEntries()) if (i >= tb) odd.set(i + dt, x);
  const words = new WordTable(
    text,
    column(ow.starts, mw.starts, wa, a, wb, delta),
    column(ow.ends, mw.ends, wa, a, wb, delta),
    column(ow.tokenStarts, mw.tokenStarts, wa, ta, wb, dt),
    tokens.ids.length,
  );
  const tok = { text, tokens: ot.withColumns(tokens, words, odd), words };
  spliced.set(tok, { from: new WeakRef(old), edit: { wordStart: wa, oldWordEnd: wb, newWordEnd: wa + mw.length, tokenShift: dt } });
  return { tok, spliceable: true };
}

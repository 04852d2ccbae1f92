// Two tokenizations of one text aligned on character offsets: the coarsest segmentation whose boundaries both
// models' words respect (usually their common words), with each side's pieces per segment.
import type { Tokenized } from './api';

/** One aligned segment: [start, end) in the text, and the word indices of each model inside it. */
export interface AlignedUnit {
  text: string;
  start: number;
  end: number;
  a: number[]; // word indices in A's Tokenized
  b: number[];
}

/**
 * Words of A and B grouped where they overlap: a unit grows until it ends on a boundary of both (e.g. "naïve" one
 * word in A and "na", "ï", "ve" in B is one unit). A word that only one model reads (the other skipped the character)
 * is a unit with no words on the other side. Only words inside [from, to) are considered.
 */
export function alignWords(text: string, ta: Tokenized, tb: Tokenized, from = 0, to = text.length): AlignedUnit[] {
  const inside = (t: Tokenized) =>
    t.words.indices((i) => t.words.starts[i] >= from && t.words.ends[i] <= to).map((i) => ({ w: t.words.get(i), i }));
  const wa = inside(ta);
  const wb = inside(tb);
  const units: AlignedUnit[] = [];
  let i = 0;
  let j = 0;
  while (i < wa.length || j < wb.length) {
    const first = j >= wb.length || (i < wa.length && wa[i].w.start <= wb[j].w.start) ? wa[i].w : wb[j].w;
    const u: AlignedUnit = { text: '', start: first.start, end: first.end, a: [], b: [] };
    for (let grew = true; grew;) {
      grew = false;
      while (i < wa.length && wa[i].w.start < u.end) {
        u.a.push(wa[i].i);
        u.end = Math.max(u.end, wa[i].w.end);
        i++;
        grew = true;
      }
      while (j < wb.length && wb[j].w.start < u.end) {
        u.b.push(wb[j].i);
        u.end = Math.max(u.end, wb[j].w.end);
        j++;
        grew = true;
      }
    }
    u.text = text.slice(u.start, u.end);
    units.push(u);
  }
  return units;
}

/** The vocabulary pieces of a unit's words, in order. */
export function piecesOf(tok: Tokenized, words: number[]): string[] {
  return words.flatMap((w) => tok.tokens.slice(tok.words.tokenStarts[w], tok.words.tokenEnd(w)).map((t) => t.text));
}

/** Sums a distribution over one model's words into the units (words outside every unit are dropped). */
export function toUnits(units: AlignedUnit[], side: 'a' | 'b', weightOf: (word: number) => number): number[] {
  return units.map((u) => u[side].reduce((s, w) => s + weightOf(w), 0));
}

/** p / Σp; uniform when the sum is 0. */
export function normalize(p: number[]): number[] {
  const s = p.reduce((x, y) => x + y, 0);
  return p.map((x) => (s > 0 ? x / s : 1 / p.length));
}

/**
 * Jensen–Shannon divergence in bits (log base 2): 0 for the same distribution, 1 for disjoint ones; symmetric and
 * finite where KL is not (a word one model ignores entirely).
 */
export function jsDivergence(p: number[], q: number[]): number {
  let d = 0;
  for (let k = 0; k < p.length; k++) {
    const m = (p[k] + q[k]) / 2;
    if (p[k] > 0) d += 0.5 * p[k] * Math.log2(p[k] / m);
    if (q[k] > 0) d += 0.5 * q[k] * Math.log2(q[k] / m);
  }
  return Math.min(1, Math.max(0, d));
}

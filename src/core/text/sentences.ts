// Sentence spans for the continuity check: split on . ! ? 。！？ (and blank lines), skipping blanked code.

import type { Span } from '../api';

const END = /[.!?。！？]+["'”’)\]]*(?=\s|$)|[。！？]+/gu;

/** A sentence's end for QA spans (stricter than END, which splits for the continuity check, where a split too many costs
 * a pair, not an answer): full-width 。！？, or . ! ? before a capitalised word — not after a lone capital ("U.S. Army") or
 * a common abbreviation ("Dr. Smith") — with any closing quotes or brackets after them. */
const SENTENCE_END =
  /[。！？]+[”’」』）》"')\]]*|(?<!\b(?:\p{Lu}|Mr|Mrs|Ms|Dr|St|Jr|Sr|No|vs|Co|Inc|Ltd|Capt|Gen|Prof|Fig))[.!?]+["'”’)\]]*(?=\s+["“(]?\p{Lu})/gu;

/** Offsets just past each sentence end (sorted): an extractive answer that runs on past one spans two sentences. */
export function sentenceEnds(text: string): number[] {
  return Array.from(text.matchAll(SENTENCE_END), (m) => m.index + m[0].length);
}

/** Sentences of `text` as spans (trimmed), in order. Paragraph breaks (blank lines) also end a sentence. */
export function sentences(text: string): Span[] {
  const out: Span[] = [];
  const push = (s: number, e: number) => {
    while (s < e && /\s/.test(text[s])) s++;
    while (e > s && /\s/.test(text[e - 1])) e--;
    if (e > s && /\p{L}/u.test(text.slice(s, e))) out.push({ text: text.slice(s, e), start: s, end: e });
  };
  let start = 0;
  const breaks: number[] = [];
  for (const m of text.matchAll(END)) breaks.push(m.index + m[0].length);
  for (const m of text.matchAll(/\n\s*\n/g)) breaks.push(m.index);
  breaks.sort((a, b) => a - b);
  for (const b of breaks) {
    if (b <= start) continue;
    push(start, b);
    start = b;
  }
  push(start, text.length);
  return out;
}

/** Adjacent pairs inside one paragraph (a blank line between two sentences means no continuity is expected). */
export function adjacentPairs(text: string, spans: Span[] = sentences(text)): Array<[Span, Span]> {
  const pairs: Array<[Span, Span]> = [];
  for (let i = 0; i + 1 < spans.length; i++) {
    const a = spans[i],
      b = spans[i + 1];
    if (/\n\s*\n/.test(text.slice(a.end, b.start))) continue;
    pairs.push([a, b]);
  }
  return pairs;
}

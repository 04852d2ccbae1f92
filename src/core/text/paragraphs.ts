// Paragraphs (text between blank lines): the unit the attention overlay reads and `auto` picks a model for.
import { lowerBound } from '../sorted';

export interface TextRange {
  start: number;
  end: number;
}

const BLANK_LINE = /\n[^\S\n]*\n/g;

/** The paragraph around `offset`, as a range. */
export function paragraphAround(text: string, offset: number): TextRange {
  const before = text.slice(0, offset);
  const m = [...before.matchAll(BLANK_LINE)].pop();
  const start = m ? m.index + m[0].length : 0;
  const after = new RegExp(BLANK_LINE.source).exec(text.slice(offset));
  const end = after ? offset + after.index : text.length;
  return { start, end };
}

/** Every paragraph of the text, in order (blank lines between them left out). */
export function paragraphs(text: string): TextRange[] {
  const out: TextRange[] = [];
  let start = 0;
  for (const m of text.matchAll(BLANK_LINE)) {
    if (m.index > start) out.push({ start, end: m.index });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ start, end: text.length });
  return out;
}

/** Where each blank line between paragraphs starts, in order. */
export function paragraphBreaks(text: string): number[] {
  return Array.from(text.matchAll(BLANK_LINE), (m) => m.index);
}

/** Does [start, end) contain one of `breaks` (sorted)? */
export function crossesBreak(breaks: readonly number[], start: number, end: number): boolean {
  const i = lowerBound(breaks, start); // the first break at or after start
  return i < breaks.length && breaks[i] < end;
}

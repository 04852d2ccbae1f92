// Documents read in parts: a document over bertLens.maxDocumentChars is read only in the visible part and around the
// cursor (keptRanges), and crosses to the worker as those parts (partsOf; posting a 2 MB string cost the host thread
// ~20 ms a hover), which the worker makes a full-length text of again (fromParts: offsets stay document offsets).
// Host code that reads such a document's text gets keepOnly of it from KeptTexts, built once per ranges.
import { blankOf, keepOnly, type Range } from './segments';

/** Kept ranges are widened to multiples of this, so hovers a little apart ask for the same ranges. */
export const KEEP_QUANTUM = 2048;

/** Ranges rounded outward to multiples of `q`, clamped to [0, length), sorted and merged. */
export function widen(ranges: Range[], length: number, q = KEEP_QUANTUM): Range[] {
  const rs = ranges
    .map((r) => ({ start: Math.max(0, Math.floor(r.start / q) * q), end: Math.min(length, Math.ceil(r.end / q) * q) }))
    .filter((r) => r.start < r.end)
    .sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of rs) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push(r);
  }
  return out;
}

export class KeptTexts {
  private blankText: string | undefined;
  private readonly recent: Array<{ key: string; text: string }> = [];
  builds = 0; // texts built (not answered from memory)

  /** `keep`: how many kept texts to remember (each is as long as the document). */
  constructor(
    readonly text: string,
    private readonly keep = 3,
  ) {}

  /** The text with everything but newlines blanked (keepOnly's background; the same for any ranges). */
  blank(): string {
    return (this.blankText ??= blankOf(this.text));
  }

  /** keepOnly(text, ranges): built once for the same ranges (each is a pass over the document: ~14 ms for 2 MB). */
  get(ranges: Range[]): string {
    const key = ranges.map((r) => `${r.start}-${r.end}`).join(',');
    const at = this.recent.findIndex((r) => r.key === key);
    const hit = at >= 0 ? this.recent.splice(at, 1)[0] : { key, text: (this.builds++, keepOnly(this.text, ranges, this.blank())) };
    this.recent.unshift(hit);
    this.recent.length = Math.min(this.recent.length, this.keep);
    return hit.text;
  }
}

/**
 * For a document `text` over `maxChars`, the ranges read: the visible ones and a neighbourhood around the cursor,
 * widened to multiples of `quantum`, then each edge moved out to a line end (or a place no word crosses) so that no
 * word is cut in two: a cut "water" was read as a word "wat", and listed among a hover's nearest words. Undefined when
 * the document is read whole.
 */
export function keptRanges(
  text: string,
  maxChars: number,
  visible: Range[],
  cursor: number,
  neighbourhood = 2000,
  quantum = KEEP_QUANTUM,
): Range[] | undefined {
  if (text.length <= maxChars) return undefined;
  const rs = widen([...visible, { start: cursor - neighbourhood, end: cursor + neighbourhood }], text.length, quantum);
  return widen(
    rs.map((r) => ({ start: edge(text, r.start, -1), end: edge(text, r.end, 1) })),
    text.length,
    1,
  );
}

/** How far a kept range's edge may move to reach a line end or a place between words. */
const EDGE_REACH = 1024;
// A cut next to one of these splits no token: whitespace, punctuation and symbols (tokens of their own or none), and
// BMP Han characters (one token each).
const BETWEEN_WORDS = /^[\s\p{P}\p{S}\u3400-\u4dbf\u4e00-\u9fff]$/u;

/** `at` moved back (dir −1) or on (+1) to the nearest line boundary within reach, else to a place between words,
 * else left where it is (but never between the halves of a surrogate pair). */
function edge(text: string, at: number, dir: -1 | 1): number {
  if (at <= 0 || at >= text.length) return at;
  if (dir < 0) {
    const near = text.slice(Math.max(0, at - EDGE_REACH), at);
    const i = near.lastIndexOf('\n');
    if (i >= 0 || near.length === at) return at - near.length + i + 1; // after the newline, or the text's start
  } else {
    const near = text.slice(at, at + EDGE_REACH);
    const i = near.indexOf('\n');
    if (i >= 0 || at + near.length === text.length) return i >= 0 ? at + i : text.length;
  }
  for (let k = at; Math.abs(k - at) < EDGE_REACH; k += dir) if (BETWEEN_WORDS.test(text[k - 1]) || BETWEEN_WORDS.test(text[k])) return k;
  return /[\ud800-\udbff]/.test(text[at - 1]) ? at + dir : at;
}

/** A kept range's text and where it starts: what crosses to the worker instead of the whole document. */
export interface Part {
  start: number;
  text: string;
}

export function partsOf(source: string, ranges: Range[]): Part[] {
  return ranges.map((r) => ({ start: r.start, text: source.slice(r.start, r.end) }));
}

/**
 * The full-length text from its kept parts (in order, not overlapping): each gap is blank, a newline at either end so
 * that a part never runs on into the next as one sentence or paragraph. Equal to keepOnly of the document inside the
 * parts; in the gaps only where whitespace lies differs, which nothing reads.
 */
export function fromParts(length: number, parts: readonly Part[]): string {
  const gap = (n: number) => (n >= 2 ? '\n' + ' '.repeat(n - 2) + '\n' : ' '.repeat(n));
  let out = '';
  let at = 0;
  for (const p of parts) {
    out += gap(p.start - at) + p.text;
    at = p.start + p.text.length;
  }
  return out + gap(length - at);
}

/** Whether parts are in order, inside [0, length) and not overlapping: what fromParts needs. */
export function validParts(length: number, parts: unknown): parts is Part[] {
  if (!Array.isArray(parts)) return false;
  let at = 0;
  for (const p of parts as Part[]) {
    if (!p || typeof p.text !== 'string' || !Number.isInteger(p.start) || p.start < at) return false;
    at = p.start + p.text.length;
    if (at > length) return false;
  }
  return true;
}

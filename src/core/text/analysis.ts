// The analysed text of a document version, made from the previous version's where it can: an edit re-scans the code
// around it (until the comment/string scanner is back in step with the previous scan) and re-counts the letters of the
// changed lines, so a keystroke in a 2 MB file costs what its neighbourhood does, not a pass over the file
// (issue 13: no whole-document work on the extension host thread per keystroke). Equal, character for character, to
// analysisText + cjkShare of the whole version (test/core/text/analysis.test.ts checks random edits against them).
import { unitCounts } from '../auto';
import { lowerBound } from '../sorted';
import { analysedCode, PROSE_LANGUAGES, scanCode, syntaxFor } from './segments';

export interface Analysis {
  readonly source: string;
  readonly languageId: string;
  /** The source with everything BERT Lens does not read blanked (analysisText's text). */
  readonly text: string;
  /** Only comments and strings are read (a code file). */
  readonly code: boolean;
  /** Letter units of `text` and the Han characters among them (auto.ts cjkShare's counts). */
  readonly units: number;
  readonly han: number;
  /** The scan's constructs (code files): where each comment or string opened and where the scanner resumed after it. */
  readonly opens: Int32Array;
  readonly resumes: Int32Array;
  /** Characters this version scanned for comments and strings (all of a code file's when made without `prev`). */
  readonly scanned: number;
}

/** Past this many characters before an edit, a delimiter's look-ahead cannot reach into it. */
const MARGIN = 8;
const NONE = new Int32Array(0);

/** What changed: [start, oldEnd) of the previous source became [start, newEnd) of the new one (or a wider stretch). */
export interface Edit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * The analysis of `source`; `prev` (the same document's previous version) lets an edit reuse what it did not touch.
 * `edit`, when the caller knows it (applyChanges), spares the comparison of the two versions.
 */
export function analyse(source: string, languageId: string, prev?: Analysis, edit?: Edit): Analysis {
  if (prev && prev.languageId === languageId) {
    if (!edit && prev.source === source) return prev;
    const d = edit ?? diff(prev.source, source);
    return prev.code ? editCode(source, prev, d) : editProse(source, prev, d);
  }
  if (PROSE_LANGUAGES.has(languageId)) {
    const [units, han] = unitCounts(source);
    return { source, languageId, text: source, code: false, units, han, opens: NONE, resumes: NONE, scanned: 0 };
  }
  const scan = scanCode(source, syntaxFor(languageId), 0);
  const text = analysedCode(source, scan.segments);
  const [units, han] = unitCounts(text);
  return {
    source,
    languageId,
    text,
    code: true,
    units,
    han,
    opens: Int32Array.from(scan.opens),
    resumes: Int32Array.from(scan.resumes),
    scanned: source.length,
  };
}

/** Length of the common prefix: a binary search over slice comparisons (native compares, ~2 passes over the text). */
export function commonPrefix(a: string, b: string): number {
  let lo = 0;
  let hi = Math.min(a.length, b.length);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(lo, mid) === b.slice(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Length of the common suffix, at most `limit`. */
export function commonSuffix(a: string, b: string, limit: number): number {
  let lo = 0;
  let hi = Math.min(limit, a.length, b.length);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(a.length - mid, a.length - lo) === b.slice(b.length - mid, b.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One replacement, as an editor reports it: `length` characters at `offset` became `text`. */
export interface Change {
  offset: number;
  length: number;
  text: string;
}

/**
 * `source` with `changes` applied one after the other (each offset into the text the ones before it left), and a
 * stretch that holds every change (outside it the text is untouched): a new version made from the editor's change
 * events instead of read whole. The changes are applied to that stretch alone, and the new text is joined once, so a
 * run of keystrokes costs their neighbourhood and one copy of the text. Undefined when a change falls outside the text,
 * or when the changes lie so far apart that applying them would copy more than the text twice over (a replace-all): the
 * caller then reads the document again.
 */
export function applyChanges(source: string, changes: readonly Change[]): { source: string; edit: Edit } | undefined {
  const n = source.length;
  // The current text is source[0, head) + mid + source[n − tail, n); mid starts empty where the first change is.
  let [head, tail, mid, copied] = [n, 0, '', 0];
  for (const [k, { offset, length, text }] of changes.entries()) {
    const size = head + mid.length + tail;
    if (!(offset >= 0 && length >= 0 && offset + length <= size)) return undefined;
    if (k === 0) [head, tail] = [offset, n - offset];
    if (offset < head) [mid, head] = [source.slice(offset, head) + mid, offset];
    const after = size - offset - length; // characters after the change, all untouched if within the suffix
    if (after < tail) [mid, tail] = [mid + source.slice(n - tail, n - after), after];
    const at = offset - head;
    mid = mid.slice(0, at) + text + mid.slice(at + length);
    copied += mid.length;
    if (copied > 2 * n + 65_536) return undefined;
  }
  return {
    source: source.slice(0, head) + mid + source.slice(n - tail),
    edit: { start: head, oldEnd: n - tail, newEnd: head + mid.length },
  };
}

/** The exact edit between two versions. */
function diff(prev: string, next: string): Edit {
  const start = commonPrefix(prev, next);
  const tail = commonSuffix(prev, next, Math.min(prev.length, next.length) - start);
  return { start, oldEnd: prev.length - tail, newEnd: next.length - tail };
}

function editProse(source: string, prev: Analysis, d: Edit): Analysis {
  const [units, han] = recount(prev, source, d.start, d.oldEnd);
  return { ...prev, source, text: source, units, han };
}

function editCode(source: string, prev: Analysis, d: Edit): Analysis {
  const delta = source.length - prev.source.length;
  const { opens, resumes } = prev;
  // Keep the constructs the scanner had finished well before the edit; scan again from where it resumed after them.
  const kept = lowerBound(resumes, d.start - MARGIN + 1); // constructs [0, kept) resumed at or before start − MARGIN
  const from = kept > 0 ? resumes[kept - 1] : 0;
  // Stop after a construct past the edit that resumes where the previous scan was outside every construct: from there
  // on the text is the previous one's, and so is what a scan finds in it.
  const outsideBefore = (x: number) => {
    const c = lowerBound(opens, x) - 1; // the last construct opening before x
    return c < 0 || resumes[c] <= x;
  };
  const scan = scanCode(source, syntaxFor(prev.languageId), from, (r) => r >= d.newEnd && outsideBefore(r - delta));
  const oldTo = scan.end - delta; // where the previous version is in step (its end when the scan ran to the end)
  const tail = lowerBound(opens, oldTo); // previous constructs from here on are reused, shifted
  // The analysed text outside [from, scan.end) is the previous one's; inside, made as analysisText makes it.
  const local = scan.segments.map((g) => ({ ...g, start: g.start - from, end: g.end - from }));
  const text = prev.text.slice(0, from) + analysedCode(source.slice(from, scan.end), local) + prev.text.slice(oldTo);
  const shifted = (xs: Int32Array, mid: number[]) => {
    const out = new Int32Array(kept + mid.length + xs.length - tail);
    out.set(xs.subarray(0, kept));
    out.set(mid, kept);
    for (let i = tail, k = kept + mid.length; i < xs.length; i++, k++) out[k] = xs[i] + delta;
    return out;
  };
  const [units, han] = recount(prev, text, from, oldTo);
  return {
    ...prev,
    source,
    text,
    units,
    han,
    opens: shifted(opens, scan.opens),
    resumes: shifted(resumes, scan.resumes),
    scanned: scan.end - from,
  };
}

/**
 * Letter units of the new analysed text: the previous counts less those around the change, plus the new text's there.
 * [start, oldEnd) of the previous analysed text became [start, oldEnd + Δ) of `text`; the stretch is widened to
 * places no unit crosses (a Han character is a unit of its own, a run of other letters stops at anything else).
 */
function recount(prev: Analysis, text: string, start: number, oldEnd: number): [number, number] {
  const old = prev.text;
  const delta = text.length - old.length;
  // A break in both texts: at the edge of the change, one side of the boundary is new ("a b" → "atwo": no break).
  let lo = start;
  while (lo > 0 && !(isBreak(old, lo) && isBreak(text, lo))) lo--;
  let hi = Math.max(oldEnd, lo);
  while (hi < old.length && !(isBreak(old, hi) && isBreak(text, hi + delta))) hi++;
  const [u0, h0] = unitCounts(old.slice(lo, hi));
  const [u1, h1] = unitCounts(text.slice(lo, hi + delta));
  return [prev.units - u0 + u1, prev.han - h0 + h1];
}

/** No unit crosses the boundary before s[k]: a character on either side is not part of a run of non-Han letters. */
function isBreak(s: string, k: number): boolean {
  return NEUTRAL.test(s[k - 1]) || NEUTRAL.test(s[k]);
}
// Whitespace, punctuation, symbols, digits and BMP Han characters (one unit each). Surrogate halves are not neutral,
// so a boundary never splits a pair.
const NEUTRAL = /^[\s\p{P}\p{S}\p{N}\u3400-\u4dbf\u4e00-\u9fff]$/u;

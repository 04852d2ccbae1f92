// Which two sentences the Sentences view compares: the editor's first two selections when it has two, else the
// sentence at the cursor (A) and a sentence near it (B: the one the user picked, else the next, else the previous).
// Pure (no vscode), so the choice is unit-tested.
import { sentences } from '../../core/text/sentences';
import type { PSpan } from '../../shared/panel-protocol';

/** Characters read around the cursor to find sentences: bounded work on a 10 MB document. */
const AROUND = 20_000;
/** Sentences offered as B on each side of A. */
const CHOICES_EACH_SIDE = 6;
/** A compared range never exceeds this: the model reads at most a few hundred pieces of it anyway. */
const MAX_RANGE = 4_000;
/** Characters of a sentence shown in the view (labels, option texts). */
const SHOWN = 160;

export interface SentencePair {
  pick: 'cursor' | 'selections';
  a: PSpan;
  b: PSpan;
  choices: PSpan[];
}

interface Range {
  start: number;
  end: number;
}

/** The range cut to MAX_RANGE and its text cut to SHOWN characters (never inside a surrogate pair). */
function shown(text: string, r: Range): PSpan {
  const end = Math.min(r.end, r.start + MAX_RANGE);
  let cut = Math.min(end, r.start + SHOWN);
  if (cut < end && /[\uDC00-\uDFFF]/.test(text[cut] ?? '')) cut--;
  const body = text.slice(r.start, cut).replace(/\s+/g, ' ');
  return { text: cut < end ? `${body}…` : body, start: r.start, end };
}

/**
 * The pair, or null when the text around the cursor holds fewer than two sentences. `selections`: the editor's
 * selections (document offsets, primary first); `bStart`: the start of the B the user picked last (null: none), kept
 * while it is still a choice.
 */
export function sentencePair(text: string, offset: number, selections: Range[], bStart: number | null): SentencePair | null {
  const picked = selections.filter((r) => /[\p{L}\p{N}]/u.test(text.slice(r.start, Math.min(r.end, r.start + MAX_RANGE))));
  if (picked.length >= 2) {
    const [a, b] = picked.slice(0, 2).sort((x, y) => x.start - y.start);
    return { pick: 'selections', a: shown(text, a), b: shown(text, b), choices: [] };
  }
  const from = Math.max(0, offset - AROUND);
  const spans = sentences(text.slice(from, Math.min(text.length, offset + AROUND))).map((s) => ({
    start: s.start + from,
    end: s.end + from,
  }));
  // A: the sentence holding the cursor, else the last one before it (the cursor sits between sentences).
  let i = spans.findIndex((s) => offset >= s.start && offset <= s.end);
  if (i < 0) i = spans.reduce((k, s, j) => (s.start <= offset ? j : k), -1);
  if (i < 0) i = 0;
  if (spans.length < 2) return null;
  const near = spans.slice(Math.max(0, i - CHOICES_EACH_SIDE), i + CHOICES_EACH_SIDE + 1).filter((s) => s !== spans[i]);
  const b = near.find((s) => s.start === bStart) ?? spans[i + 1] ?? spans[i - 1];
  return { pick: 'cursor', a: shown(text, spans[i]), b: shown(text, b), choices: near.map((s) => shown(text, s)) };
}

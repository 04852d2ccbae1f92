// vscode-free helpers of the editor tasks (tested in plain Node).
import { MASK_FORMS, maskLiteralAt as literalAt } from '../core/mlm';
import { paragraphAround } from '../core/text/paragraphs';

export const MASK = '[MASK]';

/** Range of a literal [MASK] around `offset`, if the cursor is on one (the worker's rule: core/mlm.ts). */
export function maskLiteralAt(text: string, offset: number): { start: number; end: number } | undefined {
  const i = literalAt(text, offset);
  return i < 0 ? undefined : { start: i, end: i + MASK.length };
}

/** Keeps the original word's capitalisation for the replacement (uncased models predict lower case). */
export function matchCase(original: string, word: string): string {
  if (!original || literalAt(original, 0) === 0) return word; // a [MASK] (or ［MASK］) has no case to keep
  if (original.length > 1 && original === original.toUpperCase() && /\p{Lu}/u.test(original)) return word.toUpperCase();
  if (/^\p{Lu}/u.test(original)) return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}

/** A probability for display: two decimals, or two significant digits when that would read 0.00. */
export function fmtScore(x: number): string {
  return x >= 0.01 || x === 0 ? x.toFixed(2) : x.toPrecision(2);
}

/** How many literal [MASK]s the paragraph around `offset` holds (several: Predict Word offers to fill them jointly). */
export function masksInParagraph(text: string, offset: number): number {
  const p = paragraphAround(text, offset);
  return text.slice(p.start, p.end).match(MASK_FORMS)?.length ?? 0;
}

/**
 * Which shown answer "Explain Answer by Occlusion" explains: the one at `index` (a hover's link), else the one the
 * selection or cursor touches (picking an answer in the list selects it), else the best (the first).
 */
export function answerToExplain<A extends { start: number; end: number }>(
  answers: readonly A[],
  sel: { start: number; end: number },
  index?: number,
): A | undefined {
  if (index !== undefined) return answers[index];
  return answers.find((a) => sel.start <= a.end && sel.end >= a.start) ?? answers[0];
}

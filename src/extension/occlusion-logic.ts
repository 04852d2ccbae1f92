// What the occlusion overlay draws, decided without `vscode` (tested in plain Node): each word's shade on the one
// diverging scale, which words carry their number, and the legend.
import { DIVERGING_STEPS, divergingStep, signedLabel } from '../shared/diverging';
import { LABELLED, labelledWords } from './overlay-labels';

export interface Occluded {
  word: string;
  start: number;
  end: number;
  delta: number; // base − score: positive when the word supports the target
}

export interface OcclusionPaint<T extends Occluded> {
  /** Words per shade: index s − 1 for shade s ≥ 1 (supports), steps + (−s) − 1 for shade s ≤ −1 (works against). */
  shades: T[][];
  labelled: Set<T>;
  max: number; // the strongest effect (by magnitude): the scale's end
}

/** Index of a shade among the 2 × steps decoration types (supports first, then works against). */
export const shadeIndex = (step: number, steps = DIVERGING_STEPS): number => (step > 0 ? step - 1 : steps - step - 1);

/** Shades and labels for the words of one occlusion result. Punctuation is shaded but never labelled. */
export function paintOcclusion<T extends Occluded>(words: T[], text: string, k = LABELLED, steps = DIVERGING_STEPS): OcclusionPaint<T> {
  const max = Math.max(0, ...words.map((w) => Math.abs(w.delta)));
  const shades: T[][] = Array.from({ length: 2 * steps }, () => []);
  for (const w of words) {
    const s = divergingStep(w.delta, max, steps);
    if (s !== 0) shades[shadeIndex(s, steps)].push(w);
  }
  const weighted = words
    .filter((w) => /[\p{L}\p{N}]/u.test(w.word) && divergingStep(w.delta, max, steps) !== 0)
    .map((w) => ({ start: w.start, end: w.end, weight: Math.abs(w.delta), w }));
  const labelled = new Set([...labelledWords(weighted, { start: -1 }, text, k)].map((x) => x.w));
  return { shades, labelled, max };
}

/** The hover text's number: the change in the target's probability when the word is masked, signed. */
export const effectText = (delta: number): string => signedLabel(delta);

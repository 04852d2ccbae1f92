// Which words of the attention overlay carry their weight as a number, how that number is drawn so that it never
// widens a line, and the colour legend for the rest. No `vscode` import (tested in plain Node).
import { BUCKETS, type Weighted } from './buckets';

/** Words that get a number; every other word speaks through its colour (legend in the status bar tooltip). */
export const LABELLED = 3;

/**
 * The `k` strongest words, leaving out the focus word and words followed by a letter (a label inside "didn't" would
 * split it) — except a Chinese character before another: each is a word of its own (per-character tokens), and the
 * label sits over the end of its own character. `text` holds the document from offset `base` on, at least to one
 * character past the last word (the overlay reads only that stretch, not the whole document).
 */
export function labelledWords<T extends Weighted>(words: T[], focus: { start: number }, text: string, k = LABELLED, base = 0): Set<T> {
  const han = (c: string | undefined) => c !== undefined && /\p{Script=Han}/u.test(c);
  const at = (i: number): string | undefined => text[i - base];
  const endsWord = (t: T) => !/[\p{L}\p{N}'’]/u.test(at(t.end) ?? ' ') || (han(at(t.end - 1)) && han(at(t.end)));
  return new Set(
    words
      .filter((t) => t.start !== focus.start && endsWord(t))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, k),
  );
}

/**
 * CSS for the label, passed through the decoration's `textDecoration` (VS Code inserts it verbatim after
 * `text-decoration:`). Out of the flow (`position: absolute`), the label takes no width: VS Code wraps lines without
 * knowing about after-text, so an inline label would push the end of a wrapped line past the viewport. It sits as a
 * small superscript over the end of its word instead.
 */
export const LABEL_CSS =
  'none; position: absolute; transform: translate(-100%, -0.72em); font-size: 0.7em; line-height: 1; padding: 0 1px; border-radius: 2px; pointer-events: none; z-index: 1';

/** The label text: two decimals without the leading zero (".42"), as short as a number gets. */
export const labelText = (w: number) => (w >= 0.995 ? '1.0' : w.toFixed(2).replace(/^0/, ''));

/** The weight range each colour bucket stands for, strongest last (bucketOf's thresholds times the strongest weight). */
export function legend(max: number, buckets = BUCKETS): Array<{ from: number; to: number }> {
  const edge = (b: number) => max * (0.12 + (b * 0.88) / buckets);
  return Array.from({ length: buckets }, (_, b) => ({ from: edge(b), to: edge(b + 1) }));
}

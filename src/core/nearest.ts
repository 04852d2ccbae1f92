// A leaf module (no engine imports): the extension's hover uses it too, and its bundle must not pull in onnxruntime.

/**
 * The `max` of `others` (word indices, in document order) nearest to `wordIndex` in the text, still in document
 * order: "the" occurs thousands of times in a long document, and a hover or the panel needs the ones around it, with
 * bounded time and message size (the total count is reported beside them).
 */
export function nearestOccurrences(others: readonly number[], wordIndex: number, max: number): number[] {
  if (others.length <= max) return [...others];
  // `others` is sorted: the window of `max` consecutive entries with the smallest span around wordIndex.
  let lo = 0;
  let hi = others.length - max; // the window starts in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    // Slide right while the word after the window is nearer than its first word.
    if (others[mid + max] - wordIndex < wordIndex - others[mid]) lo = mid + 1;
    else hi = mid;
  }
  return others.slice(lo, lo + max);
}

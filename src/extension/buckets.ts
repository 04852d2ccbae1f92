// Attention weights → a fixed set of intensity buckets, each bound to one themed decoration type.
// Every pass returns every bucket (empty ones too) so nothing from an earlier pass survives.

export const BUCKETS = 6;

export interface Weighted {
  start: number;
  end: number;
  weight: number;
}

/**
 * Bucket index for a weight, linear in its ratio to the strongest weight in view (attention is spread thin over long
 * windows, so absolute weights would all look alike). Returns -1 for weights too small to draw.
 */
export function bucketOf(weight: number, max: number, buckets = BUCKETS): number {
  if (!(max > 0) || !(weight > 0)) return -1;
  const r = weight / max;
  if (r < 0.12) return -1; // below an eighth of the strongest word: leave the text clean
  return Math.min(buckets - 1, Math.floor(((r - 0.12) / 0.88) * buckets));
}

/** Splits weighted spans into `buckets` arrays; the `from` span (the word at the cursor) is excluded. */
export function bucketize<T extends Weighted>(items: T[], buckets = BUCKETS, exclude?: { start: number; end: number }): T[][] {
  const out: T[][] = Array.from({ length: buckets }, () => []);
  const max = Math.max(0, ...items.filter((x) => !(exclude && x.start === exclude.start && x.end === exclude.end)).map((x) => x.weight));
  for (const it of items) {
    if (exclude && it.start === exclude.start && it.end === exclude.end) continue;
    const b = bucketOf(it.weight, max, buckets);
    if (b >= 0) out[b].push(it);
  }
  return out;
}

/** Opacity used for bucket b (also the alpha of the contributed colours' defaults). */
export function bucketAlpha(b: number, buckets = BUCKETS): number {
  return Math.round(((b + 1) / buckets) * 0.75 * 100) / 100;
}

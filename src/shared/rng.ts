// The one seeded random generator (mulberry32): k-means++ seeding in the panel, BERT's masking draw in core, tests.
// DOM-free and import-free, so core, the host and the webview can all use it.

/** A reproducible uniform [0, 1) generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

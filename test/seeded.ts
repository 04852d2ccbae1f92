// A seeded source of random integers for the randomised tests, on the panel's mulberry32 (every bit of it varies). The
// LCG `seed * 1103515245 + 12345` computed in doubles loses its low bits to rounding, so `% n` of it took only a few
// values: `% 12` gave 0, 4 or 8 almost always, and the edits those tests made were far from random.
import { rng } from '../src/extension/panel/cluster';

/** A function giving integers in [0, n), the same sequence for the same seed. */
export function seededInts(seed: number): (n: number) => number {
  const next = rng(seed);
  return (n) => Math.floor(next() * n);
}

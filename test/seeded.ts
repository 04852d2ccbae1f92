// A seeded source of random integers for the randomised tests: mulberry32, whose every bit varies. (The LCG
// `seed * 1103515245 + 12345` computed in doubles loses its low bits to rounding, so `% n` of it took only a few values:
// `% 12` gave 0, 4 or 8 almost always, and the edits those tests made were far from random.)

/** A function giving integers in [0, n), the same sequence for the same seed. */
export function seededInts(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

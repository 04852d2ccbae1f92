// Paired timing shared by the benchmarks: A and B interleaved (A B, B A, …) so background load drifts hit both alike.

export const median = (t: number[]) => [...t].sort((a, b) => a - b)[t.length >> 1];
export const quantile = (t: number[], q: number) => [...t].sort((a, b) => a - b)[Math.min(t.length - 1, Math.floor(q * t.length))];

/** Medians of A and B after `warmup` pairs (arena growth, first-run kernels), and the inter-quartile range of the
 * paired ratios A_i / B_i. `settle` runs untimed before each timed call (bench/tokenize.ts: a full garbage collection). */
export async function pair(
  a: () => unknown,
  b: () => unknown,
  iters: number,
  warmup = 3,
  settle?: () => void,
): Promise<{ aMs: number; bMs: number; iqr: [number, number] }> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < iters; i++) {
    for (const [fn, into] of (i % 2
      ? [
          [b, tb],
          [a, ta],
        ]
      : [
          [a, ta],
          [b, tb],
        ]) as Array<[() => unknown, number[]]>) {
      settle?.();
      const s = performance.now();
      await fn();
      into.push(performance.now() - s);
    }
  }
  const ratios = ta.map((x, i) => x / tb[i]);
  return { aMs: median(ta), bMs: median(tb), iqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)] };
}

// Paired timing shared by the benchmarks: A and B interleaved (A B, B A, …) so background load drifts hit both alike.
import os from 'node:os';

export const median = (t: number[]) => [...t].sort((a, b) => a - b)[t.length >> 1];
export const quantile = (t: number[], q: number) => [...t].sort((a, b) => a - b)[Math.min(t.length - 1, Math.floor(q * t.length))];

/** The 1-minute load average, to one decimal, as the result tables print it. */
export const loadAverage = () => Math.round(os.loadavg()[0] * 10) / 10;

export interface Paired {
  aMs: number;
  bMs: number;
  iqr: [number, number]; // of the paired ratios A_i / B_i
  ratios: number[];
}

/** Medians of A and B after `warmup` pairs (arena growth, first-run kernels), and the inter-quartile range of the
 * paired ratios A_i / B_i. `settle` runs untimed before each timed call (bench/tokenize.ts: a full garbage collection). */
export async function pair(a: () => unknown, b: () => unknown, iters: number, warmup = 3, settle?: () => void): Promise<Paired> {
  const timed = (fn: () => unknown) => async () => {
    settle?.();
    const s = performance.now();
    await fn();
    return performance.now() - s;
  };
  return pairTimed(timed(a), timed(b), iters, warmup);
}

/** As pair(), for sides that time themselves (each returns its own milliseconds: a peer process's forward, or the
 * second of two calls in a row). */
export async function pairTimed(a: () => Promise<number>, b: () => Promise<number>, iters: number, warmup = 3): Promise<Paired> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < iters; i++) {
    if (i % 2) {
      tb.push(await b());
      ta.push(await a());
    } else {
      ta.push(await a());
      tb.push(await b());
    }
  }
  const ratios = ta.map((x, i) => x / tb[i]);
  return { aMs: median(ta), bMs: median(tb), iqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)], ratios };
}

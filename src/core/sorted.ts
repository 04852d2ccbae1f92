// Binary search over increasing numbers: one implementation for the text modules that keep sorted offsets.

/** The number of values in the increasing `xs` below `x`: the index of the first at or above it. */
export function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

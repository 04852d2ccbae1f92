// Number formatting for the panel's tables: DOM-free, tested in plain Node.

/** Fixed digits; tiny non-zero values in exponent form (a probability of 2e-5 is not "0.000"); no "-0.00". */
export const fmt = (x: number, digits = 3): string => {
  if (!Number.isFinite(x)) return '—';
  if (x !== 0 && Math.abs(x) < 0.5 * 10 ** -digits) return digits >= 3 ? x.toExponential(1) : (0).toFixed(digits);
  return x.toFixed(digits);
};

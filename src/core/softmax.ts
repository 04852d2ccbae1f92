// The one softmax: masked-LM and NSP probabilities, the explainer's attention rows (core and panel). A leaf module with
// no imports, so the webview bundle can use it too.

/** softmax of logits[off … off+n), numerically stable (the maximum is subtracted first), in float64. */
export function softmax(logits: Float32Array | number[], off = 0, n = logits.length): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[off + i]);
  const p = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += p[i] = Math.exp(logits[off + i] - max);
  for (let i = 0; i < n; i++) p[i] /= s;
  return p;
}

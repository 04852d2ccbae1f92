// Hidden states kept for a whole document (the worker holds them for hovers) in a quarter of the memory: one int8 per
// value and one scale per token row (the row's largest magnitude / 127). A 10 MB document's last layer is ~1.9 GB as
// float32 and ~0.5 GB as int8 rows. Word vectors are means of rows, and cosines of those move by ~1e-3
// (test/core/engine/hidden-rows.test.ts measures it on the embedded model); model runs, and every CLI command but
// `vectors` on a long document, keep float32.

/** Where the worker (every window of a document, for hovers) and the CLI's whole-document `vectors` switch to int8
 * rows: a document whose float32 hidden states would take more than this (~1 MB of English text on the embedded model;
 * a 10 MB document: ~1.9 GB as float32). Below it, numbers are float32 as the model gave them. */
export const COMPACT_HIDDEN_ABOVE = 128 * 1024 * 1024;

export interface Int8Rows {
  readonly q: Int8Array; // [rows, width]
  readonly scale: Float32Array; // [rows]: value = q * scale
  readonly width: number;
}

/** A window's hidden state at one layer: [seq, hidden] float32 as the model gave it, or int8 rows. */
export type HiddenRows = Float32Array | Int8Rows;

export function toInt8Rows(a: Float32Array, width: number): Int8Rows {
  const rows = emptyInt8Rows(Math.floor(a.length / width), width);
  for (let r = 0; r < rows.scale.length; r++) setInt8Row(rows, r, a, r * width);
  return rows;
}

export function emptyInt8Rows(rows: number, width: number): Int8Rows {
  return { q: new Int8Array(rows * width), scale: new Float32Array(rows), width };
}

/** Row `r` of `rows` := src[from, from + width) quantised. */
export function setInt8Row(rows: Int8Rows, r: number, src: Float32Array, from: number): void {
  const { q, width } = rows;
  let m = 0;
  for (let i = 0; i < width; i++) m = Math.max(m, Math.abs(src[from + i]));
  // A non-finite value stays visible: NaN scale → NaN vector, which the views refuse as for float32.
  const s = Number.isFinite(m) ? m / 127 : NaN;
  rows.scale[r] = s;
  const o = r * width;
  for (let i = 0; i < width; i++) q[o + i] = s > 0 ? Math.round(src[from + i] / s) : 0;
}

/** into[i] += row `r`[i]. */
export function addRow(h: HiddenRows, r: number, width: number, into: Float32Array): void {
  const o = r * width;
  if (h instanceof Float32Array) {
    for (let i = 0; i < width; i++) into[i] += h[o + i];
    return;
  }
  const s = h.scale[r];
  for (let i = 0; i < width; i++) into[i] += h.q[o + i] * s;
}

export function hiddenBytes(h: HiddenRows): number {
  return h instanceof Float32Array ? h.byteLength : h.q.byteLength + h.scale.byteLength;
}

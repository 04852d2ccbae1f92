// NumPy's .npy format, version 1.0, for float32 arrays (numpy.load reads it; so do most notebook tools):
// the magic "\x93NUMPY", version 1 0, a little-endian uint16 header length, then an ASCII Python dict literal padded
// with spaces and ended by "\n" so that the data starts at a multiple of 64 bytes, then the values, little-endian,
// C order. DOM- and Node-free: the CLI and the extension host write the very same bytes.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The header dict as numpy writes it: a 1-D shape keeps its trailing comma, "(3,)". */
export function npyHeader(shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  const pre = MAGIC.length + 2 + 2; // magic, version, header length
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  return dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
}

/** A float32 array of `shape` (C order) as .npy bytes. */
export function npyBytes(shape: readonly number[], data: Float32Array): Uint8Array {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`bad .npy shape (${shape.join(', ')})`);
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`.npy shape (${shape.join(', ')}) holds ${n} values, got ${data.length}`);
  const header = npyHeader(shape);
  const out = new Uint8Array(MAGIC.length + 4 + header.length + 4 * n);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const at = 10 + header.length;
  for (let i = 0; i < n; i++) view.setFloat32(at + 4 * i, data[i], true);
  return out;
}

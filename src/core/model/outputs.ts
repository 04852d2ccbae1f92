// Slices padded batch outputs into per-row arrays trimmed to each row's length (no padding survives).
import type { Layout } from './taps';

/** [B,T,H] row b → [seq,H]. */
export function rowHidden(data: Float32Array, T: number, H: number, b: number, seq: number): Float32Array {
  const off = b * T * H;
  return data.slice(off, off + seq * H);
}

/** [B,heads,T,T] row b → [heads,seq,seq]. */
export function rowAttention(data: Float32Array, heads: number, T: number, b: number, seq: number): Float32Array {
  const out = new Float32Array(heads * seq * seq);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < seq; i++) {
      const src = ((b * heads + h) * T + i) * T;
      out.set(data.subarray(src, src + seq), (h * seq + i) * seq);
    }
  }
  return out;
}

/**
 * A tensor tapped with any permutation of dims (b,h,t,d), e.g. the [b,t,h,d] reshape before a head transpose,
 * → row b as [heads, seq, d].
 */
export function rowHeads(data: Float32Array, layout: Layout, dims: readonly number[], b: number, seq: number): Float32Array {
  const size: Record<string, number> = {};
  layout.forEach((name, i) => (size[name] = dims[i]));
  const stride: Record<string, number> = {};
  let s = 1;
  for (let i = layout.length - 1; i >= 0; i--) {
    stride[layout[i]] = s;
    s *= dims[i];
  }
  const heads = size.h;
  const d = size.d;
  const out = new Float32Array(heads * seq * d);
  let p = 0;
  const base = b * stride.b;
  for (let h = 0; h < heads; h++) {
    for (let t = 0; t < seq; t++) {
      let src = base + h * stride.h + t * stride.t;
      if (stride.d === 1) {
        out.set(data.subarray(src, src + d), p);
        p += d;
      } else {
        for (let j = 0; j < d; j++, src += stride.d) out[p++] = data[src];
      }
    }
  }
  return out;
}

/** Logits [B,T,V] row b, positions → [positions.length, V] (only those rows are copied). */
export function rowPositions(data: Float32Array, T: number, V: number, b: number, positions: number[]): Float32Array {
  const out = new Float32Array(positions.length * V);
  positions.forEach((pos, i) => {
    const src = (b * T + pos) * V;
    out.set(data.subarray(src, src + V), i * V);
  });
  return out;
}

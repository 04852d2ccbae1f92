// A word matrix laid out in one WebAssembly memory, so the hover's dot products run in SIMD (dots.wat): rows
// (float32 or int8 with a scale per row), the candidate rows, the query row and the output. One memory per matrix, never
// grown (views stay valid) and dropped with the matrix. Where WebAssembly SIMD is missing, or the memory cannot be had,
// the caller keeps plain typed arrays and the JavaScript kernel; both give the same numbers, bit for bit.
import type { HiddenRows } from '../hidden-rows';
import { DOTS_WASM } from './dots-bytes';

interface Kernel {
  dotsF32(q: number, rows: number, cand: number, count: number, H: number, out: number): void;
  dotsI8(q: number, rows: number, cand: number, count: number, H: number, out: number): void;
}

let module: WebAssembly.Module | null | undefined; // null: this runtime cannot use it
let enabled = true;

/** Tests and benchmarks compare the two kernels; everything else leaves this on. */
export function useWasmDots(on: boolean): void {
  enabled = on;
}

function compiled(): WebAssembly.Module | null {
  if (module !== undefined) return module;
  try {
    const bytes = Buffer.from(DOTS_WASM, 'base64');
    module = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    module = null;
  }
  return module;
}

const PAGE = 65536;
const align = (n: number) => (n + 15) & ~15;

export class DotsArena {
  readonly rows: HiddenRows;
  /** out[j] = the dot product of the last query with row j (int8: the integer sum, before the two scales). */
  readonly out: Float64Array;
  private readonly kernel: Kernel;
  private readonly q64: Float64Array;
  private readonly q8: Int8Array;
  private readonly cand: Int32Array;
  private readonly at: { q: number; cand: number; out: number; rows: number };
  private copied: Int32Array | undefined; // the candidate list now in `cand`

  private constructor(memory: WebAssembly.Memory, kernel: Kernel, n: number, H: number, compact: boolean) {
    const buf = memory.buffer;
    const q = 0;
    const cand = align(H * 8);
    const out = align(cand + n * 4);
    const rows = align(out + n * 8);
    const scale = align(rows + n * H * (compact ? 1 : 4));
    this.at = { q, cand, out, rows };
    this.q64 = new Float64Array(buf, q, H);
    this.q8 = new Int8Array(buf, q, H);
    this.cand = new Int32Array(buf, cand, n);
    this.out = new Float64Array(buf, out, n);
    this.rows = compact
      ? { q: new Int8Array(buf, rows, n * H), scale: new Float32Array(buf, scale, n), width: H }
      : new Float32Array(buf, rows, n * H);
    this.kernel = kernel;
  }

  /** An arena for n rows of width H, or undefined (no SIMD, switched off, or no memory that large): use typed arrays. */
  static create(n: number, H: number, compact: boolean): DotsArena | undefined {
    const mod = enabled ? compiled() : null;
    if (!mod || n === 0) return undefined;
    const bytes = align(align(align(H * 8) + n * 4) + n * 8) + n * H * (compact ? 1 : 4) + n * 4 + 16;
    try {
      const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
      const instance = new WebAssembly.Instance(mod, { env: { memory } });
      return new DotsArena(memory, instance.exports as unknown as Kernel, n, H, compact);
    } catch {
      return undefined; // over the 4 GiB of a 32-bit memory, or out of address space
    }
  }

  /** out[j] for every j in `candidates` against row i (a list is copied in when it is not the last one given). */
  dots(i: number, candidates: Int32Array): Float64Array {
    if (this.copied !== candidates) {
      this.cand.set(candidates);
      this.copied = candidates;
    }
    const { rows } = this;
    const H = this.q64.length;
    const { q, cand, out } = this.at;
    if (rows instanceof Float32Array) {
      for (let k = 0; k < H; k++) this.q64[k] = rows[i * H + k];
      this.kernel.dotsF32(q, this.at.rows, cand, candidates.length, H, out);
    } else {
      this.q8.set(rows.q.subarray(i * H, i * H + H));
      this.kernel.dotsI8(q, this.at.rows, cand, candidates.length, H, out);
    }
    return this.out;
  }
}

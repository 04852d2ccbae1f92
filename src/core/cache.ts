// Content-addressed cache of window outputs: key = model id + dtype + model file + window token ids, so a re-encode
// after an edit only runs the windows whose tokens changed. LRU with a byte budget.
import { createHash } from 'node:crypto';
import type { EncodedOutput, ModelInfo } from './api';
import { hiddenBytes } from './hidden-rows';

export function modelKey(info: ModelInfo): string {
  return `${info.id}|${info.dtype}|${info.modelFile}`;
}

export function windowKey(info: ModelInfo, ids: number[] | Int32Array, typeIds?: number[]): string {
  const h = createHash('sha1');
  h.update(modelKey(info));
  h.update(ids instanceof Int32Array ? ids : Int32Array.from(ids));
  if (typeIds) h.update(Int32Array.from(typeIds));
  return h.digest('hex');
}

/** The last two texts hashed, with their hashes: the worker re-encodes the same text on many hovers (each time as a new
 * string from the extension host), and comparing two strings is ~100× cheaper than hashing one (10 MB: ~0.4 vs ~30 ms). */
const hashed: Array<{ text: string; hash: string }> = [];

export function textHash(text: string): string {
  const hit = hashed.find((h) => h.text.length === text.length && h.text === text);
  if (hit) return hit.hash;
  const hash = createHash('sha1').update(text).digest('hex');
  hashed.unshift({ text, hash });
  hashed.length = Math.min(hashed.length, 2); // two: the text and its previous version, not a history of big strings
  return hash;
}

/** `enc` with a textHash computed from `text` when first read (most encodings never need it). */
export function withTextHash<T extends object>(enc: T, text: string): T & { readonly textHash: string } {
  let hash: string | undefined;
  return Object.defineProperty(enc, 'textHash', { get: () => (hash ??= textHash(text)), enumerable: true }) as T & {
    readonly textHash: string;
  };
}

function outputBytes(o: EncodedOutput): number {
  let n = 0;
  for (const a of Object.values(o.hidden)) n += hiddenBytes(a);
  for (const a of Object.values(o.attention)) n += a.byteLength;
  for (const q of Object.values(o.qkv)) n += q.q.byteLength + q.k.byteLength + q.v.byteLength;
  return n + 64;
}

/**
 * Least-recently-used by a use counter: a re-encode reads every window of the document, and moving each entry to the
 * end of the map (delete + set) on every read cost more than the reads; the order is sorted out only when evicting.
 */
export class WindowCache {
  private map = new Map<string, { out: EncodedOutput; bytes: number; used: number }>();
  private bytes = 0;
  private clock = 0;
  hits = 0;
  misses = 0;
  constructor(private readonly maxBytes = 512 * 1024 * 1024) {}

  get(key: string): EncodedOutput | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    e.used = ++this.clock;
    return e.out;
  }

  set(key: string, out: EncodedOutput): void {
    const old = this.map.get(key);
    if (old) this.bytes -= old.bytes;
    const bytes = outputBytes(out);
    this.map.set(key, { out, bytes, used: ++this.clock });
    this.bytes += bytes;
    if (this.bytes <= this.maxBytes) return;
    // Over budget: the least recently used go first (never the entry just set: it is the most recent), down to 90 % of
    // the budget, so that the sort is paid once per tenth of the budget, not once per window of a big document.
    for (const [k, e] of [...this.map].sort((a, b) => a[1].used - b[1].used)) {
      if (this.bytes <= 0.9 * this.maxBytes || this.map.size <= 1) break;
      this.map.delete(k);
      this.bytes -= e.bytes;
    }
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.map.size;
  }
}

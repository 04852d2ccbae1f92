// Static word vectors: word2vec text/binary, GloVe (no header) and fastText .vec readers → StaticVectors with
// cosine nearest neighbours over a normalized matrix and case-tolerant lookup (exact, then lowercase).
import { stat } from 'node:fs/promises';
import type { Neighbour, StaticVectors } from './api';
import { BertLensError } from './model/errors';
import { readBoundedAsync } from './model/files';

export type StaticFormat = 'word2vec-binary' | 'word2vec-text' | 'glove';

function bad(file: string, what: string): BertLensError {
  return new BertLensError(
    'CORRUPT_MODEL',
    `Cannot read static vectors from ${file}: ${what}. Use a word2vec (text or binary), GloVe or fastText .vec file.`,
    { file, fix: [{ option: 'staticVectors' }] },
  );
}

/** Build StaticVectors from words and a row-major matrix (rows are normalized in place for cosine search). */
export function fromMatrix(source: string, words: string[], matrix: Float32Array, dims: number): StaticVectors {
  // Keep only the norms (not a second copy of the matrix) so vector() can give back the original values.
  const norms = new Float32Array(words.length);
  for (let r = 0; r < words.length; r++) {
    let s = 0;
    for (let i = 0; i < dims; i++) s += matrix[r * dims + i] ** 2;
    const n = Math.sqrt(s) || 1;
    norms[r] = n;
    for (let i = 0; i < dims; i++) matrix[r * dims + i] /= n;
  }
  const exact = new Map<string, number>();
  const lower = new Map<string, number>();
  words.forEach((w, i) => {
    if (!exact.has(w)) exact.set(w, i);
    const l = w.toLowerCase();
    if (!lower.has(l)) lower.set(l, i);
  });
  const find = (w: string) => exact.get(w) ?? lower.get(w.toLowerCase());
  const search = (q: Float32Array, top: number, skip: (i: number) => boolean): Neighbour[] => {
    let qn = 0;
    for (let i = 0; i < dims; i++) qn += q[i] * q[i];
    qn = Math.sqrt(qn) || 1;
    const best: Neighbour[] = [];
    for (let r = 0; r < words.length; r++) {
      if (skip(r)) continue;
      let d = 0;
      for (let i = 0; i < dims; i++) d += matrix[r * dims + i] * q[i];
      d = Math.max(-1, Math.min(1, d / qn)); // float32 rounding can overshoot 1
      if (best.length === top && d <= best[top - 1].score) continue;
      best.push({ word: words[r], score: d });
      best.sort((a, b) => b.score - a.score);
      if (best.length > top) best.pop();
    }
    return best;
  };
  return {
    source,
    dims,
    size: words.length,
    has: (w) => find(w) !== undefined,
    vector: (w) => {
      const i = find(w);
      return i === undefined ? undefined : matrix.slice(i * dims, (i + 1) * dims).map((x) => x * norms[i]);
    },
    neighbours: (w, top) => {
      const i = find(w);
      if (i === undefined) return [];
      const self = words[i].toLowerCase();
      return search(matrix.subarray(i * dims, (i + 1) * dims), top, (r) => r === i || words[r].toLowerCase() === self);
    },
    neighboursOf: (vec, top, exclude) => search(vec, top, (r) => exclude?.has(words[r]) ?? false),
  };
}

const HEADER = /^\s*(\d+)\s+(\d+)\s*$/;

/** Parse a buffer in any supported format (detected from its first lines). */
export function parseStatic(buf: Buffer, file: string): { format: StaticFormat; vectors: StaticVectors } {
  if (!buf.length) throw bad(file, 'the file is empty');
  const nl = buf.indexOf(0x0a);
  const first = buf.subarray(0, nl < 0 ? Math.min(buf.length, 200) : nl).toString('utf8');
  const h = HEADER.exec(first);
  if (h) {
    const count = Number(h[1]);
    const dims = Number(h[2]);
    if (!count || !dims) throw bad(file, `the header "${first.trim()}" declares no vectors`);
    // Every number takes at least one byte (4 in binary, 2 in text): a header promising more than the file can hold
    // is wrong, and believing it would allocate count × dims floats before reading anything.
    if (!Number.isSafeInteger(count * dims) || count * dims > buf.length) {
      throw bad(
        file,
        `the header "${first.trim()}" promises ${count} vectors of ${dims} numbers, more than a ${buf.length}-byte file can hold (wrong header?)`,
      );
    }
    // Text if the next line parses as "word x1 … x_dims"; binary otherwise.
    const nl2 = buf.indexOf(0x0a, nl + 1);
    const second = buf
      .subarray(nl + 1, nl2 < 0 ? buf.length : nl2)
      .toString('utf8')
      .trim()
      .split(/ +/);
    const isText = second.length === dims + 1 && second.slice(1).every((x) => x !== '' && Number.isFinite(Number(x)));
    return isText
      ? { format: 'word2vec-text', vectors: parseText(buf.subarray(nl + 1).toString('utf8'), file, dims, count) }
      : { format: 'word2vec-binary', vectors: parseBinary(buf, nl + 1, file, count, dims) };
  }
  if (buf.subarray(0, Math.min(buf.length, 4096)).includes(0)) throw bad(file, 'it looks binary but has no "count dims" header');
  return { format: 'glove', vectors: parseText(buf.toString('utf8'), file, undefined, undefined) };
}

function parseText(text: string, file: string, dims: number | undefined, count: number | undefined): StaticVectors {
  const words: string[] = [];
  const rows: number[] = [];
  const lines = text.split('\n');
  lines.forEach((line, k) => {
    const t = line.replace(/\r$/, '').trimEnd();
    if (!t) return;
    const parts = t.split(' ');
    const nums = parts.slice(1);
    if (dims === undefined) dims = nums.length;
    if (nums.length !== dims) throw bad(file, `line ${k + 1 + (count !== undefined ? 1 : 0)} has ${nums.length} numbers, expected ${dims}`);
    for (const x of nums) {
      const v = Number(x);
      if (x === '' || !Number.isFinite(v)) throw bad(file, `line ${k + 1} has a value that is not a number: "${x.slice(0, 20)}"`);
      rows.push(v);
    }
    words.push(parts[0]);
  });
  if (!words.length || !dims) throw bad(file, 'it holds no vectors');
  if (count !== undefined && words.length !== count)
    throw bad(file, `the header promises ${count} vectors but the file has ${words.length} (truncated?)`);
  return fromMatrix(file, words, Float32Array.from(rows), dims);
}

function parseBinary(buf: Buffer, at: number, file: string, count: number, dims: number): StaticVectors {
  const words: string[] = [];
  const m = new Float32Array(count * dims);
  let p = at;
  for (let r = 0; r < count; r++) {
    while (p < buf.length && (buf[p] === 0x0a || buf[p] === 0x20)) p++;
    const sp = buf.indexOf(0x20, p);
    if (sp < 0 || sp - p > 1000) throw bad(file, `vector ${r + 1} of ${count} has no word (truncated or not word2vec binary)`);
    words.push(buf.subarray(p, sp).toString('utf8'));
    p = sp + 1;
    if (p + dims * 4 > buf.length) throw bad(file, `vector ${r + 1} of ${count} is cut short (the file is truncated)`);
    for (let i = 0; i < dims; i++) {
      const v = buf.readFloatLE(p + i * 4);
      if (!Number.isFinite(v)) throw bad(file, `vector ${r + 1} ("${words[r]}") contains a non-finite number (wrong dims or not binary)`);
      m[r * dims + i] = v;
    }
    p += dims * 4;
  }
  while (p < buf.length && (buf[p] === 0x0a || buf[p] === 0x20)) p++;
  if (p !== buf.length) throw bad(file, `${buf.length - p} bytes are left after ${count} vectors of ${dims} dims (wrong header?)`);
  return fromMatrix(file, words, m, dims);
}

export async function readStatic(file: string): Promise<StaticVectors> {
  try {
    await stat(file);
  } catch {
    throw new BertLensError(
      'MODEL_NOT_FOUND',
      `Static vectors file not found: ${file}. Give a path to a word2vec/GloVe/fastText file or an embedded name such as word2vec-mini.`,
      { file, fix: [{ option: 'staticVectors' }] },
    );
  }
  return parseStatic(await readBoundedAsync(file), file).vectors;
}

// Shared helpers for the model-layer tests: fixture paths, golden files, float comparisons.
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { tempDir } from '../../temp';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const fixture = (name: string) => path.join(FIXTURES, name);

type N = number;
export interface GoldenCase {
  name: string;
  texts: unknown;
  input_ids: N[][];
  attention_mask: N[][];
  token_type_ids?: N[][];
  hidden_states: N[][][][]; // [L+1][B][T][H]
  attentions: N[][][][][]; // [L][B][heads][T][T]
  qkv: Array<{ q: N[][][][]; k: N[][][][]; v: N[][][][] }>; // [L]{[B][heads][T][d]}
  logits?: N[][][];
  nsp_logits?: N[][];
  start_logits?: N[][];
  end_logits?: N[][];
}

export function golden(name: string): { model: string; cases: GoldenCase[] } {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'golden', `${name}.json`), 'utf8'));
}

/** Rows of a golden case without padding (attention_mask 1 prefix). */
export function rowsOf(c: GoldenCase) {
  return c.input_ids.map((ids, b) => {
    const n = c.attention_mask[b].reduce((a, x) => a + x, 0);
    return { ids: ids.slice(0, n), typeIds: c.token_type_ids?.[b].slice(0, n) };
  });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Nested golden arrays → flat, trimming trailing dims given per level (e.g. [seq, H]). */
export function flat(x: unknown, shape: number[]): number[] {
  const out: number[] = [];
  const rec = (v: unknown, d: number) => {
    if (d === shape.length) {
      out.push(v as number);
      return;
    }
    const arr = v as unknown[];
    for (let i = 0; i < shape[d]; i++) rec(arr[i], d + 1);
  };
  rec(x, 0);
  return out;
}

export function copyDir(src: string, dest: string): void {
  fs.cpSync(src, dest, { recursive: true });
}

/**
 * Copies a fixture folder with its fp32 weights moved to external data: onnx/model.onnx_data, or round-robin over
 * `chunks` files model.onnx_data, model.onnx_data_1, … (transformers.js chunk naming).
 */
export function externalized(src: string, chunks = 1): string {
  const dir = tempDir('bert-lens-external-');
  copyDir(src, dir);
  for (const f of fs.readdirSync(path.join(dir, 'onnx'))) fs.rmSync(path.join(dir, 'onnx', f));
  const m = onnx.ModelProto.decode(fs.readFileSync(path.join(src, 'onnx', 'model.onnx')));
  const files: Buffer[][] = Array.from({ length: chunks }, () => []);
  const offsets = new Array<number>(chunks).fill(0);
  let k = 0;
  for (const t of (m.graph as onnx.GraphProto).initializer) {
    const raw = t.rawData ? Buffer.from(t.rawData) : undefined;
    if (!raw || raw.length < 256) continue;
    const c = k++ % chunks;
    const name = `model.onnx_data${c ? `_${c}` : ''}`;
    t.rawData = new Uint8Array(0);
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [
      { key: 'location', value: name },
      { key: 'offset', value: String(offsets[c]) },
      { key: 'length', value: String(raw.length) },
    ];
    files[c].push(raw);
    offsets[c] += raw.length;
  }
  files.forEach((parts, c) => fs.writeFileSync(path.join(dir, 'onnx', `model.onnx_data${c ? `_${c}` : ''}`), Buffer.concat(parts)));
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(m).finish());
  return dir;
}

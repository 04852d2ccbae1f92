// The hover's dot products in WebAssembly SIMD (src/core/wasm): the embedded module is the .wat assembled, its sums
// equal the JavaScript kernel's bit for bit (float32 and int8 rows, widths with and without a tail, extreme values),
// and neighbours / similarities on real encodings are the same with the kernel on and off.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEngine, type BertLensEngine } from '../../src/core/index';
import type { Encoding, LoadedModel } from '../../src/core/api';
import { DotsArena, useWasmDots } from '../../src/core/wasm/dots';
import { DOTS_WASM } from '../../src/core/wasm/dots-bytes';
import { dotAt, neighboursOf, occurrences, otherOccurrences, similarities } from '../../src/core/vectors';
import { FIX } from './engine/helpers';

/** Deterministic values: ordinary ones, then magnitudes that round differently in float32 and float64 sums. */
function fill(a: Float32Array | Int8Array, seed: number): void {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (let k = 0; k < a.length; k++)
    a[k] = a instanceof Int8Array ? Math.round(next() * 128) : next() * (k % 7 === 0 ? 1e6 : k % 5 === 0 ? 1e-6 : 1);
}

describe('WebAssembly dot products', () => {
  it('the embedded module is dots.wat as assembled now (run node scripts/build-wasm.mjs after an edit)', async () => {
    const build = (await import(pathToFileURL(path.resolve('scripts/build-wasm.mjs')).href)) as { assemble(): Promise<Buffer> };
    assert.ok(Buffer.from(DOTS_WASM, 'base64').equals(await build.assemble()));
  });

  for (const compact of [false, true])
    for (const H of [1, 3, 4, 5, 8, 12, 13, 32, 160, 161, 768]) {
      it(`${compact ? 'int8' : 'float32'} rows, width ${H}: the same sums as dotAt, bit for bit`, () => {
        const n = 37;
        const arena = DotsArena.create(n, H, compact);
        assert.ok(arena, 'this Node has WebAssembly SIMD');
        const data = arena.rows instanceof Float32Array ? arena.rows : arena.rows.q;
        fill(data, H * 31 + n);
        if (!compact) data[3 * H] = NaN; // a broken row stays NaN
        const cand = Int32Array.from([0, 2, 3, 5, 8, 13, 21, 34, 36]);
        for (const i of [0, 3, 36]) {
          const out = arena.dots(i, cand);
          const q = data.slice(i * H, i * H + H);
          for (const j of cand) assert.ok(Object.is(out[j], dotAt(data, j * H, q, 0, H)), `row ${i} · row ${j}`);
        }
      });
    }

  it('a second candidate list replaces the first', () => {
    const arena = DotsArena.create(10, 8, false)!;
    fill(arena.rows as Float32Array, 7);
    const a = arena.dots(0, Int32Array.from([1, 2, 3]))[3];
    const out = arena.dots(0, Int32Array.from([4]));
    assert.equal(out[3], a);
    assert.ok(Object.is(out[4], dotAt(arena.rows as Float32Array, 32, (arena.rows as Float32Array).slice(0, 8), 0, 8)));
  });

  it('switched off: no arena, the JavaScript kernel', () => {
    useWasmDots(false);
    try {
      assert.equal(DotsArena.create(10, 8, false), undefined);
    } finally {
      useWasmDots(true);
    }
  });
});

describe('hover numbers with and without the WebAssembly kernel', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  const TEXT = Array.from({ length: 10 }, (_, i) => `The bank of the river, the bank that lends money (${i}); it was there.`).join(' ');
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
  });
  after(() => engine.dispose());

  for (const compact of [false, true])
    it(`every word's neighbours and occurrence similarities are identical (${compact ? 'int8' : 'float32'} rows)`, async () => {
      const enc = await engine.encode(model, TEXT, { maxTokens: 32, overlap: 8, ...(compact ? { compactHiddenAbove: 0 } : {}) });
      const answer = (e: Encoding) =>
        e.tok.words.slice().map((_, i) => ({
          n: neighboursOf(e, i, { top: 8 }),
          s: similarities(e, i, otherOccurrences(e, i)),
        }));
      const wasm = answer(enc);
      useWasmDots(false);
      try {
        assert.deepEqual(answer({ ...enc }), wasm); // a copy: a fresh word matrix, in typed arrays
      } finally {
        useWasmDots(true);
      }
      assert.ok(occurrences(enc, 'bank').length >= 10 && wasm[0].n.length === 8);
    });
});

// Int8 rows for a long document's hidden states (core/hidden-rows.ts): the quantisation's error bound, non-finite
// values kept visible, and on the embedded model the hover's numbers close to float32 (measured 2026-12-01 on the
// README: occurrence cosines within 0.0025, the top neighbour the same for 179 of 181 words).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import type { Encoding, LoadedModel } from '../../../src/core/api';
import { addRow, toInt8Rows } from '../../../src/core/hidden-rows';
import { inspectWord } from '../../../src/core/inspect';
import { windowOf } from '../../../src/core/encode';
import { neighboursOf, similarities, wordOwners, wordVectorAt } from '../../../src/core/vectors';
const ROOT = path.resolve('.');

describe('int8 hidden rows', () => {
  it('round-trips each value within half a step of its row (the row max / 127)', () => {
    const W = 7;
    const a = Float32Array.from({ length: 5 * W }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 5)) * (i % W === 3 ? 20 : 1));
    const r = toInt8Rows(a, W);
    assert.equal(r.q.length, a.length);
    for (let row = 0; row < 5; row++) {
      const v = new Float32Array(W);
      addRow(r, row, W, v);
      const max = Math.max(...a.subarray(row * W, (row + 1) * W).map(Math.abs));
      for (let i = 0; i < W; i++) assert.ok(Math.abs(v[i] - a[row * W + i]) <= max / 254 + 1e-7, `row ${row} value ${i}`);
    }
  });

  it('a zero row stays zero; a NaN or infinite value makes its row NaN, never a plausible number', () => {
    const r = toInt8Rows(Float32Array.from([0, 0, 1, NaN, 2, Infinity]), 2);
    const get = (row: number) => {
      const v = new Float32Array(2);
      addRow(r, row, 2, v);
      return [...v];
    };
    assert.deepEqual(get(0), [0, 0]);
    assert.ok(get(1).every(Number.isNaN));
    assert.ok(get(2).every(Number.isNaN));
  });
});

describe('compactHiddenAbove on the embedded model', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  let exact: Encoding;
  let compact: Encoding;
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').slice(0, 12_000);
  before(async () => {
    engine = createEngine({});
    model = await engine.load(path.join(ROOT, 'models', 'bert-lens-mini'));
    exact = await createEngine({}).encode(model, text);
    compact = await engine.encode(model, text, { compactHiddenAbove: 0 });
  });
  after(() => engine.dispose());

  it('keeps every window as int8 rows past the threshold, float32 under it', async () => {
    const L = model.info.layers;
    assert.ok(compact.windows.length > 3);
    for (const w of compact.windows) assert.ok(!(w.out.hidden[L] instanceof Float32Array));
    for (const w of exact.windows) assert.ok(w.out.hidden[L] instanceof Float32Array);
    // Windows cached as float32 by a smaller encode are compacted when a later encode crosses the threshold.
    const e = createEngine({});
    try {
      const first = await e.encode(model, text, { compactHiddenAbove: 1e12 });
      assert.ok(first.windows[0].out.hidden[L] instanceof Float32Array);
      const again = await e.encode(model, text, { compactHiddenAbove: 0 });
      for (const w of again.windows) assert.ok(!(w.out.hidden[L] instanceof Float32Array));
    } finally {
      await e.dispose();
    }
  });

  it('each word takes its vector from the window windowOf picks (one pass instead of a search per word)', () => {
    const owner = wordOwners(exact);
    assert.equal(owner.length, exact.tok.words.length);
    for (let i = 0; i < owner.length; i++) assert.equal(owner[i], exact.windows.indexOf(windowOf(exact, i)!), `word ${i}`);
    const at = wordVectorAt(compact);
    const mid = owner.length >> 1;
    assert.equal(at(mid).length, model.info.hidden);
  });

  it("a hover's numbers stay within 0.005 of float32 and the nearest word rarely changes", () => {
    let worst = 0;
    let same = 0;
    let n = 0;
    for (let w = 0; w < exact.tok.words.length; w += 23) {
      const a = inspectWord(exact, w, { layer: 'last', top: 5 });
      const b = inspectWord(compact, w, { layer: 'last', top: 5 });
      assert.equal(b.occurrences.length, a.occurrences.length);
      a.occurrences.forEach((o, k) => (worst = Math.max(worst, Math.abs(o.similarity - b.occurrences[k].similarity))));
      const byWord = new Map(a.neighbours.map((x) => [`${x.start}`, x.score]));
      for (const x of b.neighbours) if (byWord.has(`${x.start}`)) worst = Math.max(worst, Math.abs(byWord.get(`${x.start}`)! - x.score));
      if (a.neighbours[0]?.start === b.neighbours[0]?.start) same++;
      n++;
    }
    assert.ok(n > 50);
    assert.ok(worst > 0 && worst < 0.005, `largest cosine change ${worst}`);
    assert.ok(same / n >= 0.95, `top neighbour kept for ${same} of ${n} words`);
  });

  it("the neighbours' two-rows-per-pass kernel gives rowCosine's numbers bit for bit (float32 and int8 rows)", async () => {
    // An even and an odd word count (the kernel's last row then runs alone), whatever the README's first 12,000
    // characters hold; the odd text ends in a word of its own type, so that last row is also a neighbour.
    const n = exact.tok.words.length;
    const even = n % 2 ? text + ' quokka' : text;
    const odd = n % 2 ? text + ' quokka zebu' : text + ' quokka';
    // float32 rows from an engine of their own: the shared one compacts the windows it caches once an encode asks.
    const plain = createEngine({});
    const encs: Encoding[] = [];
    for (const [t, compactIt] of [
      [even, false],
      [even, true],
      [odd, false],
      [odd, true],
    ] as const)
      encs.push(compactIt ? await engine.encode(model, t, { compactHiddenAbove: 0 }) : await plain.encode(model, t));
    await plain.dispose();
    assert.deepEqual(
      encs.map((e) => e.tok.words.length % 2),
      [0, 0, 1, 1],
    );
    assert.ok(encs[0].windows[0].out.hidden[model.info.layers] instanceof Float32Array, 'float32 rows');
    assert.ok(!(encs[1].windows[0].out.hidden[model.info.layers] instanceof Float32Array), 'int8 rows');
    for (const enc of encs) {
      const index = new Map(enc.tok.words.slice().map((w, i) => [w.start, i]));
      let checked = 0;
      for (let w = 0; w < enc.tok.words.length; w += 97) {
        for (const x of neighboursOf(enc, w, { top: 1000 })) {
          assert.equal(x.score, similarities(enc, w, [index.get(x.start!)!])[0], `word ${w} → ${x.word}`);
          checked++;
        }
      }
      assert.ok(checked > 1000, `${checked} pairs`);
    }
  });
});

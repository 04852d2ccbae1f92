// encode: windows → rows, taps, and the content cache (a re-encode after an edit runs only changed windows).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import type { LoadedModel } from '../../../src/core/api';
import { FIX, counting, golden, longText } from './helpers';
import { createHash } from 'node:crypto';
import { textHash } from '../../../src/core/cache';

describe('encode', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
  });
  after(() => engine.dispose());

  it('builds [CLS] tokens [SEP] rows equal to the golden input ids', async () => {
    for (const c of golden('tiny-bert').filter((x) => x.texts.every((t) => t.length === 1))) {
      for (let r = 0; r < c.texts.length; r++) {
        const enc = await engine.encode(model, c.texts[r][0]);
        assert.equal(enc.windows.length, 1);
        const ids = c.input_ids[r].slice(0, c.input_ids[r].indexOf(3) + 1); // up to [SEP]: drop padding
        assert.deepEqual(
          enc.tok.tokens.slice().map((t) => t.id),
          ids.slice(1, -1),
          c.name,
        );
        assert.equal(enc.windows[0].seqLen, ids.length);
      }
    }
    const enc = await engine.encode(model, 'the bank');
    const w = enc.windows[0];
    const h = w.out.hidden[model.info.layers];
    assert.ok(h instanceof Float32Array, 'float32 unless compactHiddenAbove asks otherwise');
    assert.equal(h.length, w.seqLen * model.info.hidden);
  });

  it("textHash: the text's sha1, also for a copy of the encoding and for an equal string built anew", async () => {
    const sha1 = (t: string) => createHash('sha1').update(t).digest('hex');
    const text = 'the river bank. 中文 é\u0301';
    const enc = await engine.encode(model, text);
    assert.equal(enc.textHash, sha1(text));
    assert.equal({ ...enc }.textHash, sha1(text), 'a copy carries the value');
    // Remembered by content: a new string with the same characters (as the worker receives on every hover) hits;
    // one character more, or a third text pushing the first out, is hashed anew.
    const again = [...text].join('');
    assert.equal(textHash(again), sha1(text));
    assert.equal(textHash(text + 'x'), sha1(text + 'x'));
    assert.equal(textHash('other'), sha1('other'));
    assert.equal(textHash(text), sha1(text));
    assert.notEqual((await engine.encode(model, text + 'x')).textHash, enc.textHash);
  });

  it('re-encodes only windows whose tokens changed (counted runs), and honours range', async () => {
    const m = counting(model);
    const e = createEngine({ dtype: 'fp32' }); // fresh cache
    try {
      const text = longText(24);
      const opts = { maxTokens: 40, overlap: 8 };
      const enc1 = await e.encode(m, text, opts);
      const n = enc1.windows.length;
      assert.ok(n >= 4, `expected several windows, got ${n}`);
      assert.equal(m.rows, n);
      // Same text again: everything from the cache.
      await e.encode(m, text, opts);
      assert.equal(m.rows, n);
      // Edit one word in the last sentence: only the window(s) holding it run again.
      const edited = text.replace(/day 23\.$/, 'day 99.');
      const enc2 = await e.encode(m, edited, opts);
      assert.equal(enc2.windows.length, n);
      assert.ok(m.rows - n >= 1 && m.rows - n <= 2, `re-ran ${m.rows - n} windows of ${n}`);
      // Asking for more taps than cached re-runs (attention was not tapped before).
      const before = m.rows;
      const range = { start: 0, end: 10 };
      const enc3 = await e.encode(m, edited, { ...opts, attentionLayers: 'all', range });
      assert.equal(enc3.windows.length, 1, 'range: only the window touching chars 0..10');
      assert.equal(m.rows - before, 1);
      assert.ok(enc3.windows[0].out.attention[1]);
      // Taps accumulate: the window now has hidden states and attention, so neither request re-runs it.
      const again = m.rows;
      await e.encode(m, edited, { ...opts, range });
      await e.encode(m, edited, { ...opts, hiddenLayers: [], attentionLayers: [1], range });
      assert.equal(m.rows, again);
    } finally {
      await e.dispose();
    }
  });

  it('words get the same vectors from the cache as from a fresh run', async () => {
    const text = longText(10);
    const a = engine.wordVectors(await engine.encode(model, text, { maxTokens: 30 }));
    const e2 = createEngine({ dtype: 'fp32' });
    const m2 = await e2.load(FIX.bert);
    const b = e2.wordVectors(await e2.encode(m2, text, { maxTokens: 30 }));
    await e2.dispose();
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) for (let k = 0; k < a[i].length; k++) assert.ok(Math.abs(a[i][k] - b[i][k]) < 1e-5);
  });
});

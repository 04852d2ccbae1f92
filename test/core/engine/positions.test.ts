// Positional encoding: the learned position table read from the ONNX graph (fp32 and int8), its cosine structure, and
// the sin/cos reference of the same size.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { BertLensError, createEngine } from '../../../src/core/index';
import { readPositionEmbeddings } from '../../../src/core/embeddings';
import { positionStats, sinusoidPositions } from '../../../src/core/positions';
import { FIX } from './helpers';

/** The table by its Hugging Face name, decoded here on its own (not through the engine's Gather search). */
function byName(file: string, name: string): Float32Array {
  const t = onnx.ModelProto.decode(readFileSync(file)).graph!.initializer!.find((x) => x.name === name)!;
  const raw = t.rawData!;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

describe('positional encoding', () => {
  it('reads the position table: the Gather of 128 rows that is neither input_ids nor token_type_ids (fp32; int8 close)', async () => {
    const file = path.join(FIX.bert, 'onnx/model.onnx');
    const fp = await readPositionEmbeddings(file, 128);
    assert.equal(fp.dims, 32);
    assert.deepEqual(Array.from(fp.matrix), Array.from(byName(file, 'bert.embeddings.position_embeddings.weight')));
    const q8 = await readPositionEmbeddings(path.join(FIX.bert, 'onnx/model_quantized.onnx'), 128);
    let maxDiff = 0;
    for (let i = 0; i < fp.matrix.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fp.matrix[i] - q8.matrix[i]));
    assert.ok(maxDiff < 0.05, `int8 table close to fp32 (max diff ${maxDiff})`);
    // No such table: another kind of model (relative or rotary positions), not a broken file — pick another model.
    await assert.rejects(
      readPositionEmbeddings(file, 77),
      (e: BertLensError) =>
        e.code === 'BAD_INPUT' &&
        e.details.fix?.[0]?.option === 'model' &&
        /Cannot read the position embeddings from .*: no Gather reads a table of 77 rows\. The positions view needs a BERT-style export/.test(
          e.message,
        ),
    );
  });

  it('sin/cos: PE(p, 2i) = sin(p/10000^(2i/d)), PE(p, 2i+1) = cos(…); the cosine of two positions depends only on their distance', () => {
    const m = sinusoidPositions(64, 16);
    assert.deepEqual(Array.from(m.subarray(0, 4)), [0, 1, 0, 1]);
    assert.ok(Math.abs(m[5 * 16 + 2] - Math.sin(5 / Math.pow(10000, 2 / 16))) < 1e-6);
    const s = positionStats(m, 64, 16);
    for (let i = 0; i + 7 < 64; i++) assert.ok(Math.abs(s.similarity[i * 64 + i + 7] - s.byDistance[7]) < 1e-5, `i=${i}`);
    for (let k = 1; k < 4; k++) assert.ok(s.byDistance[k] < s.byDistance[k - 1], 'falls with distance at first');
    assert.ok(
      s.norms.every((x) => Math.abs(x - Math.sqrt(8)) < 1e-5),
      'every row has length √(d/2)',
    );
  });

  it('the report: symmetric cosines with 1 on the diagonal, means by distance; cached per model', async () => {
    const engine = createEngine({ dtype: 'fp32' });
    try {
      const model = await engine.load(FIX.bert);
      const r = await engine.positions(model);
      assert.deepEqual([r.positions, r.compared, r.dims], [128, 128, 32]);
      const n = r.positions;
      for (const s of [r.learned, r.sinusoid]) {
        assert.equal(s.similarity.length, n * n);
        for (let i = 0; i < n; i += 9) {
          assert.ok(Math.abs(s.similarity[i * n + i] - 1) < 1e-6);
          for (let j = 0; j < n; j += 7) assert.equal(s.similarity[i * n + j], s.similarity[j * n + i]);
        }
        assert.ok(Math.abs(s.byDistance[0] - 1) < 1e-6 && s.byDistance.length === n);
        const k = 5;
        let sum = 0;
        for (let i = 0; i + k < n; i++) sum += s.similarity[i * n + i + k];
        assert.ok(Math.abs(s.byDistance[k] - sum / (n - k)) < 1e-9);
      }
      assert.equal(await engine.positions(model), r, 'cached');
    } finally {
      await engine.dispose();
    }
  });

  it('on the embedded bert-lens-mini, neighbouring positions are more alike than distant ones (learned, not random)', async () => {
    const engine = createEngine({ dtype: 'int8' });
    try {
      const r = await engine.positions(await engine.load(path.resolve('models/bert-lens-mini')));
      assert.ok(r.learned.byDistance[1] > r.learned.byDistance[64] + 0.2, `${r.learned.byDistance[1]} vs ${r.learned.byDistance[64]}`);
    } finally {
      await engine.dispose();
    }
  });
});

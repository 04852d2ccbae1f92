// The benchmark's GEMM reference (bench/reference.ts): the graph of an encoder's weight products computes the chained
// products of its own weights, holds the shapes and count the FLOP formula counts, and its int8 form runs the
// dynamically quantized kernel on the same weights.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { productFlops, productsGraph } from '../../bench/reference';

const [H, I, L, T] = [8, 12, 2, 3];

/** The graph's weights in order, as float matrices (int8 ones times their scale), with their shapes. */
function weights(graph: Uint8Array): Array<{ k: number; n: number; w: Float32Array }> {
  const g = onnx.ModelProto.decode(graph).graph!;
  const byName = new Map(g.initializer!.map((t) => [t.name!, t]));
  return g.node!.map((node) => {
    const t = byName.get(node.input![1])!;
    const [k, n] = t.dims!.map(Number);
    const raw = t.rawData!;
    const bytes = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    if (t.dataType === onnx.TensorProto.DataType.FLOAT) return { k, n, w: new Float32Array(bytes) };
    const scale = byName.get(node.input![2])!.floatData![0];
    return { k, n, w: Float32Array.from(new Int8Array(bytes), (q) => q * scale) };
  });
}

function chain(a: Float32Array, ws: ReturnType<typeof weights>): Float32Array {
  let x = a;
  for (const { k, n, w } of ws) {
    const y = new Float32Array(T * n);
    for (let r = 0; r < T; r++) for (let c = 0; c < n; c++) for (let j = 0; j < k; j++) y[r * n + c] += x[r * k + j] * w[j * n + c];
    x = y;
  }
  return x;
}

const input = Float32Array.from({ length: T * H }, (_, i) => Math.sin(i + 1));

describe('bench/reference.ts products graph', () => {
  it('fp32: the chained products of its own weights, in the shapes productFlops counts', async () => {
    const graph = productsGraph(H, I, L, T, false);
    const ws = weights(graph);
    assert.deepEqual(
      ws.map(({ k, n }) => [k, n]),
      Array.from({ length: L }, () => [
        [H, H],
        [H, H],
        [H, H],
        [H, H],
        [H, I],
        [I, H],
      ]).flat(),
    );
    assert.equal(
      ws.reduce((f, { k, n }) => f + 2 * T * k * n, 0),
      productFlops(H, I, L, T),
    );
    const s = await ort.InferenceSession.create(graph);
    const y = (await s.run({ A: new ort.Tensor('float32', input, [T, H]) })).Y.data as Float32Array;
    const want = chain(input, ws);
    assert.equal(y.length, T * H);
    for (let i = 0; i < y.length; i++) assert.ok(Math.abs(y[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])), `${i}: ${y[i]} vs ${want[i]}`);
    // Scaled so that activations stay near the input's size through the chain (no overflow over 72 products).
    const rms = Math.sqrt(y.reduce((a, v) => a + v * v, 0) / y.length);
    assert.ok(rms > 0.05 && rms < 20, `rms ${rms}`);
    await s.release();
  });

  it('int8: DynamicQuantizeMatMul on int8 weights, close to the float chain of the dequantized weights', async () => {
    const graph = productsGraph(H, I, L, T, true);
    const g = onnx.ModelProto.decode(graph).graph!;
    assert.ok(g.node!.every((n) => n.opType === 'DynamicQuantizeMatMul' && n.domain === 'com.microsoft'));
    const s = await ort.InferenceSession.create(graph);
    const y = (await s.run({ A: new ort.Tensor('float32', input, [T, H]) })).Y.data as Float32Array;
    const want = chain(input, weights(graph));
    const norm = Math.sqrt(want.reduce((a, v) => a + v * v, 0));
    const err = Math.sqrt(y.reduce((a, v, i) => a + (v - want[i]) ** 2, 0));
    assert.ok(err / norm < 0.05, `relative error ${err / norm}`); // the activations' 8-bit quantization, 12 times
    await s.release();
  });
});

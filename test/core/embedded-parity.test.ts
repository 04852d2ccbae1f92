// Parity of the embedded trained models (English bert-lens-mini[-qa], Chinese bert-lens-zh[-qa]) run with
// onnxruntime-node directly: they must reproduce the PyTorch goldens of the exported weights within 1e-4.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const TOL = 1e-4;

interface Case {
  name: string;
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
  logits_at?: number[][];
  logits_rows?: number[][];
  nsp_logits?: number[][];
  last_hidden_state_cls?: number[][];
  start_logits?: number[][];
  end_logits?: number[][];
}

const load = (name: string) => JSON.parse(readFileSync(path.resolve(`test/golden/${name}.json`), 'utf8')) as { cases: Case[] };

function feeds(c: Case): Record<string, ort.Tensor> {
  const B = c.input_ids.length;
  const T = c.input_ids[0].length;
  const t = (a: number[][]) =>
    new ort.Tensor(
      'int64',
      BigInt64Array.from(a.flat(), (x) => BigInt(x)),
      [B, T],
    );
  return { input_ids: t(c.input_ids), attention_mask: t(c.attention_mask), token_type_ids: t(c.token_type_ids) };
}

function maxDiff(got: ArrayLike<number>, want: number[]): number {
  assert.equal(got.length, want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m;
}

const open = (model: string) => ort.InferenceSession.create(path.resolve(`models/${model}/onnx/model.onnx`), { intraOpNumThreads: 1 });

for (const [mlmName, qaName] of [
  ['bert-lens-mini', 'bert-lens-mini-qa'],
  ['bert-lens-zh', 'bert-lens-zh-qa'],
]) {
  describe(`embedded ${mlmName} (MLM + NSP) vs PyTorch`, () => {
    let s: ort.InferenceSession;
    const g = load(mlmName);
    before(async () => {
      s = await open(mlmName);
    });

    it('has the I/O names the engine relies on', () => {
      assert.deepEqual([...s.inputNames].sort(), ['attention_mask', 'input_ids', 'token_type_ids']);
      for (const o of ['logits', 'nsp_logits']) assert.ok(s.outputNames.includes(o), o);
    });

    for (const c of g.cases) {
      it(`${c.name}: MLM rows, NSP logits and [CLS] state within ${TOL}`, async () => {
        const out = await s.run(feeds(c));
        const logits = out.logits;
        const [, T, V] = logits.dims as number[];
        const data = logits.data as Float32Array;
        c.logits_at!.forEach(([b, t], k) => {
          const row = data.subarray((b * T + t) * V, (b * T + t + 1) * V);
          assert.ok(maxDiff(row, c.logits_rows![k]) <= TOL, `logits row ${k}`);
        });
        assert.ok(maxDiff(out.nsp_logits.data as Float32Array, c.nsp_logits!.flat()) <= TOL, 'nsp_logits');
        const H = c.last_hidden_state_cls![0].length;
        const hs = out.last_hidden_state.data as Float32Array;
        const cls = c.input_ids.flatMap((_, b) => Array.from(hs.subarray(b * T * H, b * T * H + H)));
        assert.ok(maxDiff(cls, c.last_hidden_state_cls!.flat()) <= TOL, 'last_hidden_state[:, 0]');
      });
    }
  });

  describe(`embedded ${qaName} vs PyTorch`, () => {
    let s: ort.InferenceSession;
    const g = load(qaName);
    before(async () => {
      s = await open(qaName);
    });

    it('has the I/O names the engine relies on', () => {
      assert.deepEqual([...s.inputNames].sort(), ['attention_mask', 'input_ids', 'token_type_ids']);
      for (const o of ['start_logits', 'end_logits']) assert.ok(s.outputNames.includes(o), o);
    });

    for (const c of g.cases) {
      it(`${c.name}: start/end logits within ${TOL}`, async () => {
        const out = await s.run(feeds(c));
        assert.ok(maxDiff(out.start_logits.data as Float32Array, c.start_logits!.flat()) <= TOL, 'start_logits');
        assert.ok(maxDiff(out.end_logits.data as Float32Array, c.end_logits!.flat()) <= TOL, 'end_logits');
      });
    }
  });
}

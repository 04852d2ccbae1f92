// The encoder/head split (encoder.ts, prune.ts): run() on the encoder without the MLM decoder plus the head on the
// requested rows gives what the full graph gives — fp32 within 1e-5 for hidden states, attention, Q/K/V, NSP and the
// MLM logits at chosen positions, on a padded batch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedModel, RunRequest, RunRow } from '../../../src/core/api';
import { loadModel } from '../../../src/core/model';
import { runsSplit } from '../../../src/core/model/session';
import { indexModel } from '../../../src/core/model/graph';
import { pruneOutputs } from '../../../src/core/model/prune';
import { readBounded } from '../../../src/core/model/files';
import { extractHead, HEAD_ROWS } from '../../../src/core/model/head';
import { tapModel } from '../../../src/core/model/taps';
import { loadTokenizer } from '../../../src/core/text/tokenizer';
import { ROOT, fixture, maxAbsDiff } from './helpers';

const TOL = 1e-5;
const MODELS = [fixture('tiny-bert'), fixture('tiny-distilbert'), path.join(ROOT, 'models', 'bert-lens-mini')];

/** Rows of different lengths (so the batch pads) with ids from the ordinary vocabulary. */
function rowsFor(vocab: number, types: boolean): RunRow[] {
  return [12, 30, 7].map((n, r) => {
    const ids = Array.from({ length: n }, (_, i) => (i === 0 ? 2 : i === n - 1 ? 3 : 100 + ((i * 7919 + r * 104729) % (vocab - 100))));
    return { ids, typeIds: types ? ids.map((_, i) => (i < n / 2 ? 0 : 1)) : undefined };
  });
}

for (const dir of MODELS) {
  describe(`encoder/head split: ${path.relative(ROOT, dir)} fp32`, () => {
    let split: LoadedModel;
    let full: LoadedModel;
    before(async () => {
      split = await loadModel(dir, {}, { dtype: 'fp32' });
      full = await loadModel(dir, {}, { dtype: 'fp32', fullGraph: true });
    });
    after(async () => {
      await split.dispose();
      await full.dispose();
    });

    it('equals the full graph within 1e-5: hidden, attention, Q/K/V, NSP, MLM logits at chosen positions', async () => {
      const { layers, vocabSize, capabilities: cap } = split.info;
      const rows = rowsFor(vocabSize, cap.tokenTypes);
      const all = Array.from({ length: layers + 1 }, (_, i) => i);
      const req: RunRequest = {
        hiddenLayers: all,
        attentionLayers: all.slice(1),
        qkvLayers: cap.qkv ? all.slice(1) : [],
        mlmPositions: [[1, 5], [0, 3, 29, 3], []],
        nsp: cap.nsp,
      };
      assert.deepEqual([runsSplit(split), runsSplit(full)], [true, false]);
      const [a, b] = [await split.run(rows, req), await full.run(rows, req)];
      for (let r = 0; r < rows.length; r++) {
        for (const l of all) assert.ok(maxAbsDiff(a[r].hidden[l], b[r].hidden[l]) <= TOL, `hidden[${l}] row ${r}`);
        for (const l of all.slice(1)) assert.ok(maxAbsDiff(a[r].attention[l], b[r].attention[l]) <= TOL, `attention[${l}] row ${r}`);
        for (const l of req.qkvLayers!) assert.ok(maxAbsDiff(a[r].qkv[l].v, b[r].qkv[l].v) <= TOL, `v[${l}] row ${r}`);
        assert.equal(a[r].mlmLogits!.length, req.mlmPositions![r].length * vocabSize);
        assert.ok(maxAbsDiff(a[r].mlmLogits!, b[r].mlmLogits!) <= TOL, `MLM logits row ${r}`);
        if (cap.nsp) assert.ok(maxAbsDiff(a[r].nspLogits!, b[r].nspLogits!) <= TOL, `NSP row ${r}`);
      }
    });

    it('the encoder graph computes no MLM decoder: no logits output, fewer nodes, the tied embedding kept', () => {
      const g = indexModel(readBounded(split.info.modelFile));
      const logits = g.outputs.find((o) => o === 'logits')!;
      const pruned = indexModel(pruneOutputs(g, [logits]));
      assert.ok(!pruned.outputs.includes(logits));
      assert.ok(pruned.nodes.length < g.nodes.length);
      assert.ok(!pruned.nodes.some((n) => n.output.includes(logits)));
      const table = [...g.initializers.keys()].find((n) => /word_embeddings\.weight$/.test(n))!;
      assert.ok(pruned.initializers.has(table), 'the word-embedding table (tied to the decoder) stays');
    });

    it('pruning and tapping in one pass writes the bytes that tapping, re-parsing and pruning wrote', () => {
      for (const f of ['model.onnx', 'model_quantized.onnx']) {
        const file = path.join(dir, 'onnx', f);
        if (!fs.existsSync(file)) continue;
        const t = tapModel(readBounded(file), split.info.layers);
        const once = pruneOutputs(t.graph, ['logits'], t.taps);
        const twice = pruneOutputs(indexModel(t.bytes), ['logits']);
        assert.ok(t.taps.length > 0);
        assert.equal(Buffer.compare(Buffer.from(once), Buffer.from(twice)), 0, f);
        const outputs = indexModel(once).outputs;
        assert.ok(t.taps.every((x) => outputs.includes(x)) && !outputs.includes('logits'), 'the taps are outputs, the logits not');
      }
    });
  });
}

/** Windows of real text with `per` [MASK]s each, as mask() and fill-masks send them. */
async function maskedRows(dir: string, text: string, per: number, count: number) {
  const tk = await loadTokenizer(dir);
  const ids = tk
    .tokenize(text)
    .tokens.slice()
    .map((t) => t.id);
  const { cls, sep, mask } = tk.special;
  const W = 62;
  const out: Array<{ row: RunRow; pos: number[] }> = [];
  for (let s = 0; s + W <= ids.length && out.length < count; s += W) {
    const row = [cls, ...ids.slice(s, s + W), sep];
    const pos = [...new Set(Array.from({ length: per }, (_, i) => 1 + ((i * 17 + out.length * 5) % W)))];
    for (const p of pos) row[p] = mask;
    out.push({ row: { ids: row }, pos });
  }
  return out;
}

const topK = (l: Float32Array, at: number, V: number, k: number) =>
  Array.from({ length: V }, (_, i) => i)
    .sort((a, b) => l[at + b] - l[at + a])
    .slice(0, k);

// int8: the head's DynamicQuantizeLinear takes one scale over its whole input, so the head on selected rows is not the
// full graph. Measured here (40 windows × 4 masks of each embedded int8 model, printed by the figure test): max
// |Δlogit| 0.22 and top-1 changed on 1 of 160 masks (bert-lens-mini), 0.38 and 4 of 144 (bert-lens-zh); the top-5
// order changed on ~25 %. Measurable, so an int8 head runs on the whole [B,T,H] (encoder.ts headOnRows) and its
// logits stay bit-identical to the full graph's.
const EMBEDDED: Array<[string, string]> = [
  ['bert-lens-mini', fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/[`|#*<>[\]()]/g, ' ')],
  ['bert-lens-zh', fs.readFileSync(path.join(ROOT, 'samples', 'walkthrough.zh-cn.md'), 'utf8').repeat(4)],
];
for (const [name, text] of EMBEDDED) {
  describe(`encoder/head split: models/${name} int8`, () => {
    const dir = path.join(ROOT, 'models', name);
    let split: LoadedModel;
    let full: LoadedModel;
    before(async () => {
      split = await loadModel(dir, {}, { dtype: 'int8' });
      full = await loadModel(dir, {}, { dtype: 'int8', fullGraph: true });
    });
    after(async () => {
      await split.dispose();
      await full.dispose();
    });

    it('MLM logits, NSP and hidden states bit-identical to the full graph (padded batch)', async () => {
      assert.ok(runsSplit(split));
      const rows = rowsFor(split.info.vocabSize, true);
      const req: RunRequest = { hiddenLayers: [split.info.layers], mlmPositions: [[1, 5], [0, 3, 29], []], nsp: true };
      const [a, b] = [await split.run(rows, req), await full.run(rows, req)];
      for (let r = 0; r < rows.length; r++) {
        assert.deepEqual(a[r].mlmLogits, b[r].mlmLogits, `MLM logits row ${r}`);
        assert.deepEqual(a[r].nspLogits, b[r].nspLogits, `NSP row ${r}`);
        assert.deepEqual(a[r].hidden, b[r].hidden, `hidden row ${r}`);
      }
    });

    it('the int8 head takes the rows to compute (HEAD_ROWS, after its input is quantized); the fp32 head does not', () => {
      const L = split.info.layers;
      const heads = (['model_quantized.onnx', 'model.onnx'] as const).map((f) => {
        const t = tapModel(readBounded(path.join(dir, 'onnx', f)), L);
        return indexModel(extractHead(t.graph, t.plan.hidden[L], 'logits', split.info.hidden));
      });
      assert.ok(heads[0].inputs.includes(HEAD_ROWS));
      const gather = heads[0].nodes.find((n) => n.input.includes(HEAD_ROWS))!;
      assert.equal(heads[0].nodes[heads[0].producer.get(gather.input[0])!].opType, 'DynamicQuantizeLinear');
      assert.ok(!heads[1].inputs.includes(HEAD_ROWS));
    });

    // Why the int8 head reads every row: fed only the masked rows, its dynamic quantization scale changes and so do the
    // logits (the figures are quoted in encoder.ts and docs/TECH-NOTES.md; they grow as training spreads the hidden
    // states: bert-lens-zh 0.38 → 0.56 over two continuations). Top-1 still agreeing on most rows tells a quantization
    // effect from a broken head.
    it('(figure) the head on the masked rows only differs from the full graph, by quantization only', async (t) => {
      const cases = await maskedRows(dir, text, 4, 40);
      const V = split.info.vocabSize;
      const H = split.info.hidden;
      let most = 0;
      let same1 = 0;
      let same5 = 0;
      let n = 0;
      for (const { row, pos } of cases) {
        const [enc] = await split.run([row], { hiddenLayers: [split.info.layers], mlmPositions: [pos] });
        const picked = new Float32Array(pos.length * H);
        pos.forEach((p, i) => picked.set(enc.hidden[split.info.layers].subarray(p * H, (p + 1) * H), i * H));
        const [rowsOnly] = await split.headLogits!([{ hidden: picked, positions: pos.map((_, i) => i) }]);
        const ref = enc.mlmLogits!; // = the full graph (previous test)
        most = Math.max(most, maxAbsDiff(rowsOnly, ref));
        for (let i = 0; i < pos.length; i++, n++) {
          const [x, y] = [topK(rowsOnly, i * V, V, 5), topK(ref, i * V, V, 5)];
          same1 += +(x[0] === y[0]);
          same5 += +(x.join() === y.join());
        }
      }
      t.diagnostic(
        `${name} int8, head on ${n} masked rows only vs full graph: max |Δlogit| ${most.toFixed(3)}, top-1 ${same1}/${n}, top-5 ${same5}/${n}`,
      );
      assert.ok(most > 1e-3 && same1 >= 0.85 * n, `max ${most}, top-1 ${same1}/${n}`);
    });
  });
}

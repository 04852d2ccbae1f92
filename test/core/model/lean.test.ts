// Lean sessions (tapped-session.ts): a model loads with the hidden states and layer 1's attention as its only taps;
// the first run asking for attention or Q/K/V makes the tapped session and swaps it in. Before and after the swap the
// outputs are the full graph's (within 1e-5), concurrent runs all succeed, and a model file replaced after loading
// gives an error that says what to do while the lean session keeps working.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedModel, RunRequest, RunRow } from '../../../src/core/api';
import { BertLensError } from '../../../src/core/model/errors';
import { loadModel } from '../../../src/core/model';
import { runsLean } from '../../../src/core/model/session';
import { mappedStats } from '../../../src/core/model/mapped';
import { SNAPSHOTS } from '../../../src/core/model/snapshot';
import { fixture, maxAbsDiff } from './helpers';
import { tempDir } from '../../temp';

const TOL = 1e-5;

const rowsFor = (vocab: number): RunRow[] =>
  [9, 21, 5].map((n, r) => ({
    ids: Array.from({ length: n }, (_, i) => (i === 0 ? 2 : i === n - 1 ? 3 : 100 + ((i * 31 + r * 7) % (vocab - 100)))),
  }));

function close(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined, what: string): void {
  assert.ok(a && b, `${what}: missing`);
  assert.ok(maxAbsDiff(a, b) <= TOL, `${what}: ${maxAbsDiff(a, b)}`);
}

for (const [name, dtype] of [
  ['tiny-bert', 'fp32'],
  ['tiny-bert', 'int8'],
  ['tiny-distilbert', 'fp32'],
  ['tiny-bert-qa', 'fp32'],
] as const) {
  describe(`lean session: ${name} ${dtype}`, () => {
    let full: LoadedModel;
    before(async () => {
      full = await loadModel(fixture(name), {}, { dtype, fullGraph: true });
    });
    after(() => full.dispose());

    it('answers hidden states, NSP, QA and masked words lean, then attention and Q/K/V after one swap, all as the full graph', async () => {
      const m = await loadModel(fixture(name), {}, { dtype });
      try {
        const { layers, vocabSize, capabilities: cap } = m.info;
        const rows = rowsFor(vocabSize);
        const all = Array.from({ length: layers + 1 }, (_, i) => i);
        const plain: RunRequest = {
          hiddenLayers: all,
          nsp: cap.nsp,
          qa: cap.qa,
          mlmPositions: cap.mlm ? [[1], [2, 5], []] : undefined,
        };
        assert.equal(runsLean(m), true, 'loads lean');
        assert.equal(runsLean(full), false, 'fullGraph keeps every tap');
        const a = await m.run(rows, plain);
        assert.equal(runsLean(m), true, 'no attention asked: still lean');
        const taps: RunRequest = { hiddenLayers: all, attentionLayers: all.slice(1), qkvLayers: cap.qkv ? all.slice(1) : [] };
        const b = await m.run(rows, taps);
        assert.equal(runsLean(m), false, 'swapped to the tapped session');
        const [fa, fb] = [await full.run(rows, plain), await full.run(rows, taps)];
        const c = await m.run(rows, plain); // the tapped session answers what the lean one did
        for (let r = 0; r < rows.length; r++) {
          for (const l of all) {
            close(a[r].hidden[l], fa[r].hidden[l], `lean hidden[${l}] row ${r}`);
            close(c[r].hidden[l], fa[r].hidden[l], `tapped hidden[${l}] row ${r}`);
          }
          for (const l of all.slice(1)) close(b[r].attention[l], fb[r].attention[l], `attention[${l}] row ${r}`);
          for (const l of taps.qkvLayers!) close(b[r].qkv[l].k, fb[r].qkv[l].k, `k[${l}] row ${r}`);
          if (cap.nsp) close(a[r].nspLogits, fa[r].nspLogits, `NSP row ${r}`);
          if (cap.qa) close(a[r].startLogits, fa[r].startLogits, `QA start row ${r}`);
          if (cap.mlm && plain.mlmPositions![r].length) close(a[r].mlmLogits, fa[r].mlmLogits, `MLM row ${r}`);
        }
      } finally {
        await m.dispose();
      }
    });
  });
}

describe('lean session: concurrency, disposal, a file replaced after loading', () => {
  it('runs in flight on the lean session finish while attention swaps it out; every result is the sequential one', async () => {
    const m = await loadModel(fixture('tiny-bert'), {}, { dtype: 'fp32' });
    const rows = rowsFor(m.info.vocabSize);
    const hidden: RunRequest = { hiddenLayers: [2] };
    const attention: RunRequest = { attentionLayers: [1, 2] };
    const want = [await m.run(rows, hidden)];
    const got = await Promise.all([m.run(rows, hidden), m.run(rows, attention), m.run(rows, hidden), m.run(rows, attention)]);
    assert.equal(runsLean(m), false);
    for (const k of [0, 2]) for (let r = 0; r < rows.length; r++) close(got[k][r].hidden[2], want[0][r].hidden[2], `run ${k} row ${r}`);
    for (let r = 0; r < rows.length; r++) close(got[1][r].attention[2], got[3][r].attention[2], `attention row ${r}`);
    await m.dispose();
  });

  it('attention: true loads every tap at once (a command that shows attention: one session, no swap)', async () => {
    const m = await loadModel(fixture('tiny-distilbert'), {}, { dtype: 'fp32', attention: true });
    assert.equal(runsLean(m), false);
    const out = await m.run(rowsFor(m.info.vocabSize), { attentionLayers: [1] });
    assert.equal(out[0].attention[1]?.length, m.info.heads * 9 * 9);
    await m.dispose();
  });

  it('a model disposed while lean or right after the swap releases cleanly', async () => {
    const a = await loadModel(fixture('tiny-bert'), {}, { dtype: 'int8' });
    await a.dispose();
    const b = await loadModel(fixture('tiny-bert'), {}, { dtype: 'int8' });
    const run = b.run(rowsFor(b.info.vocabSize), { attentionLayers: [1] });
    await run;
    await b.dispose();
    await assert.rejects(b.run(rowsFor(b.info.vocabSize), { hiddenLayers: [1] }), /disposed/);
  });

  it('a folder model mapped from its snapshot: the file rewritten in place after loading changes nothing it runs', async () => {
    const root = tempDir('bert-lens-lean-snapshot-');
    const dir = path.join(root, 'tiny-bert');
    const cacheDir = path.join(root, 'cache');
    fs.cpSync(fixture('tiny-bert'), dir, { recursive: true });
    const before = mappedStats.sessions;
    const m = await loadModel(dir, { cacheDir }, { dtype: 'fp32' });
    const ref = await loadModel('tiny-bert', { modelsDir: path.dirname(fixture('tiny-bert')) }, { dtype: 'fp32' }); // from bytes
    const rows = rowsFor(m.info.vocabSize);
    const snapshots = () =>
      fs.readdirSync(path.join(cacheDir, SNAPSHOTS), { recursive: true }).filter((f) => /model\.onnx$/.test(String(f)));
    assert.equal(mappedStats.sessions, before + 1);
    assert.equal(snapshots().length, 1);
    const file = path.join(dir, 'onnx', 'model.onnx');
    const good = fs.readFileSync(file);
    fs.writeFileSync(file, fs.readFileSync(path.join(fixture('tiny-distilbert'), 'onnx', 'model.onnx'))); // in place
    const req = { hiddenLayers: [2], attentionLayers: [1] };
    const [a] = await m.run(rows, req);
    const [b] = await ref.run(rows, req);
    assert.equal(maxAbsDiff(a.attention[1], b.attention[1]), 0, 'the tapped session read the snapshot, not the new file');
    assert.equal(maxAbsDiff(a.hidden[2], b.hidden[2]), 0);
    await m.dispose();
    // The next load of the changed file snapshots it anew and removes the old snapshot; the file back, the same again.
    fs.writeFileSync(file, good);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a new modification time, whatever the clock's grain
    const again = await loadModel(dir, { cacheDir }, { dtype: 'fp32' });
    assert.equal(snapshots().length, 1);
    assert.equal(maxAbsDiff((await again.run(rows, req))[0].attention[1], b.attention[1]), 0);
    await again.dispose();
    await ref.dispose();
  });

  it('attention after the file was replaced (loaded from bytes): ATTENTION_UNAVAILABLE saying what to do; hidden states still work; retried once the file is back', async () => {
    const root = tempDir('bert-lens-lean-replaced-');
    const dir = path.join(root, 'tiny-bert');
    fs.cpSync(fixture('tiny-bert'), dir, { recursive: true });
    fs.writeFileSync(path.join(root, 'not-a-folder'), '');
    // A cache that takes no files: no snapshot, so the model loads from bytes and reads the file again for attention.
    const m = await loadModel(dir, { cacheDir: path.join(root, 'not-a-folder', 'cache') }, { dtype: 'fp32' });
    const rows = rowsFor(m.info.vocabSize);
    const file = path.join(dir, 'onnx', 'model.onnx');
    const good = fs.readFileSync(file);
    fs.copyFileSync(path.join(fixture('tiny-distilbert'), 'onnx', 'model.onnx'), file);
    await assert.rejects(m.run(rows, { attentionLayers: [1] }), (e: unknown) => {
      assert.ok(e instanceof BertLensError);
      assert.equal(e.code, 'ATTENTION_UNAVAILABLE');
      assert.match(e.message, /tiny-bert.*model\.onnx.*changed since it was loaded.*Reload the model/s);
      return true;
    });
    assert.equal(runsLean(m), true);
    assert.equal((await m.run(rows, { hiddenLayers: [2] }))[0].hidden[2]?.length, rows[0].ids.length * m.info.hidden);
    fs.writeFileSync(file, good);
    assert.equal((await m.run(rows, { attentionLayers: [1] }))[1].attention[1]?.length, 4 * 21 * 21);
    assert.equal(runsLean(m), false);
    await m.dispose();
  });
});

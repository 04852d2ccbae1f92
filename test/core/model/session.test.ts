// Session lifetimes: one ORT session per model file, shared by every loadModel() until the last dispose().
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel } from '../../../src/core/model';
import { fixture } from './helpers';

describe('sessions', () => {
  it('two loads of the same model share one session; it survives the first dispose', async () => {
    const a = await loadModel(fixture('tiny-distilbert'));
    const b = await loadModel(fixture('tiny-distilbert'));
    const row = [{ ids: [2, 30, 40, 3] }];
    const [x] = await a.run(row, { hiddenLayers: [2] });
    await a.dispose();
    await assert.rejects(a.run(row, {}), /disposed/);
    const [y] = await b.run(row, { hiddenLayers: [2] });
    assert.deepEqual([...y.hidden[2]], [...x.hidden[2]]);
    await b.dispose();
    await b.dispose(); // idempotent
    const c = await loadModel(fixture('tiny-distilbert'));
    const [z] = await c.run(row, { hiddenLayers: [2] });
    assert.deepEqual([...z.hidden[2]], [...x.hidden[2]]);
    await c.dispose();
  });

  it('a load overlapping another handle’s dispose still gets a working session', async () => {
    const a = await loadModel(fixture('tiny-bert-qa'));
    const pb = loadModel(fixture('tiny-bert-qa')); // pending while a is disposed
    await a.dispose();
    const b = await pb;
    const [o] = await b.run([{ ids: [2, 30, 3] }], { qa: true });
    assert.equal(o.startLogits!.length, 3);
    await b.dispose();
  });

  it('ModelInfo.id is the name the caller used, even when the session is shared', async () => {
    const a = await loadModel(fixture('tiny-bert-qa'), {}, { dtype: 'fp32' });
    const b = await loadModel('tiny-bert-qa', { modelsDir: fixture('') }, { dtype: 'fp32' });
    assert.equal(a.info.source, 'folder');
    assert.equal(b.info.source, 'embedded');
    assert.equal(b.info.id, 'tiny-bert-qa');
    assert.equal(a.info.modelFile, b.info.modelFile);
    await a.dispose();
    await b.dispose();
  });
});

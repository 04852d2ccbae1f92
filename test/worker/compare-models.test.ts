// WorkerModels.against: the model compared against is loaded through the same engine, and only one such extra
// stays loaded (the previous one is unloaded unless a slot or `auto` uses it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine, LoadedModel } from '../../src/core/api';
import { BertLensError } from '../../src/core/model/errors';
import { HandledError, WorkerModels, type JobContext } from '../../src/worker/models';
import type { WorkerConfig } from '../../src/worker/protocol';

function fakeEngine() {
  const loaded = new Set<string>();
  const unloaded: string[] = [];
  const engine = {
    load: (id: string) => {
      if (id.includes('missing')) return Promise.reject(new BertLensError('MODEL_NOT_FOUND', `Model "${id}" not found.`));
      loaded.add(id);
      return Promise.resolve({ info: { id } } as LoadedModel);
    },
    unload: (id: string) => {
      loaded.delete(id);
      unloaded.push(id);
      return Promise.resolve();
    },
    loadStatic: () => Promise.reject(new Error('none')),
    dispose: () => Promise.resolve(),
  } as unknown as Engine;
  return { engine, loaded, unloaded };
}

const ctx: JobContext = { signal: new AbortController().signal, progress: () => undefined };
const cfg: WorkerConfig = {
  model: 'enc',
  qaModel: 'qa',
  staticVectors: '',
  modelsDir: '',
  cacheDir: '',
  hubEndpoint: '',
  offline: true,
  threads: 1,
  dtype: 'auto',
};

/** Worker models over a fresh fake engine (it records what is loaded and unloaded). */
function freshModels() {
  const f = fakeEngine();
  const models = new WorkerModels(
    () => f.engine,
    { log: () => undefined, status: () => undefined },
    () => undefined,
  );
  return { f, models };
}

test('against() keeps one extra model: the previous one is unloaded, slot and embedded models never are', async () => {
  const { f, models } = freshModels();
  await models.configure(cfg, ctx);
  assert.equal((await models.against('one', ctx)).info.id, 'one');
  assert.equal((await models.against('one', ctx)).info.id, 'one');
  assert.deepEqual(f.unloaded, [], 'the same extra again: kept');
  await models.against('two', ctx);
  assert.deepEqual(f.unloaded, ['one']);
  await models.against('enc', ctx); // the encoder slot's model
  await models.against('bert-lens-zh', ctx); // the encoder slot stays loaded
  await models.against('three', ctx); // bert-lens-zh is auto's: kept
  assert.deepEqual(f.unloaded, ['one', 'two']);
  assert.ok(f.loaded.has('enc') && f.loaded.has('bert-lens-zh') && f.loaded.has('three'));
});

test('against() names the model that failed to load and refuses auto or nothing', async () => {
  const { models } = freshModels();
  await models.configure(cfg, ctx);
  await assert.rejects(models.against('missing-model', ctx), (e: unknown) => {
    assert.ok(e instanceof HandledError);
    assert.equal(e.code, 'MODEL_NOT_FOUND');
    assert.match(e.message, /compare against, "missing-model", failed to load: Model "missing-model" not found\. Pick another one/);
    return true;
  });
  for (const id of ['', ' ', 'auto'])
    await assert.rejects(models.against(id, ctx), (e: unknown) => e instanceof HandledError && e.code === 'BAD_REQUEST');
});

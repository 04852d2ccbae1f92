// Typed settings: parsing, Restricted Mode (workspace model paths ignored) and which changes reload vs re-render.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS, readConfig, reactionTo, threadsFor, type ConfigKey, type Inspected } from '../../src/extension/config';

const reader = (values: Partial<Record<ConfigKey, Inspected>>) => (k: ConfigKey) => values[k];

test('defaults choose the embedded models automatically (auto)', () => {
  const c = readConfig(reader({}), true);
  assert.deepEqual(c, DEFAULTS);
  assert.equal(c.model, 'auto');
  assert.equal(c.qaModel, 'auto');
  assert.equal(c.staticVectors, 'auto');
});

test('workspace values win when trusted', () => {
  const c = readConfig(reader({ model: { globalValue: 'user-model', workspaceValue: './ws-model' }, layer: { workspaceValue: 3 } }), true);
  assert.equal(c.model, './ws-model');
  assert.equal(c.layer, 3);
});

test('Restricted Mode ignores workspace model paths and hub endpoint, keeps other workspace settings', () => {
  const c = readConfig(
    reader({
      model: { globalValue: 'user-model', workspaceValue: '/evil/model' },
      qaModel: { workspaceFolderValue: '/evil/qa' },
      staticVectors: { workspaceValue: '/evil/vectors.bin' },
      referenceCorpus: { globalValue: '/srv/corpus.txt', workspaceValue: '/etc/passwd' },
      hubEndpoint: { workspaceValue: 'https://evil.example' },
      layer: { workspaceValue: 2 },
    }),
    false,
  );
  assert.equal(c.model, 'user-model');
  assert.equal(c.qaModel, DEFAULTS.qaModel);
  assert.equal(c.staticVectors, DEFAULTS.staticVectors);
  assert.equal(c.referenceCorpus, '/srv/corpus.txt', "a workspace cannot point the Corpus view at a file; the user's own setting stays");
  assert.equal(c.hubEndpoint, DEFAULTS.hubEndpoint);
  assert.equal(c.layer, 2);
});

test('Restricted Mode: a workspace cannot raise maxDocumentChars or threads (memory and CPU), the user can', () => {
  const ws = { maxDocumentChars: { globalValue: 80_000, workspaceValue: 10_000_000 }, threads: { workspaceFolderValue: 64 } };
  const restricted = readConfig(reader(ws), false);
  assert.equal(restricted.maxDocumentChars, 80_000);
  assert.equal(restricted.threads, DEFAULTS.threads);
  const trusted = readConfig(reader(ws), true);
  assert.equal(trusted.maxDocumentChars, 10_000_000);
  assert.equal(trusted.threads, 64);
});

test('values are validated', () => {
  const c = readConfig(
    reader({
      layer: { globalValue: 'nonsense' },
      'attention.layer': { globalValue: 'rollout' },
      'attention.head': { globalValue: '2' },
      threads: { globalValue: 999 },
      topK: { globalValue: 0 },
      hubEndpoint: { globalValue: 'https://hf-mirror.com/' },
      staticVectors: { globalValue: '' },
      referenceCorpus: { globalValue: '  ' },
      'nsp.threshold': { globalValue: 7 },
    }),
    true,
  );
  assert.equal(c.layer, 'last');
  assert.equal(c.attentionLayer, 'rollout');
  assert.equal(c.attentionHead, 2);
  assert.equal(c.threads, 64);
  assert.equal(c.topK, 1);
  assert.equal(c.hubEndpoint, 'https://hf-mirror.com');
  assert.equal(c.staticVectors, '', 'an explicit empty string means no static vectors');
  assert.equal(c.nspThreshold, 1);
  assert.equal(c.referenceCorpus, '', 'blank: the embedded corpus');
});

test('reactions: model settings reload, view settings re-render', () => {
  const a = DEFAULTS;
  assert.deepEqual(reactionTo(a, { ...a }), { changed: [], reload: false, rerender: false });
  assert.deepEqual(reactionTo(a, { ...a, model: 'x' }), { changed: ['model'], reload: true, rerender: false });
  assert.deepEqual(reactionTo(a, { ...a, attentionHead: 1 }), { changed: ['attention.head'], reload: false, rerender: true });
  assert.deepEqual(reactionTo(a, { ...a, attentionScope: 'document' }), { changed: ['attention.scope'], reload: false, rerender: true });
  const both = reactionTo(a, { ...a, offline: true, layer: 2 });
  assert.equal(both.reload, true);
  assert.equal(both.rerender, true);
});

test('threads: explicit wins, auto stays small', () => {
  assert.equal(threadsFor({ ...DEFAULTS, threads: 3 }, 16), 3);
  assert.equal(threadsFor(DEFAULTS, 16), 2);
  assert.equal(threadsFor(DEFAULTS, 2), 1);
  assert.equal(threadsFor(DEFAULTS, 1), 1);
});

// `auto` in the real worker: the slots follow the active document's language, every document operation runs on the
// model of its paragraph (QA: of the document) and says which, and coverage counts [UNK] per model. The embedded
// names are played by copies of the tiny fixtures, so this checks the routing, not the models.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkerClient } from '../../src/extension/client';
import type { WorkerConfig } from '../../src/worker/protocol';
import { buildWorker, root } from './build-worker';

const dir = mkdtempSync(path.join(tmpdir(), 'bert-lens-auto-'));
const fixture = (n: string) => path.join(root, 'test', 'fixtures', n);
const vectors = (words: string[]) => `${words.length} 3\n${words.map((w, i) => `${w} ${[i + 1, 1, (i % 3) - 1].join(' ')}`).join('\n')}\n`;
for (const [name, from] of [
  ['bert-lens-mini', 'tiny-bert'],
  ['bert-lens-zh', 'tiny-bert'],
  ['bert-lens-mini-qa', 'tiny-bert-qa'],
  ['bert-lens-zh-qa', 'tiny-bert-qa'],
]) {
  cpSync(fixture(from), path.join(dir, name), { recursive: true });
}
for (const [name, words] of [
  ['word2vec-mini', ['bank', 'river', 'money', 'street']],
  ['word2vec-zh', ['他', '你', '在', '有', '人']],
] as const) {
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, 'vectors.txt'), vectors([...words]));
}

const config: WorkerConfig = {
  model: 'auto',
  qaModel: 'auto',
  staticVectors: 'auto',
  language: 'zh',
  modelsDir: dir,
  cacheDir: path.join(dir, 'cache'),
  hubEndpoint: 'http://127.0.0.1:9',
  offline: true,
  threads: 1,
  dtype: 'auto',
};
const EN = 'We sat on the bank of the river and watched the water go by. She went to the bank to deposit money.';
const ZH = '他在家里看着你，我们都是大学生，你也要去。'; // characters the fixture vocabulary has
const MIXED = `${EN}\n\n${ZH}`;
const doc = (text: string, version = 1, uri = 'file:///auto.md') => ({ uri, version, text });
let client: WorkerClient;

before(async () => {
  client = new WorkerClient({ script: await buildWorker() });
});
after(async () => {
  await client.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test("configure: under auto the slots hold the embedded models of the active document's language, marked auto", async () => {
  const zh = await client.configure(config);
  assert.deepEqual(
    [zh.encoder, zh.qa, zh.static].map((s) => [s.id, s.auto, s.state]),
    [
      ['bert-lens-zh', true, 'ready'],
      ['bert-lens-zh-qa', true, 'ready'],
      ['word2vec-zh', true, 'ready'],
    ],
  );
  const en = await client.configure({ ...config, language: 'en' });
  assert.deepEqual([en.encoder.id, en.qa.id, en.static.id], ['bert-lens-mini', 'bert-lens-mini-qa', 'word2vec-mini']);
  const explicit = await client.configure({ ...config, model: 'bert-lens-zh', language: 'en' });
  assert.equal(explicit.encoder.id, 'bert-lens-zh');
  assert.equal(explicit.encoder.auto, undefined, 'an explicit setting is not auto, even when it names the same model');
});

test('inspect and mask: the paragraph around the word picks the model and the static vectors, and the result says so', async () => {
  await client.configure({ ...config, language: 'en' }); // the mixed document is mostly English
  const zhAt = MIXED.indexOf('他');
  const zh = await client.call.inspect(doc(MIXED), zhAt, 'last', 3);
  assert.equal(zh.word.text, '他');
  assert.equal(zh.model, 'bert-lens-zh');
  assert.deepEqual(zh.auto, { language: 'zh', share: 1, scope: 'paragraph' });
  assert.equal(zh.static?.inVocabulary, true, 'word2vec-zh knows 他');
  assert.ok(
    zh.static.neighbours.every((n) => /^\p{Script=Han}$/u.test(n.word)),
    'Chinese neighbours',
  );

  const en = await client.call.inspect(doc(MIXED), MIXED.indexOf('river'), 'last', 3);
  assert.equal(en.model, 'bert-lens-mini');
  assert.equal(en.auto?.language, 'en');
  assert.equal(en.static?.inVocabulary, true, 'word2vec-mini knows river');

  const m = await client.call.mask(doc(MIXED), MIXED.indexOf('学'), 5);
  assert.equal(m.model, 'bert-lens-zh');
  assert.equal(MIXED.slice(m.start, m.end), '学');
});

test("qa: the document's majority picks the QA model, and the answer names it", async () => {
  const zhDoc = `${ZH}\n\nOne English line.`;
  const r = await client.call.qa(doc(zhDoc, 1, 'file:///zh.md'), '他在哪里？', 2, true);
  assert.equal(r.model, 'bert-lens-zh-qa');
  assert.equal(r.auto?.scope, 'document');
  const e = await client.call.qa(doc(MIXED, 1, 'file:///mixed.md'), 'Where did she go?', 2, false);
  assert.equal(e.model, 'bert-lens-mini-qa');
});

test('coverage: per model used; a model whose vocabulary misses the text reads it as [UNK]', async () => {
  const cov = await client.call.coverage(doc(MIXED), 'encoder');
  assert.deepEqual(
    cov.map((c) => [c.kind, c.model, c.language]),
    [
      ['encoder', 'bert-lens-mini', 'en'],
      ['encoder', 'bert-lens-zh', 'zh'],
    ],
  );
  for (const c of cov) assert.ok(c.tokens > 10 && c.unknown < c.tokens * 0.3, JSON.stringify(c));
  // QA under auto reads the whole document with the majority's model, as qa() does.
  const qa = await client.call.coverage(doc(MIXED), 'qa');
  assert.deepEqual(
    qa.map((c) => [c.kind, c.model, c.language]),
    [['qa', 'bert-lens-mini-qa', 'en']],
  );
  // An explicit model on Chinese it does not know (the fixture vocabulary has 60 common characters only).
  await client.configure({ ...config, model: fixture('tiny-bert'), language: 'zh' });
  const rare = '龘靐齉爩麤龗灪齾鸙 and three words'.repeat(3);
  const [c] = await client.call.coverage(doc(rare, 1, 'file:///rare.md'), 'encoder');
  assert.deepEqual(c, { kind: 'encoder', model: fixture('tiny-bert'), language: 'zh', tokens: 60, unknown: 27 });
});

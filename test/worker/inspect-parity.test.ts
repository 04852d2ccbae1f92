// One implementation of each piece of maths: a hover's inspection (the worker's `inspect`) and the CLI's
// `vectors --occurrence`, `similar` and `mask` give the same numbers for the same word, model and static vectors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { WorkerClient } from '../../src/extension/client';
import type { WorkerConfig } from '../../src/worker/protocol';
import { buildWorker, root } from './build-worker';

const MODEL = path.join(root, 'test', 'fixtures', 'tiny-bert');
const STATIC = path.join(root, 'models', 'word2vec-mini');
const CLI = path.join(root, 'dist', 'cli.js');
const TEXT = 'Bank holidays are long. We sat on the bank of the river. She went to the bank to deposit money.';
const config: WorkerConfig = {
  model: MODEL,
  qaModel: '',
  staticVectors: STATIC,
  modelsDir: path.join(root, 'models'),
  cacheDir: path.join(root, '.work', 'test-worker', 'cache'),
  hubEndpoint: 'http://127.0.0.1:9',
  offline: true,
  threads: 1,
  dtype: 'fp32',
};
const skip = existsSync(path.join(STATIC, 'vectors.bin')) ? false : 'models/word2vec-mini not built';
let client: WorkerClient;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--model', MODEL, '--dtype', 'fp32', '--offline', '--text', TEXT, '--json'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

before(async () => {
  if (skip) return;
  // npm test builds dist/ first; this keeps `node scripts/run-tests.mjs inspect-parity` self-contained.
  if (!existsSync(CLI)) assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' }).status, 0);
  client = new WorkerClient({ script: await buildWorker(), log: () => undefined });
  const s = await client.configure(config);
  assert.equal(s.static.state, 'ready', JSON.stringify(s.static.error));
});
after(() => client?.dispose());

test('hover inspect = CLI vectors --occurrence, similar and mask for the same word', { skip }, async () => {
  const at = TEXT.indexOf('bank');
  const hover = await client.call.inspect({ uri: 'file:///parity.txt', version: 1, text: TEXT }, at + 1, 'last', 5);
  assert.equal(hover.partial, false, 'one window: the whole text was encoded');

  // `bank` at `at` is the second case-insensitive occurrence ("Bank holidays" is the first).
  const v = cli(['vectors', '--word', 'bank', '--occurrence', '2', '--top', '5', '--static', STATIC]);
  assert.deepEqual(v.contextual, [{ start: hover.word.start, end: hover.word.end, neighbours: hover.neighbours }]);
  assert.ok(hover.static?.inVocabulary && hover.static.neighbours.length === 5);
  assert.deepEqual(v.static, hover.static);

  const s = cli(['similar', '--word', 'bank']);
  const row = s.contextual[1] as number[];
  assert.deepEqual(
    hover.occurrences.map((o) => o.similarity),
    [row[0], row[2]],
  );
  assert.deepEqual(
    hover.occurrences.map((o) => o.start),
    [s.occurrences[0].start, s.occurrences[2].start],
  );

  // The hover shows words only: the CLI's top 10 with punctuation left out, first 5.
  const m = cli(['mask', '--word', 'bank', '--occurrence', '2', '--top', '10']);
  assert.deepEqual(hover.substitutes, m.predictions.filter((p: { word: string }) => /[\p{L}\p{N}]/u.test(p.word)).slice(0, 5));
});

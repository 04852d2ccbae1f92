// The CLI with its defaults — auto: the embedded bert-lens-mini, bert-lens-mini-qa and word2vec-mini for English,
// the bert-lens-zh ones for Chinese. Every subcommand runs without --model and keeps the JSON contract. Skipped while
// models/ is not built.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const CLI = path.resolve('dist/cli.js');
const has = (m: string) =>
  existsSync(path.resolve('models', m, 'onnx/model.onnx')) || existsSync(path.resolve('models', m, 'onnx/model_quantized.onnx'));
const TEXT = 'She sat on the bank of the river. Later she went to the bank to deposit her money.';

function runJson(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('CLI on the embedded models', { skip: has('bert-lens-mini') ? false : 'models/bert-lens-mini not built yet' }, () => {
  it('tokens, attention, similar, mask, nsp with the default encoder', () => {
    const t = runJson(['tokens', '--text', TEXT]);
    assert.equal(t.model, 'bert-lens-mini');
    for (const w of t.words) assert.equal(TEXT.slice(w.start, w.end), w.text);
    const a = runJson(['attention', '--word', 'bank', '--occurrence', '2', '--text', TEXT]);
    assert.ok(Math.abs(sum(a.to.map((x: { weight: number }) => x.weight)) - 1) < 1e-4);
    assert.equal(a.from.start, TEXT.lastIndexOf('bank'));
    const r = runJson(['attention', '--word', 'bank', '--layer', 'rollout', '--text', TEXT]);
    assert.ok(Math.abs(sum(r.to.map((x: { weight: number }) => x.weight)) - 1) < 1e-4);
    const s = runJson(['similar', '--word', 'bank', '--text', TEXT]);
    assert.equal(s.contextual.length, 2);
    const m = runJson(['mask', '--text', 'She went to the [MASK] to deposit her money.']);
    assert.equal(m.predictions.length, 5);
    const n = runJson(['nsp', '--a', 'She went to the bank.', '--b', 'She deposited her money.']);
    assert.ok(n.isNext >= 0 && n.isNext <= 1);
  });

  it(
    'vectors uses the embedded word2vec for static neighbours',
    {
      skip: ['vectors.bin', 'vectors.txt', 'vectors.vec'].some((f) => existsSync(path.resolve('models/word2vec-mini', f)))
        ? false
        : 'models/word2vec-mini not built yet',
    },
    () => {
      const v = runJson(['vectors', '--word', 'river', '--text', TEXT]);
      assert.match(v.static.source, /word2vec-mini/);
      assert.equal(v.contextual.length, 1);
    },
  );

  it('qa with the default QA model', { skip: has('bert-lens-mini-qa') ? false : 'models/bert-lens-mini-qa not built yet' }, () => {
    const q = runJson(['qa', '--question', 'Where did she sit?', '--text', TEXT]);
    assert.ok(q.answers.length > 0);
    for (const x of q.answers) assert.equal(x.text, TEXT.slice(x.start, x.end));
  });
});

const ZH = '这只动物没有过马路，因为它太累了。朋友们举起酒杯：干杯！';
const HAN = /^\p{Script=Han}$/u;

describe(
  'CLI on Chinese text: the default (auto) picks the Chinese models',
  { skip: has('bert-lens-zh') ? false : 'models/bert-lens-zh not built yet' },
  () => {
    it('tokens: bert-lens-zh, one token per character, none [UNK]; English text keeps bert-lens-mini; --model wins', () => {
      const t = runJson(['tokens', '--text', ZH]);
      assert.equal(t.model, 'bert-lens-zh');
      const chars = [...ZH].filter((c) => HAN.test(c));
      assert.deepEqual(
        t.tokens.filter((x: { text: string }) => HAN.test(x.text)).map((x: { text: string }) => x.text),
        chars,
      );
      assert.ok(t.tokens.every((x: { text: string }) => x.text !== '[UNK]'));
      assert.equal(runJson(['tokens', '--text', TEXT]).model, 'bert-lens-mini');
      assert.equal(runJson(['tokens', '--model', 'bert-lens-mini', '--text', ZH]).model, 'bert-lens-mini');
    });

    it('mask: a masked Chinese character is predicted as a Chinese character', () => {
      const m = runJson(['mask', '--text', '今天天气很好，我们去公园散[MASK]。']);
      assert.match(m.predictions[0].word, HAN);
    });

    it(
      'qa on a Chinese document answers with spans of it',
      { skip: has('bert-lens-zh-qa') ? false : 'models/bert-lens-zh-qa not built yet' },
      () => {
        const doc = '雨、雪、冰粒和冰雹都是降水。当水滴重到上升气流托不住时，就会在重力的作用下落到地面。';
        const q = runJson(['qa', '--question', '是什么让降水落到地面？', '--text', doc]);
        for (const x of q.answers) assert.equal(x.text, doc.slice(x.start, x.end));
      },
    );
  },
);

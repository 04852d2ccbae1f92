// `bert-lens compare-models` (dist/cli.js): two models on one word — the JSON contract, the side-by-side table,
// --layer, and the errors (no --against, a model that does not load, the same model twice).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ModelComparison } from '../../src/core/compare-models';

const CLI = path.resolve('dist/cli.js');
const BERT = 'test/fixtures/tiny-bert';
const DISTIL = 'test/fixtures/tiny-distilbert';
const TEXT = 'The cat sat on the mat because it was tired.';
const has = (m: string) => ['model.onnx', 'model_quantized.onnx'].some((f) => existsSync(path.resolve('models', m, 'onnx', f)));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'compare-models', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function runJson(args: string[]): ModelComparison {
  const r = run([...args, '--json']);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as ModelComparison;
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('bert-lens compare-models', () => {
  before(() => {
    if (!existsSync(CLI)) assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' }).status, 0);
  });

  it("fixtures: JSON contract — words at exact offsets, both sides' attention per layer and rollout, divergence per depth, predictions", () => {
    const j = runJson(['--model', BERT, '--against', DISTIL, '--word', 'it', '--top', '3', '--text', TEXT]);
    assert.deepEqual([j.a.model, j.b.model], [BERT, DISTIL]);
    assert.deepEqual(j.focus, { text: 'it', start: TEXT.indexOf('it'), end: TEXT.indexOf('it') + 2, index: 7 });
    for (const w of j.words) assert.equal(TEXT.slice(w.start, w.end), w.text);
    for (const s of [j.a, j.b]) {
      assert.equal(s.attention!.layers.length, 2);
      for (const row of [...s.attention!.layers, s.attention!.rollout]) assert.ok(Math.abs(sum(row) - 1) < 1e-6);
      assert.equal(s.predictions!.length, 3);
    }
    assert.equal(j.depth.length, 2);
    assert.equal(j.divergence, 'jensen-shannon, bits');
    assert.equal(typeof j.top1?.agree, 'boolean');
  });

  it('the table: one row per word with both weights and pieces, the divergence by depth, both prediction lists', () => {
    const r = run(['--model', BERT, '--against', DISTIL, '--word', 'it', '--layer', '1', '--text', TEXT]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Attention from "it", layer 1 of A ↔ layer 1 of B/);
    assert.match(r.out, /» it\s+0\.\d{4}/);
    assert.match(r.out, /Divergence by relative depth \(Jensen–Shannon, bits/);
    assert.match(r.out, /rollout\s+rollout\s+0\.\d{4}/);
    assert.match(r.out, /Predictions for "it" masked:/);
    assert.match(r.out, /Tokenization: A \d+ pieces \(0 \[UNK\]\)/);
    assert.match(
      run(['--model', BERT, '--against', DISTIL, '--word', 'it', '--layer', 'rollout', '--text', TEXT]).out,
      /Attention from "it", rollout;/,
    );
  });

  it('usage errors exit 2: no --against, no word, a layer the first model lacks', () => {
    assert.match(run(['--model', BERT, '--word', 'it', '--text', TEXT]).err, /needs --against ID/);
    assert.equal(run(['--model', BERT, '--word', 'it', '--text', TEXT]).code, 2);
    assert.equal(run(['--model', BERT, '--against', DISTIL, '--text', TEXT]).code, 2);
    const bad = run(['--model', BERT, '--against', DISTIL, '--word', 'it', '--layer', '7', '--text', TEXT]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--layer must be 1\.\.2/);
  });

  it('runtime errors exit 1 and name the model: one that does not load, the same one twice', () => {
    const missing = run(['--model', BERT, '--against', './test/fixtures/no-such-model', '--word', 'it', '--text', TEXT]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /The model to compare against \(--against \.\/test\/fixtures\/no-such-model\) failed to load/);
    assert.doesNotMatch(missing.err, /--model/, 'the --model side loaded fine');
    const same = run(['--model', BERT, '--against', BERT, '--word', 'it', '--text', TEXT]);
    assert.equal(same.code, 1);
    assert.match(same.err, /comparing a model with itself/);
  });

  it(
    'bert-lens-mini vs bert-lens-zh: different vocabularies — [UNK]s and splits per word',
    { skip: has('bert-lens-mini') && has('bert-lens-zh') ? false : 'embedded models not built' },
    () => {
      const text = 'The cat sat on the mat. 猫坐在垫子上。';
      const j = runJson(['--model', 'bert-lens-mini', '--against', 'bert-lens-zh', '--word', 'cat', '--text', text]);
      const cat = j.words.find((w) => w.text === '猫')!;
      assert.deepEqual([cat.a, cat.b, cat.same], [['[UNK]'], ['猫'], false]);
      assert.ok(j.a.unknown >= 7 && j.b.unknown === 0);
      const zh = runJson(['--model', 'bert-lens-zh', '--against', 'bert-lens-mini', '--word', '猫', '--text', text]);
      assert.equal(zh.focus.text, '猫');
      assert.ok(zh.a.predictions!.length > 0 && zh.b.predictions!.length > 0);
    },
  );
});

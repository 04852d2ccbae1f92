// The rule that decides whether a continued pretraining run replaces the shipped encoder through the engine
// (scripts/mlm-compare.ts, run by `npm run models:continue` after the PyTorch held-out rule), and its measurement on
// the embedded English model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NSP_SLACK, fp32Note, measure, measureMask, mlmVerdict } from '../../scripts/mlm-compare';
import { sentencePairs } from '../../scripts/nsp-sentences';
import { METRICS } from '../../scripts/eval-engine';
import { createEngine } from '../../src/core';

const side = (maskTop1: number, nspPairs: number) => ({ maskTop1, maskTop5: 0, nspPairs });

test('a continuation ships when masked top-1 does not fall and sentence pairs lose at most the slack', () => {
  // 2026-12-05's run 20 through the engine: 37.7 → 38.2 %, pairs 87.5 → 88.2 %
  assert.equal(mlmVerdict(side(37.7, 87.5), side(38.2, 88.2)).better, true);
  assert.equal(mlmVerdict(side(36.6, 88), side(36.6, 88 - NSP_SLACK)).better, true, 'a tie on top-1 passes');
  assert.match(
    mlmVerdict(side(37.7, 87.5), side(38.2, 88.2)).why,
    /masked top-1 38\.20% vs shipped 37\.70% .*sentence pairs 88\.20% vs 87\.50%/,
  );
});

test('it does not ship when masked top-1 falls or sentence pairs fall past the slack', () => {
  // run 22: held-out PyTorch +0.43, through the engine 38.2 → 37.6 %, pairs 88.2 → 87.3 %
  assert.equal(mlmVerdict(side(38.2, 88.2), side(37.6, 87.3)).better, false);
  assert.equal(mlmVerdict(side(38.2, 88.2), side(38.5, 88.2 - NSP_SLACK - 0.05)).better, false);
});

test("a refusal's fp32 note says how much int8 cost each side", () => {
  // run 28's first try: int8 38.70 vs 39.37 %, fp32 40.00 vs 39.47 % (top-5 61.33 vs 60.63 %)
  const m = (maskTop1: number, maskTop5 = 0) => ({ maskTop1, maskTop5 });
  const note = fp32Note({ shipped: m(39.37), candidate: m(38.7) }, { shipped: m(39.47, 60.63), candidate: m(40, 61.33) });
  assert.match(note, /masked top-1 40\.00% vs shipped 39\.47% \(top-5 61\.33% vs 60\.63%\)/);
  assert.match(note, /int8 costs the candidate 1\.30 points of top-1 and the shipped 0\.10$/);
});

test('both sides are measured on the same sentences: the embedded model against itself is a tie, and accepted', async () => {
  const masked = [
    { text: 'The cat sat on the [MASK].', gold: 'mat' },
    { text: 'He was born in [MASK], the capital of France.', gold: 'Paris' },
    { text: 'She drank a cup of [MASK] in the morning.', gold: 'coffee' },
    { text: 'He opened the [MASK] and walked into the room.', gold: 'door' },
  ];
  const heldout = [
    'The river rose after three days of rain.\nFarmers moved their animals to higher ground.\nThe water fell a week later.',
    'The library opens at nine every morning.\nStudents queue outside before the doors open.',
    'Our team won the final match of the season.\nThe fans celebrated in the streets all night.',
  ].join('\n\n');
  const pairs = sentencePairs(heldout, 8);
  const models = path.join(__dirname, '..', '..', 'models');
  const a = await measure(models, 'en', masked, pairs);
  for (const k of ['maskTop1', 'maskTop5', 'nspPairs'] as const) assert.ok(a[k] >= 0 && a[k] <= 100, `${k} ${a[k]}`);
  assert.equal(a.maskTop1 % 25, 0, 'a share of the four sentences, in percent');
  assert.ok(a.maskTop5 >= a.maskTop1);
  // The shares are the engine's own lists scored against the gold words, lowercased ('Paris' → paris); how many it
  // finds is the quality floor's business (test/core/engine/embedded-quality.test.ts), not this test's.
  const engine = createEngine({ modelsDir: models, offline: true, dtype: 'int8' });
  const model = await engine.load(METRICS.en.mlm);
  const lists: string[][] = [];
  for (const c of masked) lists.push((await engine.mask(model, c.text, { top: 5 })).predictions.map((p) => p.word));
  await engine.dispose();
  const share = (k: number) =>
    (100 * masked.filter((c, i) => lists[i].slice(0, k).some((w) => w.toLowerCase() === c.gold.toLowerCase())).length) / masked.length;
  assert.deepEqual([a.maskTop1, a.maskTop5], [share(1), share(5)]);
  assert.ok(a.maskTop5 > 0, `something to compare: a gold word in a top 5 (${lists.map((l) => l.join(' ')).join(' | ')})`);
  assert.equal(mlmVerdict(a, await measure(models, 'en', masked, pairs)).better, true);
});

test("the fp32 diagnostic reads the fp32 files: scored against fp32's own first words, it is right on all of them", async () => {
  // Gold = the fp32 engine's first word on each everyday probe; int8 then scores exactly its agreement with fp32, so a
  // measurement that ignored the dtype would show here whenever the two files disagree anywhere (today on 1 of 20).
  const probes = (
    JSON.parse(readFileSync(path.join(__dirname, '..', 'data', 'mlm-probes.json'), 'utf8')) as Record<string, { text: string }[]>
  ).en;
  const models = path.join(__dirname, '..', '..', 'models');
  const firsts: Record<'int8' | 'fp32', string[]> = { int8: [], fp32: [] };
  for (const dtype of ['int8', 'fp32'] as const) {
    const engine = createEngine({ modelsDir: models, offline: true, dtype });
    const model = await engine.load(METRICS.en.mlm);
    assert.equal(model.info.dtype, dtype);
    for (const p of probes) firsts[dtype].push((await engine.mask(model, p.text, { top: 1 })).predictions[0].word.toLowerCase());
    await engine.dispose();
  }
  const masked = probes.map((p, i) => ({ text: p.text, gold: firsts.fp32[i] }));
  const agree = firsts.int8.filter((w, i) => w === firsts.fp32[i]).length;
  assert.equal((await measureMask(models, 'en', masked, 'fp32')).maskTop1, 100);
  assert.equal((await measureMask(models, 'en', masked, 'int8')).maskTop1, +((100 * agree) / probes.length).toFixed(2));
});

// The occlusion overlay's decisions (no vscode): shades on the one diverging scale, labelled words, label text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paintOcclusion, shadeIndex } from '../../src/extension/occlusion-logic';
import { DIVERGING_STEPS, divergingColor, divergingStep, signedLabel, stepColor } from '../../src/shared/diverging';

const text = "She drank a cup of hot [MASK] with milk, didn't she.";
const at = (w: string) => text.indexOf(w);
const word = (w: string, delta: number) => ({ word: w, start: at(w), end: at(w) + w.length, score: 0.5 - delta, delta });

test('divergingStep: sign says supports (+) or works against (−); an eighth of the strongest effect stays clear', () => {
  assert.equal(divergingStep(0.4, 0.4), DIVERGING_STEPS);
  assert.equal(divergingStep(-0.4, 0.4), -DIVERGING_STEPS);
  assert.equal(divergingStep(0.04, 0.4), 0);
  assert.equal(divergingStep(0.06, 0.4), 1);
  assert.equal(divergingStep(-0.06, 0.4), -1);
  assert.equal(divergingStep(0.1, 0), 0);
  assert.equal(divergingStep(NaN, 1), 0);
});

test('divergingColor: blue for support, red against, alpha by magnitude; the step colours are its ends', () => {
  assert.equal(divergingColor(0.3, 0.3), 'rgba(0, 120, 212, 0.850)');
  assert.equal(divergingColor(-0.15, 0.3), 'rgba(212, 60, 40, 0.425)');
  assert.equal(divergingColor(NaN, 0.3), 'rgba(212, 60, 40, 0.000)');
  assert.equal(stepColor(DIVERGING_STEPS), divergingColor(1, 1));
  assert.equal(stepColor(-2), divergingColor(-0.5, 1));
});

test('signedLabel: short, signed, never "+.00"', () => {
  assert.deepEqual([0.123, -0.05, 0.003, -0.0004, 0, 1].map(signedLabel), ['+.12', '−.05', '+3e-3', '−4e-4', '0', '+1.0']);
});

test('paintOcclusion: each word in the shade of its effect, the strongest letters-and-digits words labelled', () => {
  const words = [
    word('She', 0.02),
    word('drank', 0.4),
    word('cup', 0.3),
    word('hot', -0.2),
    word('milk', 0.01),
    word(',', 0.35),
    word('didn', 0.39),
  ];
  const p = paintOcclusion(words, text, 3);
  assert.equal(p.max, 0.4);
  assert.equal(p.shades.length, 2 * DIVERGING_STEPS);
  const shadeOf = (w: string) => p.shades.findIndex((s) => s.some((x) => x.word === w));
  assert.equal(shadeOf('drank'), shadeIndex(DIVERGING_STEPS));
  assert.equal(shadeOf('hot'), shadeIndex(divergingStep(-0.2, 0.4)));
  assert.ok(shadeOf('hot') >= DIVERGING_STEPS, 'works against: one of the red shades');
  assert.equal(shadeOf('milk'), -1, 'too weak to colour');
  assert.equal(shadeOf(','), shadeIndex(divergingStep(0.35, 0.4)), 'punctuation is coloured');
  // Labels: never punctuation, never a word followed by a letter ("didn" in "didn't"), strongest |delta| first.
  assert.deepEqual([...p.labelled].map((w) => w.word).sort(), ['cup', 'drank', 'hot']);
});

test('shadeIndex: supports 0..steps−1, works against steps..2·steps−1', () => {
  assert.deepEqual(
    [1, DIVERGING_STEPS, -1, -DIVERGING_STEPS].map((s) => shadeIndex(s)),
    [0, DIVERGING_STEPS - 1, DIVERGING_STEPS, 2 * DIVERGING_STEPS - 1],
  );
});

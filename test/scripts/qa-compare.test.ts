// The rule that decides whether a new QA fine-tune replaces the shipped one (scripts/qa-compare.ts, run by
// `npm run models:qa` on the int8 files through the engine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HAND_SLACK, handwritten, qaVerdict } from '../../scripts/qa-compare';

const side = (held: number, hand: number) => ({ heldout: { exactMatch: 0, f1: held }, handwritten: { exactMatch: 0, f1: hand } });

test('a new QA model ships when held-out F1 gains and the hand-written F1 loses at most the slack', () => {
  // 2026-12-05's English run through the engine: held-out 48.8 → 53.5, hand-written 73.8 both
  assert.equal(qaVerdict(side(48.8, 73.8), side(53.5, 73.8)).better, true);
  assert.equal(qaVerdict(side(48.8, 73.8), side(53.5, 73.8 - HAND_SLACK)).better, true);
  assert.match(qaVerdict(side(48.8, 73.8), side(53.5, 73.8)).why, /held-out F1 53\.50 vs shipped 48\.80, hand-written 73\.80 vs 73\.80/);
});

test('it does not ship on a held-out tie, a held-out loss, or a hand-written loss past the slack', () => {
  assert.equal(qaVerdict(side(50, 70), side(50, 75)).better, false);
  assert.equal(qaVerdict(side(50, 70), side(49.9, 75)).better, false);
  assert.equal(qaVerdict(side(50, 70), side(55, 70 - HAND_SLACK - 0.01)).better, false);
});

test('the hand-written sets are answerable: every gold answer is a span of its context', () => {
  for (const lang of ['en', 'zh'] as const) {
    const qa = handwritten(lang);
    assert.ok(qa.length >= 30, `${lang}: ${qa.length} questions`);
    for (const q of qa) for (const a of q.answers) assert.ok(q.context.includes(a), `${lang}: "${a}" is a span of its context`);
  }
});

// The QA metrics of scripts/eval-engine.ts: SQuAD's normalised token F1 for English, CMRC 2018's per-character
// longest-common-substring F1 for Chinese (the same rule as training/qa_squad.py, so the card's figures agree).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cmrcF1, cmrcSegments, f1, normalizeAnswer } from '../../scripts/eval-engine';

test('SQuAD normalisation drops case, punctuation and articles', () => {
  assert.equal(normalizeAnswer('The  Eiffel Tower!'), 'eiffel tower');
  assert.equal(f1('the Eiffel Tower', 'Eiffel Tower'), 1);
  assert.equal(f1('Paris', 'Eiffel Tower'), 0);
});

test('CMRC segments: one per CJK character, ASCII letter/digit runs together, punctuation and spaces dropped', () => {
  assert.deepEqual(cmrcSegments('《红楼梦》 Cao Xueqin 1791年'), ['红', '楼', '梦', 'cao', 'xueqin', '1791', '年']);
});

test('CMRC F1 comes from the longest common substring of segments', () => {
  assert.equal(cmrcF1('北京', '北京'), 1);
  // pred 北京市 (3) vs gold 北京 (2): common substring 2 → P 2/3, R 1 → F1 0.8
  assert.ok(Math.abs(cmrcF1('北京市', '北京') - 0.8) < 1e-12);
  // 京北 vs 北京: the longest common substring is one character, not the two-character bag overlap
  assert.ok(Math.abs(cmrcF1('京北', '北京') - 0.5) < 1e-12);
  assert.equal(cmrcF1('上海', '北京'), 0);
  assert.equal(cmrcF1('，。', '北京'), 0);
});

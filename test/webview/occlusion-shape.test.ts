// Occlusion for the panel: the worker's result shaped into a valid message, and its TSV / JSON exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { occludeData } from '../../src/extension/panel/shape';
import { occlusionJson, occlusionTsv } from '../../src/extension/panel/export-formats';
import { validateHostMessage } from '../../src/shared/panel-protocol';

const result = {
  task: 'mask' as const,
  target: 'tea',
  start: 23,
  end: 29,
  base: 0.42,
  model: 'bert-lens-mini',
  auto: undefined,
  read: { start: 0, end: 40 },
  words: [
    { word: 'drank', start: 4, end: 9, score: 0.1, delta: 0.32 },
    { word: 'with\tmilk', start: 30, end: 39, score: 0.5, delta: -0.08 },
  ],
};

test('occludeData: the fields the view draws, nothing else; it validates', () => {
  const d = occludeData(result);
  assert.deepEqual(Object.keys(d).sort(), ['base', 'end', 'model', 'read', 'start', 'target', 'task', 'words']);
  assert.equal(typeof validateHostMessage({ type: 'occlude', seq: 1, data: d }), 'object');
  assert.equal(typeof validateHostMessage({ type: 'occlude', seq: 1, data: JSON.parse(JSON.stringify(d)) }), 'object', 'survives JSON');
});

test('occlusionTsv: a header and one row per word; cells without tabs', () => {
  assert.equal(
    occlusionTsv(occludeData(result)),
    'word\tstart\tend\tscore\tdelta\ndrank\t4\t9\t0.1\t0.32\nwith milk\t30\t39\t0.5\t-0.08\n',
  );
});

test("occlusionJson: the CLI's fields plus the model and the text read", () => {
  const j = JSON.parse(occlusionJson(occludeData(result)));
  assert.deepEqual(j, {
    task: 'mask',
    target: 'tea',
    start: 23,
    end: 29,
    base: 0.42,
    words: result.words,
    model: 'bert-lens-mini',
    read: { start: 0, end: 40 },
  });
});

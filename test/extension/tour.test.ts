// The walkthrough: every button goes through the tour command with its own step, every step completes on a context
// key that only a succeeded action sets, and the cursor anchors land on the words the steps talk about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { root } from '../worker/build-worker';
import { SAMPLES, TOUR_STEPS, doneKey, sampleAnchor, sampleFor, tourTarget } from '../../src/extension/tour-logic';

const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json'));
const steps = pkg.contributes.walkthroughs[0].steps as Array<{ id: string; description: string; completionEvents: string[] }>;

test('each step completes on its own done key, and each button runs the tour with that step (en and zh-CN)', () => {
  assert.deepEqual(
    steps.map((s) => s.id),
    [...TOUR_STEPS],
  );
  for (const nlsFile of ['package.nls.json', 'package.nls.zh-cn.json']) {
    const nls = JSON.parse(read(nlsFile));
    for (const s of steps) {
      assert.deepEqual(s.completionEvents, [`onContext:${doneKey(s.id as never)}`], s.id);
      const desc = nls[s.description.replace(/%/g, '')] as string;
      const links = [...desc.matchAll(/\]\((command:[^)]+)\)/g)].map((m) => m[1]);
      assert.deepEqual(links, [`command:bertLens.tour?${encodeURIComponent(JSON.stringify([s.id]))}`], `${nlsFile} ${s.id}`);
    }
  }
});

test('every done key is set by the code, after the action (not by opening the step)', () => {
  const dir = path.join(root, 'src', 'extension');
  const src = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  for (const step of TOUR_STEPS) assert.match(src, new RegExp(`markTourDone\\('${step}'\\)`), step);
  assert.doesNotMatch(JSON.stringify(steps), /onStepSelected|onCommand:/, 'clicking or selecting is not success');
});

test('anchors land inside the words each step is about, in the shipped sample', () => {
  const text = read('samples/walkthrough.md');
  const wordAt = (o: number) => /[\w[\]]+$/.exec(text.slice(0, o))![0] + /^[\w[\]]*/.exec(text.slice(o))![0];
  assert.equal(wordAt(sampleAnchor('attention', text)!), 'it');
  assert.match(text.slice(sampleAnchor('attention', text)! - 9), /^because it was too tired/);
  assert.equal(wordAt(sampleAnchor('hover', text)!), 'bank');
  assert.equal(wordAt(sampleAnchor('mask', text)!), '[MASK]');
  assert.equal(sampleAnchor('qa', text), undefined);
});

test('zh-CN: the Chinese sample, with the anchors on 它, 干 and [MASK] (at the character, which is a word itself)', () => {
  const text = read(`samples/${SAMPLES.zh.file}`);
  const at = (step: 'attention' | 'hover' | 'mask') => sampleAnchor(step, text)!;
  assert.equal(text[at('attention')], '它');
  assert.match(text.slice(at('attention') - 2), /^因为它太累了/);
  assert.equal(sampleAnchor('qkv', text), at('attention'));
  assert.equal(text[at('hover')], '干');
  assert.match(text.slice(at('hover') - 2), /^你在干哈呢/);
  assert.equal(text.slice(at('mask') - 1, at('mask') + 5), '[MASK]');
  assert.equal(sampleAnchor('qa', text), undefined);
  // The lessons the walkthrough promises are in the sample.
  for (const s of ['这只动物没有过马路，因为它太累了。', '这只动物没有过马路，因为它太窄了。', '干杯', '干净', '[MASK]', '重力'])
    assert.ok(text.includes(s), s);
});

test('the sample follows the UI language', () => {
  assert.equal(sampleFor('zh-cn'), SAMPLES.zh);
  assert.equal(sampleFor('zh-CN'), SAMPLES.zh);
  assert.equal(sampleFor('en'), SAMPLES.en);
  assert.equal(sampleFor('de'), SAMPLES.en);
  assert.equal(SAMPLES.en.question, 'Under what force does precipitation fall?');
});

test('target: the sample while open, else the last text editor, else none (open the sample)', () => {
  assert.deepEqual(tourTarget('sample', 'last'), { editor: 'sample', isSample: true });
  assert.deepEqual(tourTarget(undefined, 'last'), { editor: 'last', isSample: false });
  assert.equal(tourTarget(undefined, undefined), undefined);
});

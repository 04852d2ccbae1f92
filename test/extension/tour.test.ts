// The walkthrough: every button goes through the tour command with its own step, every step completes on a context
// key that only a succeeded action sets, and the cursor anchors land on the words the steps talk about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { root } from './build-worker';
import { TOUR_STEPS, doneKey, sampleAnchor, tourTarget } from '../../src/extension/tour-logic';

const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json'));
const steps = pkg.contributes.walkthroughs[0].steps as Array<{ id: string; description: string; completionEvents: string[] }>;

test('each step completes on its own done key, and each button runs the tour with that step (en and zh-CN)', () => {
  assert.deepEqual(steps.map((s) => s.id), [...TOUR_STEPS]);
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
  const src = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
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

test('target: the sample while open, else the last text editor, else none (open the sample)', () => {
  assert.deepEqual(tourTarget('sample', 'last'), { editor: 'sample', isSample: true });
  assert.deepEqual(tourTarget(undefined, 'last'), { editor: 'last', isSample: false });
  assert.equal(tourTarget(undefined, undefined), undefined);
});

#!/usr/bin/env node
// The README's and docs' screenshots (docs/img) from an e2e run's (test/e2e/artifacts): which screenshot each one is,
// so a refresh copies all of them from one run instead of by hand (a hand copy had left the README's hover showing
// an older walkthrough sample). `node scripts/docs-images.mjs [artifacts-dir]` after `npm run test:e2e`; it copies
// what the run took and names what it lacks (a run of some specs only).
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const same = (names) => Object.fromEntries(names.map((n) => [n, n]));

/** docs/img file name (without .png) → e2e screenshot name (test/e2e/artifacts/<name>.png). */
export const DOCS_IMAGES = {
  'extension-hover': '02-hover',
  'extension-hover-code': '02b-hover-code-comment',
  'extension-attention': '03-attention',
  'extension-predict': '04-predict',
  'extension-qa': '05-qa-answers',
  'extension-occlusion': 'occlusion-editor',
  'extension-occlusion-qa': 'occlusion-qa-editor',
  'extension-large-document': 'large-document',
  'extension-tensor-export': 'extension-tensor-export',
  'extension-zh-cn-hover': 'l10n-hover',
  'extension-zh-hover': 'zh-hover',
  'extension-zh-attention': 'zh-attention',
  'extension-zh-predict': 'zh-predict',
  'extension-zh-qa': 'zh-qa',
  'extension-zh-encoding-notice': 'zh-encoding-notice',
  'extension-zh-unk-notice': 'zh-unk-notice',
  ...same([
    'panel-ablate',
    'panel-compare',
    'panel-explainer',
    'panel-head',
    'panel-head-dark',
    'panel-inspector',
    'panel-logit-lens',
    'panel-model',
    'panel-neuron',
    'panel-occlusion',
    'panel-qa-positions',
    'panel-positions',
    'panel-masking',
    'panel-reference',
    'panel-qa',
    'panel-same-word',
    'panel-sense-all',
    'panel-sentences',
  ]),
  'walkthrough-open': 'walkthrough-open-en',
  'walkthrough-hover': 'walkthrough-hover-en',
  'walkthrough-attention': 'walkthrough-attention-en',
  'walkthrough-qkv': 'walkthrough-qkv-en',
  'walkthrough-qa': 'walkthrough-qa-en',
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? 'test/e2e/artifacts';
  const missing = [];
  const copies = Object.entries(DOCS_IMAGES).map(([doc, shot]) => [path.join(dir, `${shot}.png`), `${doc}.png`]);
  copies.push([path.join(dir, 'main-flow.gif'), 'main-flow.gif']); // test/e2e/run.sh makes it after a passing run
  let copied = 0;
  for (const [from, to] of copies) {
    if (!existsSync(from)) {
      missing.push(path.basename(from));
      continue;
    }
    copyFileSync(from, path.join('docs', 'img', to));
    copied++;
  }
  console.log(`docs-images: ${copied} files copied from ${dir} to docs/img`);
  if (missing.length) console.log(`not in ${dir} (their specs did not run): ${missing.join(', ')}`);
}

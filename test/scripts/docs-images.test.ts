// scripts/docs-images.mjs: every screenshot in docs/img comes from a named e2e screenshot that a spec really takes,
// so one e2e run refreshes all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error a plain ESM script without types
import { DOCS_IMAGES } from '../../scripts/docs-images.mjs';

const specs = readdirSync('test/e2e')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(path.join('test/e2e', f), 'utf8'))
  .join('\n');

test('every PNG in docs/img has its e2e screenshot named', () => {
  const pngs = readdirSync('docs/img').filter((f) => f.endsWith('.png'));
  assert.deepEqual(
    pngs.filter((f) => !(f.replace(/\.png$/, '') in DOCS_IMAGES)),
    [],
  );
  assert.equal(Object.keys(DOCS_IMAGES).length, pngs.length, 'no entry for a file docs/img does not have');
});

test('each named screenshot is one an e2e spec takes', () => {
  const taken = (shot: string) => {
    // walkthrough.spec.ts names its screenshots `walkthrough-<step>-${locale}` and runs for en and zh-cn.
    const m = /^(walkthrough-[a-z-]+)-(en|zh-cn)$/.exec(shot);
    return m ? specs.includes(`'${m[1]}-\${locale}'`) || specs.includes(`\`${m[1]}-\${locale}\``) : specs.includes(`'${shot}'`);
  };
  assert.deepEqual(
    Object.values(DOCS_IMAGES as Record<string, string>).filter((s) => !taken(s)),
    [],
  );
});

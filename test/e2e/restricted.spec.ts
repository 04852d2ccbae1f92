// Restricted Mode: a workspace that is not trusted cannot point BERT Lens at its own model files; the user-level
// (here: default, embedded) models are used instead, and everything else keeps working.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start, type Session } from './harness';

let s: Session;

before(async () => {
  s = await start({
    name: 'restricted',
    restricted: true,
    files: {
      '.vscode/settings.json': JSON.stringify({ 'bertLens.model': '/nonexistent/workspace-model', 'bertLens.qaModel': '/nonexistent/qa' }),
    },
  });
  await s.openFile('walkthrough.md');
});

after(async () => {
  if (s) await s.stop();
});

test('workspace model paths are ignored in Restricted Mode', async () => {
  await s.page
    .locator('.statusbar-item', { hasText: /Restricted Mode/i })
    .first()
    .waitFor({ timeout: 30_000 });
  const item = s.page.locator('.statusbar-item:has(.codicon-telescope)', { hasText: 'BERT Lens:' }).first();
  await item.waitFor({ timeout: 120_000 });
  const text = await item.innerText();
  assert.doesNotMatch(text, /nonexistent/);
  const hover = await s.hoverWord('bank', 0);
  assert.match(await hover.innerText(), /Static \(word2vec\)/);
  await s.screenshot('restricted-mode');
});

// Documents over bertLens.maxDocumentChars: only the visible range and the cursor's neighbourhood are analysed,
// the user is told so once, and hovers keep working.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start, type Session } from './harness';

let s: Session;
const paragraph = 'We sat on the bank of the river and watched the water. She went to the bank to deposit her salary. ';
const big = Array.from({ length: 400 }, (_, i) => `${i + 1}. ${paragraph}`).join('\n'); // ~40 000 characters

before(async () => {
  s = await start({ name: 'large', settings: { 'bertLens.maxDocumentChars': 5000 }, files: { 'big.txt': big } });
  await s.openFile('big.txt');
});

after(async () => {
  if (s) await s.stop();
});

test('a large document is analysed near the view, and the user is told', async () => {
  await s.page.locator('.statusbar-item:has(.codicon-telescope)', { hasText: 'BERT Lens:' }).first().waitFor({ timeout: 120_000 });
  const hover = await s.hoverWord('bank', 2);
  assert.match(await hover.innerText(), /Static \(word2vec\)/);
  const toast = s.page.locator('.notifications-toasts .notification-toast', { hasText: /more than bertLens\.maxDocumentChars/ }).first();
  await toast.waitFor({ timeout: 30_000 });
  assert.match(await toast.innerText(), /Only the visible part and the text around the cursor are analysed/);
  // The status bar marks the partial analysis (eye-closed icon) and its tooltip explains it.
  await s.page.locator('.statusbar-item:has(.codicon-eye-closed)', { hasText: 'BERT Lens:' }).first().waitFor();
  await s.screenshot('large-document');
});

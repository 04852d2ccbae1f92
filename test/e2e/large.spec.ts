// Documents over bertLens.maxDocumentChars: only the visible range and the cursor's neighbourhood are analysed,
// the user is told so once, hovers keep working, and QA says which part it read and can read it all.
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

test('words typed into the large document are what its hovers read (its text follows the edits, not a fresh read)', async () => {
  // Typed one key at a time (a change event each) before "river" on the first visible line, then hovered: the new word,
  // and a word after it on the same line (its offset moved by the typing).
  await s.clickWord('river', 0, 0);
  await s.page.keyboard.type('zebra ', { delay: 30 });
  await s.page.keyboard.press('Escape');
  const hover = await s.hoverWord('zebra', 0, 60_000);
  await hover.getByText('Static (word2vec)').waitFor();
  assert.match(await hover.innerText(), /zebra · Static \(word2vec\)/);
  assert.match(await hover.innerText(), /The only occurrence of this word in the document/);
  await s.page.mouse.move(5, 5);
  await s.page.keyboard.press('Escape');
  const later = await s.hoverWord('watched', 0, 60_000);
  await later.getByText('Static (word2vec)').waitFor();
  assert.match(await later.innerText(), /watched · Static \(word2vec\)/);
  await s.screenshot('large-typed');
  await s.page.mouse.move(5, 5);
  await s.page.keyboard.press('Escape');
});

test('QA names its scope, and "Search the whole document" reads it all with progress', async () => {
  await s.runCommand('BERT Lens: Ask a Question About This Document');
  const input = s.page.locator('.quick-input-widget input');
  await input.fill('Where did she deposit her salary?');
  await s.page.keyboard.press('Enter');
  await s.quickPickLabels(/from the visible part and the text near the cursor/);
  await s.page.locator('.quick-input-widget .monaco-list-row:visible', { hasText: 'Search the whole document' }).click();
  // The progress toast ("passage n of N", cancellable) shows while the windows are read; a fast machine may finish first.
  const progress = s.page.locator('.notification-toast', { hasText: /passage \d+ of \d+/ }).first();
  if (
    await progress.waitFor({ timeout: 15_000 }).then(
      () => true,
      () => false,
    )
  )
    await s.screenshot('large-qa-progress');
  const labels = await s.quickPickLabels(/from the whole document/);
  assert.ok(labels.length >= 1);
  assert.ok(!labels.some((l) => l.includes('Search the whole document')), 'no second offer once the whole document was read');
  await s.screenshot('large-qa-whole');
  await s.page.keyboard.press('Escape');
});

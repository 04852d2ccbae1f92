// zh-CN: with code-server's display language set to Chinese, the manifest (package.nls.zh-cn.json) and the
// runtime strings (l10n/bundle.l10n.zh-cn.json) of the packaged extension are shown in Chinese.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start, type Session } from './harness';

let s: Session;

before(async () => {
  s = await start({ name: 'l10n', locale: 'zh-cn' });
  await s.openFile('walkthrough.md');
});

after(async () => {
  if (s) await s.stop();
});

test('command titles come from package.nls.zh-cn.json', async () => {
  await s.page.keyboard.press('F1');
  await s.page.locator('.quick-input-widget input').waitFor();
  await s.page.keyboard.type('BERT Lens', { delay: 10 });
  const row = s.page.locator('.quick-input-widget .monaco-list-row', { hasText: '显示光标处单词的注意力' }).first();
  await row.waitFor({ timeout: 20_000 });
  assert.ok(await row.isVisible());
  await s.screenshot('l10n-commands');
  await s.page.keyboard.press('Escape');
});

test('the hover speaks Chinese (vscode.l10n bundle)', async () => {
  await s.page.locator('.statusbar-item:has(.codicon-telescope)', { hasText: 'BERT Lens:' }).first().waitFor({ timeout: 120_000 });
  const hover = await s.hoverWord('bank', 0);
  const text = await hover.innerText();
  assert.match(text, /静态（word2vec）/);
  assert.match(text, /上下文（BERT，第 \d+ 层）/);
  await s.screenshot('l10n-hover');
});

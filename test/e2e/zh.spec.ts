// Chinese by default, end to end: the zh-CN UI and the Chinese sample document with no model setting changed. The
// status bar names bert-lens-zh (auto); the hover over 干 contrasts its one static vector with contextual ones; a
// masked character is predicted; a question is answered with bert-lens-zh-qa; the panel opens on 它; an explicit
// English model earns the [UNK] notice, whose button restores auto. Assertions hold for any trained model (a Chinese
// character, not a particular one). Screenshots go to test/e2e/artifacts/.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gbkBytes } from '../core/text/gbk';
import { artifacts, embedded, root, start, type Session } from './harness';

const SAMPLE = 'walkthrough.zh-cn.md';
const TEXT = readFileSync(path.join(root, 'samples', SAMPLE), 'utf8');
const HAN = /^\p{Script=Han}$/u;
const skip = embedded.zh ? false : 'the packaged .vsix has no models/bert-lens-zh and bert-lens-zh-qa';
let s: Session;
// An older Chinese file saved as GBK: VS Code opens it as UTF-8 (files.autoGuessEncoding is off by default).
const GBK_FILE = 'legacy-gbk.txt';
const GBK_TEXT = '我们坐在河岸上看水。她去银行存工资。\n';
// [MASK] as a Chinese input method types it (its "[" key gives 【).
const IME_FILE = 'ime-mask.txt';

const dump = async (e: unknown) => {
  await s?.screenshot(`zh-failure-${Date.now()}`).catch(() => undefined);
  console.error(s?.exthostLog());
  throw e;
};

/** The editor and the hover or quick pick over it (the README crops). */
async function shot(name: string, clip = { x: 0, y: 0, width: 1100, height: 700 }): Promise<void> {
  await s.page.waitForTimeout(300);
  await s.page.screenshot({ path: path.join(artifacts, `${name}.png`), clip });
}

const statusItem = () => s.page.locator('.statusbar-item:has(.codicon-telescope)', { hasText: 'BERT Lens:' }).first();

before(async () => {
  if (skip) return;
  s = await start({
    name: 'zh',
    locale: 'zh-cn',
    files: { [GBK_FILE]: gbkBytes(GBK_TEXT), [IME_FILE]: '中国的首都是北京。北京是【MASK】国的首都。\n' },
  });
  await s.openFile(SAMPLE);
  await s.page
    .locator('.statusbar-item:has(.codicon-telescope)', { hasText: 'bert-lens-zh' })
    .first()
    .waitFor({ timeout: 120_000 })
    .catch(dump);
  await s.runCommand('Notifications: Clear All Notifications');
});

after(async () => {
  if (s) await s.stop();
});

// A test that failed half-way must not leave its hover or quick pick over the next test's text.
afterEach(async () => {
  if (!s) return;
  await s.page.mouse.move(5, 5);
  await s.page.keyboard.press('Escape');
});

test('a Chinese document gets the Chinese models with no setting changed: the status bar says bert-lens-zh (auto)', { skip }, async () => {
  assert.match(await statusItem().innerText(), /BERT Lens: bert-lens-zh \(auto\)/);
  await statusItem().hover();
  const tip = s.page.locator('.monaco-hover:not(.hidden)', { hasText: 'bert-lens-zh-qa' }).first();
  await tip.waitFor({ timeout: 15_000 }).catch(dump);
  const text = await tip.innerText();
  assert.match(text, /word2vec-zh/);
  assert.match(text, /本文档以中文为主/);
  await s.page.mouse.move(5, 5);
});

test('hover 干: the static section and the contextual one, with Chinese neighbours, and how the other 干 differ', { skip }, async () => {
  const hover = await s.hoverWord('干', 0, 60_000).catch(dump); // 你在干哈呢
  await hover.getByText('静态（word2vec）').first().waitFor();
  const text = await hover.innerText();
  assert.match(text, /上下文（BERT，第 \d+ 层）/);
  assert.match(text, /bert-lens-zh/);
  // Table rows: static neighbour | what BERT would write here | nearest in the document.
  const rows = text
    .split('\n')
    .map((l) => l.split('\t').map((c) => c.trim()))
    .filter((r) => r.length >= 2 && /\d/.test(r.join('')));
  const han = (cell: string | undefined) => HAN.test(cell?.split(' ')[0] ?? '');
  assert.ok(rows.filter((r) => han(r[0])).length >= 3, `static neighbours are Chinese characters:\n${text}`);
  assert.ok(rows.filter((r) => han(r[1])).length >= 3, `BERT's guesses are Chinese characters:\n${text}`);
  // The other two 干 (干杯, 干净): one static vector (similarity 1.00), contextual ones that differ.
  assert.match(text, /与其他 2 处出现相比/);
  const cosines = [...text.matchAll(/\d+:\d+\s+(-?\d\.\d\d) —/g)].map((m) => Number(m[1]));
  assert.equal(cosines.length, 2, text);
  assert.ok(
    cosines.every((c) => c < 0.99),
    `contextual vectors differ: ${cosines.join(', ')}`,
  );
  await shot('zh-hover', { x: 0, y: 0, width: 1200, height: 700 });
  await s.page.mouse.move(5, 5);
  await s.page.keyboard.press('Escape');
});

test('attention from 它 in 因为它太累了', { skip }, async () => {
  await s.clickWord('它', 1, 0); // #0 is in the heading; #1 in 因为它太累了
  await s.runCommand('BERT Lens: 显示光标处单词的注意力');
  await s.page.locator('.monaco-editor .view-overlays [class*="ced-"]').first().waitFor({ timeout: 60_000 }).catch(dump);
  // The weight labels come with the colours, but on an idle machine the first span can be drawn a moment earlier.
  let labels = await s.weightLabels();
  for (const until = Date.now() + 5_000; labels === 0 && Date.now() < until; labels = await s.weightLabels())
    await s.page.waitForTimeout(100);
  assert.ok(labels > 0, 'the strongest characters carry their weight');
  await shot('zh-attention');
  await s.runCommand('BERT Lens: 清除注意力');
});

test('predict the masked character: Chinese characters, under a title naming [MASK]', { skip }, async () => {
  await s.clickWord('MASK', 0, 2); // Markdown colours [ and MASK apart: the word itself is one text node
  await s.runCommand('BERT Lens: 预测光标处的单词');
  const labels = await s.quickPickLabels(/\[MASK\]/).catch(dump);
  assert.ok(labels.length >= 5, labels.join(' '));
  assert.match(labels[0], HAN, `top prediction: ${labels[0]}`);
  assert.match((await s.page.locator('.quick-input-widget input').getAttribute('placeholder')) ?? '', /bert-lens-zh/);
  await shot('zh-predict');
  await s.page.keyboard.press('Escape');
});

test('【MASK】, as a Chinese input method types [MASK], is predicted as [MASK]: a character for the bracketed slot', { skip }, async () => {
  await s.openFile(IME_FILE);
  await s.clickWord('MASK', 0, 2);
  await s.runCommand('BERT Lens: 预测光标处的单词');
  const labels = await s.quickPickLabels(/【MASK】/).catch(dump); // the title names what is replaced: the whole 【MASK】
  assert.ok(labels.length >= 5, labels.join(' '));
  assert.match(labels[0], HAN, `top prediction: ${labels[0]}`);
  await s.page.keyboard.press('Escape');
  await s.openFile(SAMPLE);
});

test('ask a question: answers are spans of the document, from bert-lens-zh-qa (auto)', { skip }, async () => {
  await s.runCommand('BERT Lens: 就此文档提问');
  const input = s.page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill('降水是怎样落到地面的？');
  await s.page.keyboard.press('Enter');
  const labels = await s.quickPickLabels(/bert-lens-zh-qa/).catch(dump);
  assert.ok(labels.length >= 1);
  const flat = TEXT.replace(/\s+/g, ' ');
  for (const l of labels) assert.ok(flat.includes(l), `"${l}" is a span of the document`);
  assert.match(await s.page.locator('.quick-input-widget .quick-input-title').innerText(), /自动：本文档以中文为主/);
  await s.page
    .locator('.notifications-toasts .notification-toast', { hasText: /正在阅读文档/ })
    .first()
    .waitFor({ state: 'hidden', timeout: 10_000 });
  await shot('zh-qa');
  await s.page.keyboard.press('Escape');
  await s.page.keyboard.press('Escape'); // clears the answer highlights
});

test('the panel opens on a Chinese character', { skip }, async () => {
  await s.clickWord('它', 1, 0); // #0 is in the heading; #1 in 因为它太累了
  await s.runCommand('BERT Lens: 打开面板');
  const panel = s.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await panel.locator('.tabs [role="tab"]').first().waitFor({ timeout: 60_000 }).catch(dump);
  await s.clickWord('它', 1, 0); // #0 is in the heading; #1 in 因为它太累了
  await panel.locator('.focus-line', { hasText: '它' }).waitFor({ timeout: 60_000 }).catch(dump);
  await panel.locator('.head-view svg').waitFor({ timeout: 60_000 }).catch(dump);
  await shot('zh-panel', { x: 0, y: 0, width: 900, height: 900 });
  // The Corpus view: 它 against the Chinese reference corpus, read by bert-lens-zh.
  await panel.locator('.tabs [data-section="inspect"]').click();
  await panel.locator('.inspect-view button.mode[data-mode="reference"]').click();
  await panel.locator('.reference-table tr:has(mark)').first().waitFor({ timeout: 60_000 }).catch(dump);
  assert.match(
    await panel.locator('.reference-summary').innerText(),
    /^“它”（位置 \d+），层 \d+（最后一层）：与 reference-zh 中 1,196 段共 [\d,]+ 个词比较。$/,
  );
  assert.equal(await panel.locator('.reference-table tr:has(mark)').count(), 20);
  await shot('zh-panel-reference', { x: 0, y: 0, width: 900, height: 900 });
  await panel.locator('.reference-view button.mode[data-mode="inspect"]').click();
  await panel.locator('.tabs [data-section="head"]').click();
});

test('an English model on this document: one [UNK] notice, whose "auto" button brings bert-lens-zh back', { skip }, async () => {
  await s.runCommand('Notifications: Clear All Notifications');
  await s.runCommand('BERT Lens: 选择模型…');
  await s.page.locator('.quick-input-widget .monaco-list-row', { hasText: '编码器' }).first().click();
  await s.page
    .locator('.quick-input-widget .monaco-list-row', { hasText: /^bert-lens-mini/ })
    .filter({ hasNotText: 'qa' })
    .first()
    .click()
    .catch(dump);
  await statusItem().filter({ hasText: 'bert-lens-mini' }).waitFor({ timeout: 60_000 }).catch(dump);
  const toast = s.page.locator('.notification-toast', { hasText: '[UNK]' }).first();
  await toast.waitFor({ timeout: 60_000 }).catch(dump);
  const message = await toast.innerText();
  assert.match(message, /bert-lens-mini/);
  assert.match(message, /使用 bert-lens-zh/);
  assert.match(message, /Xenova\/bert-base-chinese/);
  await shot('zh-unk-notice', { x: 300, y: 500, width: 1100, height: 400 });
  await toast.locator('.monaco-button', { hasText: '自动选择' }).click();
  await s.page.locator('.statusbar-item', { hasText: 'bert-lens-zh (auto)' }).first().waitFor({ timeout: 60_000 }).catch(dump);
  assert.equal(await s.page.locator('.notification-toast', { hasText: '[UNK]' }).count(), 0);
});

test(
  'Open Sample in the zh-CN UI opens the Chinese sample (a copy in the extension storage); Ctrl+Z does not empty it',
  { skip },
  async () => {
    await s.runCommand('BERT Lens: 打开示例文档');
    await s.page.locator('.tab.active', { hasText: 'walkthrough.zh-cn.md' }).waitFor({ timeout: 30_000 }).catch(dump);
    const lines = s.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await lines.filter({ hasText: '因为它太累了' }).waitFor({ timeout: 30_000 }).catch(dump);
    // A fresh copy has nothing to undo (an untitled copy filled after it opened was emptied by the first Ctrl+Z).
    await s.page.keyboard.press('Control+Z');
    await s.page.waitForTimeout(300);
    const text = await lines.innerText();
    assert.match(text.replace(/\u00a0/g, ' '), /因为它太累了/);
    assert.match(text, /你在干哈呢/);
  },
);

test('a GBK file opened as UTF-8: one notice, whose button reopens it with its encoding and BERT Lens reads it', { skip }, async () => {
  await s.runCommand('Notifications: Clear All Notifications');
  await s.openFile(GBK_FILE);
  const toast = s.page.locator('.notification-toast', { hasText: '替换字符' }).first();
  await toast.waitFor({ timeout: 60_000 }).catch(dump);
  assert.match(await toast.innerText(), /GBK \/ GB18030/);
  await shot('zh-encoding-notice', { x: 300, y: 500, width: 1100, height: 400 });
  await toast.locator('.monaco-button', { hasText: '通过编码重新打开' }).click();
  // VS Code's own pickers (in English: code-server has no zh-CN language pack): reopen, then the encoding.
  await s.page
    .locator('.quick-input-widget .monaco-list-row', { hasText: /Reopen with Encoding|通过编码重新打开/ })
    .first()
    .click()
    .catch(dump);
  await s.page.locator('.quick-input-widget input').fill('GBK');
  await s.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'GBK' }).first().click().catch(dump);
  const lines = s.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await lines.filter({ hasText: '她去银行存工资' }).waitFor({ timeout: 30_000 }).catch(dump);
  const hover = await s.hoverWord('银', 0).catch(dump);
  await hover.getByText('静态（word2vec）').first().waitFor();
  assert.match(await hover.innerText(), /bert-lens-zh/);
});

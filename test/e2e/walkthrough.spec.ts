// The walkthrough in a real VS Code, in English and zh-CN: every button is clicked while the walkthrough page is the
// active editor; each acts on the sample document it opened, and its step is ticked only after the action succeeded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root, start, type Session } from './harness';
import { sampleFor } from '../../src/extension/tour-logic';

const nls = (locale: string) => JSON.parse(readFileSync(path.join(root, locale === 'en' ? 'package.nls.json' : 'package.nls.zh-cn.json'), 'utf8'));
const STEPS = ['open', 'attention', 'qkv', 'hover', 'mask', 'qa'] as const;

// Skipped: in code-server this spec has not passed yet: after the first button the sample's text did not appear in the
// editor within 60 s (issue 14 stays open for it). The walkthrough logic itself is unit-tested (test/extension/tour.test.ts).
const PENDING = 'walkthrough e2e not passing yet (issue 14)';

for (const locale of ['en', 'zh-cn']) {
  describe(`walkthrough (${locale})`, { skip: PENDING }, () => {
    let s: Session;
    const strings = nls(locale);
    const sample = sampleFor(locale); // the zh-CN UI opens the Chinese sample
    const firstLine = locale === 'en' ? 'because it was too tired' : '因为它太累了';
    const button = (step: string) => /\[([^\]]+)\]\(command:/.exec(strings[`bertLens.walkthrough.${step}.description`])![1]!;
    before(async () => {
      s = await start({ name: `walkthrough-${locale}`, ...(locale === 'en' ? {} : { locale }) });
    });
    after(async () => {
      if (s) await s.stop();
    });
    const dump = (e: unknown) => {
      console.error(s?.exthostLog());
      throw e;
    };

    test('every button acts on the sample and ticks its step only once it worked', async () => {
      const page = s.page;
      // No file is open: the extension activates on the first button (its command), not before.
      await s.runCommand('Welcome: Open Walkthrough...');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: strings['bertLens.walkthrough.title'] }).first().click();
      const stepEl = (id: string) => page.locator(`button.getting-started-step[data-step-id$="#${id}"]`);
      const done = (id: string) => page.locator(`[data-done-step-id$="#${id}"]`);
      await stepEl('open').waitFor({ timeout: 30_000 });
      for (const id of STEPS) {
        await stepEl(id).click();
        assert.equal(await done(id).getAttribute('aria-checked'), 'false', `${id} ticked before its button was clicked`);
        const btn = stepEl(id).locator('.step-description-container .monaco-button', { hasText: button(id) });
        await btn.click();
        switch (id) {
          case 'open':
            await page.locator('.view-line', { hasText: firstLine }).first().waitFor({ timeout: 60_000 });
            await page.locator('.statusbar-item:has(.codicon-telescope)', { hasText: 'BERT Lens:' }).first().waitFor({ timeout: 120_000 }).catch(dump);
            break;
          case 'attention':
            await page.locator('.monaco-editor .view-overlays [class*="ced-"]').first().waitFor({ timeout: 60_000 }).catch(dump);
            await page.waitForTimeout(300);
            assert.deepEqual(await s.overflowingText(), [], 'weight labels pushed text past the edge');
            await s.screenshot(`walkthrough-attention-${locale}`);
            break;
          case 'qkv':
            await page.locator('.webview, iframe').first().waitFor({ timeout: 30_000 });
            break;
          case 'hover':
            await page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'BERT Lens' }).first().waitFor({ timeout: 60_000 }).catch(dump);
            await s.screenshot(`walkthrough-hover-${locale}`);
            break;
          case 'mask':
            await page.locator('.quick-input-widget .monaco-list-row:visible').first().waitFor({ timeout: 60_000 }).catch(dump);
            assert.match(await page.locator('.quick-input-widget .quick-input-title').innerText(), /\[MASK\]/);
            await page.keyboard.press('Escape');
            break;
          case 'qa': {
            const input = page.locator('.quick-input-widget input');
            await input.waitFor();
            assert.equal(await input.inputValue(), sample.question);
            await page.keyboard.press('Enter');
            await page.locator('.quick-input-widget .monaco-list-row:visible').first().waitFor({ timeout: 120_000 }).catch(dump);
            await s.screenshot(`walkthrough-qa-${locale}`);
            await page.keyboard.press('Escape');
            break;
          }
        }
        await page.locator(`[data-done-step-id$="#${id}"][aria-checked="true"]`).waitFor({ timeout: 30_000 }).catch(dump);
      }
      await s.screenshot(`walkthrough-done-${locale}`);
      const complaints = page.locator('.notification-toast', { hasText: /open a text editor|open the document|打开文本编辑器|打开你要提问的文档/ });
      assert.equal(await complaints.count(), 0, 'a step acted on the walkthrough page instead of the sample');
    });
  });
}

// The walkthrough in a real VS Code, in English and zh-CN: every button is clicked while the walkthrough page is the
// active editor; each acts on the sample document it opened, and its step is ticked only after the action succeeded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { root, start, type Session } from './harness';
import { sampleFor } from '../../src/extension/tour-logic';

const nls = (locale: string) =>
  JSON.parse(readFileSync(path.join(root, locale === 'en' ? 'package.nls.json' : 'package.nls.zh-cn.json'), 'utf8'));
const STEPS = ['open', 'attention', 'qkv', 'hover', 'mask', 'qa'] as const;

// Was pending (2026-11-30): on an idle machine the hover step's card stayed over Predict Word's list, or never
// appeared. The tour now focuses the sample editor before hideHover/showHover (both act on the focused editor; the
// click leaves focus on the walkthrough page), and shows the card again after 1.5 s unless a newer button was clicked
// (the panel opened by the step before can take focus and close it). 2026-12-01, idle machine, spec alone: 3 of 3 runs
// passed both locales; before the "newer button" check, zh-CN's Predict Word list was closed by the late re-show once.
// The tour logs 'Walkthrough button "<step>"' first thing, so a click VS Code never delivered is told apart from a step
// that started. The logic is unit-tested (test/extension/tour.test.ts, test/extension/panel-readiness.test.ts).
//
// Pending again (issue 14) from 2026-12-01 08:00: full runs failed it 3 times in 5 (build/e2e-full8, -11, -12), alone 1
// in 3 — each time a step's list never showed although its click reached the extension. Mended since: the buttons name
// their editor (no reliance on the active editor right after the click), their lists stay when the panel takes focus
// (ignoreFocusOut), and an Enter lost before the question box listens is pressed again (the log shows whether the
// question arrived: "Ask: \"…\"" at trace level). Predict Word and Ask log every early return at trace level, and a
// failure dumps the log. 2026-12-01 11:00, beside a training run (load 4–7): alone 1 of 1, full suite 1 of 1 passed.

for (const locale of ['en', 'zh-cn']) {
  describe(`walkthrough (${locale})`, () => {
    let s: Session;
    const strings = nls(locale);
    const sample = sampleFor(locale); // the zh-CN UI opens the Chinese sample
    const title = sample.file; // its tab's label: a copy in the extension's storage (tour.ts)
    // Short enough to stay on one view line beside the walkthrough (word wrap is on).
    const firstLine = locale === 'en' ? 'cross the street because' : '因为它太累了';
    const button = (step: string) => /\[([^\]]+)\]\(command:/.exec(strings[`bertLens.walkthrough.${step}.description`])![1];
    before(async () => {
      s = await start({ name: `walkthrough-${locale}`, logLevel: 'trace', ...(locale === 'en' ? {} : { locale }) });
    });
    after(async () => {
      if (s) await s.stop();
    });
    const dump = async (e: unknown) => {
      await s?.screenshot(`walkthrough-failed-${locale}`).catch(() => undefined);
      console.error(s?.exthostLog());
      throw e;
    };

    /** The visible text of `selector` in whichever webview frame shows it (the panel is a webview in a webview). */
    const inPanel = async (selector: string, timeoutMs: number): Promise<string> => {
      for (const until = Date.now() + timeoutMs; ;) {
        for (const f of s.page.frames()) {
          const el = f.locator(selector).first();
          if (await el.isVisible().catch(() => false)) return el.innerText();
        }
        if (Date.now() > until) throw new Error(`${selector} did not appear in a webview within ${timeoutMs / 1000} s`);
        await s.page.waitForTimeout(500);
      }
    };

    /** How many elements match once the UI settles: polled up to 5 s for `want` (an idle machine renders the list first). */
    const settledCount = async (loc: Locator, want: number) => {
      let n = await loc.count();
      for (const until = Date.now() + 5_000; n !== want && Date.now() < until; n = await loc.count()) await s.page.waitForTimeout(100);
      return n;
    };

    /** How many times the tour logged that step's button (the extension's log: nothing before it activated). */
    const buttonRuns = async (id: string) => s.bertLensLog().split(`Walkthrough button "${id}"`).length - 1;
    const delivered = async (id: string, atLeast: number, timeoutMs: number) => {
      for (const until = Date.now() + timeoutMs; Date.now() < until; await s.page.waitForTimeout(250)) {
        if ((await buttonRuns(id)) >= atLeast) return true;
      }
      return false;
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
        const clicks = (await buttonRuns(id)) + 1;
        await btn.click();
        if (!(await delivered(id, clicks, id === 'open' ? 60_000 : 15_000))) {
          console.error(`walkthrough (${locale}): the "${id}" button's click never reached the extension; clicking it again`);
          await btn.click();
          assert.ok(await delivered(id, clicks, 30_000), `the "${id}" button's command never ran:\n${s.bertLensLog().slice(-3000)}`);
        }
        switch (id) {
          case 'open':
            await page.locator('.view-line', { hasText: firstLine }).first().waitFor({ timeout: 60_000 }).catch(dump);
            await s.screenshot(`walkthrough-open-${locale}`);
            await page
              .locator('.statusbar-item:has(.codicon-telescope)', { hasText: 'BERT Lens:' })
              .first()
              .waitFor({ timeout: 120_000 })
              .catch(dump);
            break;
          case 'attention':
            await page.locator('.monaco-editor .view-overlays [class*="ced-"]').first().waitFor({ timeout: 60_000 }).catch(dump);
            await page.waitForTimeout(300);
            assert.deepEqual(await s.overflowingText(), [], 'weight labels pushed text past the edge');
            await s.screenshot(`walkthrough-attention-${locale}`);
            break;
          case 'qkv':
            // The panel's explainer, on the step's word (other webviews, e.g. the walkthrough's media, may exist).
            await inPanel('.explain-table tbody tr', 60_000).catch(dump);
            assert.ok(
              (await inPanel('.focus-line', 5_000)).includes(locale === 'en' ? '“it”' : '“它”'),
              "the panel explains the step's word",
            );
            await s.screenshot(`walkthrough-qkv-${locale}`);
            break;
          case 'hover':
            await page
              .locator('.monaco-hover:not(.hidden)')
              .filter({ hasText: 'BERT Lens' })
              .first()
              .waitFor({ timeout: 60_000 })
              .catch(dump);
            await s.screenshot(`walkthrough-hover-${locale}`);
            break;
          case 'mask':
            await page.locator('.quick-input-widget .monaco-list-row:visible').first().waitFor({ timeout: 60_000 }).catch(dump);
            const cards = await settledCount(page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'BERT Lens' }), 0);
            if (cards) await s.screenshot(`walkthrough-mask-card-${locale}`);
            // Which editor holds the card that stayed (its URI and group), and every editor of the sample: hideHover acts
            // on the focused editor, so a card in another editor of the same document would survive it.
            // A string, not a function: tsx would wrap the function's inner helpers in a __name() the page lacks.
            const where = cards
              ? await page.evaluate<string>(`(() => {
                  const groups = [...document.querySelectorAll('.editor-group-container')];
                  const at = (e) => (e?.getAttribute('data-uri') ?? '?') + ' (group ' + groups.findIndex((g) => g.contains(e)) + ')';
                  const hovers = [...document.querySelectorAll('.monaco-hover:not(.hidden)')].filter((h) => h.textContent.includes('BERT Lens'));
                  const editors = [...document.querySelectorAll('.monaco-editor[data-uri*="walkthrough"]')];
                  return 'card in ' + hovers.map((h) => at(h.closest('.monaco-editor'))).join(', ') + '; sample editors: ' +
                    editors.map(at).join(', ') + '; focused: ' + at(document.activeElement?.closest('.monaco-editor') ?? null);
                })()`)
              : '';
            assert.equal(cards, 0, `the hover step's card was closed (${where}):\n${s.bertLensLog().slice(-1500)}`);
            assert.match(await page.locator('.quick-input-widget .quick-input-title').innerText(), /\[MASK\]/);
            await page.keyboard.press('Escape');
            break;
          case 'qa': {
            const input = page.locator('.quick-input-widget input');
            await input.waitFor();
            assert.equal(await input.inputValue(), sample.question);
            const asked = () => s.bertLensLog().includes(`Ask: "${sample.question}"`);
            await page.keyboard.press('Enter');
            // An Enter that reaches the box before it listens is lost (the box stays, nothing is asked) — a suspect for
            // e2e-full12, where no answers showed; the log tells it apart from answers that never show.
            for (const until = Date.now() + 10_000; !asked() && Date.now() < until;) await page.waitForTimeout(250);
            if (!asked() && (await input.isVisible()) && (await input.inputValue()) === sample.question) {
              console.error(`walkthrough (${locale}): Enter in the question box asked nothing within 10 s; pressing it again`);
              await input.press('Enter');
            }
            await page.locator('.quick-input-widget .monaco-list-row:visible').first().waitFor({ timeout: 120_000 }).catch(dump);
            await s.screenshot(`walkthrough-qa-${locale}`);
            await page.keyboard.press('Escape');
            break;
          }
        }
        await page.locator(`[data-done-step-id$="#${id}"][aria-checked="true"]`).waitFor({ timeout: 30_000 }).catch(dump);
      }
      await s.screenshot(`walkthrough-done-${locale}`);
      // One copy in one tab, whatever the order in which VS Code shows the documents a step opens.
      assert.equal(await page.locator('.tab', { hasText: title }).count(), 1, 'the sample is open in more than one tab');
      const complaints = page.locator('.notification-toast', {
        hasText: /open a text editor|open the document|打开文本编辑器|打开你要提问的文档/,
      });
      assert.equal(await complaints.count(), 0, 'a step acted on the walkthrough page instead of the sample');
    });
  });
}

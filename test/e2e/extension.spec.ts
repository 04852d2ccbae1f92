// End to end in a real VS Code (code-server) from the packaged .vsix: status bar, hover, attention overlay,
// masked-word prediction and document QA. Screenshots go to test/e2e/artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import type { Locator } from 'playwright-core';
import { embedded, root, start, type Session } from './harness';
import { startHub, type FakeHub } from '../core/model/hub-server';
import { tempDir } from '../temp';

let s: Session;
let hub: FakeHub;
// The extension host's cache folder: where onnxruntime would keep its telemetry device id and event queue.
const xdgCache = tempDir('bert-lens-e2e-xdg-cache-');

before(async () => {
  // A Hugging Face-like server on 127.0.0.1 for the "Select Model… → Hugging Face Model Id…" download.
  hub = await startHub({ 'fake-org/tiny-bert': path.join(root, 'test', 'fixtures', 'tiny-bert') });
  s = await start({
    name: 'extension',
    settings: { 'bertLens.offline': false, 'bertLens.hubEndpoint': hub.endpoint },
    env: { XDG_CACHE_HOME: xdgCache, ORT_DISABLE_TELEMETRY: '' }, // '' as unset: the extension must switch it off itself
  });
  await s.openFile('walkthrough.md');
});

after(async () => {
  if (s) await s.stop();
  if (hub) await hub.close();
});

const dump = (e: unknown) => {
  console.error(s?.exthostLog());
  throw e;
};

/** How many elements match after the UI settles: polled up to 5 s for `want` (a loaded machine renders late). */
async function settledCount(loc: Locator, want: number): Promise<number> {
  let n = await loc.count();
  for (const until = Date.now() + 5_000; n !== want && Date.now() < until; n = await loc.count()) await s.page.waitForTimeout(100);
  return n;
}

test('status bar shows the active model', async () => {
  // ready: the spinner is replaced by the telescope once the worker has loaded the encoder
  const item = s.page.locator('.statusbar-item:has(.codicon-telescope)', { hasText: 'BERT Lens:' }).first();
  await item.waitFor({ timeout: 120_000 }).catch(dump);
  const text = await item.innerText();
  assert.match(text, embedded.encoder ? /BERT Lens: bert-lens-mini/ : /BERT Lens: .*tiny-bert/);
  await s.screenshot('01-statusbar');
});

test('hover shows the static and contextual sections for a word', async () => {
  const hover = await s.hoverWord('bank', 0).catch(dump);
  await hover.getByText('Static (word2vec)').waitFor();
  const text = await hover.innerText();
  assert.match(text, /Static \(word2vec\)/);
  assert.match(text, /Contextual \(BERT, layer \d+\)/);
  assert.match(text, /BERT would write here/);
  assert.match(text, /other \d+ occurrences|only occurrence/);
  // Each occurrence: line:column, similarity and the words around it, read from its own line.
  assert.match(text, /15:17 -?\d\.\d\d — She went to the bank to deposit her…/);
  await s.screenshot('02-hover');
  await s.page.mouse.move(5, 5);
  await s.page.keyboard.press('Escape');
});

test('code files: comments are analysed, code is not', async () => {
  await s.openFile('code.py');
  const hover = await s.hoverWord('bank', 0).catch(dump); // in "# Compute the monthly interest that the bank pays…"
  assert.match(await hover.innerText(), /Static \(word2vec\)/);
  assert.match(await hover.innerText(), /vs the other occurrence \(/, 'one other "bank" (in the string): singular');
  await s.screenshot('02b-hover-code-comment');
  await s.page.mouse.move(5, 5);
  await s.page.keyboard.press('Escape');
  await s.page.waitForTimeout(500);
  await s.hoverWord('balance', 0, 4000).then(
    () => assert.fail('a BERT Lens hover appeared on a code identifier'),
    (e: Error) => assert.match(e.message, /Timeout/),
  );
  await s.openFile('walkthrough.md');
});

test('"Show Attention from Cursor" decorates the words of the window', async () => {
  await s.clickWord('it', 1, 1); // #0 is in the heading; #1 is "because it was too tired"
  await s.runCommand('BERT Lens: Show Attention from Cursor');
  // Decorations render as overlay divs with generated ced-* classes; the top words also get an after-text weight.
  const overlays = s.page.locator('.monaco-editor .view-overlays [class*="ced-"]');
  await overlays.first().waitFor({ timeout: 60_000 }).catch(dump);
  // How many words get a colour is the model's doing (only those at ≥ 1/8 of the strongest weight): from this "it",
  // the embedded model's last layer weights "was" and the heading's "it" far above the rest (CLI: `attention -f
  // samples/walkthrough.md -w it --occurrence 2`, 2026-12-02), so two coloured words and the focus span.
  const n = await overlays.count();
  assert.ok(n >= 3, `only ${n} decorated spans`);
  await s.page
    .locator('.statusbar-item', { hasText: /L\d|rollout/ })
    .first()
    .waitFor();
  await s.page.waitForTimeout(300);
  // Labels never widen a line: with word wrap on, the end of every visual line stays inside the editor.
  assert.deepEqual(await s.overflowingText(), [], 'text pushed past the right edge');
  const labels = await s.weightLabels();
  assert.ok(labels >= 1 && labels <= 3, `${labels} weight labels`);
  await s.screenshot('03-attention');
  await s.runCommand('BERT Lens: Clear Attention');
  assert.equal(await settledCount(overlays, 0), 0, 'Clear removes every decoration');
});

test('"Explain Prediction by Occlusion" colours the paragraph\'s words by their effect on the [MASK]; Escape clears it', async () => {
  await s.clickWord('MASK', 0, 1);
  await s.runCommand('BERT Lens: Explain Prediction by Occlusion');
  const overlays = s.page.locator('.monaco-editor .view-overlays [class*="ced-"]');
  await overlays.first().waitFor({ timeout: 60_000 }).catch(dump);
  assert.ok((await overlays.count()) >= 2, 'words of the paragraph are coloured');
  // The status bar names the target and its probability; its tooltip holds the legend and the text read.
  await s.page
    .locator('.statusbar-item', { hasText: /occlusion: “.+” \d+\.\d%/ })
    .first()
    .waitFor({ timeout: 10_000 });
  await s.page.waitForTimeout(300);
  assert.deepEqual(await s.overflowingText(), [], 'effect labels never push text past the right edge');
  await s.screenshot('occlusion-editor');
  await s.page.keyboard.press('Escape');
  assert.equal(await settledCount(overlays, 0), 0, 'Escape removes every decoration');
  assert.equal(await s.page.locator('.statusbar-item', { hasText: /occlusion:/ }).count(), 0);
});

test('"Predict Word at Cursor" on [MASK] lists predictions in a quick pick', async () => {
  await s.clickWord('MASK', 0, 1);
  await s.runCommand('BERT Lens: Predict Word at Cursor');
  const labels = await s.quickPickLabels(/what BERT would write instead of/).catch(dump);
  assert.ok(labels.length >= 3, `predictions: ${labels.join(', ')}`);
  const descriptions = await s.page.locator('.quick-input-widget .monaco-list-row:visible .label-description').allInnerTexts();
  assert.equal(descriptions.length, labels.length);
  assert.ok(
    descriptions.every((d) => /^\d+\.\d%$/.test(d.trim())),
    `probabilities: ${descriptions.join(', ')}`,
  );
  // The result names what BERT read: this document is longer than one window, so the lines of the window around [MASK].
  assert.match(
    (await s.page.locator('.quick-input-widget input').getAttribute('placeholder')) ?? '',
    /read: lines \d+–\d+ \(the window of text around the word\)/,
  );
  await s.screenshot('04-predict');
  await s.page.keyboard.press('Enter'); // choosing the first prediction replaces [MASK]
  const line = s.page.locator('.view-line', { hasText: 'to the store yesterday' }).first();
  // VS Code renders spaces as U+00A0.
  await s.page.waitForFunction(
    () => ![...document.querySelectorAll('.view-line')].some((l) => /She \[MASK\] to/.test((l.textContent ?? '').replace(/\u00a0/g, ' '))),
  );
  assert.match(
    (await line.innerText()).replace(/\u00a0/g, ' '),
    new RegExp(`She ${labels[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} to the store`),
  );
  await s.page.keyboard.press('Control+Z');
  await s.page.locator('.view-line', { hasText: 'She [MASK] to' }).first().waitFor();
});

test('"Toggle Attention Follow Cursor" re-renders from the word the cursor moves to', async () => {
  await s.clickWord('it', 1, 1);
  await s.runCommand('BERT Lens: Toggle Attention Follow Cursor');
  const overlays = s.page.locator('.monaco-editor .view-overlays [class*="ced-"]');
  await overlays.first().waitFor({ timeout: 60_000 }).catch(dump);
  const before = await s.page.locator('.view-lines span[class*="ced-"]').evaluateAll((xs) => xs.map((x) => x.textContent).join('|'));
  await s.clickWord('bank', 1, 2);
  // The focus word (bold, bordered) moves to "bank": wait until the decorated text changes.
  await s.page.waitForFunction(
    (b) => [...document.querySelectorAll('.view-lines span[class*="ced-"]')].map((x) => x.textContent).join('|') !== b,
    before,
    { timeout: 30_000 },
  );
  await s.runCommand('BERT Lens: Clear Attention');
  assert.equal(await settledCount(overlays, 0), 0);
});

test('QA: the chosen answer becomes the editor selection', async () => {
  await s.openFile('precipitation.txt');
  await s.runCommand('BERT Lens: Ask a Question About This Document');
  // Type only once the question box (not the closing command palette) has focus.
  await s.page.locator('.quick-input-widget .quick-input-title', { hasText: /ask a question about this document/ }).waitFor();
  await s.page.locator('.quick-input-widget input:focus').waitFor();
  await s.page.keyboard.type('Under what force does precipitation fall?', { delay: 5 });
  await s.page.keyboard.press('Enter');
  const labels = await s.quickPickLabels(/answers to/).catch(dump);
  assert.equal(
    await s.page
      .locator('.editor-instance .view-lines')
      .first()
      .innerText()
      .then((t) => t.replace(/\u00a0/g, ' ').startsWith('Rain, snow')),
    true,
    'the document was not edited',
  );
  assert.ok(labels.length >= 1);
  // The reading progress closes once the answers show (VS Code keeps a finished progress toast up briefly).
  await s.page
    .locator('.notifications-toasts .notification-toast', { hasText: /reading the document/ })
    .first()
    .waitFor({ state: 'hidden', timeout: 10_000 });
  await s.page.waitForTimeout(300);
  await s.screenshot('05-qa-answers');
  const first = labels[0].trim();
  await s.page.keyboard.press('Enter');
  await s.page.waitForTimeout(500);
  const sel = (await s.selectionText()).replace(/\s+/g, ' ').trim();
  assert.equal(sel, first);
  // Which span the embedded QA model ranks first is a model-quality figure (its card), not an extension guarantee
  // (2026-12-05, bert-lens-mini-qa fine-tuned on the encoder shipped that day: "gravity" at 0.99 for this wording,
  // "… the precipitation falls under gravity" at 0.28 for "What causes precipitation to fall?"; before: 0.76, no answer).
  await s.screenshot('06-qa-selection');
  // The chosen (selected) answer explained by occlusion: the passage's words coloured, the status bar names it.
  await s.runCommand('BERT Lens: Explain Answer by Occlusion');
  const overlays = s.page.locator('.monaco-editor .view-overlays [class*="ced-"]');
  const item = s.page.locator('.statusbar-item', { hasText: /occlusion: “.+” \d+\.\d%/ }).first();
  await item.waitFor({ timeout: 60_000 }).catch(dump);
  // The status bar names the selected answer (a long one cut to 31 characters and an ellipsis).
  const named = first.length > 32 ? first.slice(0, 31) : `${first}”`;
  assert.equal((await item.innerText()).replace(/\s+/g, ' ').includes(`“${named}`), true, 'the selected answer is the one explained');
  assert.ok((await overlays.count()) >= 3, 'words of the passage are coloured');
  await s.page.waitForTimeout(300);
  assert.deepEqual(await s.overflowingText(), [], 'effect labels never push text past the right edge');
  await s.screenshot('occlusion-qa-editor');
  await s.page.keyboard.press('Escape'); // the answers' boxes went when the occlusion came: Escape clears the occlusion
  assert.equal(await settledCount(s.page.locator('.statusbar-item', { hasText: /occlusion:/ }), 0), 0);
});

test('QA: a question too long to read whole is answered from its first 64 tokens, with a warning', async () => {
  await s.openFile('precipitation.txt');
  await s.runCommand('BERT Lens: Ask a Question About This Document');
  await s.page.locator('.quick-input-widget .quick-input-title', { hasText: /ask a question about this document/ }).waitFor();
  await s.page.locator('.quick-input-widget input:focus').waitFor();
  await s.page.keyboard.press('ControlOrMeta+A'); // the last question is offered again
  await s.page.keyboard.type(`Under what force does precipitation fall ${'when the drops are too heavy '.repeat(12)}?`);
  await s.page.keyboard.press('Enter');
  const toast = s.page.locator('.notifications-toasts .notification-toast', { hasText: /the model read only its first 64\./ }).first();
  await toast.waitFor({ timeout: 60_000 }).catch(dump);
  assert.match(await toast.innerText(), /the question is \d{2,} tokens long/);
  assert.ok((await s.quickPickLabels(/answers to/).catch(dump)).length >= 1, 'answered all the same');
  await s.page.keyboard.press('Escape');
});

test('"Check Sentence Continuity" reports next-sentence probabilities', async () => {
  await s.runCommand('BERT Lens: Check Sentence Continuity');
  const toast = s.page.locator('.notifications-toasts .notification-toast', { hasText: /sentence pairs look discontinuous/ }).first();
  await toast.waitFor({ timeout: 60_000 }).catch(dump);
  const m = /(\d+) of (\d+) sentence pairs/.exec(await toast.innerText());
  assert.ok(m && Number(m[2]) >= 3, 'precipitation.txt has at least three adjacent sentence pairs');
  await s.screenshot('07-continuity');
  await s.page.keyboard.press('Escape');
});

test('"Predict Word at Cursor" with two [MASK]s in the paragraph fills them jointly, most confident first', async () => {
  writeFileSync(path.join(s.workspace, 'two-masks.txt'), 'I drank a cup of [MASK] and ate a slice of [MASK] for breakfast.\n');
  await s.openFile('two-masks.txt');
  await s.clickWord('MASK', 1, 1);
  await s.runCommand('BERT Lens: Predict Word at Cursor');
  const labels = await s.quickPickLabels(/2 \[MASK\]s in this paragraph/).catch(dump);
  assert.match(labels[0], /Fill all 2 \[MASK\]s together/);
  assert.ok(labels.length >= 4, `the joint fill, then this [MASK]'s own words: ${labels.join(', ')}`);
  const joint = (await s.page.locator('.quick-input-widget .monaco-list-row:visible .label-description').first().innerText()).split(' · ');
  assert.equal(joint.length, 2, 'one word per [MASK]');
  await s.screenshot('predict-several-masks');
  await s.page.keyboard.press('Enter'); // the joint fill writes both words
  await s.page.waitForFunction(
    () => ![...document.querySelectorAll('.view-line')].some((l) => (l.textContent ?? '').includes('[MASK]')),
    null,
    { timeout: 30_000 },
  );
  const line = (await s.page.locator('.view-line').first().innerText()).replace(/\u00a0/g, ' ');
  assert.equal(line, `I drank a cup of ${joint[0]} and ate a slice of ${joint[1]} for breakfast.`);
  await s.runCommand('File: Revert File');
  await s.runCommand('View: Close Editor');
});

test('Select Model… downloads a Hugging Face id with progress and switches the encoder to it', async () => {
  await s.runCommand('BERT Lens: Select Model…');
  await s.quickPickLabels(/which model do you want to change/);
  await s.page.keyboard.press('Enter'); // Encoder
  await s.quickPickLabels(/select the encoder model/);
  await s.page.keyboard.type('Hugging Face', { delay: 10 });
  await s.page.keyboard.press('Enter');
  await s.page.locator('.quick-input-title', { hasText: /Hugging Face model id/ }).waitFor();
  await s.page.locator('.quick-input-widget input:focus').waitFor();
  await s.page.keyboard.type('fake-org/tiny-bert', { delay: 10 });
  await s.page.keyboard.press('Enter');
  const item = s.page.locator('.statusbar-item:has(.codicon-telescope)', { hasText: 'BERT Lens: fake-org/tiny-bert' }).first();
  await item.waitFor({ timeout: 120_000 }).catch(dump);
  const fetched = hub.requests.filter((r) => r.method === 'GET' && !r.range).map((r) => r.url);
  assert.ok(
    fetched.some((u) => u.includes('fake-org/tiny-bert/resolve/main/config.json')),
    fetched.join(', '),
  );
  assert.ok(
    fetched.some((u) => u.endsWith('.onnx')),
    'the model file was downloaded',
  );
  await s.screenshot('08-model-downloaded');
});

test("onnxruntime's telemetry stayed off: no device id or event queue in the extension host's cache after the models ran", () => {
  // Microsoft/DeveloperTools/deviceid beside it is VS Code's own (@vscode/deviceid), not onnxruntime's.
  const ort = path.join(xdgCache, 'Microsoft', 'DeveloperTools', '.onnxruntime');
  const left = existsSync(ort) ? readdirSync(ort, { recursive: true }).map(String) : [];
  assert.deepEqual(left, [], `onnxruntime wrote ${ort}`);
});

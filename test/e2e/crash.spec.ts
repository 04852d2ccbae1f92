// The inference worker running out of memory stops the worker, never the extension host: with the worker's heap
// limited to 40 MB (BERT_LENS_WORKER_HEAP_MB), a 9.5 MB document of prose (within bertLens.maxDocumentChars, raised to
// its 10 million maximum, so the worker reads all of it: test/worker/worker-rpc.test.ts found 48 MB too little for
// ~10 MB) exhausts its background work; the user sees one notice naming the cause and what to do, and a hover in a small
// document then works again (the worker restarted; the host and the other features never stopped). A document over
// the limit would not do: the worker gets only its visible part, the rest blanked, and blank runs cost nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root, start, type Session } from './harness';

let s: Session;

before(async () => {
  const prose = readFileSync(path.join(root, 'samples', 'precipitation.txt'), 'utf8');
  const big = Array.from({ length: Math.floor(9.5e6 / prose.length) }, () => prose).join('\n\n');
  s = await start({
    name: 'crash',
    env: { BERT_LENS_WORKER_HEAP_MB: '40' },
    logLevel: 'trace',
    settings: { 'bertLens.maxDocumentChars': 10_000_000, 'workbench.editorLargeFileConfirmation': 1024 },
    files: { 'big.txt': big },
  });
});

after(async () => {
  if (s) await s.stop();
});

test('an out-of-memory worker is reported once, with its cause and what to do; the extension host keeps running', async () => {
  await s.openFile('big.txt');
  const notice = s.page.locator('.notifications-toasts .notification-toast', { hasText: /ran out of memory/ }).first();
  await notice.waitFor({ timeout: 240_000 });
  assert.match(
    await notice.innerText(),
    /The inference worker ran out of memory \(limit 40 MB\) and was stopped; the editor is not affected\. It restarts on the next request\./,
  );
  await s.screenshot('worker-out-of-memory');
  // Background work (the encoding, the [UNK] check) does not retry the version that killed the worker: one death, one
  // notice (two deaths once came from the [UNK] check and then the encoding of the same text).
  await s.page.waitForTimeout(5000);
  assert.equal(
    await s.page.locator('.notifications-toasts .notification-toast', { hasText: /ran out of memory/ }).count(),
    1,
    'one notice',
  );
  assert.equal(s.bertLensLog().match(/\[error\] The inference worker ran out of memory/g)?.length, 1, 'one worker death');
  // The host still runs commands and the restarted worker answers: the status bar names the model again.
  await s.runCommand('Notifications: Clear All Notifications');
  await s.runCommand('View: Close All Editors');
  await s.openFile('walkthrough.md');
  await s.page
    .locator('.statusbar-item:has(.codicon-telescope)', { hasText: /BERT Lens: bert-lens-mini/ })
    .first()
    .waitFor({ timeout: 60_000 });
});

// The next request after the death restarts the worker, which loads its models again first. A hover made while the
// models load waits for them (it once showed nothing: "No hover: encoder loading" in the trace log).
test('after the restart a hover in a small document works again', async () => {
  const hover = await s.hoverWord('street', 0, 120_000).catch((e: unknown) => {
    console.error(s.exthostLog());
    throw e;
  });
  const text = await hover.innerText();
  assert.match(text, /Static \(word2vec\)/);
  assert.match(text, /BERT/);
});

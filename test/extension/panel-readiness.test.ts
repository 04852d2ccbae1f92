// The panel's "show section" waits for the webview: sent before the webview's init, the switch was lost (the
// walkthrough's Q/K/V button opened the panel on the Heads tab and still ticked its step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readiness } from '../../src/extension/panel/readiness';

test('waiters get true once the webview is ready, false when it never is', async () => {
  const r = new Readiness();
  assert.equal(await r.wait(20), false);
  const waiting = r.wait(5_000);
  r.set();
  assert.equal(await waiting, true);
  assert.equal(await r.wait(0), true);
});

test('a view resolved before anyone waited, or re-resolved after being disposed, is waited for again', async () => {
  const r = new Readiness();
  const early = r.wait(5_000); // the command asked before VS Code resolved the view
  r.reset(); // attach: keeps the early waiter
  r.set();
  assert.equal(await early, true);
  r.reset(); // disposed: unready until the new webview says so
  assert.equal(await r.wait(20), false);
  const again = r.wait(5_000);
  r.set();
  assert.equal(await again, true);
});

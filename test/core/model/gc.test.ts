// collectGarbage (gc.ts): a model load's transient copies (the file, the graphs cut from it) leave memory at once, not
// whenever V8 next happens to collect; and it works without --expose-gc, as in the extension's worker.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGarbage } from '../../../src/core/model/gc';

const MB = 2 ** 20;

it('frees an unreachable 256 MB buffer now, and exposes no `gc` global of its own', () => {
  const exposed = typeof (globalThis as { gc?: unknown }).gc; // 'function' only under node --expose-gc
  collectGarbage();
  const before = process.memoryUsage().arrayBuffers;
  let big: Uint8Array | undefined = new Uint8Array(256 * MB).fill(1);
  assert.ok(process.memoryUsage().arrayBuffers - before >= 256 * MB);
  big = undefined;
  collectGarbage();
  assert.equal(big, undefined);
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * MB, 'the buffer is gone');
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, exposed);
});

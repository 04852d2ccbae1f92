// collectGarbage (gc.ts): a model load's transient copies (the file, the graphs cut from it) leave memory at once, not
// whenever V8 next happens to collect; and it works without --expose-gc, as in the extension's worker. discard: a
// model file's bytes leave memory even while something still refers to them.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { collectGarbage, discard } from '../../../src/core/model/gc';

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

it('discard frees bytes that are still referred to, and leaves kept, shared and pooled buffers alone', () => {
  collectGarbage();
  const before = process.memoryUsage().arrayBuffers;
  const held = { bytes: new Uint8Array(128 * MB).fill(1) }; // still reachable, as a stale reference would be
  const view = held.bytes.subarray(5, 10);
  discard(held.bytes, [undefined]);
  collectGarbage();
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * MB, 'the memory is gone');
  assert.equal(held.bytes.length, 0);
  assert.equal(view.length, 0);

  const kept = new Uint8Array(1024).fill(2);
  discard(kept, [kept.subarray(1, 2)]); // a graph that is a view of the same buffer: kept
  assert.equal(kept.length, 1024);
  const pooled = Buffer.from('pooled'); // a slice of Node's shared pool
  const neighbour = Buffer.from('neighbour');
  discard(pooled, []);
  assert.equal(pooled.toString(), 'pooled');
  assert.equal(neighbour.toString(), 'neighbour');
  const small = fs.readFileSync(path.join(__dirname, 'gc.test.ts')); // a small file's bytes lie in the pool too
  const text = small.toString();
  discard(small, []);
  assert.equal(small.toString(), text);
});

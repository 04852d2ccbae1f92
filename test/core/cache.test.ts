// The window cache (core/cache.ts): a byte budget, least recently used out first.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { EncodedOutput } from '../../src/core/api';
import { WindowCache } from '../../src/core/cache';

/** An output of about `kb` KB (outputBytes counts the tensors, plus 64). */
const output = (kb: number): EncodedOutput => ({ seqLen: 1, hidden: { 1: new Float32Array(kb * 256) }, attention: {}, qkv: {} });

it('keeps to its budget, evicting the least recently used — a read counts as a use — down to 90 % of it', () => {
  const cache = new WindowCache(10 * 1024 + 10 * 64); // ten 1 KB outputs
  for (let i = 0; i < 10; i++) cache.set(`k${i}`, output(1));
  assert.equal(cache.size, 10);
  assert.ok(cache.get('k0'), 'k0 read: now the most recently used');
  cache.set('k10', output(1)); // over budget: k1 and k2 go (down to 90 %), not k0
  assert.deepEqual(
    ['k0', 'k1', 'k2', 'k3', 'k10'].map((k) => !!cache.get(k)),
    [true, false, false, true, true],
  );
  assert.equal(cache.size, 9);
  cache.set('k3', output(1)); // replacing an entry counts its bytes once
  assert.equal(cache.size, 9);
  cache.set('big', output(100)); // bigger than the budget: everything else goes, it stays
  assert.equal(cache.size, 1);
  assert.ok(cache.get('big'));
});

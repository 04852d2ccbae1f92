// A document version whose background work killed the worker is skipped by background work; another version, or
// another document, is not (the e2e crash spec saw two deaths on one document: the [UNK] check, then the encoding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerKillers } from '../../src/extension/killers';

test('a recorded version is skipped; an edit (new version) or another document is not', () => {
  const k = new WorkerKillers();
  k.add({ uri: 'file:///big.txt', version: 3 });
  assert.equal(k.has({ uri: 'file:///big.txt', version: 3 }), true);
  assert.equal(k.has({ uri: 'file:///big.txt', version: 4 }), false);
  assert.equal(k.has({ uri: 'file:///small.txt', version: 3 }), false);
});

test('only the newest versions are kept', () => {
  const k = new WorkerKillers(2);
  for (let v = 1; v <= 3; v++) k.add({ uri: 'u', version: v });
  assert.deepEqual(
    [1, 2, 3].map((version) => k.has({ uri: 'u', version })),
    [false, true, true],
  );
});

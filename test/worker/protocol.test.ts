// Wire validation of worker requests and error mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOC_METHODS, METHOD_TABLE, toWireError, validateRequest } from '../../src/worker/protocol';

const doc = { uri: 'file:///a', version: 1, text: 'x' };

test('validateRequest accepts well-formed requests and cancels', () => {
  assert.equal(validateRequest({ type: 'request', id: 1, method: 'inspect', params: [doc, 0, 'last', 5] }).ok, true);
  assert.equal(validateRequest({ type: 'request', id: 2, method: 'models', params: [] }).ok, true);
  assert.equal(validateRequest({ type: 'cancel', id: 3 }).ok, true);
});

test('validateRequest rejects malformed requests with a reason', () => {
  const bad: Array<[unknown, RegExp]> = [
    [null, /not an object/],
    [{ type: 'request', method: 'models', params: [] }, /id/],
    [{ type: 'nope', id: 1 }, /unknown message type/],
    [{ type: 'request', id: 1, method: 'rm -rf', params: [] }, /unknown method/],
    [{ type: 'request', id: 1, method: 'models', params: {} }, /array/],
    [{ type: 'request', id: 1, method: 'qa', params: [{ uri: 'a' }, 'q', 3] }, /uri, version, text/],
    [{ type: 'request', id: 1, method: 'mask', params: [{ uri: 'a', version: 1.5, text: '' }, 0, 3] }, /uri, version, text/],
  ];
  for (const [msg, re] of bad) {
    const v = validateRequest(msg);
    assert.equal(v.ok, false, JSON.stringify(msg));
    if (!v.ok) assert.match(v.reason, re);
  }
});

test('every document method takes the document first: a request without one is refused (derived from METHOD_TABLE)', () => {
  assert.ok(DOC_METHODS.size >= 10);
  for (const m of DOC_METHODS) {
    const n = METHOD_TABLE[m].params;
    assert.ok(n >= 1, m);
    const v = validateRequest({ type: 'request', id: 1, method: m, params: Array(n).fill(null) });
    assert.equal(v.ok, false, m);
    if (!v.ok) assert.match(v.reason, /first parameter must be \{uri, version, text\}/, m);
    const withDoc = validateRequest({ type: 'request', id: 1, method: m, params: [doc, ...Array(n - 1).fill(null)] });
    assert.ok(withDoc.ok || !/first parameter/.test(withDoc.reason), m);
  }
});

test('validateRequest rejects a request with the wrong number of parameters', () => {
  const v = validateRequest({ type: 'request', id: 1, method: 'inspect', params: [doc, 0, 'last'] });
  assert.equal(v.ok, false);
  if (!v.ok) assert.match(v.reason, /inspect takes 4 parameter\(s\), got 3/);
});

test('toWireError keeps engine codes and messages', () => {
  assert.deepEqual(toWireError(Object.assign(new Error('gone'), { code: 'MODEL_NOT_FOUND' })), {
    code: 'MODEL_NOT_FOUND',
    message: 'gone',
  });
  assert.deepEqual(toWireError(new Error('boom')), { code: 'INTERNAL', message: 'boom' });
  assert.equal(toWireError(Object.assign(new Error('x'), { name: 'AbortError' })).code, 'CANCELLED');
  assert.deepEqual(toWireError('str'), { code: 'INTERNAL', message: 'str' });
});

// Wire validation of worker requests and error mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DOC_METHODS,
  METHOD_TABLE,
  blankOutside,
  fromWireDoc,
  keptDocInput,
  readParts,
  toWireDoc,
  toWireError,
  validateRequest,
  type KeptDocInput,
} from '../../src/worker/protocol';
import { KeptTexts } from '../../src/core/text/kept';
import { keepOnly } from '../../src/core/text/segments';

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
    [{ type: 'request', id: 1, method: 'qa', params: [{ uri: 'a' }, 'q', 3, false] }, /uri, version, text/],
    [{ type: 'request', id: 1, method: 'qa', params: [{ uri: 'a', version: 1 }, 'q', 3, false] }, /uri, version, length, parts/],
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

const SOURCE = 'First paragraph, one line.\nSecond line of it.\n\nAnother paragraph here, on the bank.\nAnd a last line.\n'.repeat(30);

test('a document read in parts crosses as its parts; the worker rebuilds a text of the same length, equal inside them', () => {
  const texts = new KeptTexts(SOURCE);
  const ranges = [
    { start: 100, end: 180 },
    { start: 1500, end: 1600 },
  ];
  const d = keptDocInput('file:///big', 7, texts, ranges);
  assert.equal(d.text, keepOnly(SOURCE, ranges), 'the host side reads keepOnly, built when read');
  const wire = toWireDoc(d) as KeptDocInput;
  assert.deepEqual(Object.keys(wire).sort(), ['length', 'parts', 'uri', 'version']);
  assert.ok(JSON.stringify(wire).length < 400, 'the parts, not the document');
  assert.equal(validateRequest({ type: 'request', id: 1, method: 'inspect', params: [wire, 120, 'last', 5] }).ok, true);
  const made: Array<{ from: KeptDocInput; text: string }> = [];
  const back = fromWireDoc(wire, made);
  assert.equal(back.text.length, SOURCE.length);
  for (const r of ranges) assert.equal(back.text.slice(r.start, r.end), SOURCE.slice(r.start, r.end));
  assert.equal(
    back.text.replace(/\s/g, ''),
    ranges
      .map((r) => SOURCE.slice(r.start, r.end))
      .join('')
      .replace(/\s/g, ''),
  );
  // Each gap is blank with a newline at either end: a part never runs on into the next as one sentence.
  assert.equal(back.text[180], '\n');
  assert.equal(back.text[1499], '\n');
  assert.equal(fromWireDoc(toWireDoc(d), made).text, back.text);
  assert.equal(made.length, 1, 'the same parts again: the text already made');
  const other = { ...wire, parts: wire.parts.map((p, i) => (i ? { ...p, text: p.text.toUpperCase() } : p)) };
  assert.equal(fromWireDoc(other, made).text.slice(1500, 1600), SOURCE.slice(1500, 1600).toUpperCase(), 'other text, same ranges');
  assert.equal(made.length, 2);
  // A plain document crosses as it is.
  assert.deepEqual(toWireDoc({ uri: 'u', version: 1, text: 'abc' }), { uri: 'u', version: 1, text: 'abc' });
  assert.deepEqual(fromWireDoc({ uri: 'u', version: 1, text: 'abc' }), { uri: 'u', version: 1, text: 'abc' });
});

test('kept parts that overlap, run past the length or are malformed are refused', () => {
  const part = (start: number, text: string) => ({ start, text });
  const bad: unknown[] = [
    { uri: 'u', version: 1, length: 10, parts: [part(5, 'abc'), part(6, 'x')] },
    { uri: 'u', version: 1, length: 10, parts: [part(8, 'abc')] },
    { uri: 'u', version: 1, length: 10, parts: [part(-1, 'a')] },
    { uri: 'u', version: 1, length: 10, parts: [part(1.5, 'a')] },
    { uri: 'u', version: 1, length: 10, parts: [{ start: 1 }] },
    { uri: 'u', version: 1, length: 10, parts: 'abc' },
    { uri: 'u', version: 1, length: -1, parts: [] },
    { uri: 'u', version: 1, length: 2 ** 40, parts: [] },
  ];
  for (const d of bad) {
    const v = validateRequest({ type: 'request', id: 1, method: 'inspect', params: [d, 0, 'last', 5] });
    assert.equal(v.ok, false, JSON.stringify(d));
    if (!v.ok) assert.match(v.reason, /\{uri, version, length, parts\}/);
  }
  const ok = { uri: 'u', version: 1, length: 10, parts: [part(0, 'ab'), part(2, 'cd'), part(9, 'e')] };
  assert.equal(validateRequest({ type: 'request', id: 1, method: 'inspect', params: [ok, 0, 'last', 5] }).ok, true);
  assert.equal(fromWireDoc(ok).text, 'abcd\n   \ne');
});

test('readParts and blankOutside read only the kept parts', () => {
  const texts = new KeptTexts('aaa bbb\n\nccc ddd\n\neee');
  const d = keptDocInput('u', 1, texts, [{ start: 9, end: 16 }]);
  assert.deepEqual(readParts(d), [{ start: 9, text: 'ccc ddd' }]);
  assert.equal(blankOutside(d, 9, 16), true);
  assert.equal(blankOutside(d, 9, 13), false);
  assert.equal(blankOutside(d, 12, 16), false);
  assert.equal(blankOutside(d, 0, 100), true);
  const whole = { uri: 'u', version: 1, text: '  word  ' };
  assert.equal(blankOutside(whole, 2, 6), true);
  assert.equal(blankOutside(whole, 3, 6), false);
});

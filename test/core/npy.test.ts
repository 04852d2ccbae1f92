// The .npy writer byte for byte: a hand-checked header, and files numpy itself wrote (test/golden/tensor-*.npy,
// made once with numpy.save; no Python runs here). Then the tensor export's files and metadata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { npyBytes, npyHeader } from '../../src/shared/npy';
import { CENSUS_COLUMNS, tensorFiles, type TensorBundle } from '../../src/shared/tensors';

const golden = (name: string) => new Uint8Array(readFileSync(path.resolve('test/golden', name)));

test("npyHeader: numpy's dict, a 1-D shape with its trailing comma, padded with spaces to 64 bytes, then a newline", () => {
  const h = npyHeader([3]);
  assert.equal(h.trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
  assert.equal(h.length, 118); // 10 bytes of magic, version and length before it: the data starts at byte 128
  assert.ok(h.endsWith(' \n'));
  assert.equal(npyHeader([2, 2, 3]).trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 3), }");
  assert.equal((10 + npyHeader([12, 4, 300, 300]).length) % 64, 0);
  assert.equal(npyHeader([]).trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (), }");
});

test('npyBytes: magic, version 1.0, little-endian header length, little-endian float32 data', () => {
  const b = npyBytes([2], new Float32Array([1, -2]));
  assert.deepEqual([...b.slice(0, 10)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
  assert.equal(b.length, 128 + 8);
  assert.deepEqual([...b.slice(128)], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]); // 1.0f, -2.0f
});

test('npyBytes equals numpy.save byte for byte (1-D and 3-D, with -0, a subnormal-free tiny value and float16 max)', () => {
  assert.deepEqual(npyBytes([3], new Float32Array([1.5, -2.0, 0.1])), golden('tensor-3.npy'));
  const a = new Float32Array([0, 1, -2.5, 3.25, -0.125, 1e-7, 65504, -1.5e-3, 0.1, Math.fround(1) / 3, 7, -0]);
  assert.deepEqual(npyBytes([2, 2, 3], a), golden('tensor-2x2x3.npy'));
});

test('npyBytes refuses a shape that does not hold the data', () => {
  assert.throws(() => npyBytes([2, 2], new Float32Array(3)), /holds 4 values, got 3/);
  assert.throws(() => npyBytes([-1], new Float32Array(0)), /bad \.npy shape/);
});

test('tensorFiles: tensors.json first with words, shapes and axes; one .npy per kind; census columns in order', () => {
  const words = [
    { text: 'a', start: 0, end: 1 },
    { text: 'b', start: 2, end: 3 },
  ];
  const row = (layer: number, head: number) => ({
    layer,
    head,
    label: 'broad',
    entropy: layer + head / 10,
    cls: 0.1,
    sep: 0.2,
    punct: 0,
    self: 0.3,
    prev: 0.4,
    next: 0,
    distance: 1.5,
  });
  const b: TensorBundle = {
    model: 'tiny',
    window: { start: 0, end: 3 },
    words,
    layers: 2,
    heads: 1,
    hidden: 3,
    attention: new Float32Array(2 * 1 * 2 * 2).fill(0.5),
    hiddenStates: new Float32Array(3 * 2 * 3),
    census: [row(1, 0), row(2, 0)],
  };
  const files = tensorFiles(b);
  assert.deepEqual(
    files.map((f) => f.name),
    ['tensors.json', 'attention.npy', 'hidden.npy', 'census.npy'],
  );
  const meta = JSON.parse(new TextDecoder().decode(files[0].bytes));
  assert.deepEqual(meta.words, words);
  assert.deepEqual(meta.arrays.attention.shape, [2, 1, 2, 2]);
  assert.deepEqual(meta.arrays.hidden.shape, [3, 2, 3]);
  assert.deepEqual(meta.arrays.census.shape, [2, 1, CENSUS_COLUMNS.length]);
  assert.deepEqual(meta.census, [
    { layer: 1, head: 0, label: 'broad' },
    { layer: 2, head: 0, label: 'broad' },
  ]);
  const census = files[3].bytes;
  const at = (i: number) => new DataView(census.buffer, census.byteOffset).getFloat32(128 + 4 * i, true);
  assert.equal(at(CENSUS_COLUMNS.length), 2, 'layer 2 row starts with its entropy');
  assert.equal(at(CENSUS_COLUMNS.length - 1), 1.5, 'distance is the last column');
  assert.deepEqual(
    tensorFiles({ ...b, attention: undefined, census: undefined }).map((f) => f.name),
    ['tensors.json', 'hidden.npy'],
  );
});

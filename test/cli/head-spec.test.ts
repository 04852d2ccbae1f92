// --heads LAYER.HEAD parsing (src/shared/head-spec.ts): lists, whole layers, duplicates, and messages that say
// what is wrong and how to write it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHeads, parseHeads } from '../../src/shared/head-spec';

test('parseHeads: LAYER.HEAD lists, LAYER.* for a whole layer, spaces and duplicates tolerated', () => {
  assert.deepEqual(parseHeads('1.0', 4, 4), [{ layer: 1, head: 0 }]);
  assert.deepEqual(parseHeads(' 4.3 , 1.0,4.3', 4, 4), [
    { layer: 4, head: 3 },
    { layer: 1, head: 0 },
  ]);
  assert.deepEqual(
    parseHeads('2.*', 4, 3),
    [0, 1, 2].map((head) => ({ layer: 2, head })),
  );
  assert.equal(formatHeads(parseHeads('1.0,2.3', 4, 4)), '1.0, 2.3');
});

test('parseHeads: out of range or malformed heads are refused with the valid ranges and the form', () => {
  const cases: Array<[string, RegExp]> = [
    ['0.1', /Layer 0 \(in "0\.1"\) does not exist: the model has layers 1\.\.4/],
    ['5.0', /Layer 5 .* layers 1\.\.4/],
    ['1.4', /Head 4 \(in "1\.4"\) does not exist: the model has heads 0\.\.3/],
    ['1', /"1" is not a head/],
    ['1.0,,2.0', /"1\.0,,2\.0" has an empty entry/],
    ['a.b', /"a\.b" is not a head/],
    ['1.-1', /is not a head/],
  ];
  for (const [spec, why] of cases) {
    assert.throws(
      () => parseHeads(spec, 4, 4),
      (e: Error) => {
        assert.match(e.message, why, spec);
        assert.match(
          e.message,
          /Write heads as LAYER\.HEAD separated by commas \(layers 1\.\.4, heads 0\.\.3; LAYER\.\* for a whole layer\), e\.g\. 1\.0,4\.3\./,
        );
        return true;
      },
    );
  }
});

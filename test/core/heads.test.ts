// Head census on synthetic attention with known patterns: each pattern gets its label and exact shares; then the
// census of a real encoded window has one row per layer × head, shares that are fractions, and rows of the JSON shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { censusOf, headCensus, DOMINANT } from '../../src/core/heads';
import { createEngine } from '../../src/core/index';
import { FIX } from './engine/helpers';

const SEQ = 8;
const TOKENS = ['[CLS]', 'the', 'cat', ',', 'sat', 'on', 'it', '[SEP]'];

/** One head's [seq][seq] map from a rule giving the target distribution of row i. */
function head(rule: (i: number) => number[]): Float32Array {
  const a = new Float32Array(SEQ * SEQ);
  for (let i = 0; i < SEQ; i++) rule(i).forEach((p, j) => (a[i * SEQ + j] = p));
  return a;
}
const onehot = (j: number) => Array.from({ length: SEQ }, (_, k) => (k === j ? 1 : 0));
const uniform = () => Array.from({ length: SEQ }, () => 1 / SEQ);

test('known patterns get their label and their exact shares', () => {
  const patterns: Array<[string, Float32Array]> = [
    ['previous-token', head((i) => onehot(Math.max(0, i - 1)))],
    ['next-token', head((i) => onehot(Math.min(SEQ - 1, i + 1)))],
    ['[SEP] sink', head(() => onehot(SEQ - 1))],
    ['[CLS]', head(() => onehot(0))],
    ['self', head((i) => onehot(i))],
    ['broad', head(uniform)],
    // a third each on the previous token, itself and the next: no kind reaches DOMINANT alone, all within one token
    ['local', head((i) => onehot(Math.max(0, i - 1)).map((p, j) => (p + onehot(i)[j] + onehot(Math.min(SEQ - 1, i + 1))[j]) / 3))],
    // 0.4 on [CLS], 0.6 four tokens on: neither dominant, nor local, nor broad
    ['mixed', head((i) => onehot(0).map((p, j) => 0.4 * p + (j === Math.min(SEQ - 1, i + 4) ? 0.6 : 0)))],
  ];
  const all = new Float32Array(patterns.length * SEQ * SEQ);
  patterns.forEach(([, a], h) => all.set(a, h * SEQ * SEQ));
  const rows = censusOf([all], patterns.length, SEQ, TOKENS);
  assert.deepEqual(
    rows.map((r) => r.label),
    patterns.map(([l]) => l),
  );
  const [prev, , sep, cls, self, broad] = rows;
  assert.ok(Math.abs(prev.prev - 7 / 8) < 1e-9, 'row 0 has no previous token: it attends to itself');
  assert.ok(Math.abs(prev.self - 1 / 8) < 1e-9);
  assert.ok(Math.abs(prev.distance - 7 / 8) < 1e-9);
  assert.equal(sep.sep, 1);
  assert.equal(cls.cls, 1);
  assert.equal(self.entropy, 0);
  assert.ok(Math.abs(broad.entropy - 3) < 1e-6, 'uniform over 8 tokens: 3 bits');
  assert.ok(Math.abs(broad.punct - 1 / 8) < 1e-9, 'one punctuation token of eight');
  assert.ok(DOMINANT === 0.5);
});

test('a real window: one row per layer × head, shares in [0, 1], labels from the documented set', async () => {
  const engine = createEngine({ dtype: 'fp32' });
  try {
    const model = await engine.load(FIX.bert);
    const enc = await engine.encode(model, "The animal didn't cross the street because it was too tired.", { attentionLayers: 'all' });
    const c = headCensus(enc);
    assert.equal(c.rows.length, model.info.layers * model.info.heads);
    assert.deepEqual([c.layers, c.heads], [model.info.layers, model.info.heads]);
    for (const r of c.rows) {
      for (const k of ['cls', 'sep', 'punct', 'self', 'prev', 'next'] as const) assert.ok(r[k] >= 0 && r[k] <= 1 + 1e-6, `${k} ${r[k]}`);
      assert.ok(r.self + r.prev + r.next <= 1 + 1e-6);
      assert.ok(r.entropy >= 0 && r.entropy <= Math.log2(c.window.tokens) + 1e-6);
      assert.ok(['previous-token', 'next-token', '[SEP] sink', '[CLS]', 'self', 'local', 'broad', 'mixed'].includes(r.label));
    }
    const bare = await engine.encode(model, 'a b', { attentionLayers: [] });
    assert.throws(() => headCensus(bare), /was not encoded/);
  } finally {
    await engine.dispose();
  }
});

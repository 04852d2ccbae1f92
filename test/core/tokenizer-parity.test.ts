// Tokenizer parity: transformers.js on the embedded models/bert-lens-mini gives exactly the ids of the Python
// WordPiece used for training (training/wordpiece.py) on 1,000 held-out corpus sentences (200 of them non-ASCII).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';

interface IdsGolden {
  model: string;
  cases: Array<{ text: string; ids: number[] }>;
}

const golden = JSON.parse(readFileSync(path.resolve('test/golden/mini-tokenizer-ids.json'), 'utf8')) as IdsGolden;

describe('bert-lens-mini tokenizer parity (Python vs transformers.js)', () => {
  let tok: PreTrainedTokenizer;
  before(async () => {
    env.allowRemoteModels = false;
    tok = await AutoTokenizer.from_pretrained(path.resolve('models/bert-lens-mini'));
  });

  it('has 1,000 sentences, some outside ASCII', () => {
    assert.equal(golden.cases.length, 1000);
    assert.ok(golden.cases.filter((c) => !/^[\x00-\x7f]*$/.test(c.text)).length >= 100);
  });

  it('gives identical ids for every sentence', () => {
    const bad: string[] = [];
    for (const c of golden.cases) {
      const ids = Array.from(tok(c.text).input_ids.data as BigInt64Array, Number);
      if (ids.length !== c.ids.length || ids.some((x, i) => x !== c.ids[i])) bad.push(c.text);
    }
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} of ${golden.cases.length} sentences differ`);
  });

  it('maps a literal [MASK] to the mask id between [CLS] and [SEP]', () => {
    const ids = Array.from(tok('She [MASK] to the store yesterday.').input_ids.data as BigInt64Array, Number);
    assert.equal(ids[0], 2); // [CLS]
    assert.equal(ids[2], 4); // [MASK]
    assert.equal(ids[ids.length - 1], 3); // [SEP]
  });
});

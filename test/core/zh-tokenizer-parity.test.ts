// The Chinese per-character tokenizer of the embedded bert-lens-zh (training/build_tokenizer.py --lang zh):
// transformers.js and BERT Lens's own tokenizer give exactly the ids of the Python WordPiece used for training on
// 1,000 held-out sentences (test/golden/zh-tokenizer-ids.json, written by training/export_models.py --lang zh), and
// every CJK character is its own token and word.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { loadTokenizer, type TextTokenizer } from '../../src/core';

interface IdsGolden {
  model: string;
  cases: Array<{ text: string; ids: number[] }>;
}

const DIR = path.resolve('models/bert-lens-zh');
const golden = JSON.parse(readFileSync(path.resolve('test/golden/zh-tokenizer-ids.json'), 'utf8')) as IdsGolden;
const CJK = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/;
const UNK = 1;

describe('Chinese tokenizer parity (Python vs transformers.js vs the engine)', () => {
  let hf: PreTrainedTokenizer;
  let own: TextTokenizer;
  before(async () => {
    env.allowRemoteModels = false;
    hf = await AutoTokenizer.from_pretrained(DIR);
    own = await loadTokenizer(DIR);
  });

  it('has 1,000 held-out sentences, nearly all Chinese', () => {
    assert.equal(golden.cases.length, 1000);
    assert.ok(golden.cases.filter((c) => /[\u4e00-\u9fff]/.test(c.text)).length >= 900);
  });

  it('transformers.js gives identical ids for every sentence', () => {
    const bad = golden.cases.filter((c) => {
      const ids = Array.from(hf(c.text).input_ids.data as BigInt64Array, Number);
      return ids.length !== c.ids.length || ids.some((x, i) => x !== c.ids[i]);
    });
    assert.deepEqual(
      bad.slice(0, 3).map((c) => c.text),
      [],
      `${bad.length} of ${golden.cases.length} sentences differ`,
    );
  });

  it("the engine's tokenizer gives the same ids, one token and one word per CJK character", () => {
    const bad: string[] = [];
    for (const c of golden.cases) {
      const t = own.tokenize(c.text);
      const ids = t.tokens.slice().map((x) => x.id);
      const want = c.ids.slice(1, -1); // without [CLS] … [SEP]
      if (ids.length !== want.length || ids.some((x, i) => x !== want[i])) bad.push(c.text);
      for (const w of t.words) {
        const s = c.text.slice(w.start, w.end);
        if ([...s].some((ch) => CJK.test(ch)) && [...s].length !== 1) bad.push(`${c.text} (word "${s}")`);
      }
    }
    assert.deepEqual(bad.slice(0, 3), [], `${bad.length} mismatches`);
  });

  it('leaves at most 0.2% of held-out tokens [UNK]', () => {
    const ids = golden.cases.flatMap((c) => c.ids.slice(1, -1));
    const share = ids.filter((x) => x === UNK).length / ids.length;
    assert.ok(share <= 0.002, `[UNK] share ${share}`);
  });
});

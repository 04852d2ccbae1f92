// The front door: models cached per id + dtype, failed loads retried, tokenizer shared, dispose releases models.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, wordAt } from '../../../src/core/index';
import { FIX } from './helpers';

describe('createEngine', () => {
  it('caches models per id and dtype; a failed load is not cached; dispose releases sessions', async () => {
    const e = createEngine({});
    const a = await e.load(FIX.bert);
    assert.equal(await e.load(FIX.bert), a);
    const f = await e.load(FIX.bert, { dtype: 'fp32' });
    assert.notEqual(f, a);
    assert.equal(f.info.dtype, 'fp32');
    assert.equal(await e.load(FIX.bert, { dtype: 'fp32' }), f);
    await assert.rejects(e.load('/nonexistent/model-folder'), /nonexistent\/model-folder/);
    await assert.rejects(e.load('/nonexistent/model-folder'), /nonexistent\/model-folder/);
    assert.equal(await e.tokenizer(a), await e.tokenizer(a));
    const tok = await e.tokenize(a, 'Hello, world');
    assert.equal(tok.words.get(wordAt(tok, 8)).text, 'world');
    await e.dispose();
    // After dispose the engine loads afresh.
    const b = await e.load(FIX.bert);
    assert.notEqual(b, a);
    await e.dispose();
  });
});

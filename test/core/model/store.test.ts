// Model store without the network: embedded names, folders (absolute and relative), model info from config files,
// listModels and verifyModel.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { listModels, readModelInfo, resolveModel, verifyModel } from '../../../src/core/model';
import { copyDir, FIXTURES, fixture, ROOT } from './helpers';
import { tempDir } from '../../temp';

describe('model store', () => {
  it('reads BERT and DistilBERT configs (incl. dim / n_layers / n_heads) and casing', () => {
    const b = readModelInfo(fixture('tiny-bert'));
    assert.deepEqual(
      [b.architecture, b.layers, b.heads, b.hidden, b.maxPositions, b.vocabSize, b.uncased, b.dtype],
      ['bert', 2, 4, 32, 128, 640, true, 'int8'],
    );
    const d = readModelInfo(fixture('tiny-distilbert'), { dtype: 'auto' });
    assert.deepEqual(
      [d.architecture, d.layers, d.heads, d.hidden, d.dtype, d.capabilities.tokenTypes],
      ['distilbert', 2, 4, 32, 'fp32', false],
    );
    assert.equal(readModelInfo(fixture('tiny-bert-qa')).maxPositions, 512);
  });

  it('casing comes from the tokenizer.json normalizer, else tokenizer_config do_lower_case', () => {
    const dir = tempDir('bert-lens-cased-');
    copyDir(fixture('tiny-bert'), dir);
    const tj = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
    tj.normalizer.lowercase = false;
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tj));
    assert.equal(readModelInfo(dir).uncased, false);
    tj.normalizer = null;
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tj));
    const tc = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
    tc.do_lower_case = false;
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tc));
    assert.equal(readModelInfo(dir).uncased, false);
  });

  it('resolves an embedded name in modelsDir, an absolute folder and a relative folder', async () => {
    const e = await resolveModel('tiny-bert', { modelsDir: FIXTURES });
    assert.deepEqual([e.source, e.dir, e.dtype], ['embedded', fixture('tiny-bert'), 'int8']);
    const a = await resolveModel(fixture('tiny-bert'), { dtype: 'fp32' });
    assert.deepEqual([a.source, a.modelFile], ['folder', path.join(fixture('tiny-bert'), 'onnx', 'model.onnx')]);
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      // Several segments cannot be an embedded name or a hub id: a relative path, no network.
      const r = await resolveModel('test/fixtures/tiny-distilbert', { offline: true });
      assert.deepEqual([r.source, r.dir, r.dtype], ['folder', fixture('tiny-distilbert'), 'fp32']);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a folder in the current directory never shadows an embedded name or a hub id; ./name, file: and absolute paths reach it', async () => {
    const cwd = tempDir('bert-lens-shadow-cwd-');
    const cache = tempDir('bert-lens-shadow-cache-');
    // Decoys in the cwd named like the embedded model and like a cached hub model; the real ones are tiny-bert.
    copyDir(fixture('tiny-distilbert'), path.join(cwd, 'tiny-bert'));
    copyDir(fixture('tiny-distilbert'), path.join(cwd, 'fake-org', 'tiny-bert'));
    copyDir(fixture('tiny-bert'), path.join(cache, 'fake-org', 'tiny-bert'));
    copyDir(fixture('tiny-distilbert'), path.join(cwd, 'only-here'));
    copyDir(fixture('tiny-distilbert'), path.join(cwd, 'models', 'only-local'));
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const opts = { modelsDir: FIXTURES, cacheDir: cache, offline: true };
      const e = await resolveModel('tiny-bert', opts);
      assert.deepEqual([e.source, e.dir], ['embedded', fixture('tiny-bert')]);
      const h = await resolveModel('fake-org/tiny-bert', opts);
      assert.deepEqual([h.source, h.dir], ['hub', path.join(cache, 'fake-org', 'tiny-bert')]);
      for (const explicit of [
        './tiny-bert',
        `file:./tiny-bert`,
        `file://${path.join(fs.realpathSync(cwd), 'tiny-bert')}`,
        path.join(cwd, 'tiny-bert'),
      ]) {
        const f = await resolveModel(explicit, opts);
        assert.equal(f.source, 'folder', explicit);
        assert.equal(fs.realpathSync(f.dir), fs.realpathSync(path.join(cwd, 'tiny-bert')), explicit);
      }
      assert.equal((await resolveModel('./fake-org/tiny-bert', opts)).source, 'folder');
      await assert.rejects(resolveModel('only-here', opts), (err: Error) => {
        assert.match(err.message, /Model only-here not found: it is not an embedded model \(tiny-bert, tiny-bert-qa, tiny-distilbert\)/);
        assert.match(err.message, /only-here exists, but local files and folders need an explicit path: write \.\/only-here\./);
        return true;
      });
      // A folder path typed without ./ reads as a hub id; when the hub has nothing, the error points at the folder.
      await assert.rejects(resolveModel('models/only-local', opts), (err: Error) => {
        assert.match(err.message, /offline/i);
        assert.match(
          err.message,
          /models\/only-local exists, but local files and folders need an explicit path: write \.\/models\/only-local\./,
        );
        return true;
      });
      await assert.rejects(resolveModel('models/not-here', opts), (err: Error) => !/exists, but/.test(err.message));
    } finally {
      process.chdir(before);
    }
  });

  it('lists embedded models with dtypes and sizes', async () => {
    const list = await listModels({ modelsDir: FIXTURES, cacheDir: tempDir('bert-lens-nocache-') });
    assert.deepEqual(
      list.map((m) => [m.id, m.source, m.dtypes.join('+')]),
      [
        ['tiny-bert', 'embedded', 'fp32+int8'],
        ['tiny-bert-qa', 'embedded', 'fp32+int8'],
        ['tiny-distilbert', 'embedded', 'fp32'],
      ],
    );
    const bert = list[0];
    const onnxBytes = ['model.onnx', 'model_quantized.onnx'].reduce((n, f) => n + fs.statSync(path.join(bert.dir, 'onnx', f)).size, 0);
    assert.ok(bert.bytes > onnxBytes);
  });

  it('verifyModel: ok for a good folder (every dtype), problems listed for a broken one', async () => {
    const good = await verifyModel(fixture('tiny-bert'));
    assert.deepEqual(good, { ok: true, problems: [] });
    const dir = tempDir('bert-lens-verify-');
    copyDir(fixture('tiny-bert'), dir);
    fs.writeFileSync(path.join(dir, 'special_tokens_map.json'), '{oops');
    fs.writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), 'not onnx');
    const bad = await verifyModel(dir);
    assert.equal(bad.ok, false);
    assert.equal(bad.problems.length, 2, bad.problems.join('\n'));
    assert.match(bad.problems[0], /special_tokens_map\.json is not valid JSON/);
    assert.match(bad.problems[1], /^int8: .*CORRUPT|^int8: .*not a usable ONNX model/);
  });
});

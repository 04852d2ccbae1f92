// Broken model folders, made here from a copy of test/fixtures/tiny-bert: each must fail at load with a message that
// names the file and the disagreement, `models verify` must list it, and damaged weights met only at run time must
// become an error instead of NaN in a result.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { BertLensError, loadModel, verifyModel } from '../../../src/core/model';
import { copyDir, fixture, ROOT } from './helpers';
import { tempDir } from '../../temp';

const MODEL = path.join('onnx', 'model.onnx');

/** A copy of tiny-bert (fp32 only, so every check runs on the file we edit) changed by `edit`. */
function broken(name: string, edit: (dir: string) => void): string {
  const dir = path.join(tempDir('bert-lens-broken-'), name);
  copyDir(fixture('tiny-bert'), dir);
  fs.rmSync(path.join(dir, 'onnx', 'model_quantized.onnx'));
  edit(dir);
  return dir;
}

const editJson = (file: string, f: (j: Record<string, unknown>) => unknown) => (dir: string) => {
  const p = path.join(dir, file);
  fs.writeFileSync(p, JSON.stringify(f(JSON.parse(fs.readFileSync(p, 'utf8')))));
};

/** Sets one row of an initializer of model.onnx to `value`, through the ONNX protobuf schema. */
const poison =
  (initializer: string, row: number, value = NaN) =>
  (dir: string) => {
    const p = path.join(dir, MODEL);
    const m = onnx.ModelProto.decode(fs.readFileSync(p));
    const t = m.graph?.initializer?.find((x) => x.name === initializer);
    assert.ok(t?.rawData?.length && t.dims, `initializer ${initializer} with raw data`);
    const cols = Number(t.dims[1]);
    const floats = new Float32Array(new Uint8Array(t.rawData).buffer);
    floats.fill(value, row * cols, (row + 1) * cols);
    t.rawData = new Uint8Array(floats.buffer);
    fs.writeFileSync(p, onnx.ModelProto.encode(m).finish());
  };

async function loadError(dir: string): Promise<BertLensError> {
  try {
    const m = await loadModel(dir, {}, { dtype: 'fp32' });
    await m.dispose();
  } catch (e) {
    assert.ok(e instanceof BertLensError, String(e));
    return e;
  }
  assert.fail(`${dir} loaded`);
}

const CASES: Array<[string, (dir: string) => void, RegExp]> = [
  [
    'NaN word-embedding row',
    poison('bert.embeddings.word_embeddings.weight', 7),
    /the word embedding of token id 7 in onnx\/model\.onnx holds NaN \(the weights are damaged\)\. Re-download the model or re-export it/,
  ],
  [
    'vocab_size too large',
    editJson('config.json', (c) => ({ ...c, vocab_size: 900 })),
    /config\.json says vocab_size 900 but the word embeddings in onnx\/model\.onnx have 640 rows\. config\.json, tokenizer\.json and onnx\/model\.onnx must come from the same export/,
  ],
  [
    "another model's tokenizer",
    (dir) => fs.copyFileSync(path.join(ROOT, 'models', 'bert-lens-mini', 'tokenizer.json'), path.join(dir, 'tokenizer.json')),
    /tokenizer\.json has \d+ token ids but the word embeddings in onnx\/model\.onnx have 640 rows: the tokenizer belongs to another model/,
  ],
  [
    'config.json = null',
    (dir) => fs.writeFileSync(path.join(dir, 'config.json'), 'null'),
    /config\.json in .* holds null instead of a JSON object\. Restore the file/,
  ],
  [
    'tokenizer.json = {}',
    (dir) => fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{}'),
    /tokenizer\.json in .* has no vocabulary \(no model\.vocab\): it is not a Hugging Face tokenizer file\. Copy tokenizer\.json/,
  ],
  [
    'hidden size',
    editJson('config.json', (c) => ({ ...c, hidden_size: 64 })),
    /config\.json says hidden size 64 but the word embeddings in onnx\/model\.onnx \(bert\.embeddings\.word_embeddings\.weight\) are 640×32/,
  ],
  [
    'layers',
    editJson('config.json', (c) => ({ ...c, num_hidden_layers: 3 })),
    /config\.json says 3 layers \(num_hidden_layers \/ n_layers\) but onnx\/model\.onnx has 2 attention layers/,
  ],
  [
    'a billion layers',
    editJson('config.json', (c) => ({ ...c, num_hidden_layers: 1e9 })),
    /config\.json gives layers 1000000000, which no BERT has/,
  ],
  // A device in a file's place: read without a bound it would never end (this used to hang).
  [
    '/dev/zero as model.onnx',
    (dir) => {
      fs.rmSync(path.join(dir, MODEL));
      fs.symlinkSync('/dev/zero', path.join(dir, MODEL));
    },
    /onnx\/model\.onnx is not a regular file \(a device, pipe or socket\), so it is not read\. Point BERT Lens at a model folder/,
  ],
  [
    'a folder as config.json',
    (dir) => {
      fs.rmSync(path.join(dir, 'config.json'));
      fs.mkdirSync(path.join(dir, 'config.json'));
    },
    /config\.json is not a regular file \(a folder\)/,
  ],
  [
    'heads',
    editJson('config.json', (c) => ({ ...c, num_attention_heads: 8 })),
    /config\.json says 8 attention heads \(num_attention_heads \/ n_heads\), but onnx\/model\.onnx computes .* with shape \[1,4,2,2\] where \[1,8,2,2\] was expected/,
  ],
];

describe('broken models', () => {
  for (const [name, edit, message] of CASES) {
    it(`${name}: refused at load with what is wrong and what to do; models verify lists it`, async () => {
      const dir = broken(name.replace(/\W+/g, '-'), edit);
      const e = await loadError(dir);
      assert.equal(e.code, 'CORRUPT_MODEL', e.message);
      assert.match(e.message, message);
      const v = await verifyModel(dir);
      assert.equal(v.ok, false);
      assert.ok(
        v.problems.some((p) => message.test(p)),
        v.problems.join('\n'),
      );
    });
  }

  it('NaN met only by long inputs (position 100): an error at run time, never NaN in the output; verify finds it', async () => {
    const dir = broken('nan-position', poison('bert.embeddings.position_embeddings.weight', 100));
    const m = await loadModel(dir, {}, { dtype: 'fp32' });
    try {
      const [short] = await m.run([{ ids: [2, 50, 60, 3] }], { hiddenLayers: [2] });
      assert.ok(short.hidden[2].every(Number.isFinite));
      const long = [2, ...Array.from({ length: 110 }, (_, i) => 10 + i), 3];
      await assert.rejects(m.run([{ ids: long }], { hiddenLayers: [2] }), (e: BertLensError) => {
        assert.equal(e.code, 'CORRUPT_MODEL');
        assert.match(
          e.message,
          /produced NaN in .* for this input \(1×112 tokens\): its weights are damaged\. Run bert-lens models verify .*, then re-download or re-export the model\./,
        );
        return true;
      });
    } finally {
      await m.dispose();
    }
    const v = await verifyModel(dir);
    assert.equal(v.ok, false);
    assert.match(
      v.problems.join('\n'),
      /fp32: onnx\/model\.onnx has weights that are NaN or infinite: bert\.embeddings\.position_embeddings\.weight \(32 values\)/,
    );
  });

  it('the fixture itself passes every check (the cases above fail for their edit alone)', async () => {
    const dir = broken('intact', () => undefined);
    const m = await loadModel(dir, {}, { dtype: 'fp32' });
    await m.dispose();
    assert.deepEqual(await verifyModel(dir), { ok: true, problems: [] });
  });
});

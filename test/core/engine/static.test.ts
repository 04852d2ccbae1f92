// Static vectors: the four file formats give the same vectors and neighbours; lookup case handling; clear errors
// for bad files; the model's own input embeddings read from the ONNX graph (fp32 and int8 files).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import path from 'node:path';
import { readStatic, parseStatic } from '../../../src/core/static';
import { readInputEmbeddings } from '../../../src/core/embeddings';
import { createEngine } from '../../../src/core/index';
import { FIX } from './helpers';
import { tempDir } from '../../temp';

const WORDS = ['king', 'queen', 'Paris', 'paris', 'apple', 'pear', '中国'];
const VECS = [
  [0.9, 0.1, 0.0],
  [0.85, 0.2, 0.05],
  [0.0, 1.0, 0.1],
  [0.1, 0.9, 0.0],
  [0.0, 0.1, 1.0],
  [0.05, 0.0, 0.95],
  [-0.5, 0.5, 0.25],
];

function text(header: boolean): string {
  return (header ? `${WORDS.length} 3\n` : '') + WORDS.map((w, i) => `${w} ${VECS[i].join(' ')}`).join('\n') + '\n';
}

function binary(): Buffer {
  const parts: Buffer[] = [Buffer.from(`${WORDS.length} 3\n`)];
  WORDS.forEach((w, i) => {
    const f = Buffer.alloc(12);
    VECS[i].forEach((x, k) => f.writeFloatLE(x, k * 4));
    parts.push(Buffer.from(w + ' '), f, Buffer.from('\n'));
  });
  return Buffer.concat(parts);
}

describe('static vector files', () => {
  const dir = tempDir('bert-lens-static-');

  it('word2vec text, word2vec binary, GloVe and fastText .vec agree', async () => {
    const files: Record<string, string | Buffer> = {
      'w2v.txt': text(true),
      'w2v.bin': binary(),
      'glove.txt': text(false),
      'ft.vec': text(true),
    };
    const formats: Record<string, string> = {
      'w2v.txt': 'word2vec-text',
      'w2v.bin': 'word2vec-binary',
      'glove.txt': 'glove',
      'ft.vec': 'word2vec-text',
    };
    for (const [name, body] of Object.entries(files)) {
      const p = path.join(dir, name);
      writeFileSync(p, body);
      const s = await readStatic(p);
      assert.equal(parseStatic(Buffer.from(body), p).format, formats[name]);
      assert.equal(s.size, WORDS.length);
      assert.equal(s.dims, 3);
      const v = s.vector('queen')!;
      VECS[1].forEach((x, k) => assert.ok(Math.abs(v[k] - x) < 1e-6, name));
      const nb = s.neighbours('king', 2);
      assert.deepEqual(
        nb.map((n) => n.word),
        ['queen', 'paris'],
        name,
      );
      const cos = (a: number[], b: number[]) => a.reduce((t, x, k) => t + x * b[k], 0) / Math.hypot(...a) / Math.hypot(...b);
      assert.ok(Math.abs(nb[0].score - cos(VECS[0], VECS[1])) < 1e-6);
      // Case: exact first, then lowercase.
      assert.ok(Math.abs(s.vector('paris')![0] - 0.1) < 1e-6, 'exact match wins');
      assert.ok(Math.abs(s.vector('Paris')![0] - 0) < 1e-6, 'exact match wins');
      assert.ok(Math.abs(s.vector('PARIS')![1] - 1) < 1e-6, 'no exact match: the first word whose lowercase matches ("Paris")');
      assert.ok(s.has('KING') && !s.has('zebra'));
      assert.deepEqual(s.neighbours('zebra', 3), []);
      assert.ok(s.has('中国'));
      // neighbours(word) never returns the word itself or its case variants.
      assert.ok(s.neighbours('paris', 6).every((n) => n.word.toLowerCase() !== 'paris'));
      const q = Float32Array.from([0, 0.1, 1]);
      assert.equal(s.neighboursOf(q, 1)[0].word, 'apple');
      assert.equal(s.neighboursOf(q, 1, new Set(['apple']))[0].word, 'pear');
    }
  });

  it('bad files fail with a message that names the file and the problem', async () => {
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ['trunc.bin', binary().subarray(0, binary().length - 7), /cut short|truncated/],
      ['dims.txt', `2 3\na 1 2 3\nb 1 2\n`, /line 3 has 2 numbers, expected 3/],
      ['count.txt', `5 3\na 1 2 3\nb 1 2 3\n`, /promises 5 vectors but the file has 2/],
      ['nan.txt', `a 1 2 x3\n`, /not a number/],
      ['garbage.bin', Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9]), /looks binary/],
      ['empty.txt', '', /empty/],
      [
        'overflow.txt',
        '99999999999 100\nthe 0.1 0.2\n',
        /the header "99999999999 100" promises 99999999999 vectors of 100 numbers, more than a 28-byte file can hold/,
      ],
      ['wronghdr.bin', Buffer.concat([Buffer.from('2 4\n'), binary().subarray(4)]), /.+/],
    ];
    for (const [name, body, re] of cases) {
      const p = path.join(dir, name);
      writeFileSync(p, body);
      await assert.rejects(readStatic(p), (e: Error) => re.test(e.message) && e.message.includes(p), name);
    }
    await assert.rejects(readStatic(path.join(dir, 'missing.bin')), /not found/);
    // A device is never read (it would never end): refused by what it is, at once.
    await assert.rejects(readStatic('/dev/zero'), /\/dev\/zero is not a regular file \(a device, pipe or socket\)/);
  });
});

describe('model input embeddings', () => {
  it('reads the word-embedding table from the ONNX graph (fp32 and int8 files)', async () => {
    const fp = await readInputEmbeddings(path.join(FIX.bert, 'onnx/model.onnx'));
    const q8 = await readInputEmbeddings(path.join(FIX.bert, 'onnx/model_quantized.onnx'));
    assert.deepEqual([fp.vocab, fp.dims], [640, 32]);
    assert.deepEqual([q8.vocab, q8.dims], [640, 32]);
    // One int8 scale per column (training/export_onnx.py): each value within half its column's step of fp32.
    const H = fp.dims;
    const colMax = new Float32Array(H);
    fp.matrix.forEach((x, i) => (colMax[i % H] = Math.max(colMax[i % H], Math.abs(x))));
    let worst = 0;
    fp.matrix.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - q8.matrix[i]) / (colMax[i % H] / 254))));
    assert.ok(worst <= 1.0001, `int8 table within half a column step of fp32 (worst ${worst} half-steps)`);
    assert.ok(fp.matrix.some((x) => x !== 0));
  });

  it('reads an int8 table dequantized before its Gather with one scale per row (axis 0), and refuses odd scale counts', async () => {
    const src = path.join(FIX.bert, 'onnx/model.onnx');
    const fp = await readInputEmbeddings(src);
    const { vocab: V, dims: H } = fp;
    // An all-zero row ([PAD]) keeps scale 1, as the exporter does for an all-zero column.
    const rowMax = Array.from({ length: V }, (_, r) => Math.max(...fp.matrix.subarray(r * H, (r + 1) * H).map(Math.abs)) || 1);
    const write = (scales: number[], axis: number) => {
      const m = onnx.ModelProto.decode(readFileSync(src));
      const g = m.graph!;
      const table = g.initializer!.find((t) => t.name === 'bert.embeddings.word_embeddings.weight')!;
      const q = Int8Array.from(fp.matrix, (x, i) => Math.round(x / scales[scales.length === V ? Math.floor(i / H) : 0]));
      table.dataType = onnx.TensorProto.DataType.INT8;
      table.rawData = new Uint8Array(q.buffer);
      const scale = onnx.TensorProto.create({ name: 'row_scale', dataType: onnx.TensorProto.DataType.FLOAT, dims: [scales.length] });
      scale.rawData = new Uint8Array(Float32Array.from(scales).buffer);
      g.initializer!.push(scale);
      for (const n of g.node!) n.input = n.input!.map((i) => (i === table.name ? 'word_table_fp32' : i));
      const axisAttr = { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis };
      g.node!.unshift(
        onnx.NodeProto.create({
          opType: 'DequantizeLinear',
          input: [table.name!, 'row_scale'],
          output: ['word_table_fp32'],
          attribute: [axisAttr],
        }),
      );
      const file = path.join(tempDir('bert-lens-rowq-'), 'model.onnx');
      writeFileSync(file, onnx.ModelProto.encode(m).finish());
      return file;
    };
    const q8 = await readInputEmbeddings(
      write(
        rowMax.map((x) => x / 127),
        0,
      ),
    );
    let worst = 0;
    fp.matrix.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - q8.matrix[i]) / (rowMax[Math.floor(i / H)] / 254))));
    assert.ok(worst <= 1.0001, `within half a row step of fp32 (worst ${worst} half-steps)`);
    await assert.rejects(
      readInputEmbeddings(write([0.1, 0.2, 0.3], 0)),
      /Cannot read the input word embeddings from .*: the quantized embedding table has 3 scales and 1 zero points for a 640×32 table/,
    );
  });

  it('as StaticVectors: a vocabulary word is its own row; other words the mean of their pieces', async () => {
    const engine = createEngine({ dtype: 'fp32' });
    try {
      const m = await engine.load(FIX.bert);
      const s = await engine.inputEmbeddings(m);
      const tk = await engine.tokenizer(m);
      const { matrix, dims } = await readInputEmbeddings(m.info.modelFile);
      const id = tk.tokenToId('the')!;
      const row = matrix.subarray(id * dims, (id + 1) * dims);
      s.vector('the')!.forEach((x, i) => assert.ok(Math.abs(x - row[i]) < 1e-6));
      assert.deepEqual(Array.from(s.vector('The')!), Array.from(s.vector('the')!), 'uncased model: case-insensitive');
      const pieces = tk
        .tokenize('unbelievable')
        .tokens.slice()
        .map((t) => t.id);
      assert.ok(pieces.length > 1);
      const v = s.vector('unbelievable')!;
      for (let i = 0; i < dims; i++) {
        const want = pieces.reduce((a, p) => a + matrix[p * dims + i], 0) / pieces.length;
        assert.ok(Math.abs(v[i] - want) < 1e-6);
      }
      assert.equal(s.neighbours('the', 3).length, 3);
      assert.ok(s.neighbours('unbelievable', 3).length === 3);
    } finally {
      await engine.dispose();
    }
  });
});

describe('engine.loadStatic names', () => {
  it('resolves a file, a folder and an embedded name in modelsDir; cached; clear error when missing', async () => {
    const root = tempDir('bert-lens-models-');
    const dir = path.join(root, 'w2v-test');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ format: 'word2vec-binary', file: 'vectors.bin' }));
    writeFileSync(path.join(dir, 'vectors.bin'), binary());
    mkdirSync(path.join(root, 'empty'));
    const engine = createEngine({ modelsDir: root });
    try {
      const byName = await engine.loadStatic('w2v-test');
      assert.equal(byName.source, path.join(dir, 'vectors.bin'));
      assert.equal(byName.size, WORDS.length);
      assert.equal(await engine.loadStatic('w2v-test'), byName, 'cached');
      assert.equal((await engine.loadStatic(dir)).size, WORDS.length);
      assert.equal((await engine.loadStatic(path.join(dir, 'vectors.bin'))).dims, 3);
      await assert.rejects(engine.loadStatic('no-such-vectors'), /not found.*word2vec-mini/);
      await assert.rejects(engine.loadStatic('empty'), /holds no vectors\.bin/);
      // A same-named folder in the current directory does not replace the embedded vectors.
      const cwd = tempDir('bert-lens-cwd-');
      mkdirSync(path.join(cwd, 'w2v-other'));
      writeFileSync(path.join(cwd, 'w2v-other', 'vectors.bin'), binary());
      const before = process.cwd();
      process.chdir(cwd);
      try {
        await assert.rejects(
          engine.loadStatic('w2v-other'),
          /w2v-other exists, but local files and folders need an explicit path: write \.\/w2v-other/,
        );
        assert.equal((await engine.loadStatic('./w2v-other')).size, WORDS.length);
      } finally {
        process.chdir(before);
      }
    } finally {
      await engine.dispose();
    }
  });
});

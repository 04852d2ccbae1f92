// The built CLI (dist/cli.js) on the fixture models: every subcommand's JSON contract, tables, help, input from
// --text/--file/stdin, and exit codes (2 usage, 1 runtime) with helpful messages.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tempDir } from '../temp';
import path from 'node:path';

const CLI = path.resolve('dist/cli.js');
const BERT = 'test/fixtures/tiny-bert';
const QA = 'test/fixtures/tiny-bert-qa';
const TEXT = 'The bank of the river was muddy. The bank raised its rates. It was late.';

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function runJson(args: string[], input?: string) {
  const r = run([...args, '--json'], input);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('bert-lens CLI', () => {
  before(() => {
    // Build once if needed (npm test builds first; this keeps `node scripts/run-tests.mjs test/cli` self-contained).
    if (!existsSync(CLI)) assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' }).status, 0);
  });

  it('tokens: JSON contract with exact offsets; table by default', () => {
    const text = 'Café 中国 naïve!';
    const j = runJson(['tokens', '--model', BERT, '--text', text]);
    assert.equal(j.model, BERT);
    for (const t of j.tokens) assert.ok(['text', 'start', 'end', 'word'].every((k) => k in t));
    assert.deepEqual(
      j.words.map((w: { text: string }) => w.text),
      ['Café', '中', '国', 'naïve', '!'],
    );
    for (const w of j.words) assert.equal(text.slice(w.start, w.end), w.text);
    const t = run(['tokens', '--model', BERT, '--text', text]);
    assert.equal(t.code, 0);
    assert.match(t.out, /token\s+id\s+start\s+end\s+word/);
    assert.match(t.out, /cafe\s+\d+\s+0\s+4\s+0\s+Café/);
  });

  it('tokens needs only the tokenizer: it works on a folder whose ONNX file is damaged (no session is created)', () => {
    const dir = path.join(tempDir('bert-lens-cli-'), 'tokenizer-only');
    cpSync(BERT, dir, { recursive: true });
    for (const f of ['model.onnx', 'model_quantized.onnx']) writeFileSync(path.join(dir, 'onnx', f), 'not an onnx file');
    const j = runJson(['tokens', '--model', dir, '--text', 'The bank raised its rates.']);
    assert.deepEqual(
      j.tokens.map((t: { id: number }) => t.id),
      runJson(['tokens', '--model', BERT, '--text', 'The bank raised its rates.']).tokens.map((t: { id: number }) => t.id),
    );
    assert.equal(run(['mask', '--model', dir, '--text', 'The [MASK] sat.']).code, 1, 'a task that runs the model still refuses it');
  });

  it('reads the text from --file and from stdin', () => {
    const dir = tempDir('bert-lens-cli-');
    const f = path.join(dir, 'doc.txt');
    writeFileSync(f, TEXT);
    const a = runJson(['tokens', '--model', BERT, '--file', f]);
    const b = runJson(['tokens', '--model', BERT], TEXT);
    assert.deepEqual(a, b);
    assert.equal(a.words.at(-1).end, TEXT.length);
  });

  it('--file in UTF-16 (BOM) and GB18030 reads as the UTF-8 text does; binary and Latin-1 files are refused', () => {
    const dir = tempDir('bert-lens-cli-');
    const text = '银行 bank';
    const file = (name: string, bytes: Buffer) => {
      writeFileSync(path.join(dir, name), bytes);
      return path.join(dir, name);
    };
    const utf8 = runJson(['tokens', '--model', BERT, '--file', file('u8.txt', Buffer.from(text))]);
    const utf16 = file('u16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const gbk = file('gbk.txt', Buffer.concat([Buffer.from([0xd2, 0xf8, 0xd0, 0xd0]), Buffer.from(' bank')])); // 银行 in GBK
    for (const f of [utf16, gbk]) {
      const r = run(['tokens', '--model', BERT, '--file', f, '--json']);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out).words, utf8.words);
      assert.match(r.err, f === gbk ? /read --file .* as GB18030/ : /as UTF-16LE/);
    }
    const cases: Array<[string, Buffer, RegExp]> = [
      ['bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0x41]), /looks binary \(it contains NUL/],
      ['latin1', Buffer.from('café au lait', 'latin1'), /is not UTF-8 text \(the first invalid byte is at 3\).*iconv/],
      ['controls', Buffer.from('a\x01\x02\x03\x04\x05b'), /looks binary \(71 % of its characters are control codes\)/],
    ];
    for (const [name, bytes, message] of cases) {
      const r = run(['qa', '--model', QA, '--question', 'what?', '--file', file(name, bytes)]);
      assert.equal(r.code, 2, name);
      assert.match(r.err, new RegExp(`Cannot use --file \\S*${name}: it ${message.source}`), name);
    }
  });

  it('attention: weights over `to` sum to 1 ± 1e-4 (layer/head, mean, rollout; --occurrence)', () => {
    for (const extra of [
      ['--layer', '1', '--head', '2'],
      ['--layer', '2'],
      ['--layer', 'rollout'],
      ['--occurrence', '2'],
    ]) {
      const j = runJson(['attention', '--model', BERT, '--word', 'bank', '--text', TEXT, ...extra]);
      assert.ok('layer' in j && 'head' in j);
      assert.ok(Math.abs(sum(j.to.map((t: { weight: number }) => t.weight)) - 1) < 1e-4);
      for (const t of j.to) assert.equal(TEXT.slice(t.start, t.end), t.text);
      assert.equal(j.from.start, extra[0] === '--occurrence' ? TEXT.lastIndexOf('bank') : TEXT.indexOf('bank'));
    }
    const j = runJson(['attention', '--model', BERT, '--word', 'bank', '--text', TEXT]);
    assert.equal(j.head, 'mean');
    assert.equal(j.layer, 2);
  });

  it('export: tensors.json and one .npy per kind in --out; --what picks them; bad --what is a usage error', () => {
    const dir = tempDir('bert-lens-export-');
    const j = runJson(['export', '--model', BERT, '--out', dir, '--text', TEXT]);
    assert.deepEqual(j.files, ['tensors.json', 'attention.npy', 'hidden.npy', 'census.npy']);
    assert.equal(j.words.length, j.arrays.hidden.shape[1]);
    for (const f of j.files) assert.ok(existsSync(path.join(dir, f)), f);
    const npy = readFileSync(path.join(dir, 'attention.npy'));
    assert.equal(npy.subarray(0, 6).toString('latin1'), '\x93NUMPY');
    assert.equal(npy.length, 128 + 4 * j.arrays.attention.shape.reduce((a: number, b: number) => a * b, 1));
    const out = tempDir('bert-lens-export-');
    const some = runJson(['export', '--model', BERT, '--out', out, '--what', 'census', '--word', 'rates', '--text', TEXT]);
    assert.deepEqual(some.files, ['tensors.json', 'census.npy']);
    const t = run(['export', '--model', BERT, '--out', tempDir('bert-lens-export-'), '--text', TEXT]);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /attention\.npy\s+\(\d+, \d+, \d+, \d+\)/);
    assert.equal(run(['export', '--model', BERT, '--out', dir, '--what', 'weights', '--text', TEXT]).code, 2);
    assert.equal(run(['export', '--model', BERT, '--text', TEXT]).code, 2);
    if (existsSync('/proc/self')) {
      // Node's recursive mkdir spins forever under /proc (src/core/make-dirs.ts): an error at once instead.
      const p = run(['export', '--model', BERT, '--out', '/proc/bert-lens-out', '--text', TEXT]);
      assert.equal(p.code, 1, p.err);
      assert.match(p.err, /Cannot write the tensors to \/proc\/bert-lens-out \(ENOENT\)\. Pick a folder you can write to with --out\./);
    }
  });

  it('heads: one row per layer × head in the JSON contract; --word picks the window', () => {
    const j = runJson(['heads', '--model', BERT, '--text', TEXT]);
    assert.deepEqual(Object.keys(j).sort(), ['heads', 'layers', 'rows', 'window']);
    assert.equal(j.rows.length, j.layers * j.heads);
    assert.deepEqual(Object.keys(j.rows[0]).sort(), [
      'cls',
      'distance',
      'entropy',
      'head',
      'label',
      'layer',
      'next',
      'prev',
      'punct',
      'self',
      'sep',
    ]);
    const long = Array.from({ length: 40 }, () => TEXT).join(' ');
    const last = runJson(['heads', '--model', BERT, '--word', 'late', '--occurrence', '40', '--text', long]);
    assert.ok(last.window.start > 0 && last.window.end === long.length, JSON.stringify(last.window));
    const t = run(['heads', '--model', BERT, '--text', TEXT]);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /layer\s+head\s+label\s+entropy/);
  });

  it('mask --layers: one row per layer 0..L in the JSON contract, the last one equal to plain mask; errors', () => {
    const text = 'The cat sat on the [MASK].';
    const j = runJson(['mask', '--layers', '--model', BERT, '--top', '3', '--text', text]);
    assert.deepEqual(Object.keys(j).sort(), ['end', 'layers', 'start']);
    assert.deepEqual(
      j.layers.map((l: { layer: number }) => l.layer),
      [0, 1, 2],
    );
    for (const l of j.layers) {
      assert.equal(l.predictions.length, 3);
      assert.deepEqual(Object.keys(l.predictions[0]).sort(), ['score', 'word']);
    }
    assert.deepEqual(j.layers[2].predictions, runJson(['mask', '--model', BERT, '--top', '3', '--text', text]).predictions);
    const t = run(['mask', '--layers', '--model', BERT, '--text', text]);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /0 \(embeddings\)/);
    const qa = run(['mask', '--layers', '--model', QA, '--text', text]);
    assert.equal(qa.code, 1);
    assert.match(qa.err, /no masked-LM head/);
    const two = run(['mask', '--layers', '--model', BERT, '--text', 'The [MASK] sat on the [MASK].']);
    assert.equal(two.code, 1);
    assert.match(
      two.err,
      /one masked word at a time\. Keep one \[MASK\] \(or give the offset of a word\), or fill them all jointly: bert-lens mask,/,
    );
  });

  it('occlude: JSON contract, delta = base − score per other word, --target; --task checked', () => {
    const text = 'The cat sat on the [MASK] today.';
    const j = runJson(['occlude', '--task', 'mask', '--model', BERT, '--text', text]);
    assert.deepEqual(Object.keys(j).sort(), ['base', 'end', 'start', 'target', 'task', 'words']);
    assert.equal(j.target, runJson(['mask', '--model', BERT, '--top', '1', '--text', text]).predictions[0].word);
    assert.deepEqual(
      j.words.map((w: { word: string }) => w.word),
      ['The', 'cat', 'sat', 'on', 'the', 'today', '.'],
    );
    for (const w of j.words) {
      assert.deepEqual(Object.keys(w).sort(), ['delta', 'end', 'score', 'start', 'word']);
      assert.equal(text.slice(w.start, w.end), w.word);
      assert.ok(Math.abs(w.delta - (j.base - w.score)) < 1e-12);
    }
    const river = runJson(['occlude', '--model', BERT, '--target', 'river', '--text', text]);
    assert.equal(river.target, 'river');
    assert.ok(river.base > 0 && river.base < j.base);
    const t = run(['occlude', '--model', BERT, '--text', text]);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /drop/);
    const bad = run(['occlude', '--task', 'nsp', '--model', BERT, '--text', text]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--task must be mask .* or qa/);
    const doc = 'On Monday the old man walked to the river bank and sat down.';
    const qa = runJson(['occlude', '--task', 'qa', '--model', QA, '--question', 'Where did the man walk?', '--text', doc]);
    assert.equal(qa.task, 'qa');
    assert.equal(doc.slice(qa.start, qa.end), qa.target);
    assert.equal(qa.words.length, 14);
    assert.equal(run(['occlude', '--task', 'qa', '--model', QA, '--text', doc]).code, 2);
  });

  it('ablate: JSON contract (mask, qa, nsp), --heads switches heads off, the map by default; bad --heads says how to write one', () => {
    const text = 'The cat sat on the [MASK] today.';
    const j = runJson(['ablate', '--model', BERT, '--text', text]);
    assert.deepEqual(Object.keys(j).sort(), [
      'base',
      'end',
      'heads',
      'importance',
      'layers',
      'off',
      'prediction',
      'predictions',
      'score',
      'start',
      'target',
      'task',
    ]);
    assert.equal(j.target, runJson(['mask', '--model', BERT, '--top', '1', '--text', text]).predictions[0].word);
    assert.deepEqual([j.layers, j.heads, j.off, j.score], [2, 4, [], j.base]);
    assert.deepEqual(
      j.importance.map((r: number[]) => r.length),
      [4, 4],
    );
    const off = runJson(['ablate', '--model', BERT, '--heads', '1.0, 2.*', '--text', text]);
    assert.deepEqual(off.off, [
      { layer: 1, head: 0 },
      { layer: 2, head: 0 },
      { layer: 2, head: 1 },
      { layer: 2, head: 2 },
      { layer: 2, head: 3 },
    ]);
    assert.equal(off.importance, undefined, '--heads alone: no map');
    assert.notEqual(off.score, off.base);
    const t = run(['ablate', '--model', BERT, '--heads', '1.0', '--importance', '--text', text]);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /Heads off: 1\.0 → P\(/);
    assert.match(t.out, /Importance: drop in P/);
    const qa = runJson([
      'ablate',
      '--task',
      'qa',
      '--model',
      QA,
      '--heads',
      '2.1',
      '--question',
      'Where did the man walk?',
      '--text',
      'On Monday the old man walked to the river bank.',
    ]);
    assert.equal(qa.task, 'qa');
    assert.deepEqual(Object.keys(qa.prediction).sort(), ['end', 'score', 'start', 'text']);
    const nsp = runJson(['ablate', '--task', 'nsp', '--model', BERT, '--a', 'I went to the shop.', '--b', 'I bought some milk.']);
    assert.ok(['is next', 'not next'].includes(nsp.target));
    assert.equal(nsp.start, undefined);
    for (const [spec, why] of [
      ['3.0', /Layer 3 .* does not exist: the model has layers 1\.\.2/],
      ['1.4', /Head 4 .* heads 0\.\.3/],
      ['1-0', /"1-0" is not a head/],
      ['', /has an empty entry/],
    ] as const) {
      const bad = run(['ablate', '--model', BERT, '--heads', spec, '--text', text]);
      assert.equal(bad.code, 2, spec);
      assert.match(bad.err, why);
      assert.match(bad.err, /Write heads as LAYER\.HEAD/);
    }
    const task = run(['ablate', '--task', 'ner', '--model', BERT, '--text', text]);
    assert.equal(task.code, 2);
    assert.match(task.err, /--task must be mask .*, qa .* or nsp/);
  });

  it('explain: per-word scores, scaled scores and softmax weights summing to 1', () => {
    const j = runJson(['explain', '--model', BERT, '--word', 'bank', '--layer', '1', '--head', '3', '--text', TEXT]);
    assert.equal(j.layer, 1);
    assert.equal(j.head, 3);
    assert.equal(j.words.length, j.weights.length);
    assert.ok(Math.abs(sum(j.weights) - 1) < 1e-6);
    j.scaled.forEach((x: number, i: number) => assert.ok(Math.abs(x - j.scores[i] / Math.sqrt(j.headDim)) < 1e-9));
  });

  it('similar: square contextual and static matrices over the occurrences', () => {
    const j = runJson(['similar', '--model', BERT, '--word', 'BANK', '--text', TEXT]);
    assert.equal(j.word, 'BANK');
    assert.deepEqual(j.occurrences, [
      { start: 4, end: 8 },
      { start: 37, end: 41 },
    ]);
    for (const m of [j.contextual, j.static]) {
      assert.equal(m.length, 2);
      assert.ok(m.every((r: number[]) => r.length === 2));
    }
    assert.deepEqual(j.static, [
      [1, 1],
      [1, 1],
    ]);
  });

  it('mask: predictions sorted by score; --at and --word mask a word', () => {
    const j = runJson(['mask', '--model', BERT, '--text', 'The cat sat on the [MASK].', '--top', '4']);
    assert.equal(j.predictions.length, 4);
    for (let k = 1; k < 4; k++) assert.ok(j.predictions[k - 1].score >= j.predictions[k].score);
    assert.ok(j.predictions.every((p: { word: string; score: number }) => typeof p.word === 'string' && p.score > 0));
    const w = runJson(['mask', '--model', BERT, '--text', TEXT, '--word', 'rates']);
    assert.deepEqual([w.start, w.end], [TEXT.indexOf('rates'), TEXT.indexOf('rates') + 5]);
    const at = runJson(['mask', '--model', BERT, '--text', TEXT, '--at', String(TEXT.indexOf('rates') + 2)]);
    assert.deepEqual(at, w);
  });

  it('mask with several [MASK]s fills them jointly: method, filled text, one entry per mask in text order', () => {
    const text = 'The [MASK] sat on the [MASK].';
    const j = runJson(['mask', '--model', BERT, '--top', '3', '--text', text]);
    assert.match(j.method, /iterative/);
    assert.deepEqual(
      j.masks.map((m: { start: number }) => m.start),
      [4, 22],
    );
    assert.equal(j.text, `The ${j.masks[0].word} sat on the ${j.masks[1].word}.`);
    assert.deepEqual(j.masks.map((m: { step: number }) => m.step).sort(), [1, 2]);
    const t = run(['mask', '--model', BERT, '--text', text]);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /2 \[MASK\]s filled jointly by iterative filling/);
    // ［MASK］ and 【MASK】, as a Chinese input method types [MASK], count as masks too.
    assert.deepEqual(runJson(['mask', '--model', BERT, '--top', '3', '--text', 'The ［MASK］ sat on the 【MASK】.']).masks, j.masks);
    const one = runJson(['mask', '--model', BERT, '--text', 'The cat sat on the 【MASK】.']);
    assert.deepEqual(one, runJson(['mask', '--model', BERT, '--text', 'The cat sat on the [MASK].']));
  });

  it('compare: cosine per layer 0..L (as pairwise word vectors), neighbours of both occurrences; --pair checked', () => {
    const j = runJson(['compare', '--model', BERT, '--word', 'bank', '--text', TEXT]);
    assert.deepEqual(
      j.layers.map((l: { layer: number }) => l.layer),
      [0, 1, 2],
    );
    assert.ok(j.layers.every((l: { similarity: number }) => l.similarity >= -1 && l.similarity <= 1 + 1e-9));
    assert.deepEqual([j.a.start, j.b.start], [TEXT.indexOf('bank'), TEXT.lastIndexOf('bank')]);
    assert.ok(j.neighbours.a.length > 0 && j.neighbours.b.length > 0);
    assert.equal(run(['compare', '--model', BERT, '--word', 'bank', '--pair', '2,2', '--text', TEXT]).code, 2);
    const three = run(['compare', '--model', BERT, '--word', 'bank', '--pair', '1,3', '--text', TEXT]);
    assert.equal(three.code, 1);
    assert.match(three.err, /occurs 2 time\(s\); --pair 1,3 asks for occurrence 3/);
  });

  it('similarity: {"model","a","b","layers":[{"layer","cosine","shuffled"}]}, a sentence with itself is 1', () => {
    const j = runJson(['similarity', '--model', BERT, '--a', 'the bank of the river', '--b', 'money in the bank']);
    assert.deepEqual(
      j.layers.map((l: { layer: number }) => l.layer),
      [0, 1, 2],
    );
    assert.equal(j.a.truncated, false);
    assert.ok(j.layers.every((l: { cosine: number; shuffled: number }) => l.cosine > -1 && l.cosine < 1 && Number.isFinite(l.shuffled)));
    const same = runJson(['similarity', '--model', BERT, '--a', 'the river', '--b', 'the river']);
    assert.ok(same.layers.every((l: { cosine: number }) => Math.abs(l.cosine - 1) < 1e-6));
  });

  it('nsp: {"isNext": p}', () => {
    const j = runJson([
      'nsp',
      '--model',
      BERT,
      '--a',
      'I went to the bank to deposit my money.',
      '--b',
      'We sat on the bank of the river.',
    ]);
    assert.ok(j.isNext > 0 && j.isNext < 1);
    assert.equal(j.cut, undefined);
    // A pair longer than the model reads: the output says how much of each side it read, and what to shorten.
    const long = 'The river ran past the old mill. '.repeat(40);
    const t = run(['nsp', '--model', BERT, '--a', long, '--b', 'She deposited her money.']);
    assert.equal(t.code, 0, t.err);
    assert.match(
      t.out,
      /\nThe pair is too long for \S+ \(\d+ positions\): it read the first \d+ of A's \d+ tokens and B whole \(\d+ tokens\)\. Shorten A\./,
    );
    assert.ok(runJson(['nsp', '--model', BERT, '--a', long, '--b', long]).cut.b.kept < 100);
    const ab = run(['ablate', '--task', 'nsp', '--model', BERT, '--a', 'x', '--b', long, '--heads', '1.0']);
    assert.match(ab.out, /it read A whole \(1 token\) and the first \d+ of B's \d+ tokens\. Shorten B\./);
  });

  it('qa: answers are exact slices of the document', () => {
    const doc = Array.from({ length: 30 }, (_, i) => `On day ${i} the old man walked to the river bank and sat down.`).join(' ');
    const j = runJson([
      'qa',
      '--model',
      QA,
      '--question',
      'Where did the man walk?',
      '--text',
      doc,
      '--top',
      '5',
      '--max-seq-len',
      '64',
      '--stride',
      '16',
    ]);
    assert.equal(j.answers.length, 5);
    for (const a of j.answers) assert.equal(a.text, doc.slice(a.start, a.end));
    for (let k = 1; k < 5; k++) assert.ok(j.answers[k - 1].score >= j.answers[k].score);
    assert.equal(j.positions, undefined, 'only with --positions');
  });

  it('mlm-task: the draw as a table (what the model read, its guesses, ✓/✗) and as JSON; --rate checked', () => {
    const text = 'The old man walked to the river bank and sat down, because he was tired after the long day.';
    const j = runJson(['mlm-task', '--model', BERT, '--seed', '4', '--text', text]);
    assert.deepEqual(Object.keys(j).sort(), ['correct', 'items', 'model', 'pieces', 'rate', 'read', 'seed']);
    const r = run(['mlm-task', '--model', BERT, '--seed', '4', '--text', text]);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      new RegExp(`^BERT's pretraining task \\(\\S+, seed 4\\): ${j.items.length} of the ${j.pieces} pieces read drawn \\(15%\\) — `),
    );
    assert.match(r.out, new RegExp(`its first guess was right for ${j.correct} of ${j.items.length} `));
    const rows = r.out.split('\n').filter((l) => /[✓✗]$/.test(l));
    assert.equal(rows.length, j.items.length);
    assert.equal(rows.filter((l) => l.endsWith('✓')).length, j.correct);
    const bad = run(['mlm-task', '--model', BERT, '--rate', '0', '--text', text]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--rate must be above 0 and at most 1 \(got 0\); BERT uses 0\.15\./);
  });

  it('reference: the word against a corpus file at a layer (text and JSON); a bad layer, count or file is a clear error', () => {
    const dir = tempDir('bert-lens-cli-ref-');
    const corpus = path.join(dir, 'corpus.txt');
    writeFileSync(corpus, 'She put her money in the bank before noon.\nThe old man sat on the river bank.\n');
    const args = ['reference', '--model', BERT, '--word', 'bank', '--occurrence', '2', '--corpus', corpus, '--layer', '1', '--top', '3'];
    const text = 'The bank was closed. He walked along the bank of the river.';
    const j = runJson([...args, '--text', text]);
    assert.deepEqual(Object.keys(j).sort(), [
      'corpus',
      'layer',
      'layers',
      'matches',
      'model',
      'passages',
      'position',
      'sameWord',
      'searched',
      'word',
      'words',
    ]);
    assert.deepEqual([j.corpus, j.layer, j.passages, j.searched, j.matches.length], ['corpus.txt', 1, 2, 17, 3]);
    assert.equal(j.word.start, text.lastIndexOf('bank'), 'the second occurrence');
    const r = run([...args, '--text', text]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    assert.equal(
      lines[0],
      `"bank" (occurrence 2 of 2), position ${j.position}, at layer 1 of 2 of ${j.model}, against 17 words of 2 passages (corpus.txt).`,
    );
    assert.ok(j.position >= 10, '[CLS] and at least one piece for each of "The bank was closed . He walked along the" before it');
    assert.match(lines[1], new RegExp(`^Same word: ${j.sameWord} of 3\\. Words matched: `));
    const rows = lines.filter((l) => /^\s*\d+\s+\d\.\d{4}\s+\d+\s/.test(l));
    assert.equal(rows.length, 3);
    rows.forEach((l, i) => assert.ok(l.includes(`[${j.matches[i].word}]`), l));
    const bad = (extra: string[], re: RegExp, code = 2) => {
      const b = run(['reference', '--model', BERT, '--word', 'bank', '--text', text, ...extra]);
      assert.equal(b.code, code, b.err);
      assert.match(b.err, re);
    };
    bad(['--layer', 'last4'], /reads the corpus at one layer/);
    bad(['--top', '101'], /--top must be 1 to 100/);
    bad(['--corpus', path.join(dir, 'none.txt')], /Reference corpus .*none\.txt not found/, 1);
    bad(['--occurrence', '3'], /occurs 2 time\(s\); there is no occurrence 3/, 1);
  });

  it('positions: the mean cosine by distance, learned beside sin/cos (text and JSON)', () => {
    const j = runJson(['positions', '--model', BERT]);
    assert.deepEqual([j.positions, j.dims, j.byDistance.learned.length, j.byDistance.sinusoid.length], [128, 32, 128, 128]);
    assert.ok(Math.abs(j.byDistance.sinusoid[0] - 1) < 1e-6 && j.norms.learned.length === 128);
    const r = run(['positions', '--model', BERT]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Positional encoding of \S+: one learned vector per position \(128 × 32\)/);
    const rows = r.out.split('\n').filter((l) => /^\s*\d+\s+-?[\d.e-]+\s+-?[\d.e-]+$/.test(l));
    assert.deepEqual(
      rows.map((l) => Number(l.trim().split(/\s+/)[0])),
      [1, 2, 3, 4, 8, 16, 32, 64, 127],
    );
    assert.ok(Math.abs(Number(rows[0].trim().split(/\s+/)[2]) - j.byDistance.sinusoid[1]) < 1e-3, 'the table quotes the JSON');
  });

  it('qa --positions: P(start)/P(end) around the best answer (text table, * on its tokens) and the whole window in --json', () => {
    const doc = 'On Monday the old man walked to the river bank and sat down. He was tired.';
    const args = ['qa', '--positions', '--model', QA, '--question', 'Where did the man walk?', '--text', doc];
    const j = runJson(args);
    const [s, e] = j.positions.answer;
    assert.deepEqual([j.positions.tokens[0].start, j.positions.tokens.at(-1).end], [0, doc.length], 'one window: every token');
    assert.ok(j.positions.tokens[s].start >= j.answers[0].start && j.positions.tokens[e].end <= j.answers[0].end);
    const sum = j.positions.tokens.reduce((a: number, t: { pStart: number }) => a + t.pStart, j.positions.cls.pStart);
    assert.ok(sum > 0 && sum <= 1 + 1e-9, 'a softmax over the window: the document tokens and [CLS] hold at most all of it');
    const r = run(args);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /How the best answer was chosen \(window 1 of 1\)/);
    const starred = r.out.split('\n').filter((l) => l.startsWith('*'));
    assert.equal(starred.length, e - s + 1, 'one starred row per token of the pair');
    assert.match(r.out, /\n {3}\[CLS\] \(no answer\) +\S+ +\S+\n/);
    assert.match(r.out, /\n {3}everything else +\S+ +\S+$/m);
  });

  it('qa, occlude --task qa, ablate --task qa: a question past 64 tokens is read cut, and the output says so', () => {
    const doc = 'The old man walked to the river bank and sat down.';
    const question = `Where did the old man ${'walk and walk '.repeat(40)}?`;
    const r = run(['qa', '--model', QA, '--question', question, '--text', doc]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\nThe question is \d{2,} tokens long; \S+ read only its first 64\. Ask a shorter question\./);
    assert.equal(runJson(['qa', '--model', QA, '--question', question, '--text', doc]).questionCut.kept, 64);
    assert.doesNotMatch(run(['qa', '--model', QA, '--question', 'Where?', '--text', doc]).out, /question is/);
    // occlude and ablate --task qa read the same cut question, and say so too.
    for (const cmd of [['occlude'], ['ablate', '--heads', '1.0']]) {
      const args = [...cmd, '--task', 'qa', '--model', QA, '--question', question, '--text', doc];
      const t = run(args);
      assert.equal(t.code, 0, t.err);
      assert.match(t.out, /\nThe question is \d{2,} tokens long; \S+ read only its first 64\. Ask a shorter question\./, cmd[0]);
      assert.equal(runJson(args).questionCut.kept, 64, cmd[0]);
      const short = run([...cmd, '--task', 'qa', '--model', QA, '--question', 'Where did the man walk?', '--text', doc]);
      assert.doesNotMatch(short.out, /question is/, cmd[0]);
    }
  });

  it('vectors --word: static neighbours and contextual neighbours per occurrence', () => {
    const j = runJson(['vectors', '--model', BERT, '--word', 'bank', '--text', TEXT, '--static', 'model', '--top', '3']);
    assert.equal(j.static.neighbours.length, 3);
    assert.equal(j.static.inVocabulary, true);
    assert.equal(j.contextual.length, 2);
    for (const c of j.contextual) {
      assert.equal(TEXT.slice(c.start, c.end).toLowerCase(), 'bank');
      assert.equal(c.neighbours.length, 3);
    }
    const dir = tempDir('bert-lens-cli-');
    const f = path.join(dir, 'glove.txt');
    writeFileSync(f, 'bank 1 0 0\nriver 0.9 0.1 0\nmoney 0 1 0\n');
    const g = runJson(['vectors', '--model', BERT, '--word', 'bank', '--text', TEXT, '--static', f]);
    assert.equal(g.static.source, f);
    assert.equal(g.static.neighbours[0].word, 'river');
  });

  it('vectors --word on a word found more than 200 times: the first 200, and a note naming --occurrence', () => {
    const text = 'The cat saw the dog near the bank. '.repeat(70); // "the" 210 times
    const j = runJson(['vectors', '--model', BERT, '--word', 'the', '--text', text, '--static', 'model']);
    assert.equal(j.contextual.length, 200);
    assert.equal(j.occurrences, 210);
    const t = run(['vectors', '--model', BERT, '--word', 'the', '--text', text, '--static', 'model']);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /The first 200 of 210 occurrences of "the" are shown; pick any one with --occurrence N \(1–210\)\./);
  });

  it('models: list, verify a fixture folder', () => {
    const v = runJson(['models', 'verify', BERT]);
    assert.equal(v.ok, true, JSON.stringify(v.problems));
    const l = runJson(['models', 'list']);
    assert.ok(Array.isArray(l.models));
  });

  it('a folder named like the embedded model in the current directory does not replace it', () => {
    const cwd = tempDir('bert-lens-cwd-');
    cpSync(BERT, path.join(cwd, 'bert-lens-mini'), { recursive: true });
    const inCwd = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
    const embedded = inCwd(['tokens', '--json', '--text', 'The bank raised its rates.']);
    assert.equal(embedded.status, 0, embedded.stderr);
    const local = inCwd(['tokens', '--json', '--model', './bert-lens-mini', '--text', 'The bank raised its rates.']);
    assert.equal(local.status, 0, local.stderr);
    const fixtureIds = runJson(['tokens', '--model', BERT, '--text', 'The bank raised its rates.']).tokens.map((t: { id: number }) => t.id);
    assert.deepEqual(
      JSON.parse(local.stdout).tokens.map((t: { id: number }) => t.id),
      fixtureIds,
      './name is the local folder',
    );
    assert.notDeepEqual(
      JSON.parse(embedded.stdout).tokens.map((t: { id: number }) => t.id),
      fixtureIds,
      'the bare name is the embedded model',
    );
  });

  it('help per subcommand; usage errors exit 2, runtime errors exit 1 with a remedy', () => {
    const h = run(['--help']);
    assert.equal(h.code, 0);
    for (const c of ['tokens', 'vectors', 'similar', 'attention', 'explain', 'mask', 'nsp', 'similarity', 'qa', 'models']) {
      assert.match(h.out, new RegExp(`\\b${c}\\b`));
      const ch = run([c, '--help']);
      assert.equal(ch.code, 0);
      assert.match(ch.out, new RegExp(`bert-lens ${c}`));
      assert.match(ch.out, /Example:/);
    }
    const cases: Array<[string[], number, RegExp]> = [
      [['frobnicate'], 2, /Unknown command "frobnicate"/],
      [['tokens', '--bogus'], 2, /bogus.*bert-lens tokens --help/s],
      [['attention', '--model', BERT, '--text', TEXT], 2, /Missing --word/],
      [['nsp', '--model', BERT, '--a', 'x'], 2, /--b/],
      [['similarity', '--model', BERT, '--b', 'x'], 2, /similarity needs both --a/],
      [['nsp', '--model', BERT, '--a', ' ', '--b', 'x'], 2, /--a is empty: nsp needs a sentence in each of --a and --b\./],
      [['similarity', '--model', BERT, '--a', '', '--b', '\t'], 2, /--a and --b are empty: similarity needs/],
      [['mask', '--model', BERT, '--text', 'x', '--top', 'many'], 2, /--top must be an integer/],
      [
        ['mask', '--model', BERT, '--text', 'a [MASK].', '--threads', '100000'],
        2,
        /--threads must be an integer from 1 to 64 \(got "100000"\)/,
      ],
      [['tokens', '--model', BERT, '--file', '/nonexistent/file.txt'], 2, /Cannot read --file/],
      [
        ['qa', '--model', QA, '--question', 'Why?', '--text', ''],
        2,
        /The document is empty: there is nothing to read\. Pass the document with --text, --file or stdin\./,
      ],
      [['vectors', '--model', BERT, '--text', ' \n\t'], 2, /The text is only white space/],
      [
        ['tokens', '--model', BERT, '--file', '/dev/zero'],
        2,
        /--file \/dev\/zero holds more than 64 MB of text, the most one command reads\. Split it/,
      ],
      [['tokens', '--model', 'no/such-model-here', '--offline', '--text', 'x'], 1, /no\/such-model-here/],
      [['similar', '--model', BERT, '--word', 'zebra', '--text', TEXT], 1, /zebra/],
      [['mask', '--model', BERT, '--text', 'no mask here'], 1, /\[MASK\]/],
      [['nsp', '--model', QA, '--a', 'x', '--b', 'y'], 1, /no next-sentence head/],
      [['attention', '--model', BERT, '--word', 'bank', '--layer', '9', '--text', TEXT], 1, /layers 1\.\.2/],
      [
        ['vectors', '--model', BERT, '--word', 'bank', '--layer', '-1', '--text', TEXT],
        2,
        /--layer must be 0 \(embeddings\), a layer number 1\.\.L, last or last4 \(got "-1"; layers do not count from the end: use last\)/,
      ],
      [
        ['attention', '--model', BERT, '--word', 'bank', '-l', '-1', '--text', TEXT],
        2,
        /--layer must be 1\.\.2, last or rollout \(got "-1"/,
      ],
      [['mask', '--model', BERT, '--top', '-3', '--text', 'The [MASK] sat.'], 2, /--top must be an integer ≥ 1 \(got "-3"\)/],
      [
        ['tokens', '--model', BERT, '--text', 'x', '--file', 'samples/precipitation.txt'],
        2,
        /Both --text and --file samples\/precipitation\.txt were given; pass only one of them/,
      ],
      [['mask', '--model', BERT, '--text', `${'[MASK] '.repeat(33)}`], 1, /The text has 33 \[MASK\]s; at most 32 are filled in one run/],
    ];
    for (const [args, code, re] of cases) {
      const r = run(args);
      assert.equal(r.code, code, `${args.join(' ')} → ${r.code}: ${r.err}`);
      assert.match(r.err, re);
      assert.ok(!/at .*\.js:\d+/.test(r.err), 'no stack trace for expected errors');
      assert.ok(!/ambiguous/.test(r.err), r.err);
    }
  });
});

describe('bert-lens CLI error advice', () => {
  it('a dtype the folder lacks: exit 1, and the advice is the flag to pass', () => {
    const r = run(['tokens', '--model', 'test/fixtures/tiny-distilbert', '--dtype', 'int8', '--text', 'hi']);
    assert.equal(r.code, 1);
    assert.match(r.err, /has no onnx\/model_quantized\.onnx .* Run again with --dtype fp32\.\n$/);
    assert.equal(run(['tokens', '--model', 'test/fixtures/tiny-distilbert', '--dtype', 'fp32', '--text', 'hi']).code, 0);
  });
});

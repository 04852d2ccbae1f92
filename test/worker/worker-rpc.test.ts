// The real worker (bundled like dist/worker.js) in a real worker thread, on the real engine and the tiny fixtures:
// every WorkerApi method, stale-answer dropping, cancellation, error codes and restart after a crash.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../temp';
import { WorkerClient, WorkerError, WORKER_LIMITS, type WorkerDeath } from '../../src/extension/client';
import { adjacentPairs } from '../../src/core/text/sentences';
import { analysisText, keepOnly } from '../../src/core/text/segments';
import { keptDocInput, type WorkerConfig } from '../../src/worker/protocol';
import { KeptTexts } from '../../src/core/text/kept';
import { MAX_OCCURRENCES } from '../../src/core/inspect';
import { createEngine } from '../../src/core/index';
import { compareOccurrences } from '../../src/core/vectors';
import { wordAt } from '../../src/core/text/tokenizer';
import { buildWorker, root } from './build-worker';

const fixture = (n: string) => path.join(root, 'test', 'fixtures', n);
const config: WorkerConfig = {
  model: fixture('tiny-bert'),
  qaModel: fixture('tiny-bert-qa'),
  staticVectors: '',
  modelsDir: path.join(root, 'models'),
  cacheDir: path.join(root, '.work', 'test-worker', 'cache'),
  hubEndpoint: 'http://127.0.0.1:9',
  offline: true,
  threads: 1,
  dtype: 'auto',
};
const TEXT =
  'We sat on the bank of the river. She went to the bank to deposit money. The animal did not cross the street because it was too tired.';
const doc = (version = 1, text = TEXT, uri = 'file:///sample.txt') => ({ uri, version, text });
let client: WorkerClient;
const logs: string[] = [];

before(async () => {
  client = new WorkerClient({ script: await buildWorker(), log: (_l, m) => logs.push(m) });
  const s = await client.configure(config);
  assert.equal(s.encoder.state, 'ready', JSON.stringify(s.encoder.error));
  assert.equal(s.qa.state, 'ready');
  assert.equal(s.static.state, 'unset');
});
after(() => client.dispose());

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof WorkerError, String(e));
    return e.code;
  }
  return 'resolved';
};

test('models() reports what configure loaded', async () => {
  const s = await client.call.models();
  assert.equal(s.encoder.info?.layers, 2);
  assert.equal(s.encoder.info?.capabilities.mlm, true);
});

test('inspect: the word, its substitutes, document neighbours and the other occurrence', async () => {
  const at = TEXT.indexOf('bank') + 2;
  const r = await client.call.inspect(doc(), at, 'last', 5);
  assert.deepEqual(r.word, { text: 'bank', start: TEXT.indexOf('bank'), end: TEXT.indexOf('bank') + 4 });
  assert.equal(r.substitutes.length, 5);
  assert.ok(r.neighbours.length > 0 && r.neighbours.every((n) => n.start !== undefined && TEXT.slice(n.start, n.end) === n.word));
  assert.equal(r.occurrences.length, 1);
  assert.equal(r.occurrences[0].start, TEXT.lastIndexOf('bank'));
  assert.ok(r.occurrences[0].similarity <= 1 && r.occurrences[0].similarity > -1);
  assert.equal(r.static, null, 'no static vectors configured');
  assert.equal(r.occurrencesTotal, 1);
});

test('inspect on a word that occurs 400 times lists the 200 nearest it in the text, in document order, and counts them all', async () => {
  const text = Array.from({ length: 400 }, (_, i) => `the river ${i % 7 ? 'bank' : 'shore'} no ${i}.`).join(' ');
  const d = doc(1, text, 'file:///many.txt');
  await client.call.encode(d, null, 'last', null); // the whole document, not the window around the word
  const starts = [...text.matchAll(/\bthe\b/g)].map((m) => m.index);
  const r = await client.call.inspect(d, starts[250], 'last', 3);
  assert.equal(r.occurrencesTotal, 399);
  assert.equal(r.occurrences.length, MAX_OCCURRENCES);
  const got = r.occurrences.map((o) => o.start);
  assert.deepEqual(got, [...starts.slice(150, 250), ...starts.slice(251, 351)], 'the 100 before and the 100 after');
  // Near the end of the document, the window shifts back: the 99 after and 101 before.
  const late = await client.call.inspect(d, starts[300], 'last', 3);
  assert.deepEqual(
    late.occurrences.map((o) => o.start),
    [...starts.slice(199, 300), ...starts.slice(301)],
  );
});

test('encode warms the cache; inspect at any layer then answers for the whole document', async () => {
  const d = doc(1, TEXT, 'file:///warm.txt');
  const e = await client.call.encode(d, null, 'last', null);
  assert.ok(e.words > 20 && e.windows >= 1);
  for (const layer of ['last', 'last4', 0, 1] as const) {
    const r = await client.call.inspect(d, TEXT.indexOf('river'), layer, 3);
    assert.equal(r.partial, false);
    assert.equal(r.layer, layer);
  }
  assert.equal(await codeOf(client.call.inspect(d, TEXT.indexOf('river'), 99, 3)), 'BAD_INPUT');
});

test('attention: word-level weights over the window sum to 1 and point at real spans', async () => {
  const at = TEXT.indexOf('it was');
  for (const [layer, head] of [
    ['last', 'mean'],
    [1, 0],
    ['rollout', 'mean'],
  ] as const) {
    const r = await client.call.attention(doc(), at, layer, head);
    assert.equal(r.from.text, 'it');
    const sum = r.to.reduce((s, t) => s + t.weight, 0);
    assert.ok(Math.abs(sum - 1) < 1e-3, `weights sum to ${sum}`);
    for (const t of r.to) assert.equal(TEXT.slice(t.start, t.end), t.text);
    assert.ok(r.window.start <= r.from.start && r.window.end >= r.from.end);
  }
});

test('attentionMatrix: [layer][head][from][to] rows sum to 1, rollout too, focus is the word at offset', async () => {
  const m = await client.call.attentionMatrix(doc(), TEXT.indexOf('it was'));
  const W = m.words.length;
  assert.equal(m.words[m.focus].text, 'it');
  assert.equal(m.weights.length, m.layers * m.heads * W * W);
  assert.ok(m.weights instanceof Float32Array && m.rollout instanceof Float32Array);
  for (let r = 0; r < m.layers * m.heads * W; r++) {
    let s = 0;
    for (let t = 0; t < W; t++) s += m.weights[r * W + t];
    assert.ok(Math.abs(s - 1) < 1e-3, `row ${r} sums to ${s}`);
  }
  for (let f = 0; f < W; f++) {
    let s = 0;
    for (let t = 0; t < W; t++) s += m.rollout[f * W + t];
    assert.ok(Math.abs(s - 1) < 1e-3);
  }
  // The same layer/head through `attention` agrees with the matrix row.
  const a = await client.call.attention(doc(), TEXT.indexOf('it was'), 1, 1);
  const row = m.weights.subarray(((0 * m.heads + 1) * W + m.focus) * W, ((0 * m.heads + 1) * W + m.focus + 1) * W);
  for (const t of a.to) {
    const j = m.words.findIndex((w) => w.start === t.start);
    assert.ok(Math.abs(row[j] - t.weight) < 1e-4, `${t.text}: ${row[j]} vs ${t.weight}`);
  }
});

test('explain: softmax(q·k/√d) matches for a word, layer and head', async () => {
  const e = await client.call.explain(doc(), TEXT.indexOf('animal'), 2, 1);
  assert.equal(e.from.text, 'animal');
  assert.equal(e.layer, 2);
  assert.ok(Math.abs(e.weights.reduce((s, x) => s + x, 0) - 1) < 1e-4);
});

test('mask: the word at the cursor, and a literal [MASK] (the one under the cursor)', async () => {
  const r = await client.call.mask(doc(), TEXT.indexOf('river'), 5);
  assert.equal(TEXT.slice(r.start, r.end), 'river');
  assert.equal(r.predictions.length, 5);
  const text = 'The [MASK] sat on the mat. The dog ate the [MASK].';
  const second = text.lastIndexOf('[MASK]');
  const m = await client.call.mask(doc(1, text, 'file:///mask.txt'), second + 2, 3);
  assert.deepEqual([m.start, m.end], [second, second + 6]);
  assert.ok(m.predictions.every((p) => p.score > 0 && p.score <= 1));
  // Typed as a Chinese input method writes it (【MASK】, ［MASK］): the same literal, the same predictions.
  const typed = 'The 【MASK】 sat on the mat. The dog ate the ［MASK］.';
  const t = await client.call.mask(doc(2, typed, 'file:///mask.txt'), second + 2, 3);
  assert.deepEqual([t.start, t.end, t.predictions], [m.start, m.end, m.predictions]);
});

test("logitLens: one row per layer 0..L for the word at the offset (or a literal [MASK]), the last one mask()'s", async () => {
  const at = TEXT.indexOf('river');
  const r = await client.call.logitLens(doc(), at + 1, 4);
  assert.deepEqual([r.start, r.end], [at, at + 5]);
  assert.deepEqual(
    r.layers.map((l) => l.layer),
    [0, 1, 2],
  );
  assert.ok(r.layers.every((l) => l.predictions.length === 4));
  const m = await client.call.mask(doc(), at + 1, 4);
  const words = r.layers[2].predictions.filter((p) => /[\p{L}\p{N}]/u.test(p.word));
  assert.deepEqual(words[0], m.predictions[0]);
  const text = 'A [MASK] here. The cat sat on the [MASK].';
  const lit = await client.call.logitLens(doc(1, text, 'file:///lens.txt'), text.lastIndexOf('[MASK]') + 2, 2);
  assert.deepEqual([lit.start, lit.end], [text.lastIndexOf('[MASK]'), text.length - 1]);
});

test('similarity: two sentences of the document layer by layer, as the engine computes them; bad ranges refused', async () => {
  const a = { start: 0, end: TEXT.indexOf('.') + 1 };
  const b = { start: TEXT.indexOf('She'), end: TEXT.indexOf('money.') + 6 };
  const r = await client.call.similarity(doc(), a, b);
  assert.deepEqual(
    r.layers.map((l) => l.layer),
    [0, 1, 2],
  );
  assert.ok(r.layers.every((l) => Number.isFinite(l.cosine) && Number.isFinite(l.shuffled)));
  assert.equal(typeof r.model, 'string', 'names the model it used');
  // The NSP head's verdict on the same pair: the continuity check's number for these two adjacent sentences.
  const pair = (await client.call.nsp(doc())).find((p) => p.a.start === a.start && p.b.start === b.start);
  assert.ok(pair && r.isNext !== null && Math.abs(r.isNext - pair.isNext) < 1e-6, `${r.isNext} vs ${pair?.isNext}`);
  assert.equal(r.nspCut, false);
  assert.equal(await codeOf(client.call.similarity(doc(), a, { start: 5, end: 5 })), 'BAD_REQUEST');
  assert.equal(await codeOf(client.call.similarity(doc(), a, { start: 0, end: TEXT.length + 1 })), 'BAD_REQUEST');
});

test('occurrencePair: the cursor word and its next occurrence layer by layer, as the CLI compare computes them; a picked one; once only refused', async () => {
  const first = TEXT.indexOf('bank');
  const second = TEXT.indexOf('bank', first + 1);
  const r = await client.call.occurrencePair(doc(), first + 1, null, 3);
  assert.deepEqual([r.a.start, r.b.start], [first, second]);
  assert.deepEqual(r.occurrences, [
    { start: first, end: first + 4 },
    { start: second, end: second + 4 },
  ]);
  assert.equal(r.total, 2);
  assert.deepEqual(
    r.layers.map((l) => l.layer),
    [0, 1, 2],
  );
  // The same numbers as core's compareOccurrences on a whole encoding of the text (the CLI's path).
  const engine = createEngine({ modelsDir: config.modelsDir, offline: true });
  try {
    const m = await engine.load(r.model);
    const enc = await engine.encode(m, TEXT, { hiddenLayers: [0, 1, 2] });
    const want = compareOccurrences(enc, wordAt(enc.tok, first), wordAt(enc.tok, second), 3);
    r.layers.forEach((l, i) => assert.ok(Math.abs(l.similarity - want.layers[i].similarity) < 1e-5, `layer ${l.layer}`));
    assert.deepEqual(
      r.neighbours.a.map((n) => n.word),
      want.neighbours.a.map((n) => n.word),
    );
  } finally {
    await engine.dispose();
  }
  const back = await client.call.occurrencePair(doc(), second, first, 3);
  assert.deepEqual([back.a.start, back.b.start], [second, first], 'the picked occurrence');
  assert.equal(await codeOf(client.call.occurrencePair(doc(), TEXT.indexOf('river'), null, 3)), 'BAD_INPUT');
});

test('ablate: the word at the offset (or a literal [MASK]) with heads off and the importance map; the QA answer with the QA model', async () => {
  const at = TEXT.indexOf('river');
  const r = await client.call.ablate(doc(), at + 1, 'mask', '', [{ layer: 2, head: 1 }], true);
  assert.deepEqual([r.task, r.start, r.end, r.layers, r.heads], ['mask', at, at + 5, 2, 4]);
  assert.deepEqual(r.off, [{ layer: 2, head: 1 }]);
  assert.deepEqual(
    r.importance!.map((x) => x.length),
    [4, 4],
  );
  assert.ok(r.model.endsWith('tiny-bert'));
  const m = await client.call.mask(doc(), at + 1, 5);
  assert.equal(r.target, m.predictions[0].word);
  const text = 'A [MASK] here. The cat sat on the [MASK].';
  const lit = await client.call.ablate(doc(1, text, 'file:///ablate.txt'), text.lastIndexOf('[MASK]') + 2, 'mask', '', [], false);
  assert.deepEqual([lit.start, lit.end, lit.importance], [text.lastIndexOf('[MASK]'), text.length - 1, undefined]);
  const qa = await client.call.ablate(doc(), 0, 'qa', 'Where did we sit?', [], false);
  assert.equal(qa.task, 'qa');
  assert.equal(TEXT.slice(qa.start, qa.end), qa.target);
  await assert.rejects(
    client.call.ablate(doc(), at, 'mask', '', [{ layer: 3, head: 0 }], false),
    (e: WorkerError) => e.code === 'BAD_INPUT' && /layers 1\.\.2/.test(e.message),
  );
});

test('occlude: every other word of the paragraph with its effect on the word at the offset (or a literal [MASK]); the QA answer with the QA model', async () => {
  const text = 'Another paragraph stays unread.\n\nWe sat on the bank of the river.';
  const at = text.indexOf('river');
  const r = await client.call.occlude(doc(1, text, 'file:///occlude.txt'), at + 1, 'mask', '', null);
  assert.deepEqual([r.task, r.start, r.end], ['mask', at, at + 5]);
  assert.ok(r.target.length > 0 && r.base > 0 && r.base <= 1);
  assert.ok(r.model.endsWith('tiny-bert'));
  // Only the paragraph around the word is read: its other words, in text order, each delta = base − score.
  assert.deepEqual(
    r.words.map((w) => w.word),
    ['We', 'sat', 'on', 'the', 'bank', 'of', 'the', '.'],
  );
  for (const w of r.words) {
    assert.equal(text.slice(w.start, w.end), w.word);
    assert.ok(Math.abs(r.base - w.score - w.delta) < 1e-9);
  }
  assert.deepEqual(r.read, { start: text.indexOf('We'), end: text.length });
  const lit = 'A [MASK] here. The cat sat on the [MASK].';
  const l = await client.call.occlude(doc(1, lit, 'file:///occlude-lit.txt'), lit.lastIndexOf('[MASK]') + 2, 'mask', '', null);
  assert.deepEqual([l.start, l.end], [lit.lastIndexOf('[MASK]'), lit.length - 1]);
  assert.ok(!l.words.some((w) => w.word.includes('MASK')), 'the other [MASK] is blanked, not a word');
  const qa = await client.call.occlude(doc(), 0, 'qa', 'Where did we sit?', null);
  assert.equal(qa.task, 'qa');
  assert.equal(TEXT.slice(qa.start, qa.end), qa.target);
  assert.ok(qa.words.length > 0 && qa.words.every((w) => TEXT.slice(w.start, w.end) === w.word));
  // A chosen answer (the one the user picked in the editor) is explained, not the best one.
  const river = TEXT.indexOf('river');
  const picked = await client.call.occlude(doc(), 0, 'qa', 'Where did we sit?', { start: river, end: river + 5 });
  assert.deepEqual([picked.target, picked.start, picked.end], ['river', river, river + 5]);
  await assert.rejects(client.call.occlude(doc(), 0, 'qa', 'Where did we sit?', { start: -1, end: 3 }), /not a span of the text/);
});

test("tensors: the selected words' attention, hidden states and census as Float32Arrays; a bad request is refused", async () => {
  const start = TEXT.indexOf('bank'),
    end = TEXT.indexOf('river') + 5;
  const b = await client.call.tensors(doc(), { start, end }, ['attention', 'hidden', 'census']);
  assert.deepEqual(
    b.words.map((w) => w.text),
    ['bank', 'of', 'the', 'river'],
  );
  assert.ok(b.attention instanceof Float32Array && b.attention.length === b.layers * b.heads * 16);
  assert.ok(b.hiddenStates instanceof Float32Array && b.hiddenStates.length === (b.layers + 1) * 4 * b.hidden);
  assert.equal(b.census?.length, b.layers * b.heads);
  const only = await client.call.tensors(doc(), { start, end: start }, ['hidden']);
  assert.ok(only.words.length > 4 && only.attention === undefined && only.census === undefined, 'an empty range: the whole window');
  assert.equal(await codeOf(client.call.tensors(doc(), { start, end }, [] as never[])), 'BAD_REQUEST');
  assert.equal(await codeOf(client.call.tensors(doc(), { start, end }, ['weights' as never])), 'BAD_REQUEST');
});

test("fillMasks: the paragraph's [MASK]s filled jointly, offsets in the document, other paragraphs untouched", async () => {
  const text = 'First paragraph with a [MASK].\n\nThe [MASK] sat on the mat. The dog ate the [MASK].';
  const r = await client.call.fillMasks(doc(1, text, 'file:///fill.txt'), text.lastIndexOf('[MASK]') + 1, 3);
  const want = [text.indexOf('[MASK]', text.indexOf('\n\n')), text.lastIndexOf('[MASK]')];
  assert.deepEqual(
    r.masks.map((m) => m.start),
    want,
  );
  for (const m of r.masks) assert.equal(text.slice(m.start, m.end), '[MASK]');
  assert.deepEqual(r.masks.map((m) => m.step).sort(), [1, 2]);
  assert.match(r.method, /iterative/);
});

test('nsp: one probability per adjacent sentence pair', async () => {
  const pairs = await client.call.nsp(doc());
  assert.equal(pairs.length, adjacentPairs(TEXT).length);
  for (const p of pairs) {
    assert.ok(p.isNext >= 0 && p.isNext <= 1);
    assert.equal(TEXT.slice(p.b.start, p.b.end), p.b.text);
  }
});

test('qa: answers are exact spans of the document; positions only when asked', async () => {
  const r = await client.call.qa(doc(), 'Why did the animal not cross the street?', 3, false);
  assert.ok(r.answers.length > 0);
  for (const a of r.answers) assert.equal(TEXT.slice(a.start, a.end), a.text);
  assert.equal(r.positions, undefined);
  const p = (await client.call.qa(doc(), 'Why did the animal not cross the street?', 3, true)).positions!;
  const [s, e] = p.answer;
  // The best answer is the pair's text, less punctuation at its edges ("river." → "river").
  const pair = TEXT.slice(p.tokens[s].start, p.tokens[e].end);
  assert.ok(pair.includes(r.answers[0].text) && /^[\p{P}\s]*$/u.test(pair.replace(r.answers[0].text, '')), pair);
  for (const t of p.tokens) assert.equal(TEXT.slice(t.start, t.end).length > 0, true);
});

test('positions: the encoder’s position table beside sin/cos, across the worker boundary (typed arrays intact)', async () => {
  const r = await client.call.positions(doc());
  assert.deepEqual([r.positions, r.dims], [128, 32]);
  assert.ok(r.learned.similarity instanceof Float32Array && r.learned.similarity.length === 128 * 128);
  assert.ok(Math.abs(r.sinusoid.byDistance[0] - 1) < 1e-6 && r.learned.byDistance.length === 128);
  assert.equal(typeof r.model, 'string');
});

test('mlmTask: BERT’s masking task on the paragraph at the offset, offsets in the document, the same draw for the same seed', async () => {
  const at = TEXT.indexOf('animal');
  const r = await client.call.mlmTask(doc(), at, 5);
  assert.ok(r.items.length >= 1);
  for (const x of r.items) assert.equal(TEXT.slice(x.start, x.end).toLowerCase(), x.original.replace(/^##/, ''));
  assert.deepEqual(r.read, { start: 0, end: TEXT.length }, 'one paragraph: the whole text');
  assert.deepEqual((await client.call.mlmTask(doc(), at, 5)).items, r.items);
});

test('reference: the word at the offset against the embedded corpus for its script, or a corpus file, at a layer (-1 = last)', async () => {
  const at = TEXT.indexOf('bank');
  const seen: Array<{ done: number; total: number }> = [];
  const r = await client.call.reference(doc(), at, -1, 7, null, { onProgress: (p) => seen.push(p as { done: number; total: number }) });
  assert.equal(r.corpus, 'reference-en');
  assert.deepEqual([r.layer, r.layers, r.matches.length], [2, 2, 7]);
  assert.deepEqual(r.word, { text: 'bank', start: at, end: at + 4 });
  assert.ok(seen.length >= 2 && seen[seen.length - 1].done === seen[seen.length - 1].total, 'progress up to the end');
  const again = await client.call.reference(doc(), at, 2, 7, null);
  assert.deepEqual(again.matches, r.matches, 'layer 2 is the last: the same search, from the cached index');
  await assert.rejects(client.call.reference(doc(), at, 9, 7, null), /Layer 9 does not exist/);
  const file = path.join(tempDir('bert-lens-rpc-ref-'), 'mine.txt');
  writeFileSync(file, 'The river bank was green.\nShe went to the bank.\n');
  const mine = await client.call.reference(doc(), at, 1, 3, file);
  assert.deepEqual([mine.corpus, mine.passages, mine.searched], ['mine.txt', 2, 10]);
  await assert.rejects(client.call.reference(doc(), at, 1, 3, 'mine.txt'), (e: Error & { code?: string }) => e.code === 'BAD_REQUEST');
  await assert.rejects(client.call.reference(doc(), at, 1, 3, file + '.none'), (e: Error & { fix?: unknown }) => {
    assert.match(e.message, /Reference corpus .*mine\.txt\.none not found\./);
    assert.deepEqual(e.fix, [{ option: 'referenceCorpus' }], 'the extension says which setting to change');
    return true;
  });
});

test('senseVectors: one vector per occurrence, or per word', async () => {
  const s = await client.call.senseVectors(doc(), 'bank', 'last');
  assert.equal(s.items.length, 2);
  assert.equal(s.vectors.length, 2 * s.dims);
  assert.ok(s.items[0].context.includes('bank'));
  const all = await client.call.senseVectors(doc(), null, 2);
  assert.ok(all.items.length > 10);
});

test('compareModels: the encoder vs a second model on the word at the offset; same model, no word and a missing model refused', async () => {
  const at = TEXT.indexOf('it was');
  const r = await client.call.compareModels(doc(), at, fixture('tiny-distilbert'), 3);
  assert.equal(r.model, fixture('tiny-bert'));
  assert.equal(r.a.model, fixture('tiny-bert'));
  assert.equal(r.b.model, fixture('tiny-distilbert'));
  assert.deepEqual({ text: r.focus.text, start: r.focus.start }, { text: 'it', start: at });
  assert.equal(r.words[r.focus.index].start, at);
  for (const s of [r.a, r.b]) {
    assert.equal(s.predictions?.length, 3);
    assert.equal(s.attention?.layers.length, 2);
    for (const row of [...s.attention.layers, s.attention.rollout]) assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-6);
  }
  assert.equal(r.depth.length, 2);
  assert.ok(r.depth.every((d) => d.divergence !== null && d.divergence >= 0 && d.divergence <= 1));
  assert.equal(r.top1?.agree, r.a.predictions![0].word === r.b.predictions![0].word);
  assert.equal(await codeOf(client.call.compareModels(doc(), at, fixture('tiny-bert'), 3)), 'BAD_INPUT', 'the same model');
  assert.equal(
    await codeOf(client.call.compareModels(doc(1, 'cat      sat', 'file:///gap.txt'), 6, fixture('tiny-distilbert'), 3)),
    'BAD_INPUT',
    'no word',
  );
  await assert.rejects(client.call.compareModels(doc(), at, fixture('no-such-model'), 3), (e: unknown) => {
    assert.ok(e instanceof WorkerError && e.code === 'MODEL_NOT_FOUND', String(e));
    assert.match(e.message, /compare against, ".*no-such-model", failed to load/);
    return true;
  });
  const again = await client.call.compareModels(doc(), at, fixture('tiny-distilbert'), 3);
  assert.deepEqual(again.depth, r.depth, 'the second model reloads after a failed one');
});

test('code files: offsets come back in document coordinates', async () => {
  const src = 'int main() { return 0; } // the bank of the river\n';
  const { text } = analysisText(src, 'c');
  const r = await client.call.inspect(doc(1, text, 'file:///a.c'), src.indexOf('bank'), 'last', 3);
  assert.equal(src.slice(r.word.start, r.word.end), 'bank');
  assert.equal(await codeOf(client.call.inspect(doc(1, text, 'file:///a.c'), src.indexOf('main'), 'last', 3)), 'NO_WORD');
});

test('a document read in parts (over maxDocumentChars): the worker answers in document offsets, as for the whole blanked text', async () => {
  const filler = 'Lorem ipsum dolor sit amet.\n'.repeat(4000); // ~112k characters that are not read
  const source = filler + TEXT + '\n' + filler;
  const at = filler.length + TEXT.indexOf('bank') + 1;
  const ranges = [
    { start: 0, end: 60 },
    { start: filler.length - 10, end: filler.length + TEXT.length + 10 },
  ];
  const parts = keptDocInput('file:///big.txt', 1, new KeptTexts(source), ranges);
  const blanked = doc(2, keepOnly(source, ranges), 'file:///big-blanked.txt');
  const [a, b] = [await client.call.inspect(parts, at, 'last', 5), await client.call.inspect(blanked, at, 'last', 5)];
  assert.deepEqual(a.word, { text: 'bank', start: filler.length + TEXT.indexOf('bank'), end: filler.length + TEXT.indexOf('bank') + 4 });
  assert.deepEqual(a, b);
  assert.ok(a.neighbours.every((n) => source.slice(n.start, n.end) === n.word));
  const m = await client.call.mask(parts, at, 3);
  assert.deepEqual(m, await client.call.mask(blanked, at, 3));
});

test('a newer document version makes the older answer STALE', async () => {
  const uri = 'file:///stale.txt';
  const old = client.call.inspect(doc(1, TEXT, uri), 5, 'last', 3);
  const fresh = client.call.inspect(doc(2, TEXT + ' More.', uri), 5, 'last', 3);
  assert.equal(await codeOf(old), 'STALE');
  assert.equal((await fresh).word.text, 'sat');
  client.noteVersion(uri, 5); // an edit the worker has not seen yet
  assert.equal(await codeOf(client.call.inspect(doc(3, TEXT, uri), 5, 'last', 3)), 'STALE');
});

test('cancellation rejects with CANCELLED and the worker keeps serving', async () => {
  const c = new AbortController();
  const p = client.call.nsp(doc(1, TEXT, 'file:///cancel.txt'), { signal: c.signal });
  c.abort();
  assert.equal(await codeOf(p), 'CANCELLED');
  const pre = new AbortController();
  pre.abort();
  assert.equal(await codeOf(client.call.models({ signal: pre.signal })), 'CANCELLED');
  assert.equal((await client.call.mask(doc(), TEXT.indexOf('river'), 2)).predictions.length, 2);
});

test('a model that cannot load reports NOT_READY with the reason', async () => {
  const bad = new WorkerClient({ script: await buildWorker() });
  try {
    const s = await bad.configure({ ...config, model: path.join(root, 'no-such-model') });
    assert.equal(s.encoder.state, 'error');
    assert.ok(s.encoder.error!.message.length > 10);
    const e = await bad.call.inspect(doc(), 5, 'last', 3).catch((x: WorkerError) => x);
    assert.ok(e instanceof WorkerError);
    assert.equal(e.code, 'NOT_READY');
    assert.match(e.message, /no-such-model/);
    assert.deepEqual(e.fix, [{ option: 'model' }]);
  } finally {
    await bad.dispose();
  }
});

test('after the worker dies, pending calls fail with WORKER_DIED and the next call restarts it configured', async () => {
  const c = new WorkerClient({ script: await buildWorker() });
  try {
    await c.configure(config);
    const pending = c.call.nsp(doc());
    await (c as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    assert.equal(await codeOf(pending), 'WORKER_DIED');
    const r = await c.call.mask(doc(), TEXT.indexOf('river'), 2);
    assert.equal(r.predictions.length, 2);
  } finally {
    await c.dispose();
  }
});

test('the worker runs with a V8 heap limit: running out of memory stops the worker only, is reported once, and it restarts', async () => {
  assert.ok((WORKER_LIMITS.maxOldGenerationSizeMb ?? 0) > 0, 'a default limit exists');
  const deaths: WorkerDeath[] = [];
  const errors: string[] = [];
  // A small limit that a ~19 MB document exhausts (its string, the copies the worker makes, a record per window: 96 MB
  // stopped being enough to fail once tokens became typed columns, and 48 MB for a 9.6 MB one once the encoded windows
  // became plain objects instead of spreads).
  const c = new WorkerClient({
    script: await buildWorker(),
    resourceLimits: { maxOldGenerationSizeMb: 48 },
    log: (l, m) => l === 'error' && errors.push(m),
  });
  c.onDeath((d) => deaths.push(d));
  const states: string[] = [];
  c.onStatus((s) => states.push(s.encoder.state));
  try {
    await c.configure(config);
    const huge = 'The bank of the river was muddy and the bank raised its rates. '.repeat(300_000); // ~19 MB
    const failed = await c.call.encode(doc(1, huge, 'file:///huge.txt'), null, 'last', null).then(
      () => undefined,
      (e: WorkerError) => e,
    );
    assert.ok(failed instanceof WorkerError, 'the request failed');
    assert.equal(failed.code, 'WORKER_DIED');
    assert.match(
      failed.message,
      /The inference worker ran out of memory \(limit 48 MB\) and was stopped; the editor is not affected\. It restarts on the next request\. Analyse a smaller document \(lower bertLens\.maxDocumentChars\) or use a smaller model\./,
    );
    assert.equal(deaths.length, 1, 'reported once');
    assert.equal(deaths[0].cause, 'out-of-memory');
    assert.equal(errors.filter((m) => /ran out of memory/.test(m)).length, 1, 'logged once');
    assert.ok(process.memoryUsage().rss > 0, 'this process (the host) is alive');
    const r = await c.call.mask(doc(), TEXT.indexOf('river'), 2);
    assert.equal(r.predictions.length, 2, 'restarted and configured again');
    // The host learns that the restarted worker's models are ready (hovers wait for it).
    assert.equal(states.at(-1), 'ready', `statuses seen: ${states.join(', ')}`);
    const h = await c.call.inspect(doc(), TEXT.indexOf('river'), 'last', 3);
    assert.equal(h.word.text, 'river', 'a hover works after the restart');
    assert.ok(h.neighbours.length > 0);
    assert.equal(deaths.length, 1);
  } finally {
    await c.dispose();
  }
});

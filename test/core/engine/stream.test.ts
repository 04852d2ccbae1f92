// Streamed document answers (core/stream.ts, what the CLI runs on large inputs) equal the in-memory ones bit for bit:
// the same windows, the same batches, the same ties — on a text of many windows with repeated passages.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine, type TextTokenizer } from '../../../src/core/index';
import type { LoadedModel } from '../../../src/core/api';
import { eachWindow, neighboursStreamed, similarStreamed } from '../../../src/core/stream';
import { neighboursOf, occurrences, similar } from '../../../src/core/vectors';
import { FIX } from './helpers';

const SENTENCES = [
  'The bank of the river was muddy.',
  'She went to the bank to deposit money.',
  'The river bank flooded again!',
  'Rates at the bank rose.',
];
// ~40 windows; every fifth paragraph repeats the first (identical windows run once, and their output is reused).
const TEXT = Array.from({ length: 60 }, (_, i) =>
  i % 5 === 0 ? SENTENCES.join(' ') : `${SENTENCES[i % 4]} Paragraph ${i} has words like w${i} and x${i * 7}.`,
).join('\n\n');

describe('streamed encoding', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  let tk: TextTokenizer;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
    tk = await engine.tokenizer(model);
  });
  after(() => engine.dispose());

  it('visits every window of encodeText once, in order, with the same hidden states', async () => {
    const enc = await engine.encode(model, TEXT, { hiddenLayers: [model.info.layers] });
    assert.ok(enc.windows.length > 10, `${enc.windows.length} windows`);
    const seen: number[] = [];
    await eachWindow(model, tk, TEXT, { hiddenLayers: [model.info.layers] }, (w) => {
      seen.push(w.index);
      assert.deepEqual(w.out.hidden[model.info.layers], enc.windows[w.index].out.hidden[model.info.layers]);
    });
    assert.deepEqual(
      seen,
      enc.windows.map((w) => w.index),
    );
  });

  it('similar and neighbours: the same result as from the whole encoding', async () => {
    const enc = await engine.encode(model, TEXT, { hiddenLayers: 'all' });
    for (const layer of ['last', 'last4', 0] as const) {
      assert.deepEqual(await similarStreamed(model, tk, TEXT, 'bank', { layer }), similar(enc, 'bank', { layer }));
      for (const target of [occurrences(enc, 'river')[3], occurrences(enc, 'bank').at(-1)!]) {
        assert.deepEqual(
          await neighboursStreamed(model, tk, TEXT, target, { layer, top: 7 }),
          neighboursOf(enc, target, { layer, top: 7 }),
        );
      }
    }
  });

  /** The windows eachWindow visits when only window `index` is selected. */
  const visitOnly = async (m: LoadedModel, text: string, index: number) => {
    const visited: number[] = [];
    await eachWindow(
      m,
      tk,
      text,
      { hiddenLayers: [1] },
      (w) => visited.push(w.index),
      (i) => i === index,
    );
    return visited;
  };

  it('only: batches with no visited window are not run', async () => {
    let runs = 0;
    const counting = { ...model, run: (...a: Parameters<LoadedModel['run']>) => (runs++, model.run(...a)) };
    assert.deepEqual(await visitOnly(counting, TEXT, 9), [9]);
    assert.equal(runs, 1);
  });

  it('only: a window whose text an earlier window repeats is visited, and the run ends', { timeout: 60_000 }, async () => {
    // One paragraph over and over: windows ending on its sentences repeat exactly.
    const text = Array.from({ length: 30 }, () => SENTENCES.join(' ')).join('\n\n');
    const enc = await engine.encode(model, text, { hiddenLayers: 'all' });
    const ids = (w: (typeof enc.windows)[number]) => enc.tok.tokens.idList(w.tokenStart, w.tokenEnd).join(' ');
    const repeat = enc.windows.find((w) => enc.windows.some((v) => v.index < w.index && ids(v) === ids(w)));
    assert.ok(repeat, 'the text has a window repeating an earlier one');
    assert.deepEqual(await visitOnly(model, text, repeat.index), [repeat.index]);
    // vectors --occurrence N on a word in that window: the streamed neighbours (first the owner window alone).
    const target = repeat.ownStart;
    assert.deepEqual(await neighboursStreamed(model, tk, text, target, { top: 5 }), neighboursOf(enc, target, { top: 5 }));
  });
});

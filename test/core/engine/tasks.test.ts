// Masked LM, next-sentence prediction and document QA on the fixture models, checked against direct model runs
// and the PyTorch goldens.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import { softmax } from '../../../src/core/mlm';
import { longestFirst, nspRow } from '../../../src/core/nsp';
import { answerBounds, planQa, qaOverlap, trimAnswer, windowSpans } from '../../../src/core/qa';
import { crossesBreak, paragraphBreaks } from '../../../src/core/text/paragraphs';
import { sentenceEnds } from '../../../src/core/text/sentences';
import type { LoadedModel } from '../../../src/core/api';
import { FIX, golden, longText } from './helpers';

describe('masked LM', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.bert);
  });
  after(() => engine.dispose());

  it('literal [MASK]: probabilities equal the softmax of the logits at that position, sorted', async () => {
    const text = 'The cat sat on the [MASK] today.';
    const r = await engine.mask(model, text, { top: 5 });
    assert.deepEqual([r.start, r.end], [text.indexOf('[MASK]'), text.indexOf('[MASK]') + 6]);
    assert.equal(r.predictions.length, 5);
    for (let k = 1; k < 5; k++) assert.ok(r.predictions[k - 1].score >= r.predictions[k].score);
    const tk = await engine.tokenizer(model);
    const t = tk.tokenize(text, { specials: ['[MASK]'] });
    const pos = t.tokens.slice().findIndex((x) => x.id === tk.special.mask) + 1;
    const [o] = await model.run([{ ids: [tk.special.cls, ...t.tokens.slice().map((x) => x.id), tk.special.sep] }], {
      mlmPositions: [[pos]],
    });
    const p = softmax(o.mlmLogits!);
    const top = r.predictions[0];
    const id = tk.tokenToId(top.word)!;
    assert.ok(Math.abs(p[id] - top.score) < 1e-6);
    // No prediction beats the reported best among whole-word pieces.
    for (let i = 0; i < p.length; i++) {
      const s = tk.idToToken(i);
      if (!s.startsWith('##') && !/^\[.*\]$/.test(s)) assert.ok(p[i] <= top.score + 1e-9);
    }
  });

  it('mask the word at an offset; multi-piece words give merged words (no ##)', async () => {
    const text = 'She was running unbelievably fast.';
    const at = text.indexOf('unbelievably') + 3;
    const r = await engine.mask(model, text, { at, top: 8 });
    assert.deepEqual([r.start, r.end], [text.indexOf('unbelievably'), text.indexOf('unbelievably') + 12]);
    assert.equal(r.predictions.length, 8);
    assert.ok(r.predictions.every((p) => !p.word.includes('##') && p.score > 0 && p.score <= 1));
    for (let k = 1; k < r.predictions.length; k++) assert.ok(r.predictions[k - 1].score >= r.predictions[k].score);
  });

  it('names what it read: the whole short text; in a long text the window around the word, which holds the word', async () => {
    const short = 'The cat sat on the [MASK] today.';
    assert.deepEqual((await engine.mask(model, short)).read, { start: 0, end: short.length, whole: true });
    const long = longText(200);
    const at = long.indexOf('the money', Math.floor(long.length / 2));
    const r = await engine.mask(model, long, { at });
    assert.equal(r.read.whole, false);
    assert.ok(r.read.start > 0 && r.read.end < long.length && r.read.start <= r.start && r.end <= r.read.end, JSON.stringify(r.read));
    // The window is what the model's positions allow: more text than that could not have been read.
    const tk = await engine.tokenizer(model);
    assert.ok(tk.tokenize(long.slice(r.read.start, r.read.end)).tokens.length <= model.info.maxPositions - 2);
  });

  it('reads ［MASK］ and 【MASK】 (as a Chinese input method types [MASK]) as [MASK], at the same offsets', async () => {
    const plain = await engine.mask(model, 'The cat sat on the [MASK].');
    for (const typed of ['［MASK］', '【MASK】']) {
      const r = await engine.mask(model, `The cat sat on the ${typed}.`);
      assert.deepEqual(r, plain, typed);
    }
  });

  it('explains what to do when there is no mask', async () => {
    await assert.rejects(engine.mask(model, 'No mask here.'), /^BertLensError: No \[MASK\] in the text\. Write \[MASK\] where/);
    // A look-alike (other case, other brackets, spaces inside) is named.
    for (const like of ['[mask]', '〔MASK〕', '[ Mask ]'])
      await assert.rejects(
        engine.mask(model, `The cat sat on the ${like}.`),
        (e: Error) => e.message.startsWith(`No [MASK] in the text ("${like}" is not the mask token). Write [MASK] exactly where`),
        like,
      );
    await assert.rejects(engine.mask(model, 'No  mask here.', { at: 3 }), /No word at offset 3/);
  });
});

describe('next-sentence prediction', () => {
  it('equals softmax(nsp_logits)[0] of the PyTorch golden for the pair case; refuses models without the head', async () => {
    const engine = createEngine({ dtype: 'fp32' });
    try {
      const model = await engine.load(FIX.bert);
      const pair = golden('tiny-bert').find((c) => c.name === 'pair')!;
      const [a, b] = pair.texts[0];
      const r = await engine.nsp(model, a, b);
      const want = softmax(pair.nsp_logits![0])[0];
      assert.ok(Math.abs(r.isNext - want) < 1e-4, `${r.isNext} vs ${want}`);
      const qa = await engine.load(FIX.qa);
      await assert.rejects(engine.nsp(qa, a, b), /no next-sentence head/);
    } finally {
      await engine.dispose();
    }
  });
});

describe('longest-first truncation', () => {
  /** Hugging Face's loop: one token at a time off the longer side, A on a tie. */
  const loop = (la: number, lb: number, room: number) => {
    while (la + lb > room) {
      if (la >= lb) la--;
      else lb--;
    }
    return [la, lb];
  };

  it('equals the one-token-at-a-time loop on every length pair up to 40 and rooms 1..40', () => {
    for (let room = 1; room <= 40; room++)
      for (let la = 1; la <= 40; la++)
        for (let lb = 1; lb <= 40; lb++) assert.deepEqual(longestFirst(la, lb, room), loop(la, lb, room), `${la} ${lb} ${room}`);
  });

  it('a 200,000-word sentence A fits the pair row at once, B kept whole', async () => {
    const engine = createEngine({ dtype: 'fp32' });
    try {
      const model = await engine.load(FIX.bert);
      const tk = await engine.tokenizer(model);
      const row = nspRow(model.info, tk, 'word '.repeat(200_000), 'A short one.');
      assert.equal(row.ids.length, model.info.maxPositions);
      const nb = tk.tokenize('A short one.').tokens.length;
      assert.equal(row.typeIds!.filter((t) => t === 1).length, nb + 1, 'B and its [SEP] are whole');
    } finally {
      await engine.dispose();
    }
  });

  it('nsp() says when the pair was cut (how many tokens of each it read), ablation too; not when it fits', async () => {
    const engine = createEngine({ dtype: 'fp32' });
    try {
      const model = await engine.load(FIX.bert);
      const tk = await engine.tokenizer(model);
      const a = 'the river ran past the mill '.repeat(30);
      const b = 'She deposited her money.';
      const [la, lb] = [a, b].map((s) => tk.tokenize(s).tokens.length);
      const room = model.info.maxPositions - 3;
      assert.ok(la + lb > room);
      const r = await engine.nsp(model, a, b);
      assert.deepEqual(r.cut, { a: { kept: room - lb, of: la }, b: { kept: lb, of: lb } });
      assert.equal((await engine.nsp(model, 'I went home.', b)).cut, undefined);
      const both = await engine.nsp(model, a, a);
      assert.deepEqual(both.cut, { a: { kept: Math.floor(room / 2), of: la }, b: { kept: room - Math.floor(room / 2), of: la } });
      const ab = await engine.ablate(model, { task: 'nsp', a, b }, { off: [{ layer: 1, head: 0 }] });
      assert.deepEqual(ab.pairCut, r.cut);
      assert.equal((await engine.ablate(model, { task: 'nsp', a: 'I went home.', b })).pairCut, undefined);
    } finally {
      await engine.dispose();
    }
  });
});

describe('question answering', () => {
  let engine: BertLensEngine;
  let model: LoadedModel;
  before(async () => {
    engine = createEngine({ dtype: 'fp32' });
    model = await engine.load(FIX.qa);
  });
  after(() => engine.dispose());

  it('QA windows overlap by at most half their context, so short-window models still advance', () => {
    assert.equal(qaOverlap(384, 10, 128), 128); // BERT-base-sized windows: HF's doc_stride unchanged
    assert.equal(qaOverlap(128, 12, 128), 56); // 128 positions: 113 context tokens, half of them shared
    assert.equal(qaOverlap(20, 30, 128), 0);
  });

  it('answers are exact document slices, within maxAnswerLen, never from the question, sorted', async () => {
    const doc = longText(60); // > 384 tokens: several windows
    const question = 'Where did the old man walk?';
    const tk = await engine.tokenizer(model);
    assert.ok(tk.tokenize(doc).tokens.length > 384, 'the document needs several windows');
    for (const opts of [{}, { maxSeqLen: 64, stride: 16, maxAnswerLen: 5, top: 10 }]) {
      const r = await engine.answer(model, question, doc, opts);
      assert.ok(r.answers.length > 0);
      for (const a of r.answers) {
        assert.equal(a.text, doc.slice(a.start, a.end));
        assert.ok(a.start < a.end && a.start >= 0 && a.end <= doc.length);
        assert.ok(a.score > 0 && a.score <= 1);
        // ≤ 5 tokens, grown to whole words: at most 5 words (a word may have many pieces in the fixture's vocabulary).
        if ('maxAnswerLen' in opts) assert.ok(tk.tokenize(a.text).words.length <= 5, `short answers: ${a.text}`);
      }
      for (let k = 1; k < r.answers.length; k++) assert.ok(r.answers[k - 1].score >= r.answers[k].score);
      assert.ok(r.noAnswerScore! > 0);
    }
  });

  it('ranks spans across windows by start + end logit; scores are one softmax over the candidates and no-answer', async () => {
    const doc = longText(30);
    const question = 'Where did the old man walk?';
    const tk = await engine.tokenizer(model);
    const opts = { maxSeqLen: 64, stride: 16, maxQuestionLen: 64 };
    const r = await engine.answer(model, question, doc, { ...opts, top: 1000, maxAnswerLen: 4 });
    const d = tk.tokenize(doc);
    const wins = planQa(model.info, tk, question, d, opts);
    assert.ok(wins.length > 2, `${wins.length} windows`);
    // Direct: the best logit of each returned span over every window holding it (no pruning needed for the top one).
    const outs = await model.run(
      wins.map((w) => ({ ids: w.ids, typeIds: w.typeIds })),
      { qa: true },
    );
    let top = { logit: -Infinity, start: -1, end: -1, window: -1, s: -1, e: -1 };
    let nullLogit = Infinity;
    wins.forEach((w, k) => {
      const { startLogits: sl, endLogits: el } = outs[k];
      nullLogit = Math.min(nullLogit, sl![0] + el![0]);
      for (let s = w.contextStart; s < w.contextStart + w.docTokenEnd - w.docTokenStart; s++)
        for (let e = s; e < Math.min(s + 4, w.contextStart + w.docTokenEnd - w.docTokenStart); e++) {
          const l = sl![s] + el![e];
          const ts = d.tokens.get(w.docTokenStart + s - w.contextStart);
          const te = d.tokens.get(w.docTokenStart + e - w.contextStart);
          if (l > top.logit) top = { logit: l, start: d.words.get(ts.word).start, end: d.words.get(te.word).end, window: k, s, e };
        }
    });
    assert.deepEqual([r.answers[0].start, r.answers[0].end], [top.start, top.end]);
    assert.equal(r.positions, undefined, 'only when asked');
    // positions: that window's P(start) and P(end), softmaxes over its positions, and the pair that won.
    const p = (await engine.answer(model, question, doc, { ...opts, maxAnswerLen: 4, positions: true })).positions!;
    const w = wins[top.window];
    assert.deepEqual([p.window, p.windows, p.answer], [top.window, wins.length, [top.s - w.contextStart, top.e - w.contextStart]]);
    const ps = softmax(outs[top.window].startLogits!.slice(0, w.ids.length));
    const pe = softmax(outs[top.window].endLogits!.slice(0, w.ids.length));
    assert.equal(p.tokens.length, w.docTokenEnd - w.docTokenStart);
    p.tokens.forEach((t, i) => {
      const dt = d.tokens.get(w.docTokenStart + i);
      assert.deepEqual([t.text, t.start, t.end], [dt.text, dt.start, dt.end]);
      assert.ok(Math.abs(t.pStart - ps[w.contextStart + i]) < 1e-6 && Math.abs(t.pEnd - pe[w.contextStart + i]) < 1e-6);
    });
    assert.ok(Math.abs(p.cls.pStart - ps[0]) < 1e-6 && Math.abs(p.cls.pEnd - pe[0]) < 1e-6);
    // The best answer is the pair grown to whole words (a ## piece's word), less punctuation at its edges.
    const [a, b] = p.answer;
    const from = d.words.get(d.tokens.get(w.docTokenStart + a).word).start;
    const to = d.words.get(d.tokens.get(w.docTokenStart + b).word).end;
    assert.deepEqual(trimAnswer(doc, from, to), { start: r.answers[0].start, end: r.answers[0].end });
    const total = r.answers.reduce((a, x) => a + x.score, r.noAnswerScore!);
    assert.ok(total <= 1 + 1e-9 && total > 0.5, `shares sum to ${total}`);
    // Shares are softmax ratios: best / no-answer = exp(best logit − no-answer logit).
    assert.ok(Math.abs(Math.log(r.answers[0].score / r.noAnswerScore!) - (top.logit - nullLogit)) < 1e-4);
  });

  it('answers never cross a blank line: each is a piece of one paragraph', async () => {
    const doc = longText(40).replace(/\. /g, '.\n\n'); // every sentence its own paragraph
    const r = await engine.answer(model, 'Where did the old man walk?', doc, { maxSeqLen: 64, stride: 16, top: 1000, maxAnswerLen: 12 });
    const breaks = paragraphBreaks(doc);
    assert.ok(breaks.length > 20 && r.answers.length > 50, `${breaks.length} breaks, ${r.answers.length} answers`);
    for (const a of r.answers) assert.ok(!/\n\s*\n/.test(a.text), JSON.stringify(a.text));
    // Spans end on both sides of the breaks (what the rule removes is the spans over them, not the spans near them);
    // an answer ends before its sentence's period (trimAnswer).
    assert.ok(
      breaks.filter((b) => r.answers.some((a) => a.end === b - 1) && r.answers.some((a) => a.start > b && a.start < b + 4)).length > 5,
    );
    assert.equal(crossesBreak([5, 10], 0, 5), false);
    assert.equal(crossesBreak([5, 10], 0, 6), true);
    assert.equal(crossesBreak([5, 10], 6, 10), false);
    assert.equal(crossesBreak([5, 10], 6, 11), true);
    assert.equal(crossesBreak([], 0, 100), false);
  });

  it('answers never run on past the end of a sentence', async () => {
    const doc = longText(40); // "The cat walked to the house on day 0. My friend …"
    const r = await engine.answer(model, 'Where did the old man walk?', doc, { maxSeqLen: 64, stride: 16, top: 1000, maxAnswerLen: 12 });
    const ends = sentenceEnds(doc);
    assert.equal(ends.length, 39); // the last sentence's period ends the text, with nothing after it
    assert.ok(r.answers.length > 50, `${r.answers.length} answers`);
    for (const a of r.answers) assert.ok(!/\. [A-Z]/.test(a.text), JSON.stringify(a.text));
    // Spans still end on a sentence's last word (before its period) and start on the next sentence's first.
    assert.ok(ends.filter((e) => r.answers.some((a) => a.end === e - 1) && r.answers.some((a) => a.start === e + 1)).length > 5);
  });

  it('trims punctuation from the edges of an answer, so one answer is not listed twice', async () => {
    const cut = (t: string) => {
      const r = trimAnswer(t, 0, t.length);
      return r && t.slice(r.start, r.end);
    };
    assert.equal(cut('降水。'), '降水');
    assert.equal(cut('，鼓佬」'), '鼓佬」'); // quotes and brackets stay: they may be the answer's own
    assert.equal(cut('by gravity. '), 'by gravity');
    assert.equal(cut('the U.S.'), 'the U.S.');
    assert.equal(cut('3.5'), '3.5');
    assert.equal(cut('。，'), undefined);
    const doc = longText(40);
    const r = await engine.answer(model, 'Where did the old man walk?', doc, { maxSeqLen: 64, stride: 16, top: 1000, maxAnswerLen: 12 });
    const texts = r.answers.map((a) => a.text);
    assert.ok(texts.length > 50 && texts.every((t) => !/^[.,\s]|[.,\s]$/.test(t)), JSON.stringify(texts.slice(0, 20)));
    assert.equal(new Set(r.answers.map((a) => `${a.start}:${a.end}`)).size, texts.length);
  });

  it('finds sentence ends in English and Chinese, not after abbreviations, initials or decimal points', () => {
    const at = (t: string) => sentenceEnds(t).map((i) => t.slice(0, i));
    assert.deepEqual(at('He joined the U.S. Army in 1990. Then he left.'), ['He joined the U.S. Army in 1990.']);
    assert.deepEqual(at('Dr. Smith paid 3.5 dollars! "Why?" She asked.'), [
      'Dr. Smith paid 3.5 dollars!',
      'Dr. Smith paid 3.5 dollars! "Why?"',
    ]);
    assert.deepEqual(at('雨停了。“好！”他说。'), ['雨停了。', '雨停了。“好！”', '雨停了。“好！”他说。']);
    assert.deepEqual(sentenceEnds('no end here. lower case next'), []);
  });

  it('finds answers in every window of a long document (stride windows cover the end)', async () => {
    const doc = longText(60);
    const r = await engine.answer(model, 'What happened?', doc, { maxSeqLen: 48, stride: 12, top: 400, maxAnswerLen: 3 });
    assert.ok(Math.max(...r.answers.map((a) => a.end)) > doc.length - 40, 'spans near the end of the document');
    assert.ok(Math.min(...r.answers.map((a) => a.start)) < 40, 'spans near the start');
  });

  it('reports progress per batch of windows, ending at the window count (the extension\'s "Search the whole document")', async () => {
    const doc = longText(120);
    const seen: Array<{ done: number; total: number }> = [];
    await engine.answer(model, 'What happened?', doc, { maxSeqLen: 48, stride: 12, onProgress: (p) => seen.push(p) });
    assert.ok(seen.length >= 2, `${seen.length} progress reports`);
    assert.ok(
      seen.every((p, i) => p.total === seen[0].total && p.done > (seen[i - 1]?.done ?? 0)),
      JSON.stringify(seen),
    );
    assert.equal(seen.at(-1)!.done, seen[0].total);
  });

  it('a question longer than maxQuestionLen is read cut, and the result says so', async () => {
    const doc = 'The river bank was muddy after the rain.';
    assert.equal((await engine.answer(model, 'What was muddy?', doc)).questionCut, undefined);
    const long = `What was muddy ${'after the long rain '.repeat(20)}?`;
    const r = await engine.answer(model, long, doc, { maxQuestionLen: 16 });
    assert.deepEqual(r.questionCut, { kept: 16, of: (await engine.tokenizer(model)).tokenize(long).tokens.length });
    assert.ok(r.answers.length > 0, 'answered from the first 16 tokens');
    assert.deepEqual((await engine.answer(model, long, '')).questionCut?.kept, 64, 'also when the document is empty');
  });

  it('no-answer threshold: returns nothing when [CLS] wins by the margin', async () => {
    const doc = 'The river bank was muddy after the rain.';
    const r = await engine.answer(model, 'What was muddy?', doc);
    const margin = r.noAnswerScore! - r.answers[0].score;
    assert.equal((await engine.answer(model, 'What was muddy?', doc, { noAnswerThreshold: margin - 1e-9 })).answers.length, 0);
    assert.ok((await engine.answer(model, 'What was muddy?', doc, { noAnswerThreshold: margin + 1e-3 })).answers.length > 0);
  });

  it('matches the golden start/end logits through the same rows', async () => {
    const g = golden('tiny-bert-qa')[0];
    const [out] = await model.run([{ ids: g.input_ids[0].slice(0, g.input_ids[0].lastIndexOf(3) + 1) }], { qa: true });
    out.startLogits!.forEach((x, i) => assert.ok(Math.abs(x - g.start_logits![0][i]) < 1e-4));
  });

  it('window spans (answer() and head ablation): whole words within one sentence, edge punctuation trimmed', async () => {
    const tk = await engine.tokenizer(model);
    const doc = 'Anna wrote it. Bob sent it.';
    const d = tk.tokenize(doc);
    const [w] = planQa(model.info, tk, 'Who wrote it?', d, { maxSeqLen: 64, stride: 16, maxQuestionLen: 64 });
    // The window position of the first token of the word at `doc.indexOf(word)`.
    const at = (word: string) => w.contextStart + d.words.tokenStarts[d.words.starts.indexOf(doc.indexOf(word))] - w.docTokenStart;
    const sl = new Float32Array(w.ids.length).fill(-10);
    const el = new Float32Array(w.ids.length).fill(-10);
    sl[at('Anna')] = 5;
    el[at('sent')] = 6; // the strongest pair runs past the first sentence's end
    el[at('.')] = 4.5; // "Anna wrote it." loses its period
    el[at('it')] = 4;
    const spans = windowSpans(sl, el, w, d, doc, answerBounds(doc), 30);
    const ends = sentenceEnds(doc);
    for (const c of spans) {
      const text = doc.slice(c.start, c.end);
      assert.ok(!crossesBreak(ends, c.start + 1, c.end), `"${text}" stays in one sentence`);
      assert.equal(text, text.trim().replace(/^[.,]+|[.,]+$/g, ''), `"${text}" has no edge punctuation`);
      assert.equal(c.logit, sl[c.s] + el[c.e]);
    }
    const best = spans.reduce((a, c) => (c.logit > a.logit ? c : a));
    assert.deepEqual([doc.slice(best.start, best.end), best.logit], ['Anna wrote it', 9.5]);
    assert.ok(!spans.some((c) => doc.slice(c.start, c.end).startsWith('Anna wrote it. Bob')));
    // At most maxAnswerLen tokens: "Anna wrote it" (3+ tokens) is too long for 2.
    assert.ok(windowSpans(sl, el, w, d, doc, answerBounds(doc), 2).every((c) => c.e - c.s < 2));
  });
});

describe('other graphs', () => {
  it('masked LM on DistilBERT (no token_type_ids) and QA on the int8 QA model', async () => {
    const engine = createEngine({});
    try {
      const d = await engine.load(FIX.distil);
      assert.equal(d.info.capabilities.tokenTypes, false);
      const r = await engine.mask(d, 'The cat sat on the [MASK].', { top: 3 });
      assert.equal(r.predictions.length, 3);
      const q = await engine.load(FIX.qa, { dtype: 'int8' });
      assert.equal(q.info.dtype, 'int8');
      const doc = 'The old man walked to the river bank.';
      const a = await engine.answer(q, 'Who walked?', doc);
      for (const x of a.answers) assert.equal(x.text, doc.slice(x.start, x.end));
    } finally {
      await engine.dispose();
    }
  });
});

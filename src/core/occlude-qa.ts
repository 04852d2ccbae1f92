// Occlusion attribution of a QA answer: its span probability p_start · p_end in the window that scores it best
// with each document word of its window masked in turn — the answer's own words included, since masking the
// answer itself is the reference effect. Batching follows occlude.ts (fp32 batched, int8 one row per run).
import type { LoadedModel, OcclusionResult, QaAnswer, QaOptions, TokenCut, RunOutput, Tokenized } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import { batchSize } from './occlude';
import { answer, maskedSoftmax, planQa, questionCut } from './qa';
import type { TextTokenizer } from './text/tokenizer';
import type { QaWindow } from './text/windows';

/** `answer`: explain this span (e.g. the answer the user picked) instead of the model's best answer. */
type QaOpts = Pick<QaOptions, 'maxSeqLen' | 'stride' | 'maxQuestionLen' | 'maxAnswerLen' | 'signal'> & {
  batchSize?: number;
  answer?: { start: number; end: number };
};

/** The best answer, the window that scores it best, its first/last document tokens and its span probability there. */
export interface AnswerWindow {
  best: QaAnswer;
  doc: Tokenized;
  win: QaWindow;
  s: number; // first and last document token of the answer
  e: number;
  base: number; // p_start · p_end in `win`
  typed: (ids: number[]) => { ids: number[]; typeIds?: number[] }; // a row of `win` (segment ids when the model takes them)
  spanProbability: (o: RunOutput) => number; // the answer's p_start · p_end in an output of a `win` row
  questionCut?: TokenCut; // the question was longer than maxQuestionLen: the windows hold its first tokens only
}

/** A given answer span as a QaAnswer (score unknown: NaN), after checking it lies in the text and is not blank. */
function chosenSpan(document: string, span: { start: number; end: number }): QaAnswer {
  const { start, end } = span;
  if (
    !(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= document.length) ||
    !document.slice(start, end).trim()
  ) {
    throw new BertLensError(
      'BAD_INPUT',
      `The answer to explain (${start}–${end}) is not a span of the text (${document.length} characters). Ask the question again, then explain one of its answers.`,
    );
  }
  return { text: document.slice(start, end), start, end, score: NaN };
}

export async function answerWindow(
  model: LoadedModel,
  tk: TextTokenizer,
  question: string,
  document: string,
  opts: QaOpts = {},
): Promise<AnswerWindow> {
  const info = model.info;
  const { maxSeqLen = Math.min(384, info.maxPositions), stride = 128, maxQuestionLen = 64 } = opts;
  const best = opts.answer
    ? chosenSpan(document, opts.answer)
    : (await answer(model, tk, question, document, { ...opts, top: 1 })).answers[0];
  if (!best)
    throw new BertLensError(
      'BAD_INPUT',
      `${info.id} finds no answer to the question in this text, so there is nothing to explain. Rephrase the question or give a text that answers it.`,
      { model: info.id },
    );
  const doc = tk.tokenize(document);
  // The answer's first and last tokens (answers are whole words) and the window that scores them best.
  const first = doc.words.starts.indexOf(best.start);
  const last = doc.words.ends.indexOf(best.end);
  if (first < 0 || last < first) {
    const why = opts.answer ? 'Pick a span of whole words' : 'This is an engine bug; please report it with the text';
    throw new BertLensError('BAD_INPUT', `The answer "${best.text}" does not start and end on word boundaries of the text. ${why}.`, {
      model: info.id,
    });
  }
  const s = doc.words.tokenStarts[first];
  const e = doc.words.tokenEnd(last) - 1;
  const wins = planQa(info, tk, question, doc, { maxSeqLen, stride, maxQuestionLen }).filter(
    (w) => s >= w.docTokenStart && e < w.docTokenEnd,
  );
  const probability = (w: QaWindow) => (o: RunOutput) => {
    if (!o.startLogits || !o.endLogits)
      throw new BertLensError('BAD_INPUT', `${info.id} returned no start/end logits.`, { model: info.id });
    const ctx = [0, ...Array.from({ length: w.docTokenEnd - w.docTokenStart }, (_, i) => w.contextStart + i)];
    const at = (t: number) => w.contextStart + t - w.docTokenStart;
    return maskedSoftmax(o.startLogits, ctx)[at(s)] * maskedSoftmax(o.endLogits, ctx)[at(e)];
  };
  const typedFor = (w: QaWindow) => (ids: number[]) => ({ ids, typeIds: info.capabilities.tokenTypes ? w.typeIds : undefined });
  let win = wins[0];
  let base = -1;
  for (const w of wins) {
    throwIfAborted(opts.signal, 'Question answering');
    const [o] = await model.run([typedFor(w)(w.ids)], { qa: true }, opts.signal);
    const p = probability(w)(o);
    if (p > base) [win, base] = [w, p];
  }
  const cut = questionCut(tk, question, maxQuestionLen);
  return { best, doc, win, s, e, base, typed: typedFor(win), spanProbability: probability(win), ...cut };
}

export async function occludeQa(
  model: LoadedModel,
  tk: TextTokenizer,
  question: string,
  document: string,
  opts: QaOpts = {},
): Promise<OcclusionResult> {
  const { best, doc, win, base, typed, spanProbability, questionCut: cut } = await answerWindow(model, tk, question, document, opts);
  const spanScore = async (rows: Array<{ ids: number[]; typeIds?: number[] }>) => {
    const size = batchSize(model, rows.length, opts.batchSize);
    const out: number[] = [];
    for (let b = 0; b < rows.length; b += size) {
      throwIfAborted(opts.signal, 'Occlusion');
      for (const o of await model.run(rows.slice(b, b + size), { qa: true }, opts.signal)) out.push(spanProbability(o));
    }
    return out;
  };
  const words: number[] = [];
  const { tokenStarts } = doc.words;
  const tokenEnds = (i: number) => doc.words.tokenEnd(i);
  for (let i = 0; i < doc.words.length; i++) if (tokenStarts[i] >= win.docTokenStart && tokenEnds(i) <= win.docTokenEnd) words.push(i);
  const rows = words.map((i) => {
    const ids = [...win.ids];
    for (let t = tokenStarts[i]; t < tokenEnds(i); t++) ids[win.contextStart + t - win.docTokenStart] = tk.special.mask;
    return typed(ids);
  });
  const scores = await spanScore(rows);
  return {
    task: 'qa',
    target: best.text,
    start: best.start,
    end: best.end,
    base,
    words: words.map((i, r) => ({
      word: doc.words.text(i),
      start: doc.words.starts[i],
      end: doc.words.ends[i],
      score: scores[r],
      delta: base - scores[r],
    })),
    ...(cut ? { questionCut: cut } : {}),
  };
}

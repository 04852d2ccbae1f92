// Extractive QA over a whole document: question + document windows with stride, span scoring per window, merged.
import type { LoadedModel, ModelInfo, QaAnswer, QaOptions, QaResult, TokenCut, Tokenized } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import type { TextTokenizer } from './text/tokenizer';
import { qaWindows, type QaWindow } from './text/windows';
import { SpanPool } from './qa-spans';
import { keepBest, qaPositions, type BestPair } from './qa-positions';
import { softmax } from './softmax';
import { crossesBreak, paragraphBreaks } from './text/paragraphs';
import { sentenceEnds } from './text/sentences';

const BATCH = 4;

/** Softmax over the positions in `keep` only (others get 0). */
export function maskedSoftmax(logits: Float32Array, keep: number[]): Float64Array {
  const p = new Float64Array(logits.length);
  const q = softmax(keep.map((i) => logits[i]));
  keep.forEach((i, k) => (p[i] = q[k]));
  return p;
}

/** The overlap between consecutive QA windows (HF doc_stride), at most half a window's context: a short-window model
 * (e.g. 128 positions) still advances through the document by half a window per step instead of a few tokens. */
export function qaOverlap(seqLen: number, questionTokens: number, stride: number): number {
  return Math.min(stride, Math.max(0, Math.floor((seqLen - questionTokens - 3) / 2)));
}

/** Punctuation an answer does not start or end with. */
const EDGE = /[\s，。、；：！？…,;:!?]/u;

/** What no answer crosses: the blank lines and the sentence ends of the document (see answer()). */
export function answerBounds(document: string): { breaks: number[]; sentences: number[] } {
  return { breaks: paragraphBreaks(document), sentences: sentenceEnds(document) };
}

/** One candidate answer of a window: characters [start, end) of the document, its start/end positions in the window. */
export interface WindowSpan {
  start: number;
  end: number;
  s: number;
  e: number;
  logit: number; // start logit + end logit
}

/**
 * The candidate answers of one window, as answer() ranks them (head ablation reads the same): the 20 strongest starts
 * × the 20 strongest ends (HF's n_best_size), at most `maxAnswerLen` tokens, grown to whole words (a span that
 * starts or ends inside a word, a ## piece, takes the whole word), within one paragraph and one sentence, with the
 * punctuation at their edges trimmed.
 */
export function windowSpans(
  sl: Float32Array,
  el: Float32Array,
  w: QaWindow,
  doc: Tokenized,
  document: string,
  bounds: { breaks: number[]; sentences: number[] },
  maxAnswerLen: number,
): WindowSpan[] {
  const ctx = Array.from({ length: w.docTokenEnd - w.docTokenStart }, (_, i) => w.contextStart + i);
  const starts = [...ctx].sort((x, y) => sl[y] - sl[x]).slice(0, 20);
  const ends = [...ctx].sort((x, y) => el[y] - el[x]).slice(0, 20);
  const out: WindowSpan[] = [];
  for (const s of starts)
    for (const e of ends) {
      if (e < s || e - s + 1 > maxAnswerLen) continue;
      const start = doc.words.starts[doc.tokens.wordOf(w.docTokenStart + s - w.contextStart)];
      const end = doc.words.ends[doc.tokens.wordOf(w.docTokenStart + e - w.contextStart)];
      if (crossesBreak(bounds.breaks, start, end) || crossesBreak(bounds.sentences, start + 1, end)) continue;
      const t = trimAnswer(document, start, end);
      if (t) out.push({ ...t, s, e, logit: sl[s] + el[e] });
    }
  return out;
}

/**
 * [start, end) of `text` without the punctuation at its edges ("降水。" and "降水" are one answer, not two of the top
 * three); a final period after a capital stays ("U.S.", "D.C."). Undefined when nothing is left.
 */
export function trimAnswer(text: string, start: number, end: number): { start: number; end: number } | undefined {
  while (start < end && (EDGE.test(text[start]) || text[start] === '.')) start++;
  while (end > start && (EDGE.test(text[end - 1]) || (text[end - 1] === '.' && !/\p{Lu}/u.test(text[end - 2])))) end--;
  return end > start ? { start, end } : undefined;
}

/** The question + document windows answer() reads (occlusion reads the same ones). */
export function planQa(
  info: ModelInfo,
  tk: TextTokenizer,
  question: string,
  doc: Tokenized,
  o: { maxSeqLen: number; stride: number; maxQuestionLen: number },
): QaWindow[] {
  const q = tk.tokenize(question).tokens.idList();
  const seqLen = Math.min(o.maxSeqLen, info.maxPositions);
  return qaWindows(q, doc.tokens.ids, {
    maxSeqLen: seqLen,
    stride: qaOverlap(seqLen, Math.min(q.length, o.maxQuestionLen), o.stride),
    maxQuestionLen: o.maxQuestionLen,
    cls: tk.special.cls,
    sep: tk.special.sep,
  });
}

/**
 * A question past maxQuestionLen tokens is cut (each window must leave room for the document): `{ questionCut }` for
 * the result to say so, else {}. answer(), QA occlusion and QA head ablation all report it.
 */
export function questionCut(tk: TextTokenizer, question: string, maxQuestionLen: number): { questionCut?: TokenCut } {
  const asked = tk.tokenize(question).tokens.length;
  return asked > maxQuestionLen ? { questionCut: { kept: maxQuestionLen, of: asked } } : {};
}

/**
 * Ranking: a span's logit is start_logit[s] + end_logit[e] (start ≤ e within maxAnswerLen tokens of one window's
 * document part) — BERT's run_squad ranking, which training/qa_squad.py evaluates, so the engine answers what the
 * model cards measure. (Per-window p_start·p_end, HF's pipeline convention, compares probabilities normalised over
 * different windows: on the embedded models it gave CMRC 2018 F1 13.6 against 18.3 for logits, English 28.9 against
 * 27.9 — scripts/qa-ranking.ts.) A span seen by several overlapping windows, or with and without punctuation at an
 * edge (trimAnswer), keeps its best logit. The no-answer logit is start[CLS] + end[CLS], the minimum over windows
 * (run_squad's min_null_score). The scores shown are one softmax over every candidate span of the document plus
 * no-answer: how the model's belief splits among the places it considered. A span never crosses a blank line: an
 * answer is a piece of one paragraph (the held-out sets' contexts are single paragraphs, so their figures are the
 * same; on the walkthroughs the model had ranked spans such as "showers.\n\nRun *BERT Lens" among its answers). Nor
 * does it run on past the end of a sentence (text/sentences.ts sentenceEnds): 0.1–0.4 % of the gold answers in SQuAD
 * v1.1/v2.0 dev and SQuADShifts do, 0.5 % in CMRC 2018 dev (COVID-QA's long answers: 12 %), while the small models
 * ranked spans such as "降水。短时间内在零散地点下的急雨" first. Through the engine on the whole held-out sets (scripts/qa-heldout.ts,
 * before and after): English 1,733 questions int8 EM/F1 21.2/32.2 → 21.8/32.4, fp32 20.7/31.6 → 21.2/31.9; CMRC 2018
 * dev 3,219 int8 8.1/19.9 → 8.5/20.1, fp32 8.5/20.4 → 8.7/20.4.
 */
export async function answer(
  model: LoadedModel,
  tk: TextTokenizer,
  question: string,
  document: string,
  opts: QaOptions = {},
): Promise<QaResult> {
  const info = model.info;
  const { top = 3, maxSeqLen = Math.min(384, info.maxPositions), stride = 128, maxAnswerLen = 30, maxQuestionLen = 64 } = opts;
  if (!info.capabilities.qa) {
    throw new BertLensError(
      'BAD_INPUT',
      `${info.id} has no question-answering head (no start_logits/end_logits). Use a QA model such as the embedded bert-lens-mini-qa or Xenova/distilbert-base-cased-distilled-squad.`,
      { model: info.id, fix: [{ option: 'model', task: 'qa' }] },
    );
  }
  if (!question.trim()) throw new BertLensError('BAD_INPUT', 'The question is empty. Ask something about the document.');
  const cut = questionCut(tk, question, maxQuestionLen);
  const doc = tk.tokenize(document);
  if (!doc.tokens.length) return { answers: [], ...cut };
  const wins = planQa(info, tk, question, doc, { maxSeqLen, stride, maxQuestionLen });
  const pool = new SpanPool(top);
  const bounds = answerBounds(document);
  let nullLogit = Infinity;
  let best: BestPair | undefined; // the best answer's start/end pair and window (opts.positions)
  for (let b = 0; b < wins.length; b += BATCH) {
    throwIfAborted(opts.signal, 'Question answering');
    const batch = wins.slice(b, b + BATCH);
    const outs = await model.run(
      batch.map((w) => ({ ids: w.ids, typeIds: info.capabilities.tokenTypes ? w.typeIds : undefined })),
      { qa: true },
      opts.signal,
    );
    batch.forEach((w, k) => {
      const { startLogits: sl, endLogits: el } = outs[k];
      if (!sl || !el) throw new BertLensError('BAD_INPUT', `${info.id} returned no start/end logits.`, { model: info.id });
      nullLogit = Math.min(nullLogit, sl[0] + el[0]);
      for (const c of windowSpans(sl, el, w, doc, document, bounds, maxAnswerLen)) {
        pool.add(c.start, c.end, c.logit);
        if (opts.positions) best = keepBest(best, c.logit, b + k, c.s, c.e, sl, el);
      }
    });
    const next = wins[b + BATCH];
    if (next) pool.settle(doc.words.starts[doc.tokens.wordOf(next.docTokenStart)]);
    opts.onProgress?.({ done: Math.min(b + BATCH, wins.length), total: wins.length });
  }
  const { spans, nullShare: nullScore } = pool.finish(nullLogit);
  let answers: QaAnswer[] = spans.map((x) => ({ text: document.slice(x.start, x.end), start: x.start, end: x.end, score: x.share }));
  const { noAnswerThreshold } = opts;
  if (noAnswerThreshold !== undefined && answers.length && nullScore - answers[0].score > noAnswerThreshold) answers = [];
  const positions = best && answers.length ? { positions: qaPositions(best, wins[best.window], wins.length, doc) } : {};
  return { answers, noAnswerScore: nullScore, ...cut, ...positions };
}

// What head ablation reads per task (core/ablate.ts): the rows to run and, from their outputs, the target's
// probability and the model's own prediction — scored exactly as mask(), answer() and nsp() score them.
import type { AblateOptions, AblationInput, LoadedModel, RunOutput } from './api';
import type { Probe } from './ablate';
import { BertLensError } from './model/errors';
import { maskRows, maskTarget, predictionsFrom, softmax } from './mlm';
import { nsp, nspInput } from './nsp';
import { answerWindow } from './occlude-qa';
import { answerBounds, maskedSoftmax, windowSpans, type WindowSpan } from './qa';
import { better } from './qa-spans';
import type { TextTokenizer } from './text/tokenizer';

type Of<T extends AblationInput['task']> = Extract<AblationInput, { task: T }>;

const need = <T>(x: T | undefined, model: LoadedModel, what: string): T => {
  if (x === undefined) throw new BertLensError('BAD_INPUT', `${model.info.id} returned no ${what}.`, { model: model.info.id });
  return x;
};

/** The masked word: target = mask()'s best word (or the given one), scored over as many [MASK]s as it has pieces. */
export async function maskProbe(model: LoadedModel, tk: TextTokenizer, input: Of<'mask'>, opts: AblateOptions): Promise<Probe> {
  const info = model.info;
  const m = maskRows(info, tk, input.text, input.at);
  const { target, ids } = await maskTarget(model, tk, input.text, { at: input.at, target: input.target, signal: opts.signal }, 'follow');
  const k = ids.length;
  // mask()'s rows, plus a row with k [MASK]s when the target's piece count is not among them.
  const extra = m.counts.includes(k) ? [] : [{ ids: m.rowFor(k) }];
  const p0 = m.positions[0][0];
  const positions = [...m.positions, ...extra.map(() => Array.from({ length: k }, (_, i) => p0 + i))];
  const targetRow = m.counts.includes(k) ? m.counts.indexOf(k) : m.rows.length;
  const V = info.vocabSize;
  const top = opts.top ?? 5;
  return {
    target,
    start: m.start,
    end: m.end,
    rows: [...m.rows, ...extra],
    req: { mlmPositions: positions },
    read(outs: RunOutput[]) {
      const logits = outs.map((o) => need(o.mlmLogits, model, 'masked-LM logits'));
      const predictions = predictionsFrom(logits.slice(0, m.rows.length), m.counts, tk, V, top);
      const score = ids.reduce((p, id, i) => p * softmax(logits[targetRow], i * V, V)[id], 1);
      const best = predictions[0] ?? { word: '', score: 0 };
      return { score, prediction: { text: best.word, score: best.score }, predictions };
    },
  };
}

/**
 * The best answer: its span probability in the window that scores it best; the prediction is that window's best span
 * as answer() ranks spans (qa.ts windowSpans), with its span probability measured as the answer's is.
 */
export async function qaProbe(model: LoadedModel, tk: TextTokenizer, input: Of<'qa'>, opts: AblateOptions): Promise<Probe> {
  const aw = await answerWindow(model, tk, input.question, input.document, { signal: opts.signal });
  const { win, doc } = aw;
  const maxAnswerLen = 30; // answer()'s default
  const bounds = answerBounds(input.document);
  const ctx = Array.from({ length: win.docTokenEnd - win.docTokenStart }, (_, i) => win.contextStart + i);
  // A span's first and last tokens as window positions, as answerWindow() takes the answer's (answers start and end on
  // word edges; were one not to, the pair that ranked it).
  const at = (c: WindowSpan) => {
    const first = doc.words.starts.indexOf(c.start);
    const last = doc.words.ends.indexOf(c.end);
    if (first < 0 || last < 0) return [c.s, c.e];
    const pos = (t: number) => win.contextStart + t - win.docTokenStart;
    return [pos(doc.words.tokenStarts[first]), pos(doc.words.tokenEnd(last) - 1)];
  };
  return {
    target: aw.best.text,
    start: aw.best.start,
    end: aw.best.end,
    rows: [aw.typed(win.ids)],
    req: { qa: true },
    ...(aw.questionCut ? { questionCut: aw.questionCut } : {}),
    read([o]: RunOutput[]) {
      const sl = need(o.startLogits, model, 'start logits');
      const el = need(o.endLogits, model, 'end logits');
      // The best candidate in answer()'s order (qa-spans.ts).
      let best: WindowSpan | undefined;
      for (const c of windowSpans(sl, el, win, doc, input.document, bounds, maxAnswerLen)) if (!best || better(c, best) < 0) best = c;
      const score = aw.spanProbability(o);
      if (!best) return { score, prediction: { text: '', score: 0 } };
      const [s, e] = at(best);
      const ps = maskedSoftmax(sl, [0, ...ctx]);
      const pe = maskedSoftmax(el, [0, ...ctx]);
      const { start, end } = best;
      return { score, prediction: { text: input.document.slice(start, end), score: ps[s] * pe[e], start, end } };
    },
  };
}

const LABELS = ['is next', 'not next'] as const;

/** A sentence pair: target = nsp()'s verdict ("is next" when P(B follows A) ≥ 0.5), scored as its probability. */
export async function nspProbe(model: LoadedModel, tk: TextTokenizer, input: Of<'nsp'>): Promise<Probe> {
  const target = (await nsp(model, tk, input.a, input.b)).isNext >= 0.5 ? 0 : 1;
  const { row, cut } = nspInput(model.info, tk, input.a, input.b);
  return {
    target: LABELS[target],
    rows: [row],
    req: { nsp: true },
    ...(cut ? { pairCut: cut } : {}),
    read([o]: RunOutput[]) {
      const p = softmax(need(o.nspLogits, model, 'next-sentence logits'));
      const mine = p[0] >= p[1] ? 0 : 1;
      return { score: p[target], prediction: { text: LABELS[mine], score: p[mine] } };
    },
  };
}

// BERT's pretraining task on the user's own text (the course's "15% masking"): 15% of the pieces of a window are
// chosen at random; of those, 80% become [MASK], 10% a random piece and 10% stay as they are — Devlin et al. 2019,
// as create_pretraining_data.py draws them — and the model must give back every original piece in one run.
import type { LoadedModel, MlmTaskResult } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import { requireMlm, specialTest, topK } from './mlm';
import { softmax } from './softmax';
import type { TextTokenizer } from './text/tokenizer';
import { planWindows } from './text/windows';
import { rng } from '../shared/rng';

export interface MlmTaskOptions {
  rate?: number; // share of the pieces chosen, default 0.15
  seed?: number; // the draw; the same seed and text always choose the same pieces
  top?: number; // predictions per chosen piece, default 3
  signal?: AbortSignal;
}

export async function mlmTask(model: LoadedModel, tk: TextTokenizer, text: string, opts: MlmTaskOptions = {}): Promise<MlmTaskResult> {
  const info = model.info;
  requireMlm(info);
  const { rate = 0.15, seed = 1, top = 3 } = opts;
  if (!(rate > 0 && rate <= 1))
    throw new BertLensError('BAD_INPUT', `The masking rate must be above 0 and at most 1 (got ${rate}); BERT uses 0.15.`);
  const tok = tk.tokenize(text);
  const span = planWindows(tok, { maxTokens: info.maxPositions - 2 })[0];
  const isSpecial = specialTest(tk);
  const ids = span ? tok.tokens.idList(span.tokenStart, span.tokenEnd) : [];
  // [UNK] is not a piece the model could give back: never chosen.
  const candidates = ids.flatMap((id, i) => (isSpecial(id) ? [] : [i]));
  if (!candidates.length)
    throw new BertLensError(
      'BAD_INPUT',
      'No words to mask here: the text has no pieces the model knows. Put the cursor in a paragraph of text.',
    );
  const draw = rng(seed);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  const chosen = candidates.slice(0, Math.max(1, Math.round(ids.length * rate))).sort((a, b) => a - b);
  const vocab = info.vocabSize;
  const shown = chosen.map((i) => {
    const r = draw();
    if (r < 0.8) return { as: 'mask' as const, id: tk.special.mask };
    if (r < 0.9) {
      let id: number;
      do id = Math.floor(draw() * vocab);
      while (isSpecial(id));
      return { as: 'random' as const, id };
    }
    return { as: 'same' as const, id: ids[i] };
  });
  const row = [...ids];
  chosen.forEach((i, k) => (row[i] = shown[k].id));
  throwIfAborted(opts.signal, 'The masked-LM task');
  const [out] = await model.run(
    [{ ids: [tk.special.cls, ...row, tk.special.sep] }],
    { mlmPositions: [chosen.map((i) => i + 1)] },
    opts.signal,
  );
  if (!out.mlmLogits) throw new BertLensError('BAD_INPUT', `${info.id} returned no masked-LM logits.`, { model: info.id });
  const items = chosen.map((i, k) => {
    const p = softmax(out.mlmLogits!, k * vocab, vocab);
    const best = topK(p, top, (id) => !isSpecial(id));
    const t = span.tokenStart + i;
    return {
      start: tok.tokens.starts[t],
      end: tok.tokens.ends[t],
      original: tk.idToToken(ids[i]),
      shown: shown[k].as,
      as: tk.idToToken(shown[k].id),
      predictions: best.map((b) => ({ word: tk.idToToken(b.id), score: b.p })),
      correct: best[0]?.id === ids[i],
    };
  });
  const read = tok.words.span(span.wordStart, span.wordEnd) ?? { start: 0, end: text.length };
  return { model: info.id, read, pieces: ids.length, rate, seed, items, correct: items.filter((x) => x.correct).length };
}

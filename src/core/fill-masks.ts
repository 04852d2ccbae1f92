// Several [MASK]s predicted jointly by iterative filling: run the model on every open mask, fill the one it is most
// sure about with its best word, and run again with that word in place — so each later mask sees the earlier
// choices (a fill-mask pipeline guesses every mask independently, from the same masked input). As in
// Mask-Predict (Ghazvininejad et al. 2019) with one token fixed per step. Each mask is one vocabulary token.
import type { FilledMask, FillResult, LoadedModel } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import { maskWords, noMask, readMasks, requireMlm, specialTest, topK } from './mlm';
import { softmax } from './softmax';
import type { TextTokenizer } from './text/tokenizer';
import { planWindows } from './text/windows';

export const FILL_METHOD = 'iterative filling, most confident mask first (one model run per mask)';

export async function fillMasks(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  opts: { top?: number; signal?: AbortSignal; maxMasks?: number } = {},
): Promise<FillResult> {
  const info = model.info;
  const { top = 5, maxMasks = 32 } = opts;
  requireMlm(info);
  const maskText = tk.idToToken(tk.special.mask);
  const tok = tk.tokenize(readMasks(text, maskText), { specials: [maskText] });
  const masks = maskWords(tok, tk);
  if (masks.length === 0) throw noMask(text, maskText, 'where words should be predicted');
  if (masks.length > maxMasks)
    throw new BertLensError(
      'BAD_INPUT',
      `The text has ${masks.length} ${maskText}s; at most ${maxMasks} are filled in one run (one model run each). Remove some.`,
    );
  const spans = planWindows(tok, { maxTokens: info.maxPositions - 2 });
  const span = spans.find((s) => masks.every((m) => m >= s.wordStart && m < s.wordEnd));
  if (!span) {
    throw new BertLensError(
      'BAD_INPUT',
      `The ${maskText}s are more than ${info.maxPositions - 2} tokens apart, so no window of ${info.id} sees them together. Put them closer, or predict them one at a time.`,
    );
  }
  const { cls, sep } = tk.special;
  const row = [cls, ...tok.tokens.idList(span.tokenStart, span.tokenEnd), sep];
  const pos = masks.map((m) => tok.words.tokenStarts[m] - span.tokenStart + 1); // positions in `row`
  const V = info.vocabSize;
  const isSpecial = specialTest(tk);
  // A word of its own: no special token, no "##" continuation (a mask stands for a whole word).
  const allowed = (id: number) => !isSpecial(id) && !tk.idToToken(id).startsWith('##');
  const open = new Set(masks.map((_, k) => k));
  const filled = new Map<number, FilledMask>();
  let score = 1;
  for (let step = 1; open.size; step++) {
    throwIfAborted(opts.signal, 'Masked-word prediction');
    const todo = [...open];
    const [out] = await model.run([{ ids: row }], { mlmPositions: [todo.map((k) => pos[k])] }, opts.signal);
    if (!out.mlmLogits) throw new BertLensError('BAD_INPUT', `${info.id} returned no masked-LM logits.`, { model: info.id });
    let best: { k: number; preds: Array<{ id: number; p: number }> } | undefined;
    todo.forEach((k, i) => {
      const p = softmax(out.mlmLogits!, i * V, V);
      const preds = topK(p, top, allowed);
      if (!preds.length) return;
      if (!best || preds[0].p > best.preds[0].p) best = { k, preds };
    });
    if (!best) throw new BertLensError('BAD_INPUT', `${info.id} gives no ordinary word for the ${maskText}s.`, { model: info.id });
    const { k, preds } = best;
    const w = tok.words.get(masks[k]);
    row[pos[k]] = preds[0].id;
    score *= preds[0].p;
    open.delete(k);
    filled.set(k, {
      start: w.start,
      end: w.end,
      step,
      word: tk.idToToken(preds[0].id),
      predictions: preds.map((c) => ({ word: tk.idToToken(c.id), score: c.p })),
    });
  }
  const ordered = masks.map((_, k) => filled.get(k)!);
  let out = '';
  let at = 0;
  for (const m of ordered) {
    out += text.slice(at, m.start) + m.word;
    at = m.end;
  }
  return { method: FILL_METHOD, text: out + text.slice(at), score, masks: ordered };
}

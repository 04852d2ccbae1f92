// Next-sentence prediction: probability that B follows A (softmax of nsp_logits, index 0 = "is next").
import type { LoadedModel, ModelInfo, NspResult, PairCut, RunRow } from './api';
import { BertLensError } from './model/errors';
import type { TextTokenizer } from './text/tokenizer';
import { softmax } from './mlm';

/** [CLS] A [SEP] B [SEP] with segment ids, longest-first truncated to the model's positions (HF default). */
export function nspRow(info: ModelInfo, tk: TextTokenizer, a: string, b: string): RunRow {
  return nspInput(info, tk, a, b).row;
}

/** nspRow, and how A and B were cut to fit when they were (every reader of NSP says so). */
export function nspInput(info: ModelInfo, tk: TextTokenizer, a: string, b: string): { row: RunRow; cut?: PairCut } {
  if (!info.capabilities.nsp) {
    throw new BertLensError(
      'BAD_INPUT',
      `${info.id} has no next-sentence head (no \`nsp_logits\` output). Use a BERT exported with its pre-training heads, e.g. the embedded bert-lens-mini.`,
      { model: info.id, fix: [{ option: 'model', task: 'nsp' }] },
    );
  }
  const ta = tk.tokenize(a).tokens;
  const tb = tk.tokenize(b).tokens;
  if (!ta.length || !tb.length) throw new BertLensError('BAD_INPUT', 'Both sentence A and sentence B need some text.');
  const [na, nb] = longestFirst(ta.length, tb.length, info.maxPositions - 3); // fit [CLS] A [SEP] B [SEP]
  const ia = ta.slice(0, na).map((t) => t.id);
  const ib = tb.slice(0, nb).map((t) => t.id);
  const { cls, sep } = tk.special;
  const ids = [cls, ...ia, sep, ...ib, sep];
  const row = { ids, typeIds: ids.map((_, i) => (i < ia.length + 2 ? 0 : 1)) };
  if (na === ta.length && nb === tb.length) return { row };
  return { row, cut: { a: { kept: na, of: ta.length }, b: { kept: nb, of: tb.length } } };
}

/**
 * Hugging Face's longest-first truncation in closed form (its loop drops one token at a time from the longer side,
 * A on a tie — quadratic on a long text): the lengths of A and B that fit `room`.
 */
export function longestFirst(la: number, lb: number, room: number): [number, number] {
  if (la + lb <= room) return [la, lb];
  const short = Math.min(la, lb);
  if (2 * short <= room) return la <= lb ? [la, room - la] : [room - lb, lb];
  const half = Math.floor(room / 2); // both cut: B keeps the odd token (A is cut first on a tie)
  return [half, room - half];
}

export async function nsp(model: LoadedModel, tk: TextTokenizer, a: string, b: string): Promise<NspResult> {
  const info = model.info;
  const { row, cut } = nspInput(info, tk, a, b);
  const [out] = await model.run([row], { nsp: true });
  if (!out.nspLogits) throw new BertLensError('BAD_INPUT', `${info.id} returned no next-sentence logits.`, { model: info.id });
  return cut ? { isNext: softmax(out.nspLogits)[0], cut } : { isNext: softmax(out.nspLogits)[0] };
}

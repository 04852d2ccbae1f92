// Next-sentence prediction: probability that B follows A (softmax of nsp_logits, index 0 = "is next").
import type { LoadedModel, ModelInfo, NspResult, RunRow } from './api';
import { BertLensError } from './model/errors';
import type { TextTokenizer } from './text/tokenizer';
import { softmax } from './mlm';

/** [CLS] A [SEP] B [SEP] with segment ids, longest-first truncated to the model's positions (HF default). */
export function nspRow(info: ModelInfo, tk: TextTokenizer, a: string, b: string): RunRow {
  if (!info.capabilities.nsp) {
    throw new BertLensError(
      'BAD_INPUT',
      `${info.id} has no next-sentence head (no \`nsp_logits\` output). Use a BERT exported with its pre-training heads, e.g. the embedded bert-lens-mini.`,
      { model: info.id, fix: [{ option: 'model', task: 'nsp' }] },
    );
  }
  let ia = tk.tokenize(a).tokens.map((t) => t.id);
  let ib = tk.tokenize(b).tokens.map((t) => t.id);
  if (!ia.length || !ib.length) throw new BertLensError('BAD_INPUT', 'Both sentence A and sentence B need some text.');
  // Longest-first truncation (HF default) to fit [CLS] A [SEP] B [SEP].
  const room = info.maxPositions - 3;
  while (ia.length + ib.length > room) {
    if (ia.length >= ib.length) ia = ia.slice(0, -1);
    else ib = ib.slice(0, -1);
  }
  const { cls, sep } = tk.special;
  const ids = [cls, ...ia, sep, ...ib, sep];
  return { ids, typeIds: ids.map((_, i) => (i < ia.length + 2 ? 0 : 1)) };
}

export async function nsp(model: LoadedModel, tk: TextTokenizer, a: string, b: string): Promise<NspResult> {
  const info = model.info;
  const [out] = await model.run([nspRow(info, tk, a, b)], { nsp: true });
  if (!out.nspLogits) throw new BertLensError('BAD_INPUT', `${info.id} returned no next-sentence logits.`, { model: info.id });
  return { isNext: softmax(out.nspLogits)[0] };
}

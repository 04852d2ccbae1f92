// Sentence similarity as a BERT encoder sees it: each sentence encoded on its own, its vector the mean of its pieces'
// hidden states ([CLS]/[SEP] left out, as mean-pooling sentence encoders do), cosine at every layer. Layer 0 is the
// input embedding (token + position), close to word overlap; later layers add context. Beside each cosine, A against B's
// pieces shuffled (the same words, no sentence): where the two are equal the layer reads words, not the sentence.
// Raw BERT vectors share a common direction (Ethayarajh 2019), so unrelated sentences score high too: compare
// cosines with each other, not with 0.
import type { LoadedModel, SimilarityResult } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import type { TextTokenizer } from './text/tokenizer';
import { addRow } from './hidden-rows';
import { cosine } from './vectors';

export async function similarity(
  model: LoadedModel,
  tk: TextTokenizer,
  a: string,
  b: string,
  opts: { signal?: AbortSignal } = {},
): Promise<SimilarityResult> {
  const info = model.info;
  const room = info.maxPositions - 2;
  const sides = [a, b].map((text, k) => {
    const ids = tk.tokenize(text).tokens.idList();
    if (!ids.length)
      throw new BertLensError('BAD_INPUT', `Sentence ${'AB'[k]} is empty (no tokens). Give two sentences with words in them.`);
    return { ids: ids.slice(0, room), truncated: ids.length > room };
  });
  // B's pieces in a fixed shuffled order: the same words, no sentence.
  const shuffled = shuffle(sides[1].ids);
  throwIfAborted(opts.signal, 'Sentence similarity');
  const layers = Array.from({ length: info.layers + 1 }, (_, l) => l);
  const rows = [sides[0].ids, sides[1].ids, shuffled].map((ids) => ({ ids: [tk.special.cls, ...ids, tk.special.sep] }));
  const outs = await model.run(rows, { hiddenLayers: layers }, opts.signal);
  const H = info.hidden;
  const mean = (r: number, l: number) => {
    const n = rows[r].ids.length - 2;
    const v = new Float32Array(H);
    for (let p = 1; p <= n; p++) addRow(outs[r].hidden[l], p, H, v);
    for (let i = 0; i < H; i++) v[i] /= n;
    return v;
  };
  return {
    a: { tokens: sides[0].ids.length, truncated: sides[0].truncated },
    b: { tokens: sides[1].ids.length, truncated: sides[1].truncated },
    layers: layers.map((l) => {
      const va = mean(0, l);
      return { layer: l, cosine: cosine(va, mean(1, l)), shuffled: cosine(va, mean(2, l)) };
    }),
  };
}

/** A fixed permutation (a small linear congruential generator): the same input is shuffled the same way every run. */
function shuffle(ids: number[]): number[] {
  const out = [...ids];
  let s = 0x9e3779b9 ^ ids.length;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

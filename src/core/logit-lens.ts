// Layer-by-layer predictions ("logit lens", nostalgebraist 2020): the model's own masked-LM head applied to the
// hidden state of every layer — the embedding output (layer 0) to the last — at the masked word, showing where the
// prediction forms. The head runs as the model's ONNX subgraph (LoadedModel.headLogits), so the last layer's row is
// the plain mask() answer; the rows and the word merging are mask()'s own (maskRows, predictionsFrom).
import type { LoadedModel, LogitLensResult } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import { maskRows, predictionsFrom } from './mlm';
import type { TextTokenizer } from './text/tokenizer';

export async function logitLens(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  opts: { at?: number; top?: number; signal?: AbortSignal } = {},
): Promise<LogitLensResult> {
  const info = model.info;
  const { top = 5 } = opts;
  const m = maskRows(info, tk, text, opts.at);
  if (!model.headLogits) {
    throw new BertLensError(
      'HEAD_UNAVAILABLE',
      `${info.id} was loaded without access to its masked-LM head graph, so layer-by-layer predictions are unavailable. Load it through the engine (createEngine().load).`,
      { model: info.id },
    );
  }
  throwIfAborted(opts.signal, 'Layer-by-layer prediction');
  const all = Array.from({ length: info.layers + 1 }, (_, l) => l);
  const outs = await model.run(m.rows, { hiddenLayers: all }, opts.signal);
  const layers = [];
  for (const l of all) {
    const logits = await model.headLogits(
      outs.map((o, r) => ({ hidden: o.hidden[l], positions: m.positions[r] })),
      opts.signal,
    );
    layers.push({ layer: l, predictions: predictionsFrom(logits, m.counts, tk, info.vocabSize, top) });
  }
  return { start: m.start, end: m.end, layers };
}

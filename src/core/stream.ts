// Whole-document answers without the whole encoding in memory: the windows of encodeText, run in the same batches
// (so the numbers are bit for bit the same), visited in document order and dropped. The CLI uses it on large inputs:
// a 10 MB document's hidden states at one layer are ~2 GB, one batch's are ~1 MB.
import type { EncodedWindow, Encoding, LayerChoice, LoadedModel, RunOutput, RunRequest, SimilarResult } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import { windowKey } from './cache';
import type { TextTokenizer } from './text/tokenizer';
import { planWindows } from './text/windows';
import { BATCH, windowIds } from './encode';
import { Neighbours, noOccurrence, occurrences, resolveLayers, similarResult, wordVector } from './vectors';

export interface StreamOptions {
  hiddenLayers: number[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Called with the document's word and window counts once its windows are planned. */
  onPlan?: (words: number, windows: number) => void;
}

/** An Encoding without windows: what word-level maths needs (the model and the tokens) while windows stream by. */
export type Skeleton = Encoding;

/**
 * Runs the windows encodeText would run for `text` (maxPositions - 2 tokens, default overlap, identical windows
 * once, batches of BATCH in order) and calls `visit` for each window in document order. `only`: the windows (by
 * index) to visit; batches holding none of them are not run at all.
 */
export async function eachWindow(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  o: StreamOptions,
  visit: (w: EncodedWindow) => void,
  only?: (i: number) => boolean,
): Promise<Skeleton> {
  const info = model.info;
  const tok = tk.tokenize(text);
  const spans = planWindows(tok, { maxTokens: info.maxPositions - 2 });
  o.onPlan?.(tok.words.length, spans.length);
  const ids = (i: number) => windowIds(tok, spans[i].tokenStart, spans[i].tokenEnd, tk.special);
  const keys = spans.map((_, i) => windowKey(info, ids(i)));
  const first = new Map<string, number>();
  const uses = new Map<string, number>(); // windows still to visit per content: its output is dropped after the last
  keys.forEach((k, i) => {
    if (!first.has(k)) first.set(k, i);
    if (!only || only(i)) uses.set(k, (uses.get(k) ?? 0) + 1);
  });
  const todo = [...first.values()];
  const req: RunRequest = { hiddenLayers: o.hiddenLayers, attentionLayers: [], qkvLayers: [] };
  const outs = new Map<string, RunOutput>();
  let next = 0; // next batch start in todo
  o.onProgress?.(0, todo.length);
  for (let i = 0; i < spans.length; i++) {
    // By index, not by content: a window repeating the selected one's text earlier on is not the one asked for (taking
    // it used up the output, and the selected window then waited for a batch that had already run — forever).
    if (only && !only(i)) continue;
    while (!outs.has(keys[i])) {
      throwIfAborted(o.signal, 'Encoding');
      if (next >= todo.length) throw new Error(`eachWindow: window ${i}'s output was never run`); // an engine bug, not a hang
      const idx = todo.slice(next, next + BATCH);
      next += BATCH;
      if (!idx.some((j) => uses.has(keys[j]))) continue; // nothing visited from this batch
      const res = await model.run(
        idx.map((j) => ({ ids: Array.from(ids(j)) })),
        req,
        o.signal,
      );
      idx.forEach((j, k) => uses.has(keys[j]) && outs.set(keys[j], res[k]));
      o.onProgress?.(Math.min(next, todo.length), todo.length);
    }
    const out = outs.get(keys[i])!;
    visit({ ...spans[i], seqLen: spans[i].tokenEnd - spans[i].tokenStart + 2, out });
    const left = uses.get(keys[i])! - 1;
    if (left) uses.set(keys[i], left);
    else {
      uses.delete(keys[i]);
      outs.delete(keys[i]);
    }
  }
  return { model: info, textHash: '', tok, windows: [] };
}

/** `similar` (core/vectors.ts) with one window in memory at a time: the same result. */
export async function similarStreamed(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  word: string,
  o: Omit<StreamOptions, 'hiddenLayers'> & { layer?: LayerChoice },
): Promise<SimilarResult> {
  const { enc, occ, vecs } = await occurrenceVectors(model, tk, text, word, o);
  return similarResult(enc, word, occ, vecs);
}

/** Every occurrence of `word` (word indices) and its contextual vector, as `similar` computes them; only the windows
 * that own an occurrence are visited. */
export async function occurrenceVectors(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  word: string,
  o: Omit<StreamOptions, 'hiddenLayers'> & { layer?: LayerChoice },
) {
  const layers = resolveLayers(o.layer, model.info.layers);
  const enc: Skeleton = { model: model.info, textHash: '', tok: tk.tokenize(text), windows: [] };
  const occ = occurrences(enc, word);
  if (!occ.length) throw noOccurrence(word);
  const vecs = new Map<number, Float32Array>();
  const wanted = new Set(occ);
  const owners = new Set<number>();
  planWindows(enc.tok, { maxTokens: model.info.maxPositions - 2 }).forEach((s, i) => {
    for (const j of occ) if (j >= s.ownStart && j < s.ownEnd) owners.add(i);
  });
  await eachWindow(
    model,
    tk,
    text,
    { ...o, hiddenLayers: layers },
    (w) => {
      for (let j = w.ownStart; j < w.ownEnd; j++) if (wanted.has(j)) vecs.set(j, wordVector(enc, w, j, layers));
    },
    (i) => owners.has(i),
  );
  return { enc, occ, vecs: occ.map((j) => vecs.get(j)!) };
}

/** The `top` nearest words of word `target` in the document (neighboursOf in core/vectors.ts), streamed: the target's
 * window first (its batch only), then every window once. */
export async function neighboursStreamed(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  target: number,
  o: Omit<StreamOptions, 'hiddenLayers'> & { layer?: LayerChoice; top?: number },
) {
  const layers = resolveLayers(o.layer ?? 'last', model.info.layers);
  const tok = tk.tokenize(text);
  const skeleton = { model: model.info, textHash: '', tok, windows: [] };
  const spans = planWindows(tok, { maxTokens: model.info.maxPositions - 2 });
  const owner = spans.findIndex((s) => target >= s.ownStart && target < s.ownEnd);
  if (owner < 0) throw new BertLensError('BAD_INPUT', `Word ${target} is not in the text.`);
  let v: Float32Array | undefined;
  await eachWindow(
    model,
    tk,
    text,
    { ...o, hiddenLayers: layers },
    (w) => (v = wordVector(skeleton, w, target, layers)),
    (i) => i === owner,
  );
  const n = new Neighbours(skeleton, target, v!);
  await eachWindow(model, tk, text, { ...o, hiddenLayers: layers }, (w) => {
    for (let j = w.ownStart; j < w.ownEnd; j++) n.add(j, wordVector(skeleton, w, j, layers));
  });
  return n.top(o.top ?? 5);
}

// The session with every tap (attention, Q/K/V), made from the model file on the first run that asks for one. A model
// loads lean — its graph outputs the hidden states and layer 1's attention only (session.ts) — because onnxruntime
// keeps every graph output of a run alive until the run ends: twelve layers' attention of one 512-token BERT-base
// window are 151 MB, and its arena keeps that peak for good (RSS after a 50k-character document 5.4× the int8 file
// instead of 3.4×; bench/README.md). Hovers, masked words, NSP and QA never ask for attention; the overlay and the
// panel's attention views do. The swap itself is run.ts `withTaps`: the lean session is released before the tapped one
// is made, so the allocator reuses its memory (made first, RSS stayed ~80 MB higher on BERT-base int8).
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelInfo } from '../api';
import { BertLensError } from './errors';
import { readBounded } from './files';
import { sessionOver } from './mapped';
import { splitModel } from './encoder';
import { appendOutputs } from './graph';
import { fuseAttention, type NodeEdits } from './fuse-attention';
import { pruneOutputs } from './prune';
import { tapModel, type TapPlan, type TappedModel } from './taps';

/** The same taps by the same names: the plan the lean session was loaded with must still describe the file. */
const tapNames = (p: TapPlan) => [...p.hidden, ...p.layers.flatMap((l) => [l.attention, l.q?.name, l.k?.name, l.v?.name])].join('\n');

/** A lean graph's taps: the hidden states, and layer 1's attention to check config.json's head count at load. */
export const leanTaps = (plan: TapPlan): string[] => [...plan.hidden, ...(plan.layers[0] ? [plan.layers[0].attention] : [])];

/** A lean graph's untapped attention blocks, each fused into one node (fuse-attention.ts); undefined when `fuse` is off
 * or none matches. */
export const leanEdits = (t: TappedModel, info: ModelInfo, fuse: boolean): NodeEdits | undefined =>
  fuse ? fuseAttention(t.graph, t.plan, info.heads, info.hidden, new Set(leanTaps(t.plan))) : undefined;

/** The lean graph: split (the encoder without the MLM decoder) or whole, attention fused where `edits` say. */
export function leanGraph(t: TappedModel, info: ModelInfo, split: boolean, archs: string, edits?: NodeEdits): Uint8Array | undefined {
  const taps = leanTaps(t.plan);
  if (split) return splitModel(t, info.layers, info.hidden, archs, taps, edits)?.encoder;
  return edits ? pruneOutputs(t.graph, [], taps, edits) : appendOutputs(t.graph, taps);
}

const unavailable = (info: ModelInfo, why: string, cause?: unknown) =>
  new BertLensError(
    'ATTENTION_UNAVAILABLE',
    `Model ${info.id}: attention and Q/K/V are read from ${path.basename(info.modelFile)} when first shown, which failed (${why}). Reload the model (or restart BERT Lens); if the file was replaced, re-download or re-export it.`,
    { model: info.id, file: info.modelFile, cause, fix: [{ option: 'model' }] },
  );

/**
 * `info.modelFile` read again: its graph with every tap — the split encoder (no MLM decoder) when the loaded model runs
 * split, else the whole graph — and the lean graph, should the tapped one fail to load. Throws ATTENTION_UNAVAILABLE,
 * saying what to do, when the file no longer gives the plan the model was loaded with.
 */
export function graphsForTaps(
  info: ModelInfo,
  plan: TapPlan,
  split: boolean,
  archs: string,
  mapped: string | undefined,
  fuse: boolean,
): { tapped: Uint8Array; lean: () => Uint8Array } {
  try {
    const t = tapModel(readBounded(mapped ?? info.modelFile), info.layers);
    if (tapNames(t.plan) !== tapNames(plan)) throw new Error('the file changed since it was loaded');
    if (mapped) t.graph.external = path.basename(mapped); // model/mapped.ts
    const cut = (taps: string[]) => (split ? splitModel(t, info.layers, info.hidden, archs, taps)?.encoder : undefined);
    const tapped = split ? cut(t.taps) : appendOutputs(t.graph, t.taps);
    if (!tapped) throw new Error('the file changed since it was loaded');
    return { tapped, lean: () => leanGraph(t, info, split, archs, leanEdits(t, info, fuse))! };
  } catch (e) {
    if (e instanceof BertLensError) throw e;
    throw unavailable(info, (e as Error).message, e);
  }
}

/** A session over graph bytes of `info.modelFile` (mapped: graphsForTaps wrote them with references into the file). */
export async function sessionFrom(
  info: ModelInfo,
  bytes: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  mapped: string | undefined,
): Promise<ort.InferenceSession> {
  try {
    return await sessionOver(info.modelFile, bytes, { ...options }, mapped);
  } catch (e) {
    throw unavailable(info, String((e as Error).message ?? e).split('\n')[0], e);
  }
}

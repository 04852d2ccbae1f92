// The session with every tap (attention, Q/K/V), made from the model file on the first run that asks for one. A model
// loads lean — its graph outputs only the hidden states (session.ts) — because onnxruntime keeps every graph output of
// a run alive until the run ends: twelve layers' attention of one 512-token BERT-base window are 151 MB, and its arena
// keeps that peak for good (RSS after a 50k-character document 5.4× the int8 file instead of 3.4×; bench/README.md).
// Hovers, masked words, NSP and QA never ask for attention; the overlay and the panel's attention views do.
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelInfo } from '../api';
import { BertLensError } from './errors';
import { readBounded } from './files';
import { splitModel } from './encoder';
import { tapModel, type TapPlan } from './taps';

/** The same taps by the same names: the plan the lean session was loaded with must still describe the file. */
const tapNames = (p: TapPlan) => [...p.hidden, ...p.layers.flatMap((l) => [l.attention, l.q?.name, l.k?.name, l.v?.name])].join('\n');

/**
 * A session over `info.modelFile` with every tap: the split encoder (no MLM decoder) when the loaded model runs split,
 * else the whole tapped graph. Throws ATTENTION_UNAVAILABLE, saying what to do, when the file cannot give it.
 */
export async function createTappedSession(
  info: ModelInfo,
  plan: TapPlan,
  split: boolean,
  archs: string,
  options: ort.InferenceSession.SessionOptions,
): Promise<ort.InferenceSession> {
  const file = info.modelFile;
  const fail = (why: string, cause?: unknown) =>
    new BertLensError(
      'ATTENTION_UNAVAILABLE',
      `Model ${info.id}: attention and Q/K/V are read from ${path.basename(file)} when first shown, which failed (${why}). Reload the model (or restart BERT Lens); if the file was replaced, re-download or re-export it.`,
      { model: info.id, file, cause, fix: [{ option: 'model' }] },
    );
  let bytes: Uint8Array;
  try {
    const tapped = tapModel(readBounded(file), info.layers);
    if (tapNames(tapped.plan) !== tapNames(plan)) throw new Error('the file changed since it was loaded');
    const encoder = split ? splitModel(tapped, info.layers, info.hidden, archs)?.encoder : tapped.bytes;
    if (!encoder) throw new Error('the file changed since it was loaded');
    bytes = encoder;
  } catch (e) {
    if (e instanceof BertLensError) throw e;
    throw fail((e as Error).message, e);
  }
  const opts = { ...options };
  const dir = path.dirname(file);
  const ext = fs.readdirSync(dir).filter((f) => f.startsWith(`${path.basename(file)}_data`));
  if (ext.length) opts.externalData = ext.map((f) => ({ path: f, data: readBounded(path.join(dir, f)) }));
  try {
    return await ort.InferenceSession.create(bytes, opts);
  } catch (e) {
    throw fail(String((e as Error).message ?? e).split('\n')[0], e);
  }
}

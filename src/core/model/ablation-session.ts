// The head-ablation session (head-mask.ts spliced into the tapped graph), created on first use and cached beside the
// model's own session: same outputs and taps, plus the `head_mask` input. The model file is read again then.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelInfo } from '../api';
import { BertLensError } from './errors';
import { externalDataOf, readBounded } from './files';
import { indexModel } from './graph';
import { spliceHeadMask } from './head-mask';
import { tapModel, type TapPlan } from './taps';

export async function createAblationSession(
  info: ModelInfo,
  plan: TapPlan,
  options: ort.InferenceSession.SessionOptions,
  /** The snapshot a folder's model is mapped from (mapped.ts): the weights the main session runs. */
  weightsFile?: string,
): Promise<ort.InferenceSession> {
  const file = weightsFile ?? info.modelFile;
  const fail = (why: string, cause?: unknown) =>
    new BertLensError(
      'ATTENTION_UNAVAILABLE',
      `Model ${info.id}: switching heads off needs a head mask spliced into ${path.basename(file)}, which failed (${why}). Use a BERT or DistilBERT export with plain attention (a Softmax per layer), such as the embedded models.`,
      { model: info.id, file, cause, fix: [{ option: 'model' }] },
    );
  if (!info.capabilities.attention) throw fail('its attention is fused: no Softmax per layer to multiply');
  let bytes: Uint8Array;
  try {
    const tapped = tapModel(readBounded(file), info.layers);
    const probs = tapped.plan.layers.map((l) => l.attention);
    // Same file, same planner: the taps must be the ones the main session reads (outputs are fetched by name).
    if (probs.join('\n') !== plan.layers.map((l) => l.attention).join('\n')) throw new Error('the file changed since it was loaded');
    bytes = spliceHeadMask(indexModel(tapped.bytes), probs, info.heads);
  } catch (e) {
    if (e instanceof BertLensError) throw e;
    throw fail((e as Error).message, e);
  }
  const externalData = externalDataOf(file);
  const opts = externalData ? { ...options, externalData } : { ...options };
  try {
    return await ort.InferenceSession.create(bytes, opts);
  } catch (e) {
    throw fail(String((e as Error).message ?? e).split('\n')[0], e);
  }
}

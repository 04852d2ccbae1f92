// A second, small onnxruntime session holding only the MLM head (head.ts), created on first use: the logit lens runs
// the model's own head on every layer's hidden state. The model file is read again then (not kept in memory).
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { HeadInput, ModelInfo } from '../api';
import { BertLensError, throwIfAborted } from './errors';
import { readBounded } from './files';
import { indexModel } from './graph';
import { extractHead } from './head';
import { rowPositions } from './outputs';

export interface HeadSource {
  info: ModelInfo;
  hidden: string; // the last layer's hidden-state tensor (the head's input)
  logits: string; // the MLM logits output
  options: ort.InferenceSession.SessionOptions;
}

/**
 * Loads the head-only session (from `bytes` when the caller already cut the head out, else from the model file);
 * every failure says that the model's head could not be separated and what to do.
 */
export async function createHeadSession(src: HeadSource, bytes?: Uint8Array): Promise<ort.InferenceSession> {
  const { info } = src;
  const file = info.modelFile;
  const fail = (why: string, cause?: unknown) =>
    new BertLensError(
      'HEAD_UNAVAILABLE',
      `Model ${info.id}: layer-by-layer predictions need the masked-LM head as a separate graph, but it could not be cut out of ${path.basename(file)} (${why}). Plain masked-word prediction still works; for the layer view use a BERT or DistilBERT fill-mask export such as the embedded bert-lens-mini.`,
      { model: info.id, file, cause, fix: [{ option: 'model', task: 'mlm' }] },
    );
  let head: Uint8Array;
  try {
    head = bytes ?? extractHead(indexModel(readBounded(file)), src.hidden, src.logits, info.hidden);
  } catch (e) {
    if (e instanceof BertLensError) throw e;
    throw fail((e as Error).message, e);
  }
  const options = { ...src.options };
  // External weights (model.onnx_data[_N]) sit next to the .onnx, as for the main session.
  const dir = path.dirname(file);
  const ext = fs.readdirSync(dir).filter((f) => f.startsWith(`${path.basename(file)}_data`));
  if (ext.length) options.externalData = ext.map((f) => ({ path: f, data: readBounded(path.join(dir, f)) }));
  try {
    return await ort.InferenceSession.create(head, options);
  } catch (e) {
    throw fail(String((e as Error).message ?? e).split('\n')[0], e);
  }
}

/**
 * Runs the head on each input separately as a [1, seq, hidden] batch — one row, as the model itself sees a single
 * row, so an int8 head quantizes over the same tensor it would at the end of the model — and returns the logits at
 * the requested positions: [positions.length, vocab] per input.
 */
export async function runHead(
  session: ort.InferenceSession,
  src: HeadSource,
  inputs: HeadInput[],
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  const H = src.info.hidden;
  const out: Float32Array[] = [];
  for (const x of inputs) {
    throwIfAborted(signal, 'Layer-by-layer prediction');
    const seq = x.hidden.length / H;
    if (!Number.isInteger(seq) || seq < 1 || x.positions.some((p) => !Number.isInteger(p) || p < 0 || p >= seq)) {
      throw new BertLensError(
        'BAD_INPUT',
        `MLM head input: ${x.hidden.length} floats is not [seq, ${H}] or a position is outside 0..${seq - 1}. Pass one row's hidden state from run().`,
        { model: src.info.id },
      );
    }
    const res = await session.run({ [src.hidden]: new ort.Tensor('float32', x.hidden, [1, seq, H]) });
    const logits = res[src.logits];
    const V = logits.dims[2];
    out.push(rowPositions(logits.data as Float32Array, seq, V, 0, x.positions));
  }
  return out;
}

// A second, small onnxruntime session holding only the MLM head (head.ts), created on first use: the logit lens runs
// the model's own head on every layer's hidden state. The model file is read again then (not kept in memory).
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { HeadInput, ModelInfo } from '../api';
import { BertLensError, throwIfAborted } from './errors';
import { externalDataOf, readBounded } from './files';
import { indexModel } from './graph';
import { extractHead, HEAD_ROWS } from './head';
import { rowPositions } from './outputs';

export interface HeadSource {
  info: ModelInfo;
  hidden: string; // the last layer's hidden-state tensor (the head's input)
  logits: string; // the MLM logits output
  options: ort.InferenceSession.SessionOptions;
  /** The file to read the weights from: the snapshot a folder's model is mapped from (mapped.ts), else the model file. */
  file?: string;
}

/**
 * Loads the head-only session (from `bytes` when the caller already cut the head out, else from the model file);
 * every failure says that the model's head could not be separated and what to do.
 */
export async function createHeadSession(src: HeadSource, bytes?: Uint8Array): Promise<ort.InferenceSession> {
  const { info } = src;
  const file = src.file ?? info.modelFile;
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
  // External weights (model.onnx_data[_N]) sit next to the .onnx, as for the main session.
  const externalData = externalDataOf(file);
  const options = externalData ? { ...src.options, externalData } : { ...src.options };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(head, options);
  } catch (e) {
    throw fail(String((e as Error).message ?? e).split('\n')[0], e);
  }
  if (session.inputNames.includes(HEAD_ROWS) && !(await selectsRows(session, src))) {
    // A layout the row selection misreads (e.g. a decoder on 2-D rows): the head on every row, as the graph has it.
    await session.release();
    try {
      head = extractHead(indexModel(readBounded(file)), src.hidden, src.logits, info.hidden, { rows: false });
      session = await ort.InferenceSession.create(head, options);
    } catch (e) {
      throw fail(String((e as Error).message ?? e).split('\n')[0], e);
    }
  }
  return session;
}

/** Whether the HEAD_ROWS input gives [1, rows, vocab] logits (a three-position probe asking for one row). */
async function selectsRows(session: ort.InferenceSession, src: HeadSource): Promise<boolean> {
  try {
    const H = src.info.hidden;
    const res = await session.run({
      [src.hidden]: new ort.Tensor(
        'float32',
        new Float32Array(3 * H).map((_, i) => Math.sin(i)),
        [1, 3, H],
      ),
      [HEAD_ROWS]: new ort.Tensor('int64', BigInt64Array.from([1n]), [1]),
    });
    const d = res[src.logits].dims;
    return d.length === 3 && d[0] === 1 && d[1] === 1;
  } catch {
    return false;
  }
}

/**
 * Feeds for the head on `hidden` [B, T, H]: with an int8 head's HEAD_ROWS input, the union of the requested
 * positions (sorted); the logits then hold those rows only, in that order.
 */
export function headFeeds(
  session: ort.InferenceSession,
  names: { hidden: string },
  hidden: Float32Array,
  dims: [number, number, number],
  positions: Array<readonly number[] | undefined>,
): { feeds: Record<string, ort.Tensor>; rows: number[] | undefined } {
  const feeds: Record<string, ort.Tensor> = { [names.hidden]: new ort.Tensor('float32', hidden, dims) };
  if (!session.inputNames.includes(HEAD_ROWS)) return { feeds, rows: undefined };
  const rows = [...new Set(positions.flatMap((p) => p ?? []))].sort((a, b) => a - b);
  feeds[HEAD_ROWS] = new ort.Tensor('int64', BigInt64Array.from(rows, BigInt), [rows.length]);
  return { feeds, rows };
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
    if (!x.positions.length) {
      out.push(new Float32Array(0));
      continue;
    }
    const { feeds, rows } = headFeeds(session, src, x.hidden, [1, seq, H], [x.positions]);
    const res = await session.run(feeds);
    const logits = res[src.logits];
    const V = logits.dims[2];
    const at = rows ? x.positions.map((p) => rows.indexOf(p)) : x.positions;
    out.push(rowPositions(logits.data as Float32Array, rows ? rows.length : seq, V, 0, at));
  }
  return out;
}

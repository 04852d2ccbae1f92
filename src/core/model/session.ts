// Loading a model: one onnxruntime-node session over the tapped graph (or encoder + MLM head), checked against
// config.json and shared by every caller until the last dispose(); its runs are in run.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Capabilities, LoadOptions, LoadedModel, ModelInfo, StoreOptions } from '../api';
import { BertLensError, throwIfAborted } from './errors';
import { readModelInfo } from './info';
import { resolveModel } from './store';
import { tapModel, type TapPlan, type TappedModel } from './taps';
import { checkConsistency } from './checks';
import { readBounded, readJsonText } from './files';
import { createHeadSession, runHead, type HeadSource } from './head-session';
import { splitModel, type SplitModel } from './encoder';
import { collectGarbage } from './gc';
import { sessionOptions } from './options';
import { feedsFor, runBatched, type Shared } from './run';

export interface ModelLoadOptions extends LoadOptions {
  /** Upper bound for one batch's tapped outputs; bigger requests are split into several runs (default 256 MiB). */
  memoryBudgetBytes?: number;
  /** Run the exported graph whole, MLM decoder over every position included, as before the encoder/head split
   * (encoder.ts); for parity tests and the benchmark. */
  fullGraph?: boolean;
}

// One session per model file + thread count, shared by every loadModel() caller until the last dispose(). The count
// is taken synchronously, so a dispose() racing a concurrent load can never release a session about to be handed out.
const sessions = new Map<string, { pending: Promise<Shared>; refs: number }>();
const splitModels = new WeakSet<LoadedModel>();

/** Whether `model` runs as encoder + head on the requested rows (encoder.ts) rather than as one full graph. */
export const runsSplit = (model: LoadedModel): boolean => splitModels.has(model);

export async function loadModel(source: string, store: StoreOptions = {}, load: ModelLoadOptions = {}): Promise<LoadedModel> {
  throwIfAborted(load.signal, `Loading ${source}`);
  const resolved = await resolveModel(source, { ...store, ...load, dtype: load.dtype ?? store.dtype });
  const threads = Math.max(1, store.threads ?? Math.min(2, os.cpus().length));
  const full = !!load.fullGraph;
  const key = `${resolved.modelFile}|${threads}${full ? '|full' : ''}`;
  let entry = sessions.get(key);
  if (!entry) {
    const created = { pending: createShared(source, resolved, threads, full), refs: 0 };
    sessions.set(key, created);
    created.pending.catch(() => sessions.get(key) === created && sessions.delete(key));
    entry = created;
  }
  const held = entry;
  held.refs++;
  let shared: Shared;
  try {
    shared = await held.pending;
  } catch (e) {
    held.refs--;
    throw e;
  }
  const info: ModelInfo = { ...shared.info, id: source, source: resolved.source, capabilities: { ...shared.info.capabilities } };
  let disposed = false;
  const model: LoadedModel = {
    info,
    run: async (rows, req, signal) => {
      if (disposed) throw new BertLensError('BAD_INPUT', `Model ${source} was disposed; load it again.`);
      return runBatched(shared, rows, req, signal, load.memoryBudgetBytes ?? 256 * 2 ** 20);
    },
    headLogits: async (inputs, signal) => {
      if (disposed) throw new BertLensError('BAD_INPUT', `Model ${source} was disposed; load it again.`);
      const src = headSource(shared);
      if (!shared.head) {
        const created = createHeadSession(src);
        shared.head = created;
        created.catch(() => shared.head === created && (shared.head = undefined));
      }
      return runHead(await shared.head, src, inputs, signal);
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      if (--held.refs === 0) {
        if (sessions.get(key) === held) sessions.delete(key);
        await shared.session.release();
        const head = shared.head;
        shared.head = undefined;
        await head?.then(
          (h) => h.release(),
          () => undefined,
        );
        const ablation = shared.ablation;
        shared.ablation = undefined;
        await ablation?.then(
          (a) => a.release(),
          () => undefined,
        );
      }
    },
  };
  if (shared.split) splitModels.add(model);
  return model;
}

/** What the head session is cut from; a model without an MLM head (or without tapped hidden states) says so. */
function headSource(s: Shared): HeadSource {
  const { info, plan, names } = s;
  if (!info.capabilities.mlm || !names.logits) {
    throw new BertLensError(
      'BAD_INPUT',
      `${info.id} has no masked-LM head (no \`logits\` output), so there is nothing to apply to each layer. Use an encoder exported for fill-mask, e.g. the embedded bert-lens-mini.`,
      { model: info.id, fix: [{ option: 'model', task: 'mlm' }] },
    );
  }
  if (!info.capabilities.hidden) {
    throw new BertLensError(
      'ATTENTION_UNAVAILABLE',
      `${info.id}: the per-layer hidden states could not be found in its graph, so layer-by-layer predictions are unavailable. Use a BERT or DistilBERT export with plain LayerNorm nodes (e.g. the Xenova/* repositories).`,
      { model: info.id, fix: [{ option: 'model', task: 'mlm' }] },
    );
  }
  return { info, hidden: plan.hidden[info.layers], logits: names.logits, options: sessionOptions(s.threads) };
}

async function createShared(
  source: string,
  resolved: Awaited<ReturnType<typeof resolveModel>>,
  threads: number,
  full: boolean,
): Promise<Shared> {
  const shared = await openShared(source, resolved, threads, full);
  collectGarbage(); // the graphs onnxruntime copied, out of scope now
  return shared;
}

async function openShared(
  source: string,
  resolved: Awaited<ReturnType<typeof resolveModel>>,
  threads: number,
  full: boolean,
): Promise<Shared> {
  const info = readModelInfo(resolved.dir, { id: source, source: resolved.source, dtype: resolved.dtype });
  info.modelFile = resolved.modelFile;
  const file = path.relative(resolved.dir, resolved.modelFile);
  const corrupt = (why: string, cause?: unknown) => {
    // A file that does not even parse must not pass for a cached model next time.
    if (resolved.source === 'hub') fs.rmSync(resolved.modelFile, { force: true });
    const remedy =
      resolved.source === 'hub'
        ? 'It was removed from the cache; load the model again to re-download it.'
        : 'Replace the file with a good copy (re-export or re-download the model).';
    return new BertLensError(
      'CORRUPT_MODEL',
      `Model ${source}: ${file} in ${resolved.dir} is not a usable ONNX model (${why}). ${remedy}`,
      { model: source, file, cause },
    );
  };
  const cfg = JSON.parse(readJsonText(path.join(resolved.dir, 'config.json'))) as Record<string, unknown>;
  const archs = JSON.stringify(cfg.architectures ?? '');
  // The file's bytes and its parsed graph live only inside graphsOf: gone before onnxruntime copies the graphs.
  const { plan, split, full: fullBytes } = graphsOf(resolved.modelFile, file, info, archs, full, cfg, corrupt);
  const options = sessionOptions(threads);
  // External weights (model.onnx_data[_N]) sit next to the .onnx; a graph loaded from bytes needs them passed in.
  const dir = path.dirname(resolved.modelFile);
  const base = path.basename(resolved.modelFile);
  const ext = fs.readdirSync(dir).filter((f) => f.startsWith(`${base}_data`));
  if (ext.length) options.externalData = ext.map((f) => ({ path: f, data: readBounded(path.join(dir, f)) }));
  collectGarbage();
  let session: ort.InferenceSession | undefined;
  let head: ort.InferenceSession | undefined;
  if (split) {
    try {
      session = await ort.InferenceSession.create(split.encoder, options);
      const src = { info, hidden: split.hidden, logits: split.logits, options: sessionOptions(threads) };
      head = await createHeadSession(src, split.head);
    } catch {
      // The full graph below either loads (and runs as before) or fails with the message it always had.
      await session?.release();
      session = head = undefined;
    }
  }
  try {
    // The full tapped graph: asked for, no MLM head to split off, or the split graphs did not load (then read again).
    session ??= await ort.InferenceSession.create(fullBytes ?? tapModel(readBounded(resolved.modelFile), info.layers).bytes, options);
  } catch (e) {
    // It parsed, so this is more likely an operator or type onnxruntime cannot run than a damaged file: keep it.
    const why = String((e as Error).message ?? e).split('\n')[0];
    const other = resolved.dtype === 'int8' ? 'fp32' : 'int8';
    throw new BertLensError(
      'CORRUPT_MODEL',
      `Model ${source}: onnxruntime could not load ${file} from ${resolved.dir} (${why}). The file may be damaged or use operators onnxruntime-node 1.30 lacks: try the ${other} file, or re-download or re-export the model.`,
      { model: source, file, cause: e, fix: [{ option: 'dtype', value: other }, { option: 'model' }] },
    );
  }
  const unknown = session.inputNames.filter((n) => !['input_ids', 'attention_mask', 'token_type_ids'].includes(n));
  if (unknown.length || !session.inputNames.includes('input_ids')) {
    await session.release();
    await head?.release();
    throw new BertLensError(
      'CORRUPT_MODEL',
      `Model ${source}: ${file} takes inputs ${session.inputNames.join(', ')}; BERT Lens feeds input_ids, attention_mask and token_type_ids only. Use a BERT or DistilBERT encoder export (e.g. the Xenova/* repositories).`,
      { model: source, file, fix: [{ option: 'model' }] },
    );
  }
  const outs = new Set([...session.outputNames, ...(head && split ? [split.logits] : [])]);
  const pick = (...c: string[]) => c.find((n) => outs.has(n));
  const names = {
    logits: pick('logits', 'prediction_logits'),
    nsp: pick('nsp_logits', 'seq_relationship_logits'),
    start: pick('start_logits'),
    end: pick('end_logits'),
  };
  const L = info.layers;
  const attention = plan.layers.length === L && L > 0;
  const capabilities: Capabilities = {
    hidden: plan.hidden.length === L + 1,
    attention,
    qkv: attention && plan.layers.every((l) => l.q && l.k && l.v),
    mlm: !!names.logits && !/SequenceClassification|TokenClassification|MultipleChoice/.test(archs),
    nsp: !!names.nsp,
    qa: !!names.start && !!names.end,
    tokenTypes: session.inputNames.includes('token_type_ids'),
  };
  info.capabilities = capabilities;
  const typeVocab = typeof cfg.type_vocab_size === 'number' ? cfg.type_vocab_size : 2;
  const shared: Shared = {
    session,
    plan,
    info,
    typeVocab,
    names,
    threads,
    split: head && split && { quantized: split.quantized },
    head: head && Promise.resolve(head),
  };
  try {
    await probe(shared, file);
  } catch (e) {
    await session.release();
    await head?.release();
    throw e;
  }
  return shared;
}

/**
 * Reads and taps the model file, checks it against config.json, and cuts the graphs the sessions load: encoder + MLM
 * head (encoder.ts), or the full tapped graph when `full` is asked or there is no head to split off.
 */
function graphsOf(
  modelFile: string,
  file: string,
  info: ModelInfo,
  archs: string,
  full: boolean,
  cfg: Record<string, unknown>,
  corrupt: (why: string, cause?: unknown) => BertLensError,
): { plan: TapPlan; split?: SplitModel; full?: Uint8Array } {
  let bytes: Uint8Array;
  try {
    bytes = readBounded(modelFile);
  } catch (e) {
    if (e instanceof BertLensError) throw e; // a device or an oversized file: the error says so
    throw new BertLensError(
      'MODEL_NOT_FOUND',
      `Model ${info.id}: cannot read ${modelFile} (${(e as Error).message}). Check the folder or download the model again.`,
      { model: info.id, file, cause: e },
    );
  }
  let tapped: TappedModel;
  try {
    tapped = tapModel(bytes, info.layers);
  } catch (e) {
    throw corrupt((e as Error).message, e);
  }
  checkConsistency(info, cfg, tapped.graph, tapped.plan, file);
  const split = full ? undefined : splitModel(tapped, info.layers, info.hidden, archs);
  return { plan: tapped.plan, split, full: split ? undefined : tapped.bytes };
}

/**
 * One two-token run at load time: the tapped tensors must have the shapes config.json implies (heads, hidden size),
 * else every view would fail later with a message about the graph instead of the config.
 */
async function probe(s: Shared, file: string): Promise<void> {
  const { info, plan } = s;
  const fetch: Record<string, { dims: number[]; what: string }> = {};
  if (info.capabilities.attention)
    fetch[plan.layers[0].attention] = {
      dims: [1, info.heads, 2, 2],
      what: `${info.heads} attention heads (num_attention_heads / n_heads)`,
    };
  if (info.capabilities.hidden)
    fetch[plan.hidden[info.layers]] = { dims: [1, 2, info.hidden], what: `hidden size ${info.hidden} (hidden_size / dim)` };
  if (!Object.keys(fetch).length) return;
  const res = await s.session.run(feedsFor(s, [{ ids: [0, 0] }]), Object.keys(fetch));
  for (const [name, want] of Object.entries(fetch)) {
    const got = res[name].dims;
    if (got.length !== want.dims.length || got.some((x, i) => x !== want.dims[i])) {
      throw new BertLensError(
        'CORRUPT_MODEL',
        `Model ${info.id}: config.json says ${want.what}, but ${file} computes ${name} with shape [${got.join(',')}] where [${want.dims.join(',')}] was expected. config.json and ${file} must come from the same export; re-download the model or use the config.json that was exported with ${file}.`,
        { model: info.id, file },
      );
    }
  }
}

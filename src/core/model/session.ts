// Loading a model: one onnxruntime-node session over the lean graph (or encoder + MLM head; tapped-session.ts adds the
// attention taps when first asked for), checked against config.json and shared by every caller until the last
// dispose(); its runs are in run.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Capabilities, LoadOptions, LoadedModel, ModelInfo, StoreOptions } from '../api';
import { BertLensError, throwIfAborted } from './errors';
import { readModelInfo } from './info';
import { defaultCacheDir, resolveModel } from './store';
import { tapModel, type TapPlan, type TappedModel } from './taps';
import { checkConsistency } from './checks';
import { readBounded, readJsonText } from './files';
import { createHeadSession, runHead, type HeadSource } from './head-session';
import { splitModel, type SplitModel } from './encoder';
import { collectGarbage, discard } from './gc';
import { mappedFile, sessionOver } from './mapped';
import { appendOutputs } from './graph';
import { leanEdits, leanGraph, leanTaps } from './tapped-session';
import { sessionOptions } from './options';
import { probeShapes, runBatched, type Shared } from './run';

export interface ModelLoadOptions extends LoadOptions {
  /** Upper bound for one batch's outputs and activations (run.ts bytesPerRow); bigger requests are split into several
   * runs (default 64 MiB: one 512-token BERT-base window a run, as its arena then stays small). */
  memoryBudgetBytes?: number;
  /** Run the exported graph whole, MLM decoder over every position included, as before the encoder/head split
   * (encoder.ts); for parity tests and the benchmark. */
  fullGraph?: boolean;
  /** Fuse each attention block the lean graph does not tap into one MultiHeadAttention node (fuse-attention.ts;
   * default true); false for parity tests and the benchmark. */
  fuseAttention?: boolean;
}

// One session per model file + thread count, shared by every loadModel() caller until the last dispose(). The count
// is taken synchronously, so a dispose() racing a concurrent load can never release a session about to be handed out.
const sessions = new Map<string, { pending: Promise<Shared>; refs: number }>();
const splitModels = new WeakSet<LoadedModel>();

/** Whether `model` runs as encoder + head on the requested rows (encoder.ts) rather than as one full graph. */
export const runsSplit = (model: LoadedModel): boolean => splitModels.has(model);
const leanOf = new WeakMap<LoadedModel, Shared>();

/** Whether `model`'s session still lacks the attention and Q/K/V taps (tapped-session.ts: made on first request). */
export const runsLean = (model: LoadedModel): boolean => !!leanOf.get(model)?.lean;

/** Whether `model`'s lean session runs its untapped attention blocks fused (fuse-attention.ts). */
export const runsFused = (model: LoadedModel): boolean => !!leanOf.get(model)?.lean && !!leanOf.get(model)?.fused;

export async function loadModel(source: string, store: StoreOptions = {}, load: ModelLoadOptions = {}): Promise<LoadedModel> {
  throwIfAborted(load.signal, `Loading ${source}`);
  const resolved = await resolveModel(source, { ...store, ...load, dtype: load.dtype ?? store.dtype });
  const threads = Math.max(1, store.threads ?? Math.min(2, os.cpus().length));
  const full = !!load.fullGraph;
  const fuse = load.fuseAttention ?? true;
  const key = `${resolved.modelFile}|${threads}${full ? '|full' : ''}${fuse ? '' : '|unfused'}`;
  let entry = sessions.get(key);
  if (!entry) {
    const cacheDir = store.cacheDir ?? defaultCacheDir();
    const created = { pending: createShared(source, resolved, cacheDir, threads, { full, attention: !!load.attention, fuse }), refs: 0 };
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
      return runBatched(shared, rows, req, signal, load.memoryBudgetBytes ?? 64 * 2 ** 20);
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
        await shared.tapped?.catch(() => undefined); // a swap in progress ends with one session in `session`
        if (!shared.lost) await shared.session.release();
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
  leanOf.set(model, shared);
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
  return { info, hidden: plan.hidden[info.layers], logits: names.logits, options: sessionOptions(s.threads), file: s.mapped };
}

async function createShared(
  source: string,
  resolved: Awaited<ReturnType<typeof resolveModel>>,
  cacheDir: string,
  threads: number,
  graphs: GraphChoice,
): Promise<Shared> {
  const shared = await openShared(source, resolved, cacheDir, threads, graphs);
  collectGarbage(); // the graphs onnxruntime copied, out of scope now
  return shared;
}

async function openShared(
  source: string,
  resolved: Awaited<ReturnType<typeof resolveModel>>,
  cacheDir: string,
  threads: number,
  choice: GraphChoice,
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
  const mapped = mappedFile(resolved.source, resolved.modelFile, cacheDir); // model/mapped.ts: weights mapped, not copied
  const graphs = graphsOf(resolved.modelFile, file, info, archs, choice, cfg, corrupt, mapped);
  const { plan, split, whole } = graphs;
  let { lean, fused } = graphs;
  const options = sessionOptions(threads);
  collectGarbage();
  let session: ort.InferenceSession | undefined;
  let head: ort.InferenceSession | undefined;
  if (split) {
    try {
      session = await sessionOver(resolved.modelFile, split.encoder, options, mapped);
      const src = { info, hidden: split.hidden, logits: split.logits, options: sessionOptions(threads) };
      head = await createHeadSession(src, split.head);
    } catch {
      // The full graph below either loads (and runs as before) or fails with the message it always had.
      await session?.release();
      session = head = undefined;
      lean = fused = false;
    }
  }
  try {
    // The full graph (lean or tapped): asked for, no MLM head to split off, or the split graphs did not load (then
    // read again, every tap in).
    const tappedWhole = () =>
      sessionOver(resolved.modelFile, tapModel(readBounded(resolved.modelFile), info.layers).bytes, options, undefined);
    session ??= whole
      ? await sessionOver(resolved.modelFile, whole, options, mapped).catch((e: unknown) => {
          if (!fused) throw e;
          lean = fused = false; // a fused graph this onnxruntime refuses: the graph as exported, every tap in
          return tappedWhole();
        })
      : await tappedWhole();
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
    lean,
    archs,
    mapped,
    fused,
    running: 0,
    idle: [],
  };
  try {
    await probeShapes(shared, session, file);
  } catch (e) {
    await session.release();
    await head?.release();
    throw e;
  }
  return shared;
}

/** Which graphs a load makes: `full` the exported graph whole (every tap, MLM decoder in), `attention` every tap from
 * the start, `fuse` the lean graph's untapped attention blocks fused (fuse-attention.ts). */
interface GraphChoice {
  full: boolean;
  attention: boolean;
  fuse: boolean;
}

/**
 * Reads and taps the model file, checks it against config.json, and cuts the graphs the sessions load: encoder + MLM
 * head (encoder.ts), or the whole graph when `full` is asked or there is no head to split off. `lean`: the graph
 * outputs the hidden states and layer 1's attention only (tapped-session.ts adds the rest when first asked for);
 * `full` (one graph, as before the split) and `attention` keep every tap. `fused`: the lean graphs fuse attention.
 */
function graphsOf(
  modelFile: string,
  file: string,
  info: ModelInfo,
  archs: string,
  { full, attention, fuse }: GraphChoice,
  cfg: Record<string, unknown>,
  corrupt: (why: string, cause?: unknown) => BertLensError,
  mapped: string | undefined,
): { plan: TapPlan; split?: SplitModel; whole?: Uint8Array; lean: boolean; fused: boolean } {
  let bytes: Uint8Array;
  try {
    bytes = readBounded(mapped ?? modelFile); // a snapshot's bytes are the file's, at the offsets the graphs refer to
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
  if (mapped) tapped.graph.external = path.basename(mapped);
  const lean = !full && !attention && tapped.plan.layers.length > 0; // asked for, and something to leave out
  const taps = lean ? leanTaps(tapped.plan) : tapped.taps;
  const edits = lean ? leanEdits(tapped, info, fuse) : undefined;
  const split = full ? undefined : splitModel(tapped, info.layers, info.hidden, archs, taps, edits);
  const whole = split ? undefined : lean ? leanGraph(tapped, info, false, archs, edits) : appendOutputs(tapped.graph, taps);
  discard(bytes, [split?.encoder, split?.head, whole]); // nothing reads the file's bytes from here on (gc.ts)
  return { plan: tapped.plan, split, whole, lean, fused: !!edits };
}

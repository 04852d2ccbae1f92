// onnxruntime-node session over the tapped graph; LoadedModel.run() pads, batches, fetches and trims outputs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Capabilities, LoadOptions, LoadedModel, ModelInfo, RunOutput, RunRequest, RunRow, StoreOptions } from '../api';
import { BertLensError, throwIfAborted } from './errors';
import { readModelInfo } from './info';
import { rowAttention, rowHeads, rowHidden, rowPositions } from './outputs';
import { resolveModel } from './store';
import { tapModel, type TapPlan } from './taps';
import { checkConsistency } from './checks';
import { checkRequest, checkRows } from './validate';
import { readBounded, readJsonText } from './files';
import { createHeadSession, runHead, type HeadSource } from './head-session';
import { createAblationSession } from './ablation-session';
import { HEAD_MASK } from './head-mask';
import { headOnRows, splitModel } from './encoder';

export interface ModelLoadOptions extends LoadOptions {
  /** Upper bound for one batch's tapped outputs; bigger requests are split into several runs (default 256 MiB). */
  memoryBudgetBytes?: number;
  /** Run the exported graph whole, MLM decoder over every position included, as before the encoder/head split
   * (encoder.ts); for parity tests and the benchmark. */
  fullGraph?: boolean;
}

interface Shared {
  session: ort.InferenceSession;
  plan: TapPlan;
  info: ModelInfo;
  typeVocab: number;
  names: { logits?: string; nsp?: string; start?: string; end?: string };
  threads: number;
  head?: Promise<ort.InferenceSession>; // the MLM head alone (head-session.ts): at load when split, else on first use
  split?: { quantized: boolean }; // `session` is the encoder without the MLM decoder; MLM logits come from `head`
  ablation?: Promise<ort.InferenceSession>; // the graph with a head_mask input (ablation-session.ts), on first use
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

/** docs/TECH-NOTES.md §5.1: few threads, no idle spinning (an editor must not burn CPU between runs). */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    // Errors only: ORT's graph-cleanup warnings would otherwise land on the CLI's stderr and the extension log.
    logSeverityLevel: 3,
  };
}

async function createShared(
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
  let bytes: Uint8Array;
  try {
    bytes = readBounded(resolved.modelFile);
  } catch (e) {
    if (e instanceof BertLensError) throw e; // a device or an oversized file: the error says so
    throw new BertLensError(
      'MODEL_NOT_FOUND',
      `Model ${source}: cannot read ${resolved.modelFile} (${(e as Error).message}). Check the folder or download the model again.`,
      { model: source, file, cause: e },
    );
  }
  let tapped: ReturnType<typeof tapModel>;
  try {
    tapped = tapModel(bytes, info.layers);
  } catch (e) {
    throw corrupt((e as Error).message, e);
  }
  const cfg = JSON.parse(readJsonText(path.join(resolved.dir, 'config.json'))) as Record<string, unknown>;
  checkConsistency(info, cfg, tapped.graph, tapped.plan, file);
  const options = sessionOptions(threads);
  // External weights (model.onnx_data[_N]) sit next to the .onnx; a graph loaded from bytes needs them passed in.
  const dir = path.dirname(resolved.modelFile);
  const base = path.basename(resolved.modelFile);
  const ext = fs.readdirSync(dir).filter((f) => f.startsWith(`${base}_data`));
  if (ext.length) options.externalData = ext.map((f) => ({ path: f, data: readBounded(path.join(dir, f)) }));
  const archs = JSON.stringify(cfg.architectures ?? '');
  const split = full ? undefined : splitModel(tapped, info.layers, info.hidden, archs);
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
    session ??= await ort.InferenceSession.create(tapped.bytes, options);
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
  const plan = tapped.plan;
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

// ORT runs the whole tapped graph whatever is fetched (docs/TECH-NOTES.md §6: fetching only the embedding output costs a full
// forward), so every tapped output exists during a run: count them all, not just the request. MLM logits: [T, vocab]
// when the graph computes them (full graph), else the head's [positions, vocab] for the requested positions only.
function bytesPerRow(s: Shared, T: number, viaHead: boolean, positions: number): number {
  const { heads, hidden, vocabSize } = s.info;
  const L = s.plan.layers.length;
  let floats = L * heads * T * T + s.plan.hidden.length * T * hidden + L * 3 * T * hidden;
  if (s.names.logits) floats += (viaHead && !s.split?.quantized ? positions : T) * vocabSize;
  return 4 * floats + 64 * T;
}

/** The head-mask session, created once per shared model (a failed creation is retried next time). */
function ablationSession(s: Shared): Promise<ort.InferenceSession> {
  if (!s.ablation) {
    const created = createAblationSession(s.info, s.plan, sessionOptions(s.threads));
    s.ablation = created;
    created.catch(() => s.ablation === created && (s.ablation = undefined));
  }
  return s.ablation;
}

async function runBatched(
  s: Shared,
  rows: RunRow[],
  req: RunRequest,
  signal: AbortSignal | undefined,
  budget: number,
): Promise<RunOutput[]> {
  checkRows(s.info, s.typeVocab, rows);
  checkRequest(s.info, rows, req);
  const masked = req.headMask ? await ablationSession(s) : undefined;
  const viaHead = !!s.split && !masked; // the head-mask graph is the full tapped graph: its logits come from it
  const positions = (i: number) => req.mlmPositions?.[i]?.length ?? 0;
  // Similar lengths together (less padding), then as many rows per run as the memory budget allows.
  const order = rows.map((r, i) => ({ i, n: r.ids.length })).sort((a, b) => a.n - b.n);
  const results = new Array<RunOutput>(rows.length);
  let k = 0;
  while (k < order.length) {
    throwIfAborted(signal, `Running ${s.info.id}`);
    let end = k + 1;
    let most = positions(order[k].i); // rows are sorted by length, not by positions: budget the most any row asks
    while (end < order.length && (end - k + 1) * bytesPerRow(s, order[end].n, viaHead, Math.max(most, positions(order[end].i))) <= budget)
      most = Math.max(most, positions(order[end++].i));
    const chunk = order.slice(k, end).map((o) => o.i);
    const mask = masked && req.headMask ? { session: masked, rows: chunk.map((i) => req.headMask![i]) } : undefined;
    const outs = await runOnce(
      s,
      chunk.map((i) => rows[i]),
      chunk.map((i) => req.mlmPositions?.[i]),
      req,
      mask,
      viaHead,
    );
    chunk.forEach((i, j) => (results[i] = outs[j]));
    k = end;
  }
  return results;
}

function feedsFor(s: Shared, rows: RunRow[]): Record<string, ort.Tensor> {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.ids.length));
  const ids = new BigInt64Array(B * T);
  const mask = new BigInt64Array(B * T);
  const types = new BigInt64Array(B * T);
  rows.forEach((r, b) => {
    r.ids.forEach((id, t) => {
      ids[b * T + t] = BigInt(id);
      mask[b * T + t] = 1n;
      types[b * T + t] = BigInt(r.typeIds?.[t] ?? 0);
    });
  });
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of s.session.inputNames) {
    // Input names were checked at load time.
    const data = name === 'input_ids' ? ids : name === 'attention_mask' ? mask : types;
    feeds[name] = new ort.Tensor('int64', data, [B, T]);
  }
  return feeds;
}

/**
 * `mask`: run the head-mask session instead, with each row's factors ([layers × heads]) as `head_mask`. `viaHead`:
 * the session is the encoder alone; MLM logits come from the head on the requested positions (encoder.ts).
 */
async function runOnce(
  s: Shared,
  rows: RunRow[],
  mlm: Array<number[] | undefined>,
  req: RunRequest,
  mask: { session: ort.InferenceSession; rows: Float32Array[] } | undefined,
  viaHead: boolean,
): Promise<RunOutput[]> {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.ids.length));
  const feeds = feedsFor(s, rows);
  const session = mask?.session ?? s.session;
  if (mask) {
    const LH = s.info.layers * s.info.heads;
    const data = new Float32Array(B * LH);
    mask.rows.forEach((m, b) => data.set(m, b * LH));
    feeds[HEAD_MASK] = new ort.Tensor('float32', data, [B, s.info.layers, s.info.heads]);
  }
  const { plan, names } = s;
  const fetch = new Set<string>();
  for (const l of req.hiddenLayers ?? []) fetch.add(plan.hidden[l]);
  for (const l of req.attentionLayers ?? []) fetch.add(plan.layers[l - 1].attention);
  for (const l of req.qkvLayers ?? []) for (const t of ['q', 'k', 'v'] as const) fetch.add(plan.layers[l - 1][t]!.name);
  const lastHidden = plan.hidden[s.info.layers];
  if (req.mlmPositions && names.logits) fetch.add(viaHead ? lastHidden : names.logits);
  if (req.nsp && names.nsp) fetch.add(names.nsp);
  if (req.qa && names.start && names.end) [names.start, names.end].forEach((n) => fetch.add(n));
  if (fetch.size === 0) fetch.add(s.session.outputNames[0]); // ORT needs at least one fetch
  let res: ort.InferenceSession.OnnxValueMapType;
  let headRows: Array<Float32Array | undefined> | undefined;
  const H = s.info.hidden;
  try {
    res = await session.run(feeds, [...fetch]);
    if (viaHead && req.mlmPositions && names.logits)
      headRows = await headOnRows(
        await s.head!,
        { hidden: lastHidden, logits: names.logits },
        res[lastHidden].data as Float32Array,
        T,
        H,
        mlm,
        s.split!.quantized,
      );
  } catch (e) {
    throw new BertLensError(
      'BAD_INPUT',
      `Model ${s.info.id} failed on a batch of ${B}×${T} tokens: ${String((e as Error).message).split('\n')[0]}. Try shorter inputs or another model.`,
      { model: s.info.id, cause: e },
    );
  }
  const heads = s.info.heads;
  // A tap found by pattern must have the shape its consumer assumes; a surprise graph fails loudly, not silently.
  const want: Record<string, number[]> = {};
  for (const l of req.hiddenLayers ?? []) want[plan.hidden[l]] = [B, T, H];
  for (const l of req.attentionLayers ?? []) want[plan.layers[l - 1].attention] = [B, heads, T, T];
  for (const [name, dims] of Object.entries(want)) {
    const got = res[name].dims;
    if (got.length !== dims.length || got.some((x, i) => x !== dims[i]) || res[name].type !== 'float32') {
      throw new BertLensError(
        'ATTENTION_UNAVAILABLE',
        `Model ${s.info.id}: the tensor tapped as ${name} has shape [${got.join(',')}] (${res[name].type}), expected [${dims.join(',')}] float32 from config.json (hidden size ${H}, ${heads} heads). Check that config.json belongs to this ONNX file; if it does, this graph layout is not supported for attention/hidden views.`,
        { model: s.info.id },
      );
    }
  }
  // Damaged weights give NaN/∞ for some inputs only: refuse the batch rather than show NaN as a result.
  const checked = [...fetch].filter((n) => res[n].type === 'float32').map((n) => [n, res[n].data as Float32Array] as const);
  headRows?.forEach((d) => d && names.logits && checked.push([names.logits, d]));
  for (const [name, data] of checked) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new BertLensError(
          'CORRUPT_MODEL',
          `Model ${s.info.id} produced ${data[i]} in ${name} for this input (${B}×${T} tokens): its weights are damaged. Run bert-lens models verify ${s.info.id}, then re-download or re-export the model.`,
          { model: s.info.id },
        );
      }
    }
  }
  const f32 = (n: string) => res[n].data as Float32Array;
  return rows.map((r, b): RunOutput => {
    const seq = r.ids.length;
    const out: RunOutput = { seqLen: seq, hidden: {}, attention: {}, qkv: {} };
    for (const l of req.hiddenLayers ?? []) out.hidden[l] = rowHidden(f32(plan.hidden[l]), T, H, b, seq);
    for (const l of req.attentionLayers ?? []) out.attention[l] = rowAttention(f32(plan.layers[l - 1].attention), heads, T, b, seq);
    for (const l of req.qkvLayers ?? []) {
      const lt = plan.layers[l - 1];
      const [q, k, v] = [lt.q!, lt.k!, lt.v!].map((t) => rowHeads(f32(t.name), t.layout, res[t.name].dims, b, seq));
      out.qkv[l] = { q, k, v, headDim: H / heads };
    }
    const pos = mlm[b];
    if (pos && names.logits) out.mlmLogits = headRows ? headRows[b] : rowPositions(f32(names.logits), T, res[names.logits].dims[2], b, pos);
    if (req.nsp && names.nsp) out.nspLogits = f32(names.nsp).slice(b * 2, b * 2 + 2);
    if (req.qa && names.start && names.end) {
      out.startLogits = f32(names.start).slice(b * T, b * T + seq);
      out.endLogits = f32(names.end).slice(b * T, b * T + seq);
    }
    return out;
  });
}

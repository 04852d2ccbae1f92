// LoadedModel.run() on a loaded model (session.ts): pads, batches within a memory budget, fetches the requested taps
// and trims each row's outputs; MLM logits from the head on the requested rows when the model runs split (encoder.ts).
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelInfo, RunOutput, RunRequest, RunRow } from '../api';
import { BertLensError, throwIfAborted } from './errors';
import { rowAttention, rowHeads, rowHidden, rowPositions } from './outputs';
import type { TapPlan } from './taps';
import { checkRequest, checkRows } from './validate';
import { createAblationSession } from './ablation-session';
import { HEAD_MASK } from './head-mask';
import { headOnRows } from './encoder';
import { sessionOptions } from './options';
import { collectGarbage } from './gc';
import { graphsForTaps, sessionFrom } from './tapped-session';

/** A loaded model file's sessions and what was learnt about its graph, shared by every loadModel() of it. */
export interface Shared {
  session: ort.InferenceSession;
  plan: TapPlan;
  info: ModelInfo;
  typeVocab: number;
  names: { logits?: string; nsp?: string; start?: string; end?: string };
  threads: number;
  head?: Promise<ort.InferenceSession>; // the MLM head alone (head-session.ts): at load when split, else on first use
  split?: { quantized: boolean }; // `session` is the encoder without the MLM decoder; MLM logits come from `head`
  ablation?: Promise<ort.InferenceSession>; // the graph with a head_mask input (ablation-session.ts), on first use
  /** `session` outputs the hidden states and layer 1's attention, no other attention or Q/K/V: the first run asking
   * for attention or Q/K/V makes the tapped session (tapped-session.ts), which then replaces it. */
  lean: boolean;
  tapped?: Promise<void>; // the swap to the tapped session (withTaps), pending or done
  running: number; // runBatched calls in flight (a swap waits for none)
  idle: Array<() => void>; // a pending swap, woken when `running` falls to 0
  lost?: BertLensError; // a failed swap could not load the lean session again: every run says so
  archs: string; // config.json's architectures (splitModel decides by them)
  mapped?: string; // the file the sessions map their weights from (mapped.ts), read again for the tapped session
  fused: boolean; // the lean graph has its untapped attention blocks fused (fuse-attention.ts)
}

// ORT runs the whole graph whatever is fetched (docs/TECH-NOTES.md §6: fetching only the embedding output costs a full
// forward), and every graph output lives until the run ends: count all the session's taps, not just the request. A
// lean session (layer 1's attention its only attention tap) frees each layer's attention as it goes: that tap, one
// layer's scores and probabilities and its feed-forward activation are counted. MLM logits: [T, vocab] when the
// graph computes them (full graph), else the head's [positions, vocab] for the requested positions only.
function bytesPerRow(s: Shared, T: number, viaHead: boolean, positions: number): number {
  const { heads, hidden, vocabSize } = s.info;
  const L = s.plan.layers.length;
  let floats = s.plan.hidden.length * T * hidden;
  floats += s.lean ? 3 * heads * T * T + 8 * T * hidden : L * heads * T * T + L * 3 * T * hidden;
  // An int8 head returns the union of the batch's positions: at most T per row.
  if (s.names.logits) floats += (viaHead && !s.split?.quantized ? positions : T) * vocabSize;
  return 4 * floats + 64 * T;
}

/** The head-mask session, created once per shared model (a failed creation is retried next time). */
function ablationSession(s: Shared): Promise<ort.InferenceSession> {
  if (!s.ablation) {
    // Collected after: the file, its tapped copy and the spliced graph (three model-sized buffers) are garbage by then.
    const created = createAblationSession(s.info, s.plan, sessionOptions(s.threads), s.mapped).then((x) => (collectGarbage(), x));
    s.ablation = created;
    created.catch(() => s.ablation === created && (s.ablation = undefined));
  }
  return s.ablation;
}

/**
 * Swaps the tapped session in for the lean one (once; retried after a failure). The graph is cut first, so a file that
 * changed leaves the model as it was; then, with no run in flight (runs arriving meanwhile wait in runBatched), the
 * lean session is released before the tapped one is made, so the allocator reuses its memory. Should the tapped
 * session fail to load, a lean one is made again from the same file read.
 */
function withTaps(s: Shared): Promise<void> {
  if (!s.tapped) {
    const created = swapIn(s).then(() => collectGarbage()); // the file read and the graph onnxruntime copied
    s.tapped = created;
    created.catch(() => s.tapped === created && (s.tapped = undefined)); // retried on the next request
  }
  return s.tapped;
}

async function swapIn(s: Shared): Promise<void> {
  const { mapped } = s;
  const graphs = graphsForTaps(s.info, s.plan, !!s.split, s.archs, mapped, s.fused);
  while (s.running > 0) await new Promise<void>((r) => s.idle.push(r));
  await s.session.release();
  const options = sessionOptions(s.threads);
  let t: ort.InferenceSession | undefined;
  try {
    t = await sessionFrom(s.info, graphs.tapped, options, mapped);
    s.session = t; // probeShapes feeds it by its own input names
    await probeShapes(s, t, path.basename(s.info.modelFile));
    s.lean = false;
  } catch (e) {
    await t?.release();
    try {
      s.session = await sessionFrom(s.info, graphs.lean(), options, mapped); // as loaded: the model keeps working
    } catch (again) {
      s.lost = new BertLensError(
        'CORRUPT_MODEL',
        `Model ${s.info.id} could not be loaded again from ${s.info.modelFile} (${(again as Error).message}). Load the model again (in VS Code: restart BERT Lens).`,
        { model: s.info.id, cause: again, fix: [{ option: 'model' }] },
      );
    }
    throw e;
  }
}

export async function runBatched(
  s: Shared,
  rows: RunRow[],
  req: RunRequest,
  signal: AbortSignal | undefined,
  budget: number,
): Promise<RunOutput[]> {
  checkRows(s.info, s.typeVocab, rows);
  checkRequest(s.info, rows, req);
  const taps = !req.headMask && !!(req.attentionLayers?.length || req.qkvLayers?.length);
  // While a swap is pending no run starts; an attention run makes the swap, others wait for its end (or failure).
  while (s.lean && !s.lost && (s.tapped || taps)) {
    if (taps) await withTaps(s);
    else await s.tapped!.catch(() => undefined);
  }
  if (s.lost) throw s.lost;
  s.running++;
  try {
    return await runChunks(s, rows, req, signal, budget);
  } finally {
    if (--s.running === 0) s.idle.splice(0).forEach((wake) => wake());
  }
}

/** runBatched's work once the session is settled: rows sorted by length, packed into runs within the budget. */
async function runChunks(...[s, rows, req, signal, budget]: Parameters<typeof runBatched>): Promise<RunOutput[]> {
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

/** Where the low and high 32 bits of an int64 sit in memory. */
const [LO, HI] = os.endianness() === 'LE' ? [0, 1] : [1, 0];

export function feedsFor(s: Shared, rows: RunRow[]): Record<string, ort.Tensor> {
  const B = rows.length;
  let T = 0;
  for (const r of rows) T = Math.max(T, r.ids.length);
  const ids = new BigInt64Array(B * T);
  const mask = new BigInt64Array(B * T);
  const types = new BigInt64Array(B * T);
  // Written as 32-bit halves (exact for any safe integer): a BigInt per element cost as much as the rest of a
  // one-window re-encode on a small model.
  const [i32, m32, t32] = [ids, mask, types].map((a) => new Int32Array(a.buffer));
  for (let b = 0; b < B; b++) {
    const r = rows[b];
    for (let t = 0; t < r.ids.length; t++) {
      const k = 2 * (b * T + t);
      const id = r.ids[t];
      const ty = r.typeIds?.[t] ?? 0;
      i32[k + LO] = id;
      i32[k + HI] = Math.floor(id / 2 ** 32);
      m32[k + LO] = 1;
      t32[k + LO] = ty;
      t32[k + HI] = Math.floor(ty / 2 ** 32);
    }
  }
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

/**
 * One two-token run (at load, and on the tapped session before it is used): the tapped tensors must have the shapes
 * config.json implies (heads, hidden size), else every view would fail later with a message about the graph instead of
 * the config.
 */
export async function probeShapes(s: Shared, session: ort.InferenceSession, file: string): Promise<void> {
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
  const res = await session.run(feedsFor(s, [{ ids: [0, 0] }]), Object.keys(fetch));
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

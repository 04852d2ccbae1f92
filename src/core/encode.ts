// Encode a document: windows → rows [CLS] window [SEP] → batched model runs with only the requested taps,
// reusing cached window outputs whose tokens did not change.
import type {
  EncodeOptions,
  EncodedOutput,
  EncodedWindow,
  Encoding,
  LoadedModel,
  ModelInfo,
  RunRequest,
  Tokenized,
  WindowSpan,
} from './api';
import { toInt8Rows } from './hidden-rows';
import { BertLensError, throwIfAborted } from './model/errors';
import { modelKey, windowKey, withTextHash, type WindowCache } from './cache';
import { spliceOf } from './text/splice';
import type { TextTokenizer } from './text/tokenizer';
import { planWindows, replanWindows } from './text/windows';

export const BATCH = 4;

function layerList(v: number[] | 'all' | undefined, all: number[], dflt: number[]): number[] {
  if (v === 'all') return all;
  return v ?? dflt;
}

/** Does a cached output carry every tap this request needs? (Loops, not every(): asked for each window of a document.) */
function hasTaps(o: EncodedOutput, req: RunRequest): boolean {
  for (const l of req.hiddenLayers!) if (!o.hidden[l]) return false;
  for (const l of req.attentionLayers!) if (!o.attention[l]) return false;
  for (const l of req.qkvLayers!) if (!o.qkv[l]) return false;
  return true;
}

export async function encodeText(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  opts: EncodeOptions,
  cache: WindowCache,
): Promise<Encoding> {
  const info = model.info;
  const L = info.layers;
  const hiddenAll = Array.from({ length: L + 1 }, (_, i) => i);
  const attAll = Array.from({ length: L }, (_, i) => i + 1);
  const req: RunRequest = {
    hiddenLayers: layerList(opts.hiddenLayers, hiddenAll, hiddenAll),
    attentionLayers: layerList(opts.attentionLayers, attAll, []),
    qkvLayers: opts.qkvLayers ?? [],
  };
  if (req.attentionLayers!.length && !info.capabilities.attention) {
    throw new BertLensError(
      'ATTENTION_UNAVAILABLE',
      `Attention is unavailable for ${info.id}: its graph fuses attention (no Softmax between Q·Kᵀ and ·V). Use a model exported without the ORT attention fusion.`,
      { model: info.id, fix: [{ option: 'model' }] },
    );
  }
  if (req.qkvLayers!.length && !info.capabilities.qkv) {
    throw new BertLensError(
      'ATTENTION_UNAVAILABLE',
      `Query/key/value tensors are unavailable for ${info.id} (fused attention), so the explainer cannot run on it. Use a model exported with plain attention ops.`,
      { model: info.id, fix: [{ option: 'model' }] },
    );
  }
  for (const l of [...req.attentionLayers!, ...req.qkvLayers!]) {
    if (!(l >= 1 && l <= L))
      throw new BertLensError('BAD_INPUT', `Layer ${l} does not exist: ${info.id} has layers 1..${L}.`, { model: info.id });
  }
  const tok = tk.tokenize(text);
  const maxTokens = Math.min(opts.maxTokens ?? info.maxPositions - 2, info.maxPositions - 2);
  const plan = planOf(info, tk, tok, maxTokens, opts.overlap);
  let { spans, ids, keys } = plan;
  if (opts.range) {
    const { start, end } = opts.range;
    const picked = spans.flatMap((s, i) => {
      if (s.wordEnd <= s.wordStart) return [i];
      const a = tok.words.starts[s.wordStart];
      const b = tok.words.ends[s.wordEnd - 1];
      return a <= end && b >= start ? [i] : [];
    });
    [spans, ids, keys] = [picked.map((i) => spans[i]), picked.map((i) => ids[i]), picked.map((i) => keys[i])];
  }
  const cached = new Array<EncodedOutput | undefined>(keys.length);
  const outs = new Array<EncodedOutput | undefined>(keys.length);
  // Windows still to run, one per distinct content (repeated passages run once). One plain loop: after an edit this
  // pass over every window of the document is most of what a re-encode costs.
  const first = new Map<string, number>();
  const todo: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const o = (cached[i] = cache.get(keys[i]));
    if (o && hasTaps(o, req)) outs[i] = o;
    else if (!first.has(keys[i])) {
      first.set(keys[i], i);
      todo.push(i);
    }
  }
  const hiddenBytes = spans.reduce((n, s) => n + (s.tokenEnd - s.tokenStart + 2), 0) * info.hidden * 4 * req.hiddenLayers!.length;
  const compact = opts.compactHiddenAbove !== undefined && hiddenBytes > opts.compactHiddenAbove;
  cache.hits += outs.length - todo.length;
  cache.misses += todo.length;
  let done = 0;
  opts.onProgress?.(done, todo.length);
  for (let b = 0; b < todo.length; b += BATCH) {
    throwIfAborted(opts.signal, 'Encoding');
    const idx = todo.slice(b, b + BATCH);
    const res = await model.run(
      idx.map((i) => ({ ids: Array.from(ids[i]) })),
      req,
      opts.signal,
    );
    idx.forEach((i, k) => {
      const hidden = compact ? int8Hidden(res[k].hidden, info.hidden) : res[k].hidden;
      // Same tokens, same numbers: merge with the taps already cached so views don't evict each other's taps.
      const old = cached[i];
      const o: EncodedOutput = old
        ? {
            ...old,
            ...res[k],
            hidden: { ...old.hidden, ...hidden },
            attention: { ...old.attention, ...res[k].attention },
            qkv: { ...old.qkv, ...res[k].qkv },
          }
        : { ...res[k], hidden };
      outs[i] = o;
      cache.set(keys[i], o);
    });
    done += idx.length;
    opts.onProgress?.(done, todo.length);
  }
  keys.forEach((k, i) => (outs[i] ??= outs[first.get(k)!]));
  // Windows from the cache that an earlier, smaller encode kept as float32: compacted once, for the cache too.
  if (compact) {
    const compacted = new Map<EncodedOutput, EncodedOutput>(); // repeated passages share one output
    outs.forEach((o, i) => {
      if (!Object.values(o!.hidden).some((h) => h instanceof Float32Array)) return;
      let c = compacted.get(o!);
      if (!c) compacted.set(o!, (c = { ...o!, hidden: int8Hidden(o!.hidden, info.hidden) }));
      outs[i] = c;
      cache.set(keys[i], c);
    });
  }
  // Written out field by field: a spread of each of a big document's windows costs more than the rest of a re-encode.
  const windows: EncodedWindow[] = spans.map((s, i) => ({
    index: s.index,
    tokenStart: s.tokenStart,
    tokenEnd: s.tokenEnd,
    wordStart: s.wordStart,
    wordEnd: s.wordEnd,
    ownStart: s.ownStart,
    ownEnd: s.ownEnd,
    seqLen: ids[i].length,
    out: outs[i]!,
  }));
  return withTextHash({ model: info, tok, windows }, text);
}

function int8Hidden(hidden: EncodedOutput['hidden'], width: number): EncodedOutput['hidden'] {
  const h: EncodedOutput['hidden'] = {};
  for (const [l, a] of Object.entries(hidden)) h[+l] = a instanceof Float32Array ? toInt8Rows(a, width) : a;
  return h;
}

interface Plan {
  model: string;
  maxTokens: number;
  overlap: number | undefined;
  spans: WindowSpan[];
  ids: Int32Array[]; // [CLS] window [SEP] per window
  keys: string[]; // window cache keys
}

/** The window plan of each tokenized text still in use (the remembering tokenizer keeps the latest few). */
const plans = new WeakMap<Tokenized, Plan>();

/**
 * Windows, their ids and cache keys for `tok`. A text spliced from one planned before (an edit) is planned from that
 * plan: the windows the edit did not touch keep their ids and keys, so a 1-character edit costs the windows around
 * it, not a pass over every window of the document.
 */
function planOf(info: ModelInfo, tk: TextTokenizer, tok: Tokenized, maxTokens: number, overlap: number | undefined): Plan {
  const model = modelKey(info);
  const fits = (p: Plan | undefined): p is Plan => !!p && p.model === model && p.maxTokens === maxTokens && p.overlap === overlap;
  const known = plans.get(tok);
  if (fits(known)) return known;
  const sp = spliceOf(tok);
  const prev = sp && plans.get(sp.from);
  const { spans, from } = fits(prev)
    ? replanWindows(tok, { maxTokens, overlap }, prev.spans, sp!.edit)
    : { spans: planWindows(tok, { maxTokens, overlap }), from: undefined };
  const reused = (i: number) => (from && prev && from[i] >= 0 ? from[i] : -1);
  const ids = spans.map((s, i) => (reused(i) >= 0 ? prev!.ids[reused(i)] : windowIds(tok, s.tokenStart, s.tokenEnd, tk.special)));
  const keys = spans.map((_, i) => (reused(i) >= 0 ? prev!.keys[reused(i)] : windowKey(info, ids[i])));
  const plan = { model, maxTokens, overlap, spans, ids, keys };
  plans.set(tok, plan);
  return plan;
}

/** [CLS] tokens[from, to) [SEP] as ids. */
export function windowIds(tok: Tokenized, from: number, to: number, { cls, sep }: { cls: number; sep: number }): Int32Array {
  const a = new Int32Array(to - from + 2);
  a[0] = cls;
  a.set(tok.tokens.ids.subarray(from, to), 1);
  a[a.length - 1] = sep;
  return a;
}

/** The encoded window authoritative for a word, or undefined when that part of the text was not encoded. */
export function windowOf(enc: Encoding, word: number): EncodedWindow | undefined {
  return enc.windows.find((w) => word >= w.ownStart && word < w.ownEnd) ?? enc.windows.find((w) => word >= w.wordStart && word < w.wordEnd);
}

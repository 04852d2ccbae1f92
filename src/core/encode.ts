// Encode a document: windows → rows [CLS] window [SEP] → batched model runs with only the requested taps,
// reusing cached window outputs whose tokens did not change.
import type { EncodeOptions, EncodedOutput, EncodedWindow, Encoding, LoadedModel, RunRequest, Tokenized } from './api';
import { toInt8Rows } from './hidden-rows';
import { BertLensError, throwIfAborted } from './model/errors';
import { textHash, windowKey, type WindowCache } from './cache';
import type { TextTokenizer } from './text/tokenizer';
import { planWindows } from './text/windows';

export const BATCH = 4;

function layerList(v: number[] | 'all' | undefined, all: number[], dflt: number[]): number[] {
  if (v === 'all') return all;
  return v ?? dflt;
}

/** Does a cached output carry every tap this request needs? */
function hasTaps(o: EncodedOutput, req: RunRequest): boolean {
  return (
    (req.hiddenLayers ?? []).every((l) => o.hidden[l]) &&
    (req.attentionLayers ?? []).every((l) => o.attention[l]) &&
    (req.qkvLayers ?? []).every((l) => o.qkv[l])
  );
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
  let spans = planWindows(tok, { maxTokens, overlap: opts.overlap });
  if (opts.range) {
    const { start, end } = opts.range;
    spans = spans.filter((s) => {
      if (s.wordEnd <= s.wordStart) return true;
      const a = tok.words.starts[s.wordStart];
      const b = tok.words.ends[s.wordEnd - 1];
      return a <= end && b >= start;
    });
  }
  // Every window's ids are hashed on every encode (a 1-char edit re-runs one or two): typed, straight from the tokens.
  const ids = spans.map((s) => windowIds(tok, s.tokenStart, s.tokenEnd, tk.special));
  const keys = ids.map((r) => windowKey(info, r));
  const cached = keys.map((k) => cache.get(k));
  const outs: (EncodedOutput | undefined)[] = cached.map((o) => (o && hasTaps(o, req) ? o : undefined));
  // Windows still to run, one per distinct content (repeated passages run once).
  const first = new Map<string, number>();
  const todo = outs.flatMap((o, i) => {
    if (o || first.has(keys[i])) return [];
    first.set(keys[i], i);
    return [i];
  });
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
  const windows: EncodedWindow[] = spans.map((s, i) => ({ ...s, seqLen: ids[i].length, out: outs[i]! }));
  return { model: info, textHash: textHash(text), tok, windows };
}

function int8Hidden(hidden: EncodedOutput['hidden'], width: number): EncodedOutput['hidden'] {
  const h: EncodedOutput['hidden'] = {};
  for (const [l, a] of Object.entries(hidden)) h[+l] = a instanceof Float32Array ? toInt8Rows(a, width) : a;
  return h;
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

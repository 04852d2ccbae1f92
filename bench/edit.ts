// What a 1-character edit of a long document costs (core/text/splice.ts, the window cache), as ratios to the whole job
// in the same process: tokenize after the edit vs from scratch, and re-encode after the edit (remembered tokens and a
// warm window cache: the worker's path) vs a full encode (fresh cache and tokenizer). Shared by bench/tokenize.ts
// (RESULTS-tokenize.md, every model) and bench/run.ts (RESULTS.md, the main model).
import type { EncodeOptions, LoadedModel } from '../src/core/api';
import { WindowCache } from '../src/core/cache';
import { encodeText } from '../src/core/encode';
import type { TextTokenizer } from '../src/core/text/tokenizer';
import { remembering } from '../src/core/text/splice';
import { loadAverage, pair } from './pair';
import { flat, shuffledProse } from './prose';
import { collectGarbage } from '../src/core/model/gc';

/** `text` with one letter somewhere replaced by another (a new edit every call, so nothing is answered from memory). */
function edited(text: string, rand: () => number): string {
  for (;;) {
    const i = Math.floor(rand() * text.length);
    if (!/\p{L}/u.test(text[i])) continue;
    const c = /[\u4e00-\u9fff]/.test(text[i]) ? String.fromCharCode(0x4e00 + Math.floor(rand() * 2000)) : 'xyzq'[Math.floor(rand() * 4)];
    if (c !== text[i]) return flat(text.slice(0, i) + c + text.slice(i + 1));
  }
}

/**
 * One warm-up pair (each call edits the document anew), then interleaved pairs; with the ratio and the load. Each
 * timed call starts after a full garbage collection, untimed: a full encode leaves ~100 MB of garbage, whose collection
 * otherwise lands in the next edit's time (measured: a re-encode took ~4.5 ms after a full encode, ~2.4 ms after other
 * edits). Each side still pays the collections its own allocation triggers; the full encode is spared the collection
 * of its own garbage, so if anything this makes the edit's share larger.
 */
export async function timed(a: () => unknown, b: () => unknown, iters: number) {
  const { aMs, bMs, iqr } = await pair(a, b, iters, 1, collectGarbage);
  return { aMs, bMs, iqr, ratio: aMs / bMs, load: loadAverage() };
}

export type EditRow = Awaited<ReturnType<typeof timed>> & { name: string; a: string; b: string };

/** The two edit rows for `model` (loaded from `dir`) on a seeded ~`tokens`-token document of the repository's prose
 * (Chinese when `dir` names zh): `iters` encode pairs, four times as many tokenize pairs. */
export async function editRows(
  root: string,
  dir: string,
  model: LoadedModel,
  raw: TextTokenizer,
  iters: number,
  rand: () => number,
  tokens = 100_000,
): Promise<EditRow[]> {
  let text = shuffledProse(root, raw, /zh/.test(dir), tokens, rand);
  const n = raw.tokenize(text).tokens.length;
  const out: EditRow[] = [];
  const tk = remembering(raw);
  tk.tokenize(text);
  // The edited versions are made before timing: the worker receives each one ready (and flat).
  const versions = (k: number) => {
    const out: string[] = [];
    for (let v = text; out.length < k;) out.push((v = edited(v, rand)));
    return out;
  };
  let next = versions(iters * 4 + 2);
  const tokEdit = () => tk.tokenize((text = next.shift()!));
  const r1 = await timed(tokEdit, () => raw.tokenize(text), iters * 4);
  out.push({ name: `${dir}: tokenize after a 1-char edit vs whole (${n} tokens)`, a: 'spliced', b: 'from scratch', ...r1 });
  const opts: EncodeOptions = { hiddenLayers: [model.info.layers] };
  const cache = new WindowCache();
  await encodeText(model, tk, text, opts, cache);
  next = versions(iters + 2);
  const reEncode = () => encodeText(model, tk, (text = next.shift()!), opts, cache);
  const full = () => encodeText(model, raw, text, opts, new WindowCache());
  const fresh = new WindowCache();
  const windows = (await encodeText(model, raw, text, opts, fresh)).windows.length;
  const r2 = await timed(reEncode, full, iters);
  const name = `${dir}: re-encode after a 1-char edit vs full encode (${n} tokens, ${windows} windows, ${fresh.misses} run)`;
  out.push({ name, a: 're-encode', b: 'full encode', ...r2 });
  return out;
}

// Incremental tokenization (core/text/splice.ts): what a 1-character edit costs in a 100k-token document, as a ratio
// to the whole job in the same process — tokenize after the edit vs tokenize from scratch, and re-encode after the
// edit (remembered tokens + window cache, the worker's path) vs a full encode (fresh cache, fresh tokenizer).
// Usage: node --import tsx bench/tokenize.ts [--model <name|folder>]… [--iters N] [--tokens N]
// Appends nothing to bench/RESULTS.md (bench/run.ts owns it): writes bench/RESULTS-tokenize.md. No assertions on time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EncodeOptions, LoadedModel } from '../src/core/api';
import { loadModel } from '../src/core/model';
import { WindowCache } from '../src/core/cache';
import { encodeText } from '../src/core/encode';
import { loadTokenizer } from '../src/core/text/tokenizer';
import { remembering } from '../src/core/text/splice';
import { KeptTexts, keptRanges } from '../src/core/text/kept';
import { pair } from './pair';
import { flat, seeded, shuffledProse } from './prose';
import { collectGarbage } from '../src/core/model/gc';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string) => args.flatMap((a, i) => (a === `--${name}` ? [args[i + 1]] : []));
const ITERS = Number(arg('iters')[0] ?? 5);
const TOKENS = Number(arg('tokens')[0] ?? 100_000);
const THREADS = Math.min(2, os.cpus().length);
const MODELS = arg('model').length
  ? arg('model')
  : ['models/bert-lens-mini', 'models/bert-lens-zh', 'test/fixtures/tiny-bert', 'test/fixtures/tiny-distilbert'];

const load = () => Math.round(os.loadavg()[0] * 10) / 10;

/** Seeded randomness: the same documents and edits on every run. */
const rand = seeded(7);

/** `text` with one letter somewhere replaced by another (a new edit every call, so nothing is answered from memory). */
function edited(text: string): string {
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
async function timed(a: () => unknown, b: () => unknown, iters: number) {
  const r = await pair(a, b, iters, 1, collectGarbage);
  return { ...r, ratio: r.aMs / r.bMs, load: load() };
}

type Row = Awaited<ReturnType<typeof timed>> & { name: string; a: string; b: string };

async function rows(dir: string): Promise<Row[]> {
  const model: LoadedModel = await loadModel(path.resolve(ROOT, dir), { threads: THREADS, offline: true }, { dtype: 'auto' });
  const raw = await loadTokenizer(model.info.dir);
  const zh = /zh/.test(dir);
  let text = shuffledProse(ROOT, raw, zh, TOKENS, rand);
  const n = raw.tokenize(text).tokens.length;
  const out: Row[] = [];
  const tk = remembering(raw);
  tk.tokenize(text);
  // The edited versions are made before timing: the worker receives each one ready (and flat).
  const versions = (k: number) => {
    const out: string[] = [];
    for (let v = text; out.length < k;) out.push((v = edited(v)));
    return out;
  };
  let next = versions(ITERS * 4 + 2);
  const tokEdit = () => tk.tokenize((text = next.shift()!));
  const r1 = await timed(tokEdit, () => raw.tokenize(text), ITERS * 4);
  out.push({ name: `${dir}: tokenize after a 1-char edit vs whole (${n} tokens)`, a: 'spliced', b: 'from scratch', ...r1 });
  const opts: EncodeOptions = { hiddenLayers: [model.info.layers] };
  const cache = new WindowCache();
  await encodeText(model, tk, text, opts, cache);
  next = versions(ITERS + 2);
  const reEncode = () => encodeText(model, tk, (text = next.shift()!), opts, cache);
  const full = () => encodeText(model, raw, text, opts, new WindowCache());
  const fresh = new WindowCache();
  const windows = (await encodeText(model, raw, text, opts, fresh)).windows.length;
  const r2 = await timed(reEncode, full, ITERS);
  const name = `${dir}: re-encode after a 1-char edit vs full encode (${n} tokens, ${windows} windows, ${fresh.misses} run)`;
  out.push({ name, a: 're-encode', b: 'full encode', ...r2 });
  // A document over bertLens.maxDocumentChars reaches the worker with only the visible part and the cursor's
  // neighbourhood kept, the rest blanked (core/text/segments.ts); its first tokenization should cost what that part does.
  const big = shuffledProse(ROOT, raw, zh, 2_000_000, rand);
  const from = big.length >> 1;
  const view = { start: from, end: from + 4000 };
  const ranges = keptRanges(big, 50_000, [view], view.start, 2000, 1)!; // unwidened: the view and the cursor's neighbourhood
  const limited = new KeptTexts(big).get(ranges);
  const kept = ranges.map((r) => big.slice(r.start, r.end)).join('\n');
  const r3 = await timed(
    () => raw.tokenize(limited),
    () => raw.tokenize(kept),
    ITERS * 4,
  );
  const mb = (limited.length / 1e6).toFixed(1);
  out.push({
    name: `${dir}: tokenize a ${mb}M-character document over maxDocumentChars (blanked but the view) vs the view alone`,
    a: 'blanked document',
    b: 'view alone',
    ...r3,
  });
  await model.dispose();
  return out;
}

function markdown(all: Row[]): string {
  const f = (x: number) => x.toFixed(2);
  return [
    '# Incremental tokenization: benchmark results',
    '',
    `Written by \`node --import tsx bench/tokenize.ts\` on ${new Date().toISOString()}: ${THREADS} threads, ${ITERS} interleaved`,
    `pairs per encode row (${ITERS * 4} per tokenize row) after one warm-up pair; ${os.cpus()[0]?.model ?? 'CPU'} × ${os.cpus().length},`,
    `Node ${process.version}. Each edit replaces one letter at a random place (a new edit every time). The re-encode is`,
    "the worker's path: encodeText with the engine's remembering tokenizer and a warm window cache; the full encode has a",
    'fresh cache and tokenizer. Read the ratio, not the milliseconds; load = 1-minute load average when the row finished.',
    '',
    '| comparison | A | A ms | B | B ms | A/B | IQR of A/B | load |',
    '|---|---|---|---|---|---|---|---|',
    ...all.map(
      (r) =>
        `| ${r.name} | ${r.a} | ${f(r.aMs)} | ${r.b} | ${f(r.bMs)} | **${r.ratio.toFixed(4)}** | ${r.iqr.map((x) => x.toFixed(4)).join('–')} | ${r.load} |`,
    ),
    '',
  ].join('\n');
}

async function main() {
  const all: Row[] = [];
  for (const m of MODELS) {
    for (const r of await rows(m)) {
      all.push(r);
      console.log(`${r.name}: ${r.aMs.toFixed(2)} ms vs ${r.bMs.toFixed(2)} ms = ${r.ratio.toFixed(4)} (load ${r.load})`);
    }
  }
  fs.writeFileSync(path.join(ROOT, 'bench', 'RESULTS-tokenize.md'), markdown(all));
}

void main();

// Incremental tokenization (core/text/splice.ts): what a 1-character edit costs in a 100k-token document, as a ratio
// to the whole job in the same process — tokenize after the edit vs tokenize from scratch, and re-encode after the
// edit (remembered tokens + window cache, the worker's path) vs a full encode (fresh cache, fresh tokenizer).
// Usage: node --import tsx bench/tokenize.ts [--model <name|folder>]… [--iters N] [--tokens N]
// Appends nothing to bench/RESULTS.md (bench/run.ts owns it): writes bench/RESULTS-tokenize.md. No assertions on time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadedModel } from '../src/core/api';
import { loadModel } from '../src/core/model';
import { loadTokenizer } from '../src/core/text/tokenizer';
import { KeptTexts, keptRanges } from '../src/core/text/kept';
import { type EditRow, editRows, timed } from './edit';
import { seeded, shuffledProse } from './prose';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string) => args.flatMap((a, i) => (a === `--${name}` ? [args[i + 1]] : []));
const ITERS = Number(arg('iters')[0] ?? 5);
const TOKENS = Number(arg('tokens')[0] ?? 100_000);
const THREADS = Math.min(2, os.cpus().length);
const MODELS = arg('model').length
  ? arg('model')
  : ['models/bert-lens-mini', 'models/bert-lens-zh', 'test/fixtures/tiny-bert', 'test/fixtures/tiny-distilbert'];

/** Seeded randomness: the same documents and edits on every run. */
const rand = seeded(7);
type Row = EditRow;

async function rows(dir: string): Promise<Row[]> {
  const model: LoadedModel = await loadModel(path.resolve(ROOT, dir), { threads: THREADS, offline: true }, { dtype: 'auto' });
  const raw = await loadTokenizer(model.info.dir);
  const zh = /zh/.test(dir);
  const out: Row[] = await editRows(ROOT, dir, model, raw, ITERS, rand, TOKENS);
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

// npm run memory: peak RSS and wall time of a large document (default 10 MB, English and Chinese) through every CLI
// command that reads a whole document, through the tokenizer alone, and through the inference worker as the
// extension drives it (with the event-loop delay of the thread that stands in for the extension host). Each
// measurement runs in its own process. Prints a Markdown table. Goals (issue 12): ≤ 1.5 GB per 10 MB document,
// tokenizing ≤ 10× the text size, p99 event-loop delay ≤ 50 ms.
// Usage: node scripts/memory.mjs [--mb 10] [--only tokens,worker,...] [--lang en,zh]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDocument } from './memory/corpus.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const MB = Number(arg('mb', '10'));
const ONLY = arg('only', '')?.split(',').filter(Boolean);
const LANGS = arg('lang', 'en,zh').split(',');
const GOAL_MB = 1536;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-lens-memory-'));
const peakFile = path.join(tmp, 'peaks.jsonl');
const preload = path.join(ROOT, 'scripts', 'memory', 'peak.cjs');

/** Runs `node <args>` with the peak preload; returns its exit status, peak RSS (MB), wall time and stdout. */
function measure(args) {
  fs.writeFileSync(peakFile, '');
  // stdout to a file: the tokens of 10 MB are ~750 MB of JSON, longer than this process could hold as a string.
  const outFile = path.join(tmp, 'stdout');
  const fd = fs.openSync(outFile, 'w');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--require', preload, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', fd, 'pipe'],
    timeout: 60 * 60_000,
    env: { ...process.env, BERT_LENS_PEAK_FILE: peakFile, XDG_CACHE_HOME: path.join(tmp, 'cache') },
  });
  const ms = Date.now() - t0;
  fs.closeSync(fd);
  const outBytes = fs.statSync(outFile).size;
  const out = outBytes < 2 ** 20 ? fs.readFileSync(outFile, 'utf8') : '';
  // The first line is the measured process's own (a relaunched CLI would add its child's).
  const peaks = fs
    .readFileSync(peakFile, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const peakMb = Math.max(0, ...peaks.map((p) => p.peakMb));
  const err = (r.stderr ?? '')
    .replaceAll(ROOT, '.')
    .trim()
    .split('\n')
    .filter((l) => !/^\s+at /.test(l))
    .slice(-2)
    .join(' ');
  return { status: r.status ?? r.signal, peakMb, ms, out, outBytes, err };
}

const load = () => os.loadavg()[0].toFixed(2);
const rows = [];
function row(lang, what, r, extra = '', ok = r.status === 0 && r.peakMb <= GOAL_MB) {
  rows.push(
    `| ${lang} | ${what} | ${r.status} | ${r.peakMb} | ${(r.ms / 1000).toFixed(1)} | ${r.load} | ${ok ? 'met' : 'missed'} | ${extra} |`,
  );
  console.error(rows.at(-1) + (r.status === 0 ? '' : ` ${r.err}`));
}

for (const lang of LANGS) {
  const zh = lang === 'zh';
  // MB of UTF-8: a sample gives the bytes per character (a zh text mixes 3-byte Han with ASCII and newlines).
  const sample = makeDocument(100_000, { zh });
  const text = makeDocument(Math.round((MB * 2 ** 20 * sample.length) / Buffer.byteLength(sample)), { zh });
  const file = path.join(tmp, `${lang}.txt`);
  fs.writeFileSync(file, text);
  const bytes = fs.statSync(file).size;
  const word = zh ? '模' : 'model';
  const model = zh ? 'bert-lens-zh' : 'bert-lens-mini';
  console.error(`${lang}: ${(bytes / 2 ** 20).toFixed(1)} MB of UTF-8, ${text.length} characters (${file})`);
  const cli = {
    tokens: ['tokens', '--json'],
    'vectors --word': ['vectors', '--word', word, '--occurrence', '1', '--json'],
    // A word found ~1,000 times: the output is its occurrence × occurrence matrix (11,000 "model"s would be 5 GB).
    similar: ['similar', '--word', zh ? '云' : 'river', '--json'],
    attention: ['attention', '--word', word, '--json'],
    'mask --word': ['mask', '--word', word, '--json'],
    qa: ['qa', '--question', zh ? '什么是注意力？' : 'What is attention?', '--json'],
  };
  for (const [name, args] of Object.entries(cli)) {
    if (ONLY.length && !ONLY.includes(args[0])) continue;
    const l = load();
    const r = measure(['dist/cli.js', ...args, '--file', file, '--offline']);
    row(
      lang,
      `\`${args.join(' ')}\``,
      { ...r, load: l },
      r.status === 0 ? `${(r.outBytes / 2 ** 20).toFixed(1)} MB of output` : r.err.slice(0, 160),
    );
  }
  if (!ONLY.length || ONLY.includes('tokenize')) {
    const l = load();
    const r = measure(['--import', 'tsx', '--expose-gc', 'scripts/memory/tokenize-probe.ts', `models/${model}`, file]);
    const j = r.status === 0 ? JSON.parse(r.out) : undefined;
    const times = j && (j.retainedMb * 2 ** 20) / bytes;
    const extra = j
      ? `${j.tokens} tokens in ${(j.ms / 1000).toFixed(1)} s; the result holds ${j.retainedMb} MB (heap + typed arrays) = ${times.toFixed(1)}× the text (goal ≤ 10×)`
      : r.err;
    row(lang, 'tokenizer alone', { ...r, load: l }, extra, r.status === 0 && times <= 10);
  }
  if (!ONLY.length || ONLY.includes('worker')) {
    const l = load();
    const r = measure(['--import', 'tsx', 'scripts/memory/worker-probe.ts', file]);
    const j = r.status === 0 ? JSON.parse(r.out.trim().split('\n').pop()) : undefined;
    const extra = j
      ? `encode ${(j.encodeMs / 1000).toFixed(1)} s (${j.windows} windows), hover ${(j.hoverMs / 1000).toFixed(1)} s (${j.hover}); host event-loop delay p50 ${j.stall.p50} ms, p99 ${j.stall.p99} ms, max ${j.stall.max} ms (idle before: p99 ${j.idle.p99} ms, max ${j.idle.max} ms); RSS ${j.rss.loaded} MB with the models loaded, ${j.rss.after} MB after (+${j.rss.after - j.rss.loaded} MB)`
      : r.err;
    if (j && j.stall.p99 > 50) r.status = `${r.status} (p99 > 50 ms)`;
    row(lang, 'worker: encode + hover', { ...r, load: l }, extra);
  }
}
console.log(
  `\n\`node scripts/memory.mjs --mb ${MB}\` on ${new Date().toISOString().slice(0, 16)} UTC (${os.cpus()[0]?.model.trim()} × ${os.cpus().length}, Node ${process.version}); goal ≤ ${GOAL_MB} MB peak RSS\n`,
);
console.log('| text | command | exit | peak RSS (MB) | wall (s) | load (1 min) | goal | notes |\n|---|---|---|---|---|---|---|---|');
console.log(rows.join('\n'));
fs.rmSync(tmp, { recursive: true, force: true });

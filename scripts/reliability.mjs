// npm run reliability: hostile and generated inputs through the real CLI (dist/cli.js, embedded models, --offline),
// each classified as pass (exit 0; JSON output parses), clear error (exit 1 or 2, a message on stderr, no stack
// trace), crash (a signal, another exit status, a stack trace or "unexpected error"), hang (over the time limit) or
// data loss (exit 0 but the JSON output is cut or invalid). Deterministic (seeded); writes the table into
// docs/RELIABILITY.md between the reliability markers. Then (not with --quick) load on the real worker —
// scripts/reliability/worker-load.ts — and 10 MB documents through the tokenizer and the worker (scripts/memory.mjs:
// peak RSS, the host's event-loop delay) into their own markers. Usage: node scripts/reliability.mjs [--quick] [--no-write]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const QUICK = process.argv.includes('--quick');
const LIMIT_MS = 90_000;
const PLATEAU_MB = 20; // RSS growth allowed over the repeated sequential pass of the load run
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-lens-reliability-'));

let seed = 20261130;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

function file(name, content) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}

function run(args, input) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args, '--offline'], {
    input,
    encoding: 'buffer',
    timeout: LIMIT_MS,
    maxBuffer: 512 * 2 ** 20,
    cwd: tmp,
    env: { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'cache') },
  });
  const out = r.stdout?.toString('utf8') ?? '';
  const err = r.stderr?.toString('utf8') ?? '';
  const ms = Date.now() - t0;
  let verdict;
  if (r.error?.code === 'ETIMEDOUT' || (r.signal === 'SIGTERM' && ms >= LIMIT_MS - 100)) verdict = 'hang';
  else if (r.signal || ![0, 1, 2].includes(r.status) || /\n\s+at .+:\d+:\d+/.test(err) || /unexpected error/i.test(err)) verdict = 'crash';
  else if (r.status === 0) {
    verdict = 'pass';
    if (args.includes('--json')) {
      try {
        JSON.parse(out);
      } catch {
        verdict = 'data loss';
      }
    }
  } else verdict = (err + out).trim().length > 10 ? 'clear error' : 'crash'; // models verify reports on stdout
  return { verdict, ms, status: r.status, signal: r.signal, err: err.slice(0, 300) };
}

// ---------- the cases ----------
const words = ['bank', 'the', '', '[MASK]', '中', '👩‍👩‍👧', 'BANK', 'it', 'x'.repeat(300), 'über'];
const nums = ['-1', '0', '1', '2', '3.5', '1e9', 'NaN', '', 'abc', '99999999999999999999'];
const layers = ['rollout', 'last', 'last4', '-1', '0', '1', '4', '99', 'x'];
const models = [
  'bert-lens-mini',
  'bert-lens-mini-qa',
  'no/such-model',
  './nonexistent',
  '',
  'test/fixtures/tiny-bert',
  '/dev/null',
  'bert-lens-zh',
];
const texts = [
  'She went to the bank to deposit her money.',
  '',
  '   \n\t  ',
  'The [MASK] sat on the [MASK].',
  '[MASK]',
  '今天天气很好，我们去公园散步吧。',
  'مرحبا بالعالم — שלום עולם',
  'e\u0301\u0301\u0301 a\u0308 Z\u0351\u0352\u0353',
  '👩‍👩‍👧 🏳️‍🌈 \u{20000}\u{2A6D6}',
  '\u0000\u0001\u0007\u001b[31m red',
  'a'.repeat(20000),
  'word '.repeat(3000),
  '\u200b\u200c\u200d\ufeff',
];
// Command-line arguments cannot hold NUL (the OS cuts them there); files and stdin get the full texts.
const argTexts = texts.map((t) => t.replaceAll('\u0000', ''));
const commands = ['tokens', 'vectors', 'similar', 'attention', 'explain', 'mask', 'nsp', 'qa', 'heads', 'compare', 'occlude', 'ablate'];

function argFuzz(n) {
  const cases = [];
  for (let i = 0; i < n; i++) {
    const cmd = pick(commands);
    const args = [cmd];
    if (rand() < 0.8) args.push('--text', pick(argTexts));
    if (rand() < 0.5) args.push('--word', pick(words));
    if (rand() < 0.3) args.push('--layer', pick(layers));
    if (rand() < 0.3) args.push('--head', pick([...nums, 'mean']));
    if (rand() < 0.3) args.push('--top', pick(nums));
    if (rand() < 0.2) args.push('--occurrence', pick(nums));
    if (rand() < 0.3) args.push('--model', pick(models));
    if (cmd === 'nsp') args.push('--a', pick(argTexts), '--b', pick(argTexts));
    if (cmd === 'qa') args.push('--question', pick(['Where?', '', '谁？', 'x'.repeat(500)]));
    if (rand() < 0.2) args.push('--at', pick(nums));
    if (cmd === 'occlude' || cmd === 'ablate') args.push('--task', pick(['mask', 'qa', 'nsp', 'x', '']));
    if (cmd === 'ablate' && rand() < 0.5) args.push('--heads', pick(['1.0', '4.*', '1.0,2.3', '9.9', '0.0', 'x', '', '1.', '.1']));
    if (cmd === 'ablate' && rand() < 0.2) args.push('--importance');
    if (rand() < 0.1) args.push('--dtype', pick(['fp32', 'int8', 'fp16', '']));
    if (rand() < 0.1) args.push('--threads', pick(nums));
    if (rand() < 0.1) args.push(pick(['--nonsense', '-z', '--json=3', '--text']));
    if (rand() < 0.5) args.push('--json');
    cases.push({ args });
  }
  return cases;
}

function oddText(n) {
  const cases = [];
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  const binary = file('binary.bin', bytes);
  const odd = texts.map((t, i) => file(`text-${i}.txt`, t));
  for (let i = 0; i < n; i++) {
    const cmd = pick(['tokens', 'mask', 'qa', 'attention', 'vectors', 'similar', 'heads', 'nsp']);
    const f = rand() < 0.2 ? binary : pick(odd);
    const args = [cmd, '--file', f];
    if (['attention', 'vectors', 'similar'].includes(cmd)) args.push('--word', pick(['the', 'a', '中', 'bank']));
    if (cmd === 'mask') args.push(...(rand() < 0.5 ? ['--at', pick(['0', '5', '100'])] : []));
    if (cmd === 'qa') args.push('--question', 'What is it?');
    if (cmd === 'nsp') args.push('--a', 'One.', '--b', 'Two.');
    if (rand() < 0.5) args.push('--json');
    cases.push({ args });
  }
  // stdin: empty, binary, a text
  cases.push(
    { args: ['tokens', '--json'], input: Buffer.alloc(0) },
    { args: ['tokens', '--json'], input: bytes },
    { args: ['similar', '--word', 'bank'], input: Buffer.from('The bank. The bank.') },
  );
  return cases;
}

function largeInput() {
  const prose = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const mb = (n) => file(`large-${n}.txt`, prose.repeat(Math.ceil((n * 2 ** 20) / prose.length)).slice(0, n * 2 ** 20));
  const one = mb(1);
  const cases = [
    { args: ['tokens', '--json', '--file', one] },
    { args: ['attention', '--word', 'the', '--occurrence', '3000', '--file', one, '--json'] },
    { args: ['mask', '--at', '500000', '--file', one, '--json'] },
    { args: ['heads', '--word', 'model', '--occurrence', '200', '--file', one, '--json'] },
    { args: ['tokens', '--text', 'x '.repeat(25000)] }, // a 50,000-character argument (relaunch path)
    { args: ['nsp', '--a', 'a '.repeat(20000), '--b', 'b'] },
  ];
  if (!QUICK)
    cases.push(
      { args: ['vectors', '--word', 'the', '--occurrence', '10', '--file', one, '--json'] },
      { args: ['qa', '--question', 'What is BERT Lens?', '--file', mb(2), '--json'] },
    );
  return cases;
}

function brokenModels() {
  const src = path.join(ROOT, 'test', 'fixtures', 'tiny-bert');
  const variants = {
    'truncated onnx': (d) => {
      const p = path.join(d, 'onnx', 'model.onnx');
      fs.writeFileSync(p, fs.readFileSync(p).subarray(0, 5000));
    },
    'empty onnx': (d) => fs.writeFileSync(path.join(d, 'onnx', 'model.onnx'), ''),
    'random bytes onnx': (d) =>
      fs.writeFileSync(path.join(d, 'onnx', 'model.onnx'), Buffer.from(Array.from({ length: 20000 }, () => Math.floor(rand() * 256)))),
    'config null': (d) => fs.writeFileSync(path.join(d, 'config.json'), 'null'),
    'config empty object': (d) => fs.writeFileSync(path.join(d, 'config.json'), '{}'),
    'config not JSON': (d) => fs.writeFileSync(path.join(d, 'config.json'), '{"hidden_size": 32,'),
    'a billion layers': (d) => {
      const c = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8'));
      c.num_hidden_layers = 1e9;
      fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify(c));
    },
    'vocab too large': (d) => {
      const c = JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8'));
      c.vocab_size = 1e7;
      fs.writeFileSync(path.join(d, 'config.json'), JSON.stringify(c));
    },
    'tokenizer {}': (d) => fs.writeFileSync(path.join(d, 'tokenizer.json'), '{}'),
    'tokenizer missing': (d) => fs.rmSync(path.join(d, 'tokenizer.json')),
    'onnx is /dev/zero': (d) => {
      fs.rmSync(path.join(d, 'onnx', 'model.onnx'));
      fs.symlinkSync('/dev/zero', path.join(d, 'onnx', 'model.onnx'));
    },
    'no onnx folder': (d) => fs.rmSync(path.join(d, 'onnx'), { recursive: true }),
  };
  const cases = [];
  for (const [name, edit] of Object.entries(variants)) {
    const d = path.join(tmp, 'models', name.replace(/\W+/g, '-'));
    fs.cpSync(src, d, { recursive: true });
    for (const f of fs.readdirSync(path.join(d, 'onnx'))) if (f !== 'model.onnx') fs.rmSync(path.join(d, 'onnx', f));
    edit(d);
    for (const args of [
      ['tokens', '--text', 'the bank'],
      ['mask', '--text', 'The [MASK] sat.', '--json'],
      ['models', 'verify'],
    ]) {
      cases.push({ args: args[0] === 'models' ? [...args, d] : [...args, '--model', d] });
    }
  }
  const vec = file('vectors-overflow.txt', '99999999999 100\nthe 0.1 0.2\n');
  cases.push(
    { args: ['vectors', '--word', 'bank', '--static', vec, '--text', 'the bank'] },
    { args: ['vectors', '--word', 'bank', '--static', '/dev/zero', '--text', 'the bank'] },
  );
  return cases;
}

/** The reference corpus of `reference --corpus` (one read per layer, bounded): hostile and odd files, bad flags. */
function referenceCorpora() {
  const base = ['reference', '--word', 'bank', '--text', 'She sat on the bank of the river.', '--json'];
  const bytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rand() * 256)));
  const corpora = [
    file('corpus-binary.bin', bytes),
    file('corpus-empty.txt', ''),
    file('corpus-punct.txt', '!!! ...\n— ？。\n'),
    file('corpus-too-long.txt', 'word '.repeat(100_000)),
    file('corpus-one-line.txt', 'The river bank was green and wide. '.repeat(8000)), // 280,000 characters, one line
    file('corpus-crlf.txt', 'The bank closed.\r\nShe sat on the river bank.\r\n'),
    ...texts.map((t, i) => file(`corpus-odd-${i}.txt`, t)),
    tmp, // a folder
    '/dev/zero',
    path.join(tmp, 'no-such-corpus.txt'),
  ];
  return [
    ...corpora.map((c) => ({ args: [...base, '--corpus', c] })),
    { args: [...base, '--layer', '99'] },
    { args: [...base, '--layer', 'last4'] },
    { args: [...base, '--top', '0'] },
    { args: [...base, '--occurrence', '3'] },
    { args: ['reference', '--word', '.', '--text', 'A dot.', '--json'] },
    { args: ['reference', '--word', '哈', '--text', '下班了，你在干哈呢？', '--layer', '0', '--json'] },
  ];
}

const classes = {
  'generated arguments (all commands)': argFuzz(QUICK ? 40 : 340),
  'odd and binary text (files, stdin)': oddText(QUICK ? 20 : 150),
  'large inputs (1–2 MB, 50,000-character arguments)': largeInput(),
  'broken model folders and vector files': brokenModels(),
  'reference corpora (reference --corpus; bad flags)': referenceCorpora(),
};

// ---------- run ----------
if (!fs.existsSync(CLI)) {
  console.error('Build first: node esbuild.mjs');
  process.exit(2);
}
const rows = [];
const failures = [];
const t0 = Date.now();
let slowest = { ms: 0 };
for (const [name, cases] of Object.entries(classes)) {
  const row = { name, cases: cases.length, pass: 0, 'clear error': 0, crash: 0, hang: 0, 'data loss': 0 };
  for (const c of cases) {
    const r = run(c.args, c.input);
    row[r.verdict]++;
    if (r.ms > slowest.ms) slowest = { ms: r.ms, args: c.args };
    if (!['pass', 'clear error'].includes(r.verdict))
      failures.push({
        class: name,
        verdict: r.verdict,
        args: c.args.map((a) => (a.length > 60 ? `${a.slice(0, 40)}…(${a.length})` : a)),
        status: r.status,
        signal: r.signal,
        err: r.err,
      });
    process.stderr.write(r.verdict === 'pass' ? '.' : r.verdict === 'clear error' ? 'e' : '!');
  }
  rows.push(row);
}
process.stderr.write('\n');
const total = rows.reduce(
  (t, r) => {
    for (const k of Object.keys(t)) if (k !== 'name') t[k] += r[k];
    return t;
  },
  { name: '**all**', cases: 0, pass: 0, 'clear error': 0, crash: 0, hang: 0, 'data loss': 0 },
);
const cols = ['cases', 'pass', 'clear error', 'crash', 'hang', 'data loss'];
const table = [
  `| class | ${cols.join(' | ')} |`,
  `|---|${cols.map(() => '---').join('|')}|`,
  ...[...rows, total].map((r) => `| ${r.name} | ${cols.map((c) => (r.name === '**all**' ? `**${r[c]}**` : r[c])).join(' | ')} |`),
].join('\n');
const md = `<!-- reliability:begin (written by npm run reliability; do not edit by hand) -->
\`npm run reliability\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus()[0]?.model ?? 'CPU'} × ${os.cpus().length}, Node ${process.version}${QUICK ? ', --quick' : ''}): ${total.cases} runs of the
real CLI on the embedded models, offline, seeded inputs; ${((Date.now() - t0) / 1000).toFixed(0)} s in all, the slowest ${(slowest.ms / 1000).toFixed(1)} s
(\`${(slowest.args ?? []).map((a) => (a.length > 40 ? `${a.slice(0, 30)}…` : a)).join(' ')}\`). Goal: 0 crashes, 0 hangs, 0 data loss.

${table}
${
  failures.length
    ? `\nNot yet right:\n${failures
        .slice(0, 12)
        .map(
          (f) => `- ${f.verdict} (${f.class}): \`bert-lens ${f.args.join(' ')}\` → exit ${f.status ?? f.signal}: ${f.err.split('\n')[0]}`,
        )
        .join('\n')}\n`
    : ''
}<!-- reliability:end -->`;
console.log(md);

// ---------- load on the real worker (scripts/reliability/worker-load.ts) ----------
let loadMd = '';
let loadFailed = false;
if (!QUICK) {
  process.stderr.write('load on the worker …\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'reliability', 'worker-load.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  const j = (() => {
    try {
      return JSON.parse(r.stdout.trim().split('\n').pop());
    } catch {
      return undefined;
    }
  })();
  if (!j) {
    loadFailed = true;
    loadMd = `The load run failed (exit ${r.status ?? r.signal}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' ')}`;
  } else {
    const s = j.sequential;
    const c = j.concurrent;
    const growth = j.rss.secondPassGrowth;
    loadFailed = s.error + s.hang + c.error + c.hang > 0 || growth > PLATEAU_MB;
    const lat = Object.entries(j.latency)
      .map(([k, v]) => `${k} ${v.p50}/${v.p99} ms (${v.n})`)
      .join(', ');
    loadMd = [
      `The real worker (\`dist/worker.js\`, started as the extension starts it, embedded models under \`auto\`) on`,
      `\`samples/walkthrough.md\` and \`samples/walkthrough.zh-cn.md\` (\`scripts/reliability/worker-load.ts\`). Goal: 0 errors,`,
      `0 hangs (no answer in 120 s), RSS growth over the repeated sequential pass ≤ ${PLATEAU_MB} MB.`,
      '',
      '| run | requests | ok | cancelled (asked) | stale (document changed) | error | hang | time |',
      '|---|---|---|---|---|---|---|---|',
      `| sequential: mixed requests (a third hovers), a 1-character edit every tenth (${s.edits} edits); twice, the same way | ${s.requests} | ${s.ok} | ${s.cancelled} | ${s.stale} | ${s.error} | ${s.hang} | ${s.seconds} s |`,
      `| concurrent: ${c.rounds} bursts of 8 hovers each cancelling the last, with mask, attention, QA and NSP in flight; every other burst the document changes | ${c.requests} | ${c.ok} | ${c.cancelled} | ${c.stale} | ${c.error} | ${c.hang} | ${c.seconds} s |`,
      '',
      `Latency p50/p99 (count) in the first sequential pass: ${lat}. RSS of the process (host + worker thread), MB:`,
      `first pass ${j.rss.first.join(' → ')} (caches filling: the window cache keeps new windows up to its 512 MB budget);`,
      `second pass, every window cached ${j.rss.second.join(' → ')}: **${growth} MB** of growth; after the bursts ${j.rss.afterBursts}.${[...s.errors, ...c.errors].length ? `\n\nErrors:\n${[...s.errors, ...c.errors].map((e) => `- ${e}`).join('\n')}` : ''}`,
    ].join('\n');
  }
  console.log(loadMd);
}
// ---------- a 10 MB document: the tokenizer's memory, the worker's peak RSS and the host's event-loop delay ----------
let memoryMd = '';
if (!QUICK) {
  process.stderr.write('10 MB documents (scripts/memory.mjs) …\n');
  const args = ['scripts/memory.mjs', '--mb', '10', '--lang', 'en,zh', '--only', 'tokenize,worker'];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 30 * 60_000 });
  memoryMd =
    r.status === 0 ? r.stdout.trim() : `\`node ${args.join(' ')}\` failed (exit ${r.status ?? r.signal}): ${r.stderr.trim().slice(-300)}`;
  loadFailed ||= r.status !== 0 || / missed \|/.test(r.stdout);
  console.log(memoryMd);
}
const doc = path.join(ROOT, 'docs', 'RELIABILITY.md');
if (!process.argv.includes('--no-write')) {
  const text = fs.readFileSync(doc, 'utf8');
  const re = /<!-- reliability:begin[\s\S]*?<!-- reliability:end -->/;
  let out = re.test(text)
    ? text.replace(re, md)
    : text.replace(/\n## Not yet covered/, `\n## Hostile inputs, end to end\n${md}\n\n## Not yet covered`);
  if (loadMd) {
    const block = `<!-- load:begin (written by npm run reliability; do not edit by hand) -->\n${loadMd}\n<!-- load:end -->`;
    const lre = /<!-- load:begin[\s\S]*?<!-- load:end -->/;
    out = lre.test(out)
      ? out.replace(lre, block)
      : out.replace(/\n## Large documents/, `\n## Load on the worker\n${block}\n\n## Large documents`);
  }
  if (memoryMd) {
    const block = `<!-- memory:begin (written by npm run reliability; do not edit by hand) -->\n${memoryMd}\n<!-- memory:end -->`;
    const mre = /<!-- memory:begin[\s\S]*?<!-- memory:end -->/;
    out = mre.test(out)
      ? out.replace(mre, block)
      : out.replace(
          /\n\| text \| command \| peak RSS before/,
          `\n${block}\n\nEarlier runs, by hand:\n\n| text | command | peak RSS before`,
        );
  }
  fs.writeFileSync(doc, out);
}
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(total.crash + total.hang + total['data loss'] || loadFailed ? 1 : 0);

// Load held by the real inference worker (dist/worker.js, started as src/extension/client.ts starts it, embedded
// models under `auto`): a sequential run of mixed requests on an English and a Chinese document with a 1-character
// edit every tenth request (a user typing) — twice, the second pass repeating the first —, then bursts of concurrent
// requests in which hovers are cancelled as the mouse moves on and the document changes under some of them. Each
// request ends ok, cancelled (asked), stale (the document changed: dropped by design), an error (anything else) or a
// hang (no answer within HANG_MS). RSS (this process: host + worker thread) is sampled as it goes: the repeated pass,
// all of whose windows are cached, should not grow.
// Prints one JSON line. Usage: node --import tsx scripts/reliability/worker-load.ts [--requests N] [--rounds N]
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerError } from '../../src/extension/client';
import type { DocInput } from '../../src/worker/protocol';
import { startWorker } from '../memory/start-worker';

const ROOT = path.resolve(__dirname, '../..');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REQUESTS = arg('requests', 1000);
const ROUNDS = arg('rounds', 40);
const HANG_MS = 120_000;

let seed = 20261201;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;

type Outcome = 'ok' | 'cancelled' | 'stale' | 'error' | 'hang';
interface Tally {
  requests: number;
  ok: number;
  cancelled: number;
  stale: number;
  error: number;
  hang: number;
  errors: string[];
}
const tally = (): Tally => ({ requests: 0, ok: 0, cancelled: 0, stale: 0, error: 0, hang: 0, errors: [] });

/** Settles `p` as an outcome (never rejects), with its time. */
async function settle(p: Promise<unknown>, t: Tally, what: string): Promise<{ outcome: Outcome; ms: number }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Outcome>((r) => (timer = setTimeout(() => r('hang'), HANG_MS)));
  const outcome = await Promise.race([
    p.then(
      (): Outcome => 'ok',
      (e: unknown): Outcome => {
        const code = e instanceof WorkerError ? e.code : 'THROWN';
        if (code === 'CANCELLED') return 'cancelled';
        if (code === 'STALE') return 'stale';
        if (t.errors.length < 10) t.errors.push(`${what}: ${code}: ${(e as Error).message.slice(0, 160)}`);
        return 'error';
      },
    ),
    hang,
  ]);
  clearTimeout(timer);
  t.requests++;
  t[outcome]++;
  return { outcome, ms: performance.now() - t0 };
}

class Doc {
  version = 1;
  constructor(
    readonly uri: string,
    public text: string,
    readonly question: string,
  ) {}
  get input(): DocInput {
    return { uri: this.uri, version: this.version, text: this.text };
  }
  /** An offset inside a word (a letter or a CJK character). */
  offset(): number {
    for (;;) {
      const i = Math.floor(rand() * this.text.length);
      if (/[\p{L}]/u.test(this.text[i])) return i;
    }
  }
  /** One letter replaced by another, as typing does: a new version. */
  edit(): void {
    const i = this.offset();
    const c = /[\u4e00-\u9fff]/.test(this.text[i]) ? '的' : this.text[i] === 'e' ? 'a' : 'e';
    this.text = this.text.slice(0, i) + c + this.text.slice(i + 1);
    this.version++;
  }
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]) : 0;
};
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

async function main(): Promise<void> {
  const client = await startWorker({ qaModel: 'auto', staticVectors: 'auto', cacheDir: path.join(os.tmpdir(), 'bert-lens-load-cache') });
  const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
  const fresh = (pass: number) => [
    new Doc(`file:///load/${pass}/walkthrough.md`, read('samples/walkthrough.md'), 'What does BERT stand for?'),
    new Doc(`file:///load/${pass}/walkthrough.zh-cn.md`, read('samples/walkthrough.zh-cn.md'), '注意力是什么?'),
  ];
  const kinds: Array<[string, (d: Doc) => Promise<unknown>]> = [
    ['hover', (d) => client.call.inspect(d.input, d.offset(), 'last', 5)],
    ['attention', (d) => client.call.attention(d.input, d.offset(), 'last', 'mean')],
    ['mask', (d) => client.call.mask(d.input, d.offset(), 5)],
    ['qa', (d) => client.call.qa(d.input, d.question, 3, false)],
    ['nsp', (d) => client.call.nsp(d.input)],
    ['coverage', (d) => client.call.coverage(d.input, 'encoder')],
  ];

  // 1. Sequential: one request at a time, as a user working through the views; an edit every tenth request. Run twice
  // with the same seed (same edits, same requests): the first pass fills the caches (the window cache grows with new
  // windows up to its byte budget, by design); the second finds every window cached, so what it adds is a leak.
  const seq = tally();
  const ms: Record<string, number[]> = {};
  const rss: number[][] = [];
  const t0 = performance.now();
  let edits = 0;
  for (const pass of [1, 2]) {
    seed = 20261201;
    const docs = fresh(pass);
    rss.push([mb()]);
    for (let i = 0; i < REQUESTS; i++) {
      const d = docs[i % 7 < 5 ? 0 : 1]; // mostly English, some Chinese (the auto models switch)
      if (i % 10 === 9) d.edit();
      const [name, call] = kinds[i % 3 === 0 ? 0 : Math.floor(rand() * kinds.length)]; // a third are hovers
      const r = await settle(call(d), seq, name);
      if (r.outcome === 'ok' && pass === 1) (ms[name] ??= []).push(r.ms);
      if ((i + 1) % Math.max(1, Math.floor(REQUESTS / 8)) === 0) rss[pass - 1].push(mb());
    }
    if (pass === 1) edits = docs.reduce((n, d) => n + d.version - 1, 0);
  }
  const seqS = (performance.now() - t0) / 1000;
  const docs = fresh(3);

  // 2. Concurrent bursts: eight hovers in a row, each cancelling the one before (a moving mouse), with a mask, an
  // attention view, a question and NSP in flight; every other round the document changes meanwhile.
  const conc = tally();
  const t1 = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    const d = docs[round % 4 === 3 ? 1 : 0];
    const inflight: Array<Promise<unknown>> = [];
    let prev: AbortController | undefined;
    for (let h = 0; h < 8; h++) {
      prev?.abort();
      const ctrl = new AbortController();
      prev = ctrl;
      inflight.push(settle(client.call.inspect(d.input, d.offset(), 'last', 5, { signal: ctrl.signal }), conc, 'hover'));
      await new Promise((r) => setTimeout(r, 2));
    }
    for (const [name, call] of kinds.slice(1, 5)) inflight.push(settle(call(d), conc, name));
    if (round % 2 === 1) {
      d.edit(); // typing, then a hover on the new version: answers still due for the old one are dropped as stale
      inflight.push(settle(client.call.inspect(d.input, d.offset(), 'last', 5), conc, 'hover'));
    }
    await Promise.all(inflight);
  }
  const concS = (performance.now() - t1) / 1000;
  const after = mb();
  await client.dispose();
  const second = rss[1];
  console.log(
    JSON.stringify({
      sequential: { ...seq, seconds: Math.round(seqS), edits },
      latency: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, { n: v.length, p50: percentile(v, 50), p99: percentile(v, 99) }])),
      concurrent: { ...conc, rounds: ROUNDS, seconds: Math.round(concS) },
      rss: { first: rss[0], second, afterBursts: after, secondPassGrowth: second[second.length - 1] - second[0] },
    }),
  );
}

void main();

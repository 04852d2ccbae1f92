// The engine's whole-document path against its peers, in the same process on the same windows (issue 13's bench list):
// a raw onnxruntime-node session on the same lean graph (what the engine adds: tokenizing, window planning, padding,
// copies, checks), transformers.js's pipeline('feature-extraction') on the same windows' text, the cost per token from
// 1k to 100k tokens, the engine's model load vs a plain session create on the same file, and the CLI's start-up.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { LoadedModel } from '../src/core/api';
import { WindowCache } from '../src/core/cache';
import { BATCH, encodeText, windowIds } from '../src/core/encode';
import { loadModel } from '../src/core/model';
import { sessionOptions } from '../src/core/model/options';
import { loadTokenizer } from '../src/core/text/tokenizer';
import { seeded, shuffledProse } from './prose';
import { int64Feeds, leanGraph } from './lean-graph';

type Add = (name: string, a: string, fa: () => Promise<unknown>, b: string, fb: () => Promise<unknown>, iters?: number) => Promise<void>;

export async function peerRows(root: string, dir: string, threads: number, add: Add, iters: number): Promise<void> {
  const model: LoadedModel = await loadModel(dir, { threads, offline: true }, { dtype: 'auto' });
  const raw: { session?: ort.InferenceSession } = {};
  try {
    // Not the worker's remembering tokenizer: every call tokenizes its text, as for a document seen the first time.
    const tk = await loadTokenizer(model.info.dir);
    const L = model.info.layers;
    // A fresh window cache per call: every window runs, as for a document seen for the first time.
    const encode = (text: string) => encodeText(model, tk, text, { hiddenLayers: [L] }, new WindowCache());
    const rand = seeded(11);
    const prose = (tokens: number) => shuffledProse(root, tk, false, tokens, rand);
    const text = prose(1_000);
    const enc = await encode(text);
    const rows = enc.windows.map((w) => windowIds(enc.tok, w.tokenStart, w.tokenEnd, tk.special));
    const tokens = enc.tok.tokens.length.toLocaleString('en');
    const label = `${tokens}-token document, ${rows.length} windows, ${model.info.dtype}`;

    // The same lean graph the engine runs, in batches of the engine's size, fetching the last hidden state.
    const lean = leanGraph(model.info.modelFile);
    const session = (raw.session = await ort.InferenceSession.create(lean.graph, sessionOptions(threads)));
    const batches = Array.from({ length: Math.ceil(rows.length / BATCH) }, (_, b) =>
      int64Feeds(session.inputNames, rows.slice(b * BATCH, (b + 1) * BATCH)),
    );
    await add(
      `document encode (${label}): engine encode() vs raw onnxruntime run() on the same lean graph and windows`,
      'engine encode()',
      () => encode(text),
      'raw session.run',
      async () => {
        for (const f of batches) await session.run(f, [lean.hidden]);
      },
    );

    // transformers.js's feature extraction on each window's text (its own tokenizer: the same tokenizer.json).
    const starts = enc.tok.words.starts;
    const ends = enc.tok.words.ends;
    const texts = enc.windows.map((w) => text.slice(starts[w.wordStart], ends[w.wordEnd - 1]));
    const tj = await import('@huggingface/transformers');
    tj.env.allowRemoteModels = false;
    tj.env.localModelPath = path.dirname(dir) + path.sep;
    const extract = await tj.pipeline('feature-extraction', path.basename(dir), { dtype: model.info.dtype === 'int8' ? 'q8' : 'fp32' });
    try {
      await add(
        `document encode (${label}): engine encode() vs transformers.js pipeline('feature-extraction') on the windows' text`,
        'engine encode()',
        () => encode(text),
        'transformers.js',
        async () => {
          for (let b = 0; b < texts.length; b += BATCH) await extract(texts.slice(b, b + BATCH));
        },
      );
    } finally {
      await extract.dispose();
    }

    // Cost per token: one document N times as long against N runs of the short one (the same number of tokens).
    for (const [short, long] of [
      [1_000, 10_000],
      [10_000, 100_000],
    ]) {
      const n = long / short;
      const shorts = Array.from({ length: n }, () => prose(short)); // n different texts: nothing is reused
      const b = prose(long);
      await add(
        `document encode, cost per token: ${long.toLocaleString('en')} tokens once vs ${short.toLocaleString('en')} tokens ${n} times (1 = flat)`,
        `${long.toLocaleString('en')} once`,
        () => encode(b),
        `${short.toLocaleString('en')} × ${n}`,
        async () => {
          for (const a of shorts) await encode(a);
        },
        long > 10_000 ? 3 : Math.max(5, iters >> 2),
      );
    }
  } finally {
    await raw.session?.release();
    await model.dispose();
  }

  // Model load: the engine (graph cut into encoder + head, both sessions made, shapes probed) vs a plain session
  // create on the same file.
  const file = model.info.modelFile;
  const dtype = model.info.dtype;
  await add(
    `model load (${path.basename(dir)} ${dtype}): engine loadModel() vs ort.InferenceSession.create(file)`,
    'loadModel()',
    async () => (await loadModel(dir, { threads, offline: true }, { dtype })).dispose(),
    'plain create',
    async () => (await ort.InferenceSession.create(fs.readFileSync(file), sessionOptions(threads))).release(),
    Math.max(5, iters >> 2),
  );

  // The CLI (the built bundle, dist/cli.js from `npm run build`): its start-up over a bare Node process, and what
  // `tokens` adds to it (the tokenizer, no ONNX session).
  const cli = path.join(root, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) return console.error('CLI rows skipped: no dist/cli.js (npm run build)');
  const node = (...a: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile(process.execPath, a, { cwd: root }, (e) => (e ? reject(new Error(e.message)) : resolve())),
    );
  await add(
    'CLI start-up: bert-lens --version vs node -e ""',
    'bert-lens --version',
    () => node(cli, '--version'),
    'node -e ""',
    () => node('-e', ''),
  );
  await add(
    `CLI: bert-lens tokens (embedded bert-lens-mini, one sentence) vs bert-lens --version`,
    'tokens',
    () => node(cli, 'tokens', '--text', 'We sat on the bank of the river.'),
    '--version',
    () => node(cli, '--version'),
  );
}

// The `bert-lens` subcommands: each loads what it needs through the engine and prints a table or JSON.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BertLensEngine } from '../core/index';
import type {
  AblationInput,
  AblationResult,
  DownloadProgress,
  Encoding,
  LayerChoice,
  LoadedModel,
  OcclusionResult,
  PairCut,
  QaPositionRows,
  TokenCut,
  StaticVectors,
  Tokenized,
  VectorsResult,
} from '../core/api';
import { formatHeads, parseHeads } from '../shared/head-spec';
import { AUTO, chooseLanguage, isAuto, resolveModel, type ModelKind } from '../core/auto';
import { BertLensError } from '../core/model/errors';
import { MASK_FORMS } from '../core/mlm';
import { positionRows } from '../core/qa-positions';
import { MAX_REFERENCE_TOP } from '../core/reference';
import { makeDirs } from '../core/make-dirs';
import { headCensus } from '../core/heads';
import { compareOccurrences, cosine, occurrenceOf, occurrences, resolveLayers, wordVectorAt } from '../core/vectors';
import { COMPACT_HIDDEN_ABOVE } from '../core/hidden-rows';
import { staticNeighbours } from '../core/inspect';
import { neighboursStreamed, occurrenceVectors } from '../core/stream';
import { tensorBundle, tensorLayers } from '../core/tensors';
import { TENSOR_KINDS, tensorFiles, type TensorKind } from '../shared/tensors';
import { UsageError, inputText, intOpt, numOpt, str, type Values } from './args';
import { Progress, bar, bytes, fmt, show, table, tableLines } from './format';
import { Lazy, batched, jsonPieces } from './json-stream';

/** auto (src/core/auto.ts): the Chinese embedded models when the input text is mostly Chinese, else the English ones. */
export const DEFAULTS = { model: AUTO, static: AUTO };

export interface Ctx {
  engine: BertLensEngine;
  v: Values;
  positionals: string[];
  out: (s: string) => void;
  /** Writes pieces in order, waiting for stdout to take each (large outputs). */
  write: (pieces: Iterable<string>) => Promise<void>;
  progress: Progress;
}

export const json = (ctx: Ctx, x: unknown) => ctx.out(JSON.stringify(x, null, 2));
/** The same text as json(), written piece by piece (see json-stream.ts). */
const streamJson = (ctx: Ctx, x: unknown) =>
  ctx.write(
    batched(
      (function* () {
        yield* jsonPieces(x);
        yield '\n';
      })(),
    ),
  );

/** The model of --model (default auto), resolved for `text`: the text, the document, or both sentences. `attention`:
 * the command shows attention or Q/K/V, so the model loads with those taps at once (one session, not two). */
export async function load(
  ctx: Ctx,
  text: string,
  kind: Exclude<ModelKind, 'static'> = 'encoder',
  attention = false,
): Promise<LoadedModel> {
  const id = modelFor(ctx, text, kind);
  return downloading(ctx, id, (onProgress) => ctx.engine.load(id, { onProgress, attention }));
}

function modelFor(ctx: Ctx, text: string, kind: Exclude<ModelKind, 'static'> = 'encoder'): string {
  return resolveModel(str(ctx.v, 'model') ?? DEFAULTS.model, kind, chooseLanguage(text).language);
}

/** Runs `f` with a download-progress callback that shows bytes on stderr and a summary line at the end. */
export async function downloading<T>(ctx: Ctx, id: string, f: (onProgress: (p: DownloadProgress) => void) => Promise<T>): Promise<T> {
  let file = '';
  let got = 0;
  const r = await f((p) => {
    file = p.file;
    got = p.loaded;
    ctx.progress.update(`Downloading ${p.model} ${p.file}`, p.loaded, p.total, 'bytes');
  });
  if (file) ctx.progress.done(`Downloaded ${id} (last file ${file}, ${bytes(got)})`);
  return r;
}

/** Encodes only what the command reads: the hidden layers it averages, the attention layers it shows, and (for one
 * word's attention) only the window around that word — memory and time stay bounded on large inputs. */
async function encode(
  ctx: Ctx,
  m: LoadedModel,
  text: string,
  want: { hidden: number[]; attention?: number[] | 'all'; range?: { start: number; end: number }; compact?: boolean },
): Promise<Encoding> {
  const enc = await ctx.engine.encode(m, text, {
    hiddenLayers: want.hidden,
    attentionLayers: want.attention ?? [],
    range: want.range,
    compactHiddenAbove: want.compact ? COMPACT_HIDDEN_ABOVE : undefined,
    onProgress: (done, total) => total > 1 && ctx.progress.update('Encoding windows', done, total),
  });
  if (enc.windows.length > 1) ctx.progress.done(`Encoded ${enc.tok.words.length} words in ${enc.windows.length} windows`);
  return enc;
}

function layerChoice(v: Values): LayerChoice {
  const s = str(v, 'layer');
  if (s === undefined || s === 'last' || s === 'last4') return s ?? 'last';
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(
      `--layer must be 0 (embeddings), a layer number 1..L, last or last4 (got "${s}"${n < 0 ? '; layers do not count from the end: use last' : ''}).`,
    );
  return n;
}

/** --a and --b, both required (nsp, similarity, ablate --task nsp). */
function sentencePair(v: Values, command: string): [string, string] {
  const a = str(v, 'a');
  const b = str(v, 'b');
  if (a === undefined || b === undefined) throw new UsageError(`${command} needs both --a "sentence A" and --b "sentence B".`);
  // Like an empty --text: a usage error (exit 2) that says which one, not the engine's runtime error.
  const blank = [a.trim() ? '' : '--a', b.trim() ? '' : '--b'].filter(Boolean);
  if (blank.length)
    throw new UsageError(
      `${blank.join(' and ')} ${blank.length > 1 ? 'are' : 'is'} empty: ${command} needs a sentence in each of --a and --b.`,
    );
  return [a, b];
}

function needWord(v: Values): string {
  const w = str(v, 'word');
  if (!w) throw new UsageError('Missing --word WORD: which word of the text to look at.');
  return w;
}

/** Word index of the N-th (1-based --occurrence) case-insensitive match of --word. */
export function findWord(tok: Tokenized, v: Values): number {
  const w = needWord(v).trim().toLowerCase();
  const n = intOpt(v, 'occurrence', 1, 1);
  const hits = tok.words.indices((i) => tok.words.text(i).toLowerCase() === w);
  if (!hits.length)
    throw new BertLensError(
      'BAD_INPUT',
      `"${str(v, 'word')}" is not a word of the text. Words are split like BERT's basic tokenizer (punctuation and each CJK character separate).`,
    );
  if (n > hits.length)
    throw new BertLensError('BAD_INPUT', `"${str(v, 'word')}" occurs ${hits.length} time(s); --occurrence ${n} is too large.`);
  return hits[n - 1];
}

export async function tokens(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v, 'text', true);
  // Tokens need only the tokenizer: no ONNX session is created (it costs more than tokenizing).
  const source = modelFor(ctx, text);
  const { id, tokenizer } = await downloading(ctx, source, (onProgress) => ctx.engine.tokenizerOf(source, { onProgress }));
  const t = tokenizer.tokenize(text);
  if (ctx.v.json) {
    return streamJson(ctx, {
      model: id,
      tokens: new Lazy(t.tokens.length, (i) => {
        const x = t.tokens.get(i);
        return { text: x.text, start: x.start, end: x.end, word: x.word, id: x.id };
      }),
      words: new Lazy(t.words.length, (i) => ({ text: t.words.text(i), start: t.words.starts[i], end: t.words.ends[i] })),
    });
  }
  const row = (i: number) => {
    const x = t.tokens.get(i);
    return [i, x.text, x.id, x.start, x.end, x.word, text.slice(x.start, x.end)];
  };
  await ctx.write(
    batched(
      (function* () {
        for (const line of tableLines(['>#', 'token', '>id', '>start', '>end', '>word', 'source'], t.tokens.length, row)) yield line + '\n';
      })(),
    ),
  );
  ctx.out(`\n${t.tokens.length} tokens, ${t.words.length} words (${id}, ${tokenizer.uncased ? 'uncased' : 'cased'})`);
}

async function staticFor(ctx: Ctx, m: LoadedModel, text: string): Promise<StaticVectors> {
  const s = str(ctx.v, 'static') ?? DEFAULTS.static;
  if (s === 'model') return ctx.engine.inputEmbeddings(m);
  try {
    return await ctx.engine.loadStatic(resolveModel(s, 'static', chooseLanguage(text).language));
  } catch (e) {
    if (!isAuto(s)) throw e;
    // The embedded word2vec is missing: fall back to the model's own input embeddings.
    return ctx.engine.inputEmbeddings(m);
  }
}

export async function vectors(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text);
  const layer = layerChoice(ctx.v);
  // --occurrence N: only that occurrence's neighbours (what a hover computes), not every occurrence's.
  if (str(ctx.v, 'word') && ctx.v.occurrence !== undefined) return vectorsOf(ctx, m, text, layer);
  // The whole document's windows are held (every word's, or every occurrence's, neighbours): as the worker does for
  // hovers, a long document keeps them as int8 rows, and word vectors are written one at a time.
  const enc = await encode(ctx, m, text, { hidden: resolveLayers(layer, m.info.layers), compact: true });
  const top = intOpt(ctx.v, 'top', 5, 1);
  if (!str(ctx.v, 'word')) {
    const vec = wordVectorAt(enc, layer);
    const words = enc.tok.words;
    if (ctx.v.json)
      return streamJson(ctx, {
        model: m.info.id,
        layer,
        words: new Lazy(words.length, (i) => ({
          text: words.text(i),
          start: words.starts[i],
          end: words.ends[i],
          vector: Array.from(vec(i)),
        })),
      });
    const row = (i: number) => {
      const v = vec(i);
      return [words.text(i), words.starts[i], words.ends[i], Math.hypot(...v), Array.from(v.slice(0, 4), fmt).join(' ') + ' …'];
    };
    return ctx.write(
      batched(
        (function* () {
          for (const line of tableLines(['word', '>start', '>end', '>|v|', 'first dims'], words.length, row)) yield line + '\n';
        })(),
      ),
    );
  }
  const word = needWord(ctx.v);
  const staticVectors = await staticFor(ctx, m, text);
  const r = ctx.engine.vectors(enc, word, { layer, top, staticVectors });
  if (ctx.v.json) return json(ctx, r);
  vectorsText(ctx, m, text, r);
}

function vectorsText(ctx: Ctx, m: LoadedModel, text: string, r: VectorsResult): void {
  const { word, layer } = r;
  const s = r.static;
  ctx.out(`Static neighbours of "${word}" (${s?.source ?? 'none'})${s && !s.inVocabulary ? ': not in the vocabulary' : ''}`);
  if (s?.neighbours.length)
    ctx.out(
      table(
        ['neighbour', '>cosine'],
        s.neighbours.map((n) => [n.word, n.score]),
      ),
    );
  for (const c of r.contextual) {
    ctx.out(`\nContextual neighbours of "${text.slice(c.start, c.end)}" at ${c.start}–${c.end} (layer ${layer}, ${m.info.id})`);
    ctx.out(
      table(
        ['word', '>start', '>cosine'],
        c.neighbours.map((n) => [n.word, n.start ?? '', n.score]),
      ),
    );
  }
  if (r.contextual.length > 1 && r.occurrences > r.contextual.length)
    ctx.out(
      `\nThe first ${r.contextual.length} of ${r.occurrences.toLocaleString('en')} occurrences of "${word}" are shown; pick any one with --occurrence N (1–${r.occurrences}).`,
    );
}

/** One occurrence as the hover inspects it (core/inspect.ts: the same numbers), in the shape of `vectors`' result,
 * with one window in memory at a time (core/stream.ts). */
async function vectorsOf(ctx: Ctx, m: LoadedModel, text: string, layer: LayerChoice): Promise<void> {
  resolveLayers(layer, m.info.layers);
  const top = intOpt(ctx.v, 'top', 5, 1);
  const word = needWord(ctx.v);
  const occurrence = intOpt(ctx.v, 'occurrence', 1, 1) - 1;
  const tk = await ctx.engine.tokenizer(m);
  const staticVectors = await staticFor(ctx, m, text);
  const plan = streaming(ctx);
  const skeleton = { model: m.info, textHash: '', tok: tk.tokenize(text), windows: [] };
  const target = occurrenceOf(skeleton, word, occurrence);
  const w = skeleton.tok.words.get(target);
  const neighbours = await neighboursStreamed(m, tk, text, target, { layer, top, ...plan });
  plan.done();
  const r: VectorsResult = {
    word,
    layer,
    static: staticNeighbours(staticVectors, w.text, top),
    contextual: [{ start: w.start, end: w.end, neighbours }],
    occurrences: occurrences(skeleton, word).length,
  };
  if (ctx.v.json) return json(ctx, r);
  vectorsText(ctx, m, text, r);
}

/** Progress of a streamed encoding, and the summary line `encode` prints. */
function streaming(ctx: Ctx) {
  let plan = { words: 0, windows: 0 };
  return {
    onPlan: (words: number, windows: number) => (plan = { words, windows }),
    onProgress: (done: number, total: number) => total > 1 && ctx.progress.update('Encoding windows', done, total),
    done: () => plan.windows > 1 && ctx.progress.done(`Encoded ${plan.words} words in ${plan.windows} windows`),
  };
}

export async function similar(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text);
  const layer = layerChoice(ctx.v);
  resolveLayers(layer, m.info.layers);
  // One window in memory at a time (core/stream.ts): a 10 MB document's hidden states are ~2 GB.
  const plan = streaming(ctx);
  const word = needWord(ctx.v);
  const { enc, occ, vecs } = await occurrenceVectors(m, await ctx.engine.tokenizer(m), text, word, { layer, ...plan });
  plan.done();
  // The occurrence × occurrence matrix row by row (as similarResult computes it): a word found 20,000 times makes
  // 400 M cosines, never held at once.
  const row = (i: number) => vecs.map((b) => cosine(vecs[i], b));
  const spans = occ.map((i) => ({ start: enc.tok.words.starts[i], end: enc.tok.words.ends[i] }));
  if (ctx.v.json)
    return streamJson(ctx, {
      word,
      occurrences: spans,
      contextual: new Lazy(occ.length, row),
      static: new Lazy(occ.length, () => vecs.map(() => 1)),
    });
  const names = spans.map((o, i) => `#${i + 1}@${o.start}`);
  ctx.out(`"${word}": ${spans.length} occurrence(s). Contextual cosine (static similarity is 1 for every pair: one vector per word type)`);
  await ctx.write(
    batched(
      (function* () {
        for (const line of tableLines(['', ...names.map((n) => '>' + n)], occ.length, (i) => [names[i], ...row(i)])) yield line + '\n';
      })(),
    ),
  );
}

export async function attention(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text, 'encoder', true);
  const ls = str(ctx.v, 'layer');
  const layer = ls === undefined || ls === 'last' ? m.info.layers : ls === 'rollout' ? 'rollout' : Number(ls);
  if (layer !== 'rollout' && (!Number.isInteger(layer) || layer < 1))
    throw new UsageError(
      `--layer must be 1..${m.info.layers}, last or rollout (got "${ls}"${Number(ls) < 0 ? '; layers do not count from the end: use last' : ''}).`,
    );
  const hs = str(ctx.v, 'head');
  const head = hs === undefined || hs === 'mean' ? 'mean' : Number(hs);
  if (head !== 'mean' && !Number.isInteger(head)) throw new UsageError(`--head must be 0..${m.info.heads - 1} or mean (got "${hs}").`);
  // Only the window around the word, and only the layers shown (rollout needs them all).
  const tok = await ctx.engine.tokenize(m, text);
  const wi = findWord(tok, ctx.v);
  const span = { start: tok.words.starts[wi], end: tok.words.ends[wi] };
  const enc = await encode(ctx, m, text, {
    hidden: [],
    attention: layer === 'rollout' ? 'all' : layer > m.info.layers ? [] : [layer],
    range: span,
  });
  const r = ctx.engine.attention(enc, wi, { layer, head });
  if (ctx.v.json) return json(ctx, r);
  const top = intOpt(ctx.v, 'top', 0, 0);
  const rows = [...r.to].sort((a, b) => b.weight - a.weight).slice(0, top || undefined);
  const max = Math.max(...r.to.map((t) => t.weight));
  ctx.out(
    `Attention from "${r.from.text}" (${r.from.start}–${r.from.end}), layer ${r.layer}, head ${r.head}; [CLS]/[SEP] left out, weights renormalized`,
  );
  ctx.out(
    table(
      ['to', '>start', '>weight', ''],
      rows.map((t) => [t.text, t.start, t.weight, bar(t.weight, max)]),
    ),
  );
}

export async function compare(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text);
  const word = needWord(ctx.v);
  const pair = (str(ctx.v, 'pair') ?? '1,2').split(',').map((x) => Number(x.trim()));
  if (pair.length !== 2 || !pair.every((n) => Number.isInteger(n) && n >= 1) || pair[0] === pair[1]) {
    throw new UsageError(`--pair must be two different occurrence numbers such as 1,2 (got "${str(ctx.v, 'pair')}").`);
  }
  const enc = await encode(ctx, m, text, { hidden: Array.from({ length: m.info.layers + 1 }, (_, l) => l) });
  const occ = occurrences(enc, word);
  if (occ.length < 2)
    throw new BertLensError(
      'BAD_INPUT',
      `"${word}" occurs ${occ.length} time(s); compare needs two occurrences of the same word. Write it in two contexts.`,
    );
  const [a, b] = pair.map((n) => {
    if (n > occ.length)
      throw new BertLensError('BAD_INPUT', `"${word}" occurs ${occ.length} time(s); --pair ${pair.join(',')} asks for occurrence ${n}.`);
    return occ[n - 1];
  });
  const r = compareOccurrences(enc, a, b, intOpt(ctx.v, 'top', 5, 1));
  if (ctx.v.json) return json(ctx, r);
  ctx.out(
    `"${r.a.text}" at ${r.a.start}–${r.a.end} vs "${r.b.text}" at ${r.b.start}–${r.b.end} (${m.info.id}): contextual cosine per layer`,
  );
  ctx.out(
    table(
      ['>layer', '>cosine', ''],
      r.layers.map((x) => [x.layer === 0 ? '0 (embeddings)' : x.layer, x.similarity, bar(Math.max(0, x.similarity))]),
    ),
  );
  ctx.out(
    `\nLayer 0 is the input embedding (token + position): the two differ only by position. A static vector\n(word2vec) is one per word type: its cosine is 1 at every occurrence.\nNearest words in the text, last layer:`,
  );
  for (const [k, s] of [
    ['A', r.a],
    ['B', r.b],
  ] as const) {
    ctx.out(`  ${k} ${s.start}: ${r.neighbours[k === 'A' ? 'a' : 'b'].map((n) => `${n.word} ${fmt(n.score)}`).join(', ')}`);
  }
}

export async function heads(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text, 'encoder', true);
  const tok = await ctx.engine.tokenize(m, text);
  // The window of --word (one window only: a census is per window, as attention is).
  const wi = str(ctx.v, 'word') === undefined ? undefined : findWord(tok, ctx.v);
  const w = wi === undefined ? undefined : tok.words.get(wi);
  const enc = await encode(ctx, m, text, { hidden: [], attention: 'all', range: { start: w?.start ?? 0, end: w?.end ?? 0 } });
  const r = headCensus(enc, wi);
  if (ctx.v.json) return json(ctx, r);
  ctx.out(
    table(
      ['>layer', '>head', 'label', '>entropy', '>[CLS]', '>[SEP]', '>punct', '>self', '>prev', '>next', '>distance'],
      r.rows.map((x) => [x.layer, x.head, x.label, x.entropy, x.cls, x.sep, x.punct, x.self, x.prev, x.next, x.distance]),
    ),
  );
  ctx.out(
    `\n${m.info.id}, window ${r.window.start}–${r.window.end} (${r.window.tokens} tokens with [CLS]/[SEP]). Shares are mean attention per token; entropy in bits (uniform: ${fmt(Math.log2(r.window.tokens))}); labels: docs/CLI.md.`,
  );
}

export async function explain(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text, 'encoder', true);
  const tok = await ctx.engine.tokenize(m, text);
  const layer = intOpt(ctx.v, 'layer', m.info.layers, 1);
  const head = intOpt(ctx.v, 'head', 0, 0);
  const r = await ctx.engine.explain(m, text, findWord(tok, ctx.v), { layer, head });
  if (ctx.v.json) return json(ctx, r);
  const dims = (v: number[]) => v.slice(0, 4).map(fmt).join(' ') + (v.length > 4 ? ' …' : '');
  ctx.out(
    `"${r.from.text}" (${r.from.start}–${r.from.end}), layer ${layer}, head ${head}, d = ${r.headDim}: weights = softmax(q·k/√d) per word`,
  );
  ctx.out(`q = [${dims(r.query)}]`);
  ctx.out(
    table(
      ['key word', '>q·k', '>q·k/√d', '>weight', 'k', ''],
      r.words.map((w, i) => [w.text, r.scores[i], r.scaled[i], r.weights[i], dims(r.keys[i]), bar(r.weights[i], Math.max(...r.weights))]),
    ),
  );
  ctx.out(`output = Σ weight·v = [${dims(r.output)}]`);
  ctx.out(
    '(words merge their pieces: q, k, v are piece means, weights are the real token softmax summed over pieces; [CLS]/[SEP] left out and renormalized)',
  );
}

/** The text, its model and the word to mask (--at OFFSET or --word W; neither: the literal [MASK]). */
async function maskTarget(ctx: Ctx): Promise<{ text: string; m: LoadedModel; at: number | undefined }> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text);
  let at = numOpt(ctx.v, 'at');
  if (at === undefined && str(ctx.v, 'word')) {
    const t = await ctx.engine.tokenize(m, text);
    at = t.words.starts[findWord(t, ctx.v)];
  }
  return { text, m, at };
}

export async function mask(ctx: Ctx): Promise<void> {
  const { text, m, at } = await maskTarget(ctx);
  const top = intOpt(ctx.v, 'top', 5, 1);
  if (ctx.v.layers) return logitLens(ctx, m, text, at, top);
  if (at === undefined && (text.match(MASK_FORMS) ?? []).length > 1) return fillMasks(ctx, m, text, top);
  const r = await ctx.engine.mask(m, text, { at, top });
  if (ctx.v.json) return json(ctx, r);
  const read = r.read.whole ? 'the whole text' : `characters ${r.read.start}–${r.read.end}, the window around it`;
  ctx.out(`Predictions for "${text.slice(r.start, r.end)}" at ${r.start}–${r.end} (${m.info.id}; read ${read})`);
  ctx.out(
    table(
      ['>#', 'word', '>probability', ''],
      r.predictions.map((p, i) => [i + 1, p.word, p.score, bar(p.score, r.predictions[0]?.score)]),
    ),
  );
}

export async function occlude(ctx: Ctx): Promise<void> {
  const task = str(ctx.v, 'task') ?? 'mask';
  if (task !== 'mask' && task !== 'qa')
    throw new UsageError(`--task must be mask (the masked-word prediction) or qa (the best answer to --question) (got "${task}").`);
  if (task === 'qa') return occludeQa(ctx);
  const { text, m, at } = await maskTarget(ctx);
  const r = await ctx.engine.occlude(m, text, { at, target: str(ctx.v, 'target') });
  if (ctx.v.json) return json(ctx, r);
  ctx.out(`P("${r.target}" at ${r.start}–${r.end}) = ${fmt(r.base)} (${m.info.id}); with each other word masked as well:`);
  occlusionTable(ctx, r);
}

async function occludeQa(ctx: Ctx): Promise<void> {
  const question = str(ctx.v, 'question');
  if (!question) throw new UsageError('Missing --question Q: occlude --task qa explains the best answer to a question.');
  const doc = await inputText(ctx.v, 'document');
  const m = await load(ctx, doc, 'qa');
  const r = await ctx.engine.occludeQa(m, question, doc);
  if (ctx.v.json) return json(ctx, r);
  ctx.out(
    `Answer "${show(r.target)}" at ${r.start}–${r.end}, span probability ${fmt(r.base)} (${m.info.id}); with each word of its window masked:`,
  );
  if (r.questionCut) ctx.out(cutNote(r.questionCut, m.info.id));
  occlusionTable(ctx, r);
}

/** ablate: the task's input and model, the heads of --heads switched off, and (by default without --heads) the map. */
export async function ablate(ctx: Ctx): Promise<void> {
  const task = str(ctx.v, 'task') ?? 'mask';
  let m: LoadedModel;
  let input: AblationInput;
  if (task === 'mask') {
    const t = await maskTarget(ctx);
    m = t.m;
    input = { task, text: t.text, at: t.at, target: str(ctx.v, 'target') };
  } else if (task === 'qa') {
    const question = str(ctx.v, 'question');
    if (!question) throw new UsageError('Missing --question Q: ablate --task qa follows the best answer to a question.');
    const document = await inputText(ctx.v, 'document');
    m = await load(ctx, document, 'qa');
    input = { task, question, document };
  } else if (task === 'nsp') {
    const [a, b] = sentencePair(ctx.v, 'ablate --task nsp');
    m = await load(ctx, `${a}\n${b}`);
    input = { task, a, b };
  } else
    throw new UsageError(
      `--task must be mask (the masked-word prediction), qa (the best answer to --question) or nsp (whether --b follows --a) (got "${task}").`,
    );
  const spec = str(ctx.v, 'heads');
  let off: ReturnType<typeof parseHeads> = [];
  if (spec !== undefined) {
    try {
      off = parseHeads(spec, m.info.layers, m.info.heads);
    } catch (e) {
      throw new UsageError(`--heads ${JSON.stringify(spec)}: ${(e as Error).message} (${m.info.id})`);
    }
  }
  const importance = ctx.v.importance === true || spec === undefined;
  const r = await ctx.engine.ablate(m, input, { off, importance, top: intOpt(ctx.v, 'top', 5, 1) });
  if (ctx.v.json) return json(ctx, r);
  ablationText(ctx, r, m.info);
}

function ablationText(ctx: Ctx, r: AblationResult, model: { id: string; maxPositions: number }): void {
  const where = r.start === undefined ? '' : ` at ${r.start}–${r.end}`;
  const p = `P(${r.task === 'nsp' ? r.target : `"${show(r.target)}"`})`;
  ctx.out(
    `${r.task === 'qa' ? 'Answer' : r.task === 'nsp' ? 'Verdict' : 'Prediction'} "${show(r.target)}"${where}: ${p} = ${fmt(r.base)} with every head on (${model.id}, ${r.layers} layers × ${r.heads} heads)`,
  );
  if (r.questionCut) ctx.out(cutNote(r.questionCut, model.id));
  if (r.pairCut) ctx.out(pairCutNote(r.pairCut, model));
  if (r.off.length) {
    ctx.out(`Heads off: ${formatHeads(r.off)} → ${p} = ${fmt(r.score)} (drop ${fmt(r.base - r.score)})`);
    const now = r.predictions
      ? r.predictions.map((x) => `${x.word} ${fmt(x.score)}`).join(', ')
      : r.prediction.text
        ? `"${show(r.prediction.text)}" ${fmt(r.prediction.score)}`
        : "no answer (none of the window's strongest starts and ends make a span within one sentence)";
    ctx.out(`The model now ${r.task === 'mask' ? 'predicts' : r.task === 'qa' ? 'answers' : 'says'}: ${now}`);
  }
  if (!r.importance) return;
  ctx.out(`\nImportance: drop in ${p} with one head switched off (rows: layers, columns: heads)`);
  ctx.out(
    table(
      ['>layer', ...Array.from({ length: r.heads }, (_, h) => `>${h}`)],
      r.importance.map((row, l) => [l + 1, ...row]),
    ),
  );
  const best = r.importance.flatMap((row, l) => row.map((v, h) => ({ l: l + 1, h, v }))).sort((a, b) => b.v - a.v)[0];
  ctx.out(
    `\nMost important: head ${best.l}.${best.h} (drop ${fmt(best.v)} of ${fmt(r.base)}). Negative: the target gains without that head. Switch heads off with --heads L.H,…`,
  );
}

function occlusionTable(ctx: Ctx, r: OcclusionResult): void {
  const max = Math.max(...r.words.map((w) => Math.abs(w.delta)));
  ctx.out(
    table(
      ['word', '>start', '>probability', '>drop', ''],
      r.words.map((w) => [w.word, w.start, w.score, w.delta, (w.delta < 0 ? '−' : '') + bar(Math.abs(w.delta), max)]),
    ),
  );
  ctx.out('\ndrop = base − probability: large when the word supports the prediction, negative when it works against it.');
}

/** --layers: the masked word's top predictions at every layer, through the model's own MLM head. */
async function logitLens(ctx: Ctx, m: LoadedModel, text: string, at: number | undefined, top: number): Promise<void> {
  const r = await ctx.engine.logitLens(m, text, { at, top });
  if (ctx.v.json) return json(ctx, r);
  ctx.out(
    `Predictions for "${text.slice(r.start, r.end)}" at ${r.start}–${r.end}, layer by layer (${m.info.id}'s MLM head on each layer's hidden state)`,
  );
  ctx.out(
    table(
      ['>layer', ...Array.from({ length: top }, (_, i) => `#${i + 1}`)],
      r.layers.map((l) => [l.layer === 0 ? '0 (embeddings)' : l.layer, ...l.predictions.map((p) => `${p.word} ${fmt(p.score)}`)]),
    ),
  );
  ctx.out(`\nThe last layer is the model's answer (bert-lens mask); earlier rows show where it forms.`);
}

/** Several [MASK]s: filled jointly, the order and each step's candidates shown. */
async function fillMasks(ctx: Ctx, m: LoadedModel, text: string, top: number): Promise<void> {
  const r = await ctx.engine.fillMasks(m, text, { top });
  if (ctx.v.json) return json(ctx, r);
  ctx.out(`${r.masks.length} [MASK]s filled jointly by ${r.method} (${m.info.id}):\n${r.text}\n`);
  ctx.out(
    table(
      ['>#', '>at', '>step', 'word', 'candidates at that step'],
      r.masks.map((x, i) => [i + 1, x.start, x.step, x.word, x.predictions.map((p) => `${p.word} ${fmt(p.score)}`).join(', ')]),
    ),
  );
  ctx.out(`\njoint probability ${fmt(r.score)} (each word given the ones filled before it)`);
}

/** Tensor export: the window of --word (else the first window), every word of it, as .npy files + tensors.json. */
export async function exportTensors(ctx: Ctx): Promise<void> {
  const dir = str(ctx.v, 'out');
  if (!dir) throw new UsageError('Missing --out DIR: the folder to write tensors.json and the .npy files to.');
  const what = (str(ctx.v, 'what') ?? TENSOR_KINDS.join(','))
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = what.filter((w) => !(TENSOR_KINDS as readonly string[]).includes(w));
  if (bad.length || !what.length)
    throw new UsageError(`--what takes ${TENSOR_KINDS.join(', ')} (comma-separated); got "${str(ctx.v, 'what')}".`);
  const kinds = [...new Set(what)] as TensorKind[];
  const text = await inputText(ctx.v);
  const layers = tensorLayers(kinds);
  const m = await load(ctx, text, 'encoder', layers.attentionLayers === 'all');
  const tok = await ctx.engine.tokenize(m, text);
  const at = str(ctx.v, 'word') === undefined ? 0 : tok.words.starts[findWord(tok, ctx.v)];
  const enc = await ctx.engine.encode(m, text, { ...layers, range: { start: at, end: at + 1 } });
  const bundle = tensorBundle(enc, { start: at, end: at }, kinds);
  const files = tensorFiles(bundle);
  try {
    makeDirs(dir);
    for (const f of files) await writeFile(path.join(dir, f.name), f.bytes);
  } catch (e) {
    throw new BertLensError(
      'BAD_INPUT',
      `Cannot write the tensors to ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Pick a folder you can write to with --out.`,
    );
  }
  const meta = JSON.parse(new TextDecoder().decode(files[0].bytes)) as { arrays: Record<string, { file: string; shape: number[] }> };
  if (ctx.v.json) return json(ctx, { dir, files: files.map((f) => f.name), ...meta });
  ctx.out(`${m.info.id}: ${bundle.words.length} words (characters ${bundle.window.start}–${bundle.window.end}) written to ${dir}`);
  ctx.out(
    table(
      ['file', 'shape'],
      [['tensors.json', 'words, offsets, shapes, axes'], ...Object.values(meta.arrays).map((a) => [a.file, `(${a.shape.join(', ')})`])],
    ),
  );
  ctx.out('In Python: numpy.load(path) for each .npy; tensors.json says what every axis is.');
}

export async function nsp(ctx: Ctx): Promise<void> {
  const [a, b] = sentencePair(ctx.v, 'nsp');
  const m = await load(ctx, `${a}\n${b}`);
  const r = await ctx.engine.nsp(m, a, b);
  if (ctx.v.json) return json(ctx, r);
  ctx.out(`P(B follows A) = ${fmt(r.isNext)}  ${bar(r.isNext)}\n(${m.info.id}; 0.5 = undecided)`);
  if (r.cut) ctx.out(pairCutNote(r.cut, m.info));
}

/** What nsp and ablate --task nsp say when A and B together were longer than the model reads. */
function pairCutNote(cut: PairCut, info: { id: string; maxPositions: number }): string {
  const side = (s: TokenCut, name: string) =>
    s.kept < s.of ? `the first ${s.kept} of ${name}'s ${s.of} tokens` : `${name} whole (${s.of} token${s.of === 1 ? '' : 's'})`;
  const shorten = [cut.a, cut.b].flatMap((s, k) => (s.kept < s.of ? ['AB'[k]] : [])).join(' and ');
  return `The pair is too long for ${info.id} (${info.maxPositions} positions): it read ${side(cut.a, 'A')} and ${side(cut.b, 'B')}. Shorten ${shorten}.`;
}

export async function similarity(ctx: Ctx): Promise<void> {
  const [a, b] = sentencePair(ctx.v, 'similarity');
  const m = await load(ctx, `${a}\n${b}`);
  const r = await ctx.engine.similarity(m, a, b);
  if (ctx.v.json) return json(ctx, { model: m.info.id, ...r });
  ctx.out(
    table(
      ['>layer', '>cosine', '', '>B shuffled'],
      r.layers.map((x) => [x.layer, x.cosine, bar(Math.max(0, x.cosine)), x.shuffled]),
    ),
  );
  const cut = [r.a, r.b].flatMap((s, k) => (s.truncated ? [`${'AB'[k]} was cut to ${s.tokens} pieces`] : []));
  ctx.out(
    `\nEach sentence encoded alone, its vector the mean of its pieces (${m.info.id}); layer 0 is the input embedding.` +
      `\n"B shuffled": B's pieces in another order, the same words without the sentence. Raw BERT vectors are all` +
      `\nfairly alike, so compare cosines with each other, not with 0.${cut.length ? `\n${cut.join('; ')}.` : ''}`,
  );
}

export async function mlmTask(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v, 'text');
  const m = await load(ctx, text);
  const rate = numOpt(ctx.v, 'rate') ?? 0.15;
  if (!(rate > 0 && rate <= 1)) throw new UsageError(`--rate must be above 0 and at most 1 (got ${rate}); BERT uses 0.15.`);
  const r = await ctx.engine.mlmTask(m, text, { rate, seed: intOpt(ctx.v, 'seed', 1), top: intOpt(ctx.v, 'top', 3, 1) });
  if (ctx.v.json) return json(ctx, r);
  const count = (s: string) => r.items.filter((x) => x.shown === s).length;
  const pct = (x: number) => `${Math.round(100 * x)}%`;
  ctx.out(
    `BERT's pretraining task (${r.model}, seed ${r.seed}): ${r.items.length} of the ${r.pieces} pieces read drawn (${pct(r.rate)}) — ` +
      `${count('mask')} shown as [MASK], ${count('random')} as a random piece, ${count('same')} left as they were.\n` +
      `The model must give back every drawn piece in one run; its first guess was right for ${r.correct} of ${r.items.length} (${pct(r.correct / r.items.length)}).\n`,
  );
  ctx.out(
    table(
      ['>#', 'piece', '>at', 'the model read', 'its guesses', ''],
      r.items.map((x, i) => [
        i + 1,
        x.original,
        `${x.start}–${x.end}`,
        x.shown === 'random' ? `${x.as} (random)` : x.shown === 'same' ? `${x.as} (kept)` : x.as,
        x.predictions.map((p) => `${show(p.word)} ${fmt(p.score)}`).join(', '),
        x.correct ? '✓' : '✗',
      ]),
    ),
  );
  if (r.read.end - r.read.start < text.length)
    ctx.out(`\nThe text is longer than the model reads at once: this was its first window (characters ${r.read.start}–${r.read.end}).`);
}

/** The word (--word, --occurrence) against every word of a reference corpus at one layer: exBERT's corpus search. */
export async function reference(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text);
  const layer = layerChoice(ctx.v);
  if (layer === 'last4') throw new UsageError('reference reads the corpus at one layer: give --layer 0 (embeddings) to L, or last.');
  const word = needWord(ctx.v);
  const n = intOpt(ctx.v, 'occurrence', 1, 1);
  const top = intOpt(ctx.v, 'top', 10, 1);
  if (top > MAX_REFERENCE_TOP) throw new UsageError(`--top must be 1 to ${MAX_REFERENCE_TOP} (got ${top}).`);
  const tk = await ctx.engine.tokenizer(m);
  const skeleton = { model: m.info, textHash: '', tok: tk.tokenize(text), windows: [] };
  const at = skeleton.tok.words.starts[occurrenceOf(skeleton, word, n - 1)];
  const r = await ctx.engine.reference(m, text, {
    at,
    layer: layer === 'last' ? undefined : layer,
    top,
    corpus: str(ctx.v, 'corpus'),
    onProgress: (p) => p.total > 1 && ctx.progress.update('Reading the reference corpus', p.done, p.total),
  });
  if (ctx.v.json) return json(ctx, r);
  const total = occurrences(skeleton, word).length;
  const where = r.layer === 0 ? 'layer 0 (embeddings)' : `layer ${r.layer} of ${r.layers}`;
  ctx.out(
    `"${r.word.text}"${total > 1 ? ` (occurrence ${n} of ${total})` : ''}, position ${r.position}, at ${where} of ${r.model}, against ` +
      `${r.searched.toLocaleString('en-US')} words of ${r.passages.toLocaleString('en-US')} passages (${r.corpus}).\n` +
      `Same word: ${r.sameWord} of ${r.matches.length}. Words matched: ${r.words.map((w) => `${show(w.word)} ${w.count}`).join(', ')}.\n`,
  );
  ctx.out(
    table(
      ['>#', '>cosine', '>pos', 'in the corpus'],
      r.matches.map((x, i) => [
        i + 1,
        fmt(x.score),
        x.position,
        `${x.cutBefore ? '…' : ''}${x.before}[${x.word}]${x.after}${x.cutAfter ? '…' : ''}`,
      ]),
    ),
  );
}

/** Distances the text table lists (the JSON has every one). */
const DISTANCES = [1, 2, 3, 4, 8, 16, 32, 64, 128, 256, 511];

export async function positions(ctx: Ctx): Promise<void> {
  const m = await load(ctx, '');
  const r = await ctx.engine.positions(m);
  if (ctx.v.json)
    return json(ctx, {
      model: r.model,
      positions: r.positions,
      compared: r.compared,
      dims: r.dims,
      byDistance: { learned: r.learned.byDistance, sinusoid: r.sinusoid.byDistance },
      norms: { learned: r.learned.norms, sinusoid: r.sinusoid.norms },
    });
  const n = r.compared;
  const ks = [...DISTANCES.filter((k) => k < n - 1), n - 1];
  const first = n < r.positions ? ` The first ${n} of its ${r.positions} positions are compared.` : '';
  ctx.out(
    `Positional encoding of ${r.model}: one learned vector per position (${r.positions} × ${r.dims}), added to each token's\n` +
      `embedding. Mean cosine of two positions k apart, beside the Transformer's fixed sin/cos encoding of the same size\n` +
      `(PE(p, 2i) = sin(p / 10000^(2i/d)), PE(p, 2i+1) = cos(…)):${first}\n`,
  );
  ctx.out(
    table(
      ['>k', '>learned', '>sin/cos'],
      ks.map((k) => [k, r.learned.byDistance[k], r.sinusoid.byDistance[k]]),
    ),
  );
  ctx.out('\nThe whole position × position map: the panel, Model › Positions.');
}

/** What qa, occlude --task qa and ablate --task qa say when the question was longer than the model reads. */
function cutNote(cut: TokenCut, model: string): string {
  return `The question is ${cut.of} tokens long; ${model} read only its first ${cut.kept}. Ask a shorter question.`;
}

export async function qa(ctx: Ctx): Promise<void> {
  const question = str(ctx.v, 'question');
  if (!question) throw new UsageError('qa needs --question "…" and a document (--text, --file or stdin).');
  const doc = await inputText(ctx.v, 'document');
  const m = await load(ctx, doc, 'qa');
  const r = await ctx.engine.answer(m, question, doc, {
    top: intOpt(ctx.v, 'top', 3, 1),
    maxAnswerLen: intOpt(ctx.v, 'max-answer-len', 30, 1),
    maxSeqLen: intOpt(ctx.v, 'max-seq-len', 384, 8),
    stride: intOpt(ctx.v, 'stride', 128, 0),
    noAnswerThreshold: numOpt(ctx.v, 'no-answer-threshold'),
    positions: ctx.v.positions === true,
  });
  if (ctx.v.json) return json(ctx, r);
  const cut = r.questionCut ? `\n${cutNote(r.questionCut, m.info.id)}` : '';
  if (!r.answers.length) return ctx.out(`No answer found (no-answer score ${fmt(r.noAnswerScore ?? 0)}).${cut}`);
  ctx.out(
    table(
      ['>#', 'answer', '>start', '>end', '>score'],
      r.answers.map((x, i) => [i + 1, x.text, x.start, x.end, x.score]),
    ),
  );
  ctx.out(`\nno-answer score ${fmt(r.noAnswerScore ?? 0)} (${m.info.id})${cut}`);
  if (r.positions) ctx.out(`\n${positionsText(positionRows(r.positions))}`);
}

/** qa --positions: the start/end table around the best answer (* marks its tokens). */
function positionsText(p: QaPositionRows): string {
  const rows: Array<Array<string | number>> = [['', '[CLS] (no answer)', p.cls.pStart, p.cls.pEnd]];
  for (const r of p.rows) {
    if (r.gap) rows.push(['', '…', '', '']);
    rows.push([r.answer ? '*' : '', show(r.text), r.pStart, r.pEnd]);
  }
  rows.push(['', 'everything else', p.rest.pStart, p.rest.pEnd]);
  return (
    `How the best answer was chosen (window ${p.window + 1} of ${p.windows}): the QA head scores every token as the answer's start\n` +
    `and as its end, each a softmax over the window (question included); the answer is the start and end pair with the\n` +
    `highest start + end logit (* marks its tokens).\n` +
    table(['', 'token', '>P(start)', '>P(end)'], rows)
  );
}

export async function models(ctx: Ctx): Promise<void> {
  const [sub, id] = ctx.positionals;
  if (sub === 'list' || sub === undefined) {
    const list = await ctx.engine.listModels();
    if (ctx.v.json) return json(ctx, { models: list });
    if (!list.length) return ctx.out('No models found. Download one: bert-lens models download Xenova/bert-base-uncased');
    ctx.out(
      table(
        ['id', 'source', 'dtypes', '>size', 'folder'],
        list.map((x) => [x.id + (x.partial ? ' (partial)' : ''), x.source, x.dtypes.join(',') || '-', bytes(x.bytes), shortPath(x.dir)]),
      ),
    );
    const partial = list.filter((x) => x.partial);
    if (partial.length) {
      ctx.out('\nPartial downloads (finish with: bert-lens models download ID; or delete the folder):');
      for (const x of partial)
        ctx.out(
          `  ${x.id}: ${[...x.partial!.missing.map((f) => `missing ${f}`), ...x.partial!.parts.map((f) => `unfinished ${f}`)].join(', ')}`,
        );
    }
    return;
  }
  if (sub !== 'download' && sub !== 'verify')
    throw new UsageError(`Unknown "models ${sub}". Use: models list | models download ID | models verify ID.`);
  if (!id) throw new UsageError(`models ${sub} needs a model: an embedded name, a folder or a Hugging Face id.`);
  if (sub === 'download') {
    const m = await load({ ...ctx, v: { ...ctx.v, model: id } }, '');
    if (ctx.v.json) return json(ctx, { model: m.info });
    return ctx.out(`Ready: ${m.info.id} (${m.info.architecture}, ${m.info.layers} layers, ${m.info.dtype}) in ${m.info.dir}`);
  }
  const r = await ctx.engine.verify(id);
  if (ctx.v.json) json(ctx, r);
  else ctx.out(r.ok ? `${id}: OK` : `${id}: ${r.problems.length} problem(s)\n${r.problems.map((p) => '  - ' + show(p)).join('\n')}`);
  if (!r.ok) process.exitCode = 1;
}

/** A folder below the current directory as a relative path (shorter, and the same in every clone); others as given. */
function shortPath(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : dir;
}

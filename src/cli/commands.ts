// The `bert-lens` subcommands: each loads what it needs through the engine and prints a table or JSON.
import path from 'node:path';
import type { BertLensEngine } from '../core/index';
import type { Encoding, LayerChoice, LoadedModel, StaticVectors, Tokenized } from '../core/api';
import { AUTO, chooseLanguage, isAuto, resolveModel, type ModelKind } from '../core/auto';
import { BertLensError } from '../core/model/errors';
import { UsageError, inputText, intOpt, numOpt, str, type Values } from './args';
import { Progress, bar, bytes, fmt, show, table } from './format';

/** auto (src/core/auto.ts): the Chinese embedded models when the input text is mostly Chinese, else the English ones. */
export const DEFAULTS = { model: AUTO, static: AUTO };

export interface Ctx {
  engine: BertLensEngine;
  v: Values;
  positionals: string[];
  out: (s: string) => void;
  progress: Progress;
}

const json = (ctx: Ctx, x: unknown) => ctx.out(JSON.stringify(x, null, 2));

/** The model of --model (default auto), resolved for `text`: the text, the document, or both sentences. */
async function load(ctx: Ctx, text: string, kind: Exclude<ModelKind, 'static'> = 'encoder'): Promise<LoadedModel> {
  const id = resolveModel(str(ctx.v, 'model') ?? DEFAULTS.model, kind, chooseLanguage(text).language);
  let file = '';
  let got = 0;
  const m = await ctx.engine.load(id, {
    onProgress: (p) => {
      file = p.file;
      got = p.loaded;
      ctx.progress.update(`Downloading ${p.model} ${p.file}`, p.loaded, p.total, 'bytes');
    },
  });
  if (file) ctx.progress.done(`Downloaded ${id} (last file ${file}, ${bytes(got)})`);
  return m;
}

async function encode(ctx: Ctx, m: LoadedModel, text: string, attention = false): Promise<Encoding> {
  const enc = await ctx.engine.encode(m, text, {
    hiddenLayers: 'all',
    attentionLayers: attention ? 'all' : [],
    onProgress: (done, total) => total > 1 && ctx.progress.update('Encoding windows', done, total),
  });
  if (enc.windows.length > 1) ctx.progress.done(`Encoded ${enc.tok.words.length} words in ${enc.windows.length} windows`);
  return enc;
}

function layerChoice(v: Values): LayerChoice {
  const s = str(v, 'layer');
  if (s === undefined || s === 'last' || s === 'last4') return (s ?? 'last') as LayerChoice;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--layer must be 0 (embeddings), a layer number 1..L, last or last4 (got "${s}"${n < 0 ? '; layers do not count from the end: use last' : ''}).`);
  return n;
}

function needWord(v: Values): string {
  const w = str(v, 'word');
  if (!w) throw new UsageError('Missing --word WORD: which word of the text to look at.');
  return w;
}

/** Word index of the N-th (1-based --occurrence) case-insensitive match of --word. */
function findWord(tok: Tokenized, v: Values): number {
  const w = needWord(v).trim().toLowerCase();
  const n = intOpt(v, 'occurrence', 1, 1);
  const hits = tok.words.flatMap((x, i) => (x.text.toLowerCase() === w ? [i] : []));
  if (!hits.length) throw new BertLensError('BAD_INPUT', `"${str(v, 'word')}" is not a word of the text. Words are split like BERT's basic tokenizer (punctuation and each CJK character separate).`);
  if (n > hits.length) throw new BertLensError('BAD_INPUT', `"${str(v, 'word')}" occurs ${hits.length} time(s); --occurrence ${n} is too large.`);
  return hits[n - 1];
}

export async function tokens(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text);
  const t = await ctx.engine.tokenize(m, text);
  if (ctx.v.json) {
    return json(ctx, {
      model: m.info.id,
      tokens: t.tokens.map((x) => ({ text: x.text, start: x.start, end: x.end, word: x.word, id: x.id })),
      words: t.words.map((w) => ({ text: w.text, start: w.start, end: w.end })),
    });
  }
  ctx.out(table(['>#', 'token', '>id', '>start', '>end', '>word', 'source'], t.tokens.map((x, i) => [i, x.text, x.id, x.start, x.end, x.word, text.slice(x.start, x.end)])));
  ctx.out(`\n${t.tokens.length} tokens, ${t.words.length} words (${m.info.id}, ${m.info.uncased ? 'uncased' : 'cased'})`);
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
  const enc = await encode(ctx, m, text);
  const layer = layerChoice(ctx.v);
  const top = intOpt(ctx.v, 'top', 5, 1);
  if (!str(ctx.v, 'word')) {
    const vecs = ctx.engine.wordVectors(enc, layer);
    if (ctx.v.json) return json(ctx, { model: m.info.id, layer, words: enc.tok.words.map((w, i) => ({ text: w.text, start: w.start, end: w.end, vector: Array.from(vecs[i]) })) });
    return ctx.out(table(['word', '>start', '>end', '>|v|', 'first dims'], enc.tok.words.map((w, i) => [w.text, w.start, w.end, Math.hypot(...vecs[i]), Array.from(vecs[i].slice(0, 4), fmt).join(' ') + ' …'])));
  }
  const word = needWord(ctx.v);
  const r = ctx.engine.vectors(enc, word, { layer, top, staticVectors: await staticFor(ctx, m, text) });
  if (ctx.v.json) return json(ctx, r);
  const s = r.static;
  ctx.out(`Static neighbours of "${word}" (${s?.source ?? 'none'})${s && !s.inVocabulary ? ': not in the vocabulary' : ''}`);
  if (s?.neighbours.length) ctx.out(table(['neighbour', '>cosine'], s.neighbours.map((n) => [n.word, n.score])));
  for (const c of r.contextual) {
    ctx.out(`\nContextual neighbours of "${text.slice(c.start, c.end)}" at ${c.start}–${c.end} (layer ${layer}, ${m.info.id})`);
    ctx.out(table(['word', '>start', '>cosine'], c.neighbours.map((n) => [n.word, n.start ?? '', n.score])));
  }
}

export async function similar(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const enc = await encode(ctx, await load(ctx, text), text);
  const r = ctx.engine.similar(enc, needWord(ctx.v), { layer: layerChoice(ctx.v) });
  if (ctx.v.json) return json(ctx, r);
  const names = r.occurrences.map((o, i) => `#${i + 1}@${o.start}`);
  ctx.out(`"${r.word}": ${r.occurrences.length} occurrence(s). Contextual cosine (static similarity is 1 for every pair: one vector per word type)`);
  ctx.out(table(['', ...names.map((n) => '>' + n)], r.contextual.map((row, i) => [names[i], ...row])));
}

export async function attention(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text);
  const enc = await encode(ctx, m, text, true);
  const ls = str(ctx.v, 'layer');
  const layer = ls === undefined || ls === 'last' ? m.info.layers : ls === 'rollout' ? 'rollout' : Number(ls);
  if (layer !== 'rollout' && (!Number.isInteger(layer) || layer < 1)) throw new UsageError(`--layer must be 1..${m.info.layers}, last or rollout (got "${ls}"${Number(ls) < 0 ? '; layers do not count from the end: use last' : ''}).`);
  const hs = str(ctx.v, 'head');
  const head = hs === undefined || hs === 'mean' ? 'mean' : Number(hs);
  if (head !== 'mean' && !Number.isInteger(head)) throw new UsageError(`--head must be 0..${m.info.heads - 1} or mean (got "${hs}").`);
  const r = ctx.engine.attention(enc, findWord(enc.tok, ctx.v), { layer, head });
  if (ctx.v.json) return json(ctx, r);
  const top = intOpt(ctx.v, 'top', 0, 0);
  const rows = [...r.to].sort((a, b) => b.weight - a.weight).slice(0, top || undefined);
  const max = Math.max(...r.to.map((t) => t.weight));
  ctx.out(`Attention from "${r.from.text}" (${r.from.start}–${r.from.end}), layer ${r.layer}, head ${r.head}; [CLS]/[SEP] left out, weights renormalized`);
  ctx.out(table(['to', '>start', '>weight', ''], rows.map((t) => [t.text, t.start, t.weight, bar(t.weight, max)])));
}

export async function explain(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text);
  const tok = await ctx.engine.tokenize(m, text);
  const layer = intOpt(ctx.v, 'layer', m.info.layers, 1);
  const head = intOpt(ctx.v, 'head', 0, 0);
  const r = await ctx.engine.explain(m, text, findWord(tok, ctx.v), { layer, head });
  if (ctx.v.json) return json(ctx, r);
  const dims = (v: number[]) => v.slice(0, 4).map(fmt).join(' ') + (v.length > 4 ? ' …' : '');
  ctx.out(`"${r.from.text}" (${r.from.start}–${r.from.end}), layer ${layer}, head ${head}, d = ${r.headDim}: weights = softmax(q·k/√d) per word`);
  ctx.out(`q = [${dims(r.query)}]`);
  ctx.out(table(['key word', '>q·k', '>q·k/√d', '>weight', 'k', ''], r.words.map((w, i) => [w.text, r.scores[i], r.scaled[i], r.weights[i], dims(r.keys[i]), bar(r.weights[i], Math.max(...r.weights))])));
  ctx.out(`output = Σ weight·v = [${dims(r.output)}]`);
  ctx.out('(words merge their pieces: q, k, v are piece means, weights are the real token softmax summed over pieces; [CLS]/[SEP] left out and renormalized)');
}

export async function mask(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const m = await load(ctx, text);
  let at = numOpt(ctx.v, 'at');
  if (at === undefined && str(ctx.v, 'word')) {
    const t = await ctx.engine.tokenize(m, text);
    at = t.words[findWord(t, ctx.v)].start;
  }
  const r = await ctx.engine.mask(m, text, { at, top: intOpt(ctx.v, 'top', 5, 1) });
  if (ctx.v.json) return json(ctx, r);
  ctx.out(`Predictions for "${text.slice(r.start, r.end)}" at ${r.start}–${r.end} (${m.info.id})`);
  ctx.out(table(['>#', 'word', '>probability', ''], r.predictions.map((p, i) => [i + 1, p.word, p.score, bar(p.score, r.predictions[0]?.score)])));
}

export async function nsp(ctx: Ctx): Promise<void> {
  const a = str(ctx.v, 'a');
  const b = str(ctx.v, 'b');
  if (a === undefined || b === undefined) throw new UsageError('nsp needs both --a "sentence A" and --b "sentence B".');
  const m = await load(ctx, `${a}\n${b}`);
  const r = await ctx.engine.nsp(m, a, b);
  if (ctx.v.json) return json(ctx, r);
  ctx.out(`P(B follows A) = ${fmt(r.isNext)}  ${bar(r.isNext)}\n(${m.info.id}; 0.5 = undecided)`);
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
  });
  if (ctx.v.json) return json(ctx, r);
  if (!r.answers.length) return ctx.out(`No answer found (no-answer score ${fmt(r.noAnswerScore ?? 0)}).`);
  ctx.out(table(['>#', 'answer', '>start', '>end', '>score'], r.answers.map((x, i) => [i + 1, x.text, x.start, x.end, x.score])));
  ctx.out(`\nno-answer score ${fmt(r.noAnswerScore ?? 0)} (${m.info.id})`);
}

export async function models(ctx: Ctx): Promise<void> {
  const [sub, id] = ctx.positionals;
  if (sub === 'list' || sub === undefined) {
    const list = await ctx.engine.listModels();
    if (ctx.v.json) return json(ctx, { models: list });
    if (!list.length) return ctx.out('No models found. Download one: bert-lens models download Xenova/bert-base-uncased');
    return ctx.out(table(['id', 'source', 'dtypes', '>size', 'folder'], list.map((x) => [x.id, x.source, x.dtypes.join(','), bytes(x.bytes), shortPath(x.dir)])));
  }
  if (sub !== 'download' && sub !== 'verify') throw new UsageError(`Unknown "models ${sub}". Use: models list | models download ID | models verify ID.`);
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

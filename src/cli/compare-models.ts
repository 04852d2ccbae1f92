// `bert-lens compare-models`: the word read by two models side by side (core/compare-models.ts) — attention from it
// at one relative depth, the divergence per depth, both models' masked-word predictions and their tokenizations.
import type { LoadedModel } from '../core/api';
import { compareModels as compare, type ModelComparison } from '../core/compare-models';
import { BertLensError } from '../core/model/errors';
import { MASK_FORMS } from '../core/mlm';
import { UsageError, inputText, intOpt, numOpt, str } from './args';
import { downloading, findWord, json, load, type Ctx } from './commands';
import { bar, fmt, table } from './format';

/** The model of --against; a failure names it (the --model side loaded fine, or failed with its own message). */
async function loadAgainst(ctx: Ctx): Promise<LoadedModel> {
  const id = str(ctx.v, 'against')?.trim();
  if (!id) throw new UsageError('compare-models needs --against ID: the second model (embedded name, folder path or Hugging Face id).');
  try {
    return await downloading(ctx, id, (onProgress) => ctx.engine.load(id, { onProgress, attention: true }));
  } catch (e) {
    if (!(e instanceof BertLensError)) throw e;
    // Its fixes would name --model, which loaded fine: the message says to change --against instead.
    const fix = e.details.fix?.filter((f) => f.option !== 'model');
    const what = `The model to compare against (--against ${id}) failed to load: ${e.message}`;
    throw new BertLensError(e.code, `${what} Check --against, or download the model first (bert-lens models download ID).`, {
      ...e.details,
      model: id,
      fix,
    });
  }
}

/** The depth row of --layer: A's layer L (the first row that reads it), `last` (default) or `rollout` (null). */
function depthRow(r: ModelComparison, layer: string | undefined): number | null {
  if (layer === 'rollout') return null;
  if (layer === undefined || layer === 'last') return r.depth.length - 1;
  const l = Number(layer);
  const i = r.depth.findIndex((d) => d.a === l);
  if (!Number.isInteger(l) || i < 0)
    throw new UsageError(`--layer must be 1..${r.a.layers} (a layer of ${r.a.model}), last or rollout (got "${layer}").`);
  return i;
}

export async function compareModels(ctx: Ctx): Promise<void> {
  const text = await inputText(ctx.v);
  const a = await load(ctx, text, 'encoder', true); // attention of both models
  const b = await loadAgainst(ctx);
  let at = numOpt(ctx.v, 'at');
  if (at === undefined && str(ctx.v, 'word') !== undefined) {
    const tok = await ctx.engine.tokenize(a, text);
    at = tok.words.starts[findWord(tok, ctx.v)];
  }
  if (at === undefined) at = text.search(MASK_FORMS); // [MASK], or ［MASK］/【MASK】 as a Chinese input method types it
  if (at < 0) throw new UsageError('Say which word to compare: --word W [--occurrence N], --at OFFSET, or write [MASK] in the text.');
  const r = await compare(ctx.engine, a, b, text, at, { top: intOpt(ctx.v, 'top', 5, 1) });
  if (ctx.v.json) return json(ctx, r);
  const row = depthRow(r, str(ctx.v, 'layer'));
  const name = (s: ModelComparison['a']) => `${s.model} (${s.layers} layers × ${s.heads} heads, ${s.vocabSize} pieces)`;
  ctx.out(`"${r.focus.text}" at ${r.focus.start}–${r.focus.end}: A = ${name(r.a)}, B = ${name(r.b)}`);
  const wa = row === null ? r.a.attention?.rollout : r.a.attention?.layers[r.depth[row].a - 1];
  const wb = row === null ? r.b.attention?.rollout : r.b.attention?.layers[r.depth[row].b - 1];
  const js = row === null ? r.rollout : r.depth[row].divergence;
  const where = row === null ? 'rollout' : `layer ${r.depth[row].a} of A ↔ layer ${r.depth[row].b} of B (head mean, same relative depth)`;
  ctx.out(`\nAttention from "${r.focus.text}", ${where}; Jensen–Shannon divergence ${js === null ? '—' : fmt(js)} bits`);
  const max = Math.max(...(wa ?? []), ...(wb ?? [])); // one scale for both columns: bars compare across models
  const w = (p: number[] | undefined, i: number): [string | number, string] => (p ? [p[i], bar(p[i], max, 10)] : ['—', '']);
  ctx.out(
    table(
      ['word', '>A', '', '>B', '', 'pieces A', 'pieces B', ''],
      r.words.map((x, i) => [
        i === r.focus.index ? `» ${x.text}` : x.text,
        ...w(wa, i),
        ...w(wb, i),
        x.a.join(' '),
        x.b.join(' '),
        x.same ? '' : '≠',
      ]),
    ),
  );
  for (const s of [r.a, r.b]) if (s.attentionError) ctx.out(`(${s.attentionError})`);
  ctx.out('\nDivergence by relative depth (Jensen–Shannon, bits: 0 = same distribution, 1 = disjoint):');
  ctx.out(
    table(
      ['>A layer', '>B layer', '>divergence', ''],
      [
        ...r.depth.map((d) => [d.a, d.b, d.divergence ?? '—', d.divergence === null ? '' : bar(d.divergence, 1, 40)]),
        ['rollout', 'rollout', r.rollout ?? '—', r.rollout === null ? '' : bar(r.rollout, 1, 40)],
      ],
    ),
  );
  const what = r.masked === 'literal' ? 'the [MASK]' : `"${r.focus.text}" masked`;
  ctx.out(`\nPredictions for ${what}:`);
  const pa = r.a.predictions ?? [];
  const pb = r.b.predictions ?? [];
  ctx.out(
    table(
      ['>#', `A ${r.a.model}`, '>probability', `B ${r.b.model}`, '>probability'],
      Array.from({ length: Math.max(pa.length, pb.length) }, (_, i) => [
        i + 1,
        pa[i]?.word ?? '',
        pa[i]?.score ?? '',
        pb[i]?.word ?? '',
        pb[i]?.score ?? '',
      ]),
    ),
  );
  for (const s of [r.a, r.b]) if (s.predictionsError) ctx.out(`(${s.predictionsError})`);
  if (r.top1) ctx.out(`Top-1: ${r.top1.agree ? `both say "${r.top1.a}"` : `they differ ("${r.top1.a}" vs "${r.top1.b}")`}.`);
  const differ = r.words.filter((x) => !x.same).length;
  ctx.out(
    `\nTokenization: A ${r.a.tokens} pieces (${r.a.unknown} [UNK]), B ${r.b.tokens} pieces (${r.b.unknown} [UNK]); ${differ} of ${r.words.length} words split differently (≠).`,
  );
}

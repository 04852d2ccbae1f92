// Whether a continued pretraining run replaces the shipped encoder, decided on what users run: both models through the
// engine with their int8 files, on the same held-out sentences with one word masked (training/export_models.py
// engine_eval_input, 3,000 of them from scripts/build-models.sh) and the same held-out sentence pairs for
// next-sentence prediction (scripts/nsp-sentences.ts). The build's PyTorch rule (training/training_log.py improved:
// held-out MLM top-1 up, 128-token segments) accepted 2026-12-05's run 22 (+0.43) while every figure through the
// engine fell (masked top-1 38.2 → 37.6 %, sentence pairs 88.2 → 87.3 %), so both rules must pass.
// Usage: node --import tsx scripts/mlm-compare.ts SHIPPED_MODELS_DIR NEW_MODELS_DIR en|zh MASKED.json HELDOUT.txt
//   [--out FILE.json]   exit 0: the new one is at least as good; 1: keep the shipped one; 2: it could not tell
// A refusal also measures both fp32 files on the masked sentences, as a diagnostic that does not change the verdict: run
// 28 lost through int8 (38.70 vs 39.37 %) while its fp32 file led (40.00 vs 39.47 %) — one weight scale per matrix was
// the cause, not the weights.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type BertLensEngine, type LoadedModel } from '../src/core';
import { METRICS, maskPredictions, type Input } from './eval-engine';
import { nspAccuracy, sentencePairs, type Pair } from './nsp-sentences';

/** Sentence-pair accuracy (points) the candidate may lose, as the PyTorch rule's NSP slack (training_log.NSP_SLACK). */
export const NSP_SLACK = 1.0;

export interface MaskShares {
  maskTop1: number; // percent of the masked sentences whose gold word is the engine's first prediction
  maskTop5: number;
}

export interface MlmSide extends MaskShares {
  nspPairs: number; // percent of the sentence pairs judged right
}

/** Masked top-1 not down (a tie passes: the held-out PyTorch figure has already gone up), sentence pairs not down by
 * more than NSP_SLACK. */
export function mlmVerdict(shipped: MlmSide, candidate: MlmSide): { better: boolean; why: string } {
  const better = candidate.maskTop1 >= shipped.maskTop1 && candidate.nspPairs >= shipped.nspPairs - NSP_SLACK;
  const why =
    `through the engine (int8): masked top-1 ${candidate.maskTop1.toFixed(2)}% vs shipped ${shipped.maskTop1.toFixed(2)}% ` +
    `(top-5 ${candidate.maskTop5.toFixed(2)}% vs ${shipped.maskTop5.toFixed(2)}%), sentence pairs ` +
    `${candidate.nspPairs.toFixed(2)}% vs ${shipped.nspPairs.toFixed(2)}% (may lose ${NSP_SLACK})`;
  return { better, why };
}

/** One side of the comparison: the int8 encoder of MODELS_DIR on the masked sentences and the pairs. */
export async function measure(modelsDir: string, lang: keyof typeof METRICS, masked: Input['mask'], pairs: Pair[]): Promise<MlmSide> {
  return withModel(modelsDir, lang, 'int8', async (engine, model) => ({
    ...(await shares(engine, model, masked)),
    nspPairs: +(100 * (await nspAccuracy(engine, model, pairs)).accuracy).toFixed(2),
  }));
}

/** The masked sentences alone, on the files of either precision (the refusal's fp32 diagnostic). */
export async function measureMask(
  modelsDir: string,
  lang: keyof typeof METRICS,
  masked: Input['mask'],
  dtype: 'int8' | 'fp32',
): Promise<MaskShares> {
  return withModel(modelsDir, lang, dtype, (engine, model) => shares(engine, model, masked));
}

async function withModel<T>(
  modelsDir: string,
  lang: keyof typeof METRICS,
  dtype: 'int8' | 'fp32',
  f: (engine: BertLensEngine, model: LoadedModel) => Promise<T>,
): Promise<T> {
  const engine = createEngine({ modelsDir: path.resolve(modelsDir), offline: true, dtype });
  try {
    return await f(engine, await engine.load(METRICS[lang].mlm));
  } finally {
    await engine.dispose();
  }
}

async function shares(engine: BertLensEngine, model: LoadedModel, masked: Input['mask']): Promise<MaskShares> {
  const top = await maskPredictions(engine, model, masked, 5);
  const gold = masked.map((c) => c.gold.toLowerCase());
  const pct = (n: number) => +((100 * n) / masked.length).toFixed(2);
  return {
    maskTop1: pct(top.filter((w, i) => w[0] === gold[i]).length),
    maskTop5: pct(top.filter((w, i) => w.includes(gold[i])).length),
  };
}

/** What a refusal's fp32 figures say: whether int8 cost the candidate more than the shipped encoder. */
export function fp32Note(
  int8: { shipped: MaskShares; candidate: MaskShares },
  fp32: { shipped: MaskShares; candidate: MaskShares },
): string {
  const cost = (who: 'shipped' | 'candidate') => (fp32[who].maskTop1 - int8[who].maskTop1).toFixed(2);
  return (
    `fp32 files (a diagnostic; the rule reads int8): masked top-1 ${fp32.candidate.maskTop1.toFixed(2)}% vs shipped ` +
    `${fp32.shipped.maskTop1.toFixed(2)}% (top-5 ${fp32.candidate.maskTop5.toFixed(2)}% vs ${fp32.shipped.maskTop5.toFixed(2)}%); ` +
    `int8 costs the candidate ${cost('candidate')} points of top-1 and the shipped ${cost('shipped')}`
  );
}

async function main() {
  const args = process.argv.slice(2);
  const o = args.indexOf('--out');
  const out = o >= 0 ? args.splice(o, 2)[1] : undefined;
  const [shippedDir, newDir, lang, maskedFile, heldoutFile] = args;
  if (!heldoutFile || !(lang in METRICS) || (o >= 0 && !out)) {
    throw new Error('usage: mlm-compare.ts SHIPPED_MODELS_DIR NEW_MODELS_DIR en|zh MASKED.json HELDOUT.txt [--out FILE.json]');
  }
  const l = lang as keyof typeof METRICS;
  const masked = (JSON.parse(readFileSync(maskedFile, 'utf8')) as Pick<Input, 'mask'>).mask;
  const pairs = sentencePairs(readFileSync(heldoutFile, 'utf8'), 2000, l);
  const shipped = await measure(shippedDir, l, masked, pairs);
  const candidate = await measure(newDir, l, masked, pairs);
  const { better, why } = mlmVerdict(shipped, candidate);
  console.log(`${better ? 'accepted' : 'not accepted'}: ${why} (${masked.length} masked sentences, ${pairs.length} pairs)`);
  let fp32: { shipped: MaskShares; candidate: MaskShares } | undefined;
  if (!better) {
    try {
      fp32 = { shipped: await measureMask(shippedDir, l, masked, 'fp32'), candidate: await measureMask(newDir, l, masked, 'fp32') };
      console.log(fp32Note({ shipped, candidate }, fp32));
    } catch (e) {
      // A diagnostic only: without it the refusal still stands and is logged (exit 1, not 2).
      console.log(`fp32 diagnostic not measured: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (out)
    writeFileSync(
      out,
      JSON.stringify({ shipped, candidate, better, why, fp32, masked: masked.length, pairs: pairs.length }, null, 1) + '\n',
    );
  process.exitCode = better ? 0 : 1;
}

if (process.argv[1]?.endsWith('mlm-compare.ts')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 2;
  });
}

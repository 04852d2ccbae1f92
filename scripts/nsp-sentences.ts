// Next-sentence prediction the way the editor asks it: single held-out sentences, each followed either by the next
// sentence of its document or by a random sentence of another document (half each), accuracy at 0.5 through the
// engine (int8). The model card's NSP figure is measured on 128-token segment pairs, which are easier.
// Usage: node --import tsx scripts/nsp-sentences.ts build/corpus/heldout.txt [MODELS_DIR …] [--lang zh]
//        (default: models, en; zh reads build/zh/corpus/heldout.txt)
// heldout.txt is training/corpus.py's: one sentence per line, documents separated by blank lines.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type BertLensEngine } from '../src/core';
import type { LoadedModel } from '../src/core/api';
import { rng } from '../src/shared/rng';
import { METRICS } from './eval-engine';

export interface Pair {
  a: string;
  b: string;
  next: boolean;
}

/** Sentences the pairs use: 4–40 words in English; 8–80 characters in Chinese, which has no spaces (as the masked
 * sentences of training/export_models.py engine_eval_input). */
const KEEP = {
  en: (line: string) => {
    const n = line.trim().split(/\s+/).length;
    return n >= 4 && n <= 40;
  },
  zh: (line: string) => [...line.trim()].length >= 8 && [...line.trim()].length <= 80,
};

/** `n` pairs (n/2 of each kind), drawn with a fixed seed so two models see the same. */
export function sentencePairs(heldout: string, n = 2000, lang: keyof typeof KEEP = 'en'): Pair[] {
  const docs = heldout
    .split(/\n\s*\n/)
    .map((d) => d.split('\n').filter(KEEP[lang]))
    .filter((d) => d.length >= 2);
  if (docs.length < 2) throw new Error('the held-out file needs at least two documents of two or more sentences');
  const draw = rng(7);
  const pick = (k: number) => Math.floor(draw() * k);
  const pairs: Pair[] = [];
  while (pairs.length < n) {
    const d = pick(docs.length);
    const i = pick(docs[d].length - 1);
    if (pairs.length % 2 === 0) pairs.push({ a: docs[d][i], b: docs[d][i + 1], next: true });
    else {
      const e = (d + 1 + pick(docs.length - 1)) % docs.length; // any other document
      pairs.push({ a: docs[d][i], b: docs[e][pick(docs[e].length)], next: false });
    }
  }
  return pairs;
}

/** Share of pairs judged right at P(next) 0.5, and the mean P(next) on each kind. */
export async function nspAccuracy(
  engine: BertLensEngine,
  model: LoadedModel,
  pairs: Pair[],
): Promise<{ accuracy: number; meanNext: number; meanRandom: number }> {
  let right = 0;
  const sum = { next: 0, random: 0 };
  for (const p of pairs) {
    const { isNext } = await engine.nsp(model, p.a, p.b);
    if (isNext > 0.5 === p.next) right++;
    sum[p.next ? 'next' : 'random'] += isNext;
  }
  const half = pairs.length / 2;
  return { accuracy: right / pairs.length, meanNext: sum.next / half, meanRandom: sum.random / half };
}

async function main() {
  const args = process.argv.slice(2);
  const l = args.indexOf('--lang');
  const lang = (l >= 0 ? args.splice(l, 2)[1] : 'en') as keyof typeof KEEP;
  if (!(lang in KEEP)) throw new Error('--lang must be en or zh');
  const [file, ...dirs] = args;
  const pairs = sentencePairs(readFileSync(file, 'utf8'), 2000, lang);
  for (const dir of dirs.length ? dirs : ['models']) {
    const engine = createEngine({ modelsDir: path.resolve(dir), offline: true });
    const r = await nspAccuracy(engine, await engine.load(METRICS[lang].mlm, { dtype: 'int8' }), pairs);
    await engine.dispose();
    console.log(
      `${dir}: ${(100 * r.accuracy).toFixed(1)}% right on ${pairs.length} pairs; mean P(next) ${r.meanNext.toFixed(3)} on` +
        ` next sentences, ${r.meanRandom.toFixed(3)} on random ones`,
    );
  }
}

if (process.argv[1]?.endsWith('nsp-sentences.ts')) void main();

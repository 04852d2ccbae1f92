// Held-out figures of the embedded models measured through BERT Lens's own engine (the path users run), for fp32 and
// int8: masked-word top-1 (accuracy and fp32/int8 agreement) and document QA EM/F1 (sliding windows; SQuAD
// normalisation in English, the CMRC 2018 per-character metric in Chinese). Input: the JSON written by
// training/export_models.py (held-out cases); output: JSON for the model card.
// Usage: node --import tsx scripts/eval-engine.ts build/engine-eval-input.json build/engine-eval.json [en|zh]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type BertLensEngine } from '../src/core';
import type { LoadedModel } from '../src/core/api';

export interface Input {
  mask: Array<{ text: string; gold: string }>;
  qa: Array<{ question: string; context: string; answers: string[] }>;
}

/** SQuAD's official answer normalisation: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(s: string): string {
  const noPunct = [...s.toLowerCase()].filter((c) => !/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/.test(c)).join('');
  return noPunct
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

export function f1(pred: string, gold: string): number {
  const p = normalizeAnswer(pred).split(' ').filter(Boolean);
  const g = normalizeAnswer(gold).split(' ').filter(Boolean);
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const prec = same / p.length;
  const rec = same / g.length;
  return (2 * prec * rec) / (prec + rec);
}

const ZH_PUNCT = new Set([...'，。、；：？！…—·《》〈〉「」『』【】（）〔〕“”‘’～＂＇｀－,.;:?!()[]{}<>"\'`~-_/\\@#$%^&*+=|']);

/** CMRC 2018's scoring segments (as training/qa_squad.py): each CJK character alone, runs of ASCII letters/digits
 * together, punctuation and spaces dropped, lower case. */
export function cmrcSegments(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text.toLowerCase()) {
    if (/\s/.test(ch) || ZH_PUNCT.has(ch) || !/[a-z0-9]/.test(ch)) {
      if (cur) out.push(cur);
      cur = '';
      if (!/\s/.test(ch) && !ZH_PUNCT.has(ch)) out.push(ch);
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/** CMRC 2018's F1: from the longest common substring of the segments. */
export function cmrcF1(pred: string, gold: string): number {
  const p = cmrcSegments(pred);
  const g = cmrcSegments(gold);
  let lcs = 0;
  let prev = new Array<number>(g.length + 1).fill(0);
  for (let i = 1; i <= p.length; i++) {
    const cur = new Array<number>(g.length + 1).fill(0);
    for (let j = 1; j <= g.length; j++) {
      if (p[i - 1] === g[j - 1]) lcs = Math.max(lcs, (cur[j] = prev[j - 1] + 1));
    }
    prev = cur;
  }
  if (lcs === 0) return 0;
  const prec = lcs / p.length;
  const rec = lcs / g.length;
  return (2 * prec * rec) / (prec + rec);
}

/** Per language: the embedded models measured and the QA metrics (scripts/qa-heldout.ts uses the same). */
export const METRICS = {
  en: { mlm: 'bert-lens-mini', qa: 'bert-lens-mini-qa', em: (p: string, g: string) => normalizeAnswer(p) === normalizeAnswer(g), f1 },
  zh: {
    mlm: 'bert-lens-zh',
    qa: 'bert-lens-zh-qa',
    em: (p: string, g: string) => cmrcSegments(p).join(' ') === cmrcSegments(g).join(' '),
    f1: cmrcF1,
  },
};

/** EM and F1 (percent) of the engine's best answer to each question, against the best-matching gold answer. */
export async function qaFigures(
  engine: BertLensEngine,
  model: LoadedModel,
  qa: Input['qa'],
  m: (typeof METRICS)[keyof typeof METRICS],
): Promise<{ exactMatch: number; f1: number }> {
  let em = 0;
  let f = 0;
  for (const q of qa) {
    const best = (await engine.answer(model, q.question, q.context, { top: 1 })).answers[0]?.text ?? '';
    em += Math.max(...q.answers.map((g) => Number(m.em(best, g))));
    f += Math.max(...q.answers.map((g) => m.f1(best, g)));
  }
  return { exactMatch: (100 * em) / qa.length, f1: (100 * f) / qa.length };
}

/** The engine's top `top` words (lower-cased) for each masked sentence. */
export async function maskPredictions(engine: BertLensEngine, model: LoadedModel, cases: Input['mask'], top: number): Promise<string[][]> {
  const out: string[][] = [];
  for (const c of cases) out.push((await engine.mask(model, c.text, { top })).predictions.map((p) => p.word.toLowerCase()));
  return out;
}

async function main() {
  const [inFile, outFile, lang = 'en'] = process.argv.slice(2);
  const input = JSON.parse(readFileSync(inFile, 'utf8')) as Input;
  const m = METRICS[lang as keyof typeof METRICS];
  if (!m) throw new Error(`language must be en or zh, not ${lang}`);
  const engine = createEngine({ modelsDir: path.resolve('models'), offline: true });
  const out: Record<string, unknown> = { maskCases: input.mask.length, qaQuestions: input.qa.length };
  const top1: Record<string, string[]> = {};
  for (const dtype of ['fp32', 'int8'] as const) {
    const mlm = await engine.load(m.mlm, { dtype });
    const words = (await maskPredictions(engine, mlm, input.mask, 1)).map((w) => w[0] ?? '');
    top1[dtype] = words;
    const correct = words.filter((w, i) => w === input.mask[i].gold.toLowerCase()).length;
    const { exactMatch, f1: qaF1 } = await qaFigures(engine, await engine.load(m.qa, { dtype }), input.qa, m);
    out[dtype] = { maskTop1: correct / input.mask.length, qaExactMatch: exactMatch, qaF1 };
  }
  out.maskTop1Agreement = top1.fp32.filter((w, i) => w === top1.int8[i]).length / input.mask.length;
  await engine.dispose();
  writeFileSync(outFile, JSON.stringify(out, null, 1) + '\n');
  console.log(JSON.stringify(out));
}

if (process.argv[1]?.endsWith('eval-engine.ts')) void main();

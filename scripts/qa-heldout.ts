// Document QA through the engine on a whole held-out set (eval-engine.ts samples 300 questions for the model cards):
// EM/F1 with the same metrics (SQuAD normalisation in English, the CMRC 2018 per-character metric in Chinese).
// The sets: /usr/bin/python3 -m training.qa_heldout_set en|zh build/en-heldout-qa.json (Python reads the shared corpus, SHARED_CORPUS).
// Usage: node --import tsx scripts/qa-heldout.ts build/en-heldout-qa.json en|zh [fp32|int8]…
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../src/core';
import { cmrcF1, cmrcSegments, f1, normalizeAnswer } from './eval-engine';

const METRIC = {
  en: { model: 'bert-lens-mini-qa', em: (p: string, g: string) => normalizeAnswer(p) === normalizeAnswer(g), f1 },
  zh: { model: 'bert-lens-zh-qa', em: (p: string, g: string) => cmrcSegments(p).join(' ') === cmrcSegments(g).join(' '), f1: cmrcF1 },
};

async function main() {
  const [file, lang, ...dtypes] = process.argv.slice(2);
  const m = METRIC[lang as keyof typeof METRIC];
  if (!file || !m) throw new Error('usage: qa-heldout.ts <set.json> en|zh [fp32|int8]…');
  const qa = (JSON.parse(readFileSync(file, 'utf8')) as { qa: Array<{ question: string; context: string; answers: string[] }> }).qa;
  const engine = createEngine({ modelsDir: path.resolve('models'), offline: true });
  for (const dtype of (dtypes.length ? dtypes : ['fp32', 'int8']) as Array<'fp32' | 'int8'>) {
    const model = await engine.load(m.model, { dtype });
    let em = 0;
    let f = 0;
    for (const q of qa) {
      const best = (await engine.answer(model, q.question, q.context, { top: 1 })).answers[0]?.text ?? '';
      em += Math.max(...q.answers.map((g) => Number(m.em(best, g))));
      f += Math.max(...q.answers.map((g) => m.f1(best, g)));
    }
    const pct = (x: number) => ((100 * x) / qa.length).toFixed(2);
    console.log(`${m.model} ${dtype}: ${qa.length} questions, EM ${pct(em)}, F1 ${pct(f)}`);
  }
  await engine.dispose();
}

void main();

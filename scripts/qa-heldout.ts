// Document QA through the engine on a whole held-out set (eval-engine.ts samples 300 questions for the model cards):
// EM/F1 with the same metrics (SQuAD normalisation in English, the CMRC 2018 per-character metric in Chinese).
// The sets: /usr/bin/python3 -m training.qa_heldout_set en|zh build/en-heldout-qa.json (Python reads the shared corpus, SHARED_CORPUS).
// Usage: node --import tsx scripts/qa-heldout.ts build/en-heldout-qa.json en|zh [fp32|int8]… [--out FILE.json]
// (--out: the figures as JSON; the QA cards show build/engine-qa-heldout.json and build/zh/engine-qa-heldout.json when they are there.)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../src/core';
import { METRICS, qaFigures, type Input } from './eval-engine';

async function main() {
  const args = process.argv.slice(2);
  const o = args.indexOf('--out');
  const out = o >= 0 ? args.splice(o, 2)[1] : undefined;
  const [file, lang, ...dtypes] = args;
  const m = METRICS[lang as keyof typeof METRICS];
  if (!file || !m || (o >= 0 && !out)) throw new Error('usage: qa-heldout.ts <set.json> en|zh [fp32|int8]… [--out FILE.json]');
  const qa = (JSON.parse(readFileSync(file, 'utf8')) as Pick<Input, 'qa'>).qa;
  const engine = createEngine({ modelsDir: path.resolve('models'), offline: true });
  const figures: Record<string, unknown> = { model: m.qa, questions: qa.length };
  for (const dtype of (dtypes.length ? dtypes : ['fp32', 'int8']) as Array<'fp32' | 'int8'>) {
    const r = await qaFigures(engine, await engine.load(m.qa, { dtype }), qa, m);
    figures[dtype] = r;
    console.log(`${m.qa} ${dtype}: ${qa.length} questions, EM ${r.exactMatch.toFixed(2)}, F1 ${r.f1.toFixed(2)}`);
  }
  await engine.dispose();
  if (out) writeFileSync(out, JSON.stringify(figures, null, 1) + '\n');
}

void main();

// Document QA through the engine on a whole held-out set (eval-engine.ts samples 300 questions for the model cards):
// EM/F1 with the same metrics (SQuAD normalisation in English, the CMRC 2018 per-character metric in Chinese).
// The sets: /usr/bin/python3 -m training.qa_heldout_set en|zh build/en-heldout-qa.json (Python reads the shared corpus, SHARED_CORPUS).
// Usage: node --import tsx scripts/qa-heldout.ts build/en-heldout-qa.json en|zh [fp32|int8]…
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../src/core';
import { METRICS, qaFigures, type Input } from './eval-engine';

async function main() {
  const [file, lang, ...dtypes] = process.argv.slice(2);
  const m = METRICS[lang as keyof typeof METRICS];
  if (!file || !m) throw new Error('usage: qa-heldout.ts <set.json> en|zh [fp32|int8]…');
  const qa = (JSON.parse(readFileSync(file, 'utf8')) as Pick<Input, 'qa'>).qa;
  const engine = createEngine({ modelsDir: path.resolve('models'), offline: true });
  for (const dtype of (dtypes.length ? dtypes : ['fp32', 'int8']) as Array<'fp32' | 'int8'>) {
    const r = await qaFigures(engine, await engine.load(m.qa, { dtype }), qa, m);
    console.log(`${m.qa} ${dtype}: ${qa.length} questions, EM ${r.exactMatch.toFixed(2)}, F1 ${r.f1.toFixed(2)}`);
  }
  await engine.dispose();
}

void main();

// Experiment (issue 10): how the engine ranks QA answers across windows. prob = p_start·p_end with [CLS] in each
// window's softmax (core/qa.ts until 2026-11-30); logit = start + end logit (BERT's run_squad and
// training/qa_squad.py, which the model cards report; core/qa.ts since, with its top-20 pruning); probNoCls = the
// softmax over the context only; logitLessNull = the logit less the window's [CLS] null logit (a per-window
// calibration). Prints F1. 2026-12-01, int8, 300 questions: zh prob 13.6 / logit 18.3 / probNoCls 15.4 /
// logitLessNull 11.5; en 27.7 / 28.1 / 25.6 / 28.0 — the plain logit stays. logitMaxContext = the logit, a start token
// counted only in the window where it is farthest from an edge (run_squad's max context), 2026-12-01, int8, 600
// held-out questions (sampled as engine_eval_input does, seed 11): zh 18.4 vs logit 19.1, en 28.5 vs 28.7 — no gain.
// Usage: node --import tsx scripts/qa-ranking.ts build/zh/engine-eval-input.json zh bert-lens-zh-qa int8
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../src/core';
import { planQa, maskedSoftmax } from '../src/core/qa';
import { cmrcF1, f1 } from './eval-engine';

async function main() {
  const [inFile, lang, model, dtype = 'int8'] = process.argv.slice(2);
  const input = JSON.parse(readFileSync(inFile, 'utf8'));
  const F = lang === 'zh' ? cmrcF1 : f1;
  const engine = createEngine({ modelsDir: path.resolve('models'), offline: true });
  const qa = await engine.load(model, { dtype: dtype as 'int8' });
  const { tokenizer: tk } = await engine.tokenizerOf(model);
  const tot = { prob: 0, logit: 0, probNoCls: 0, logitLessNull: 0, logitMaxContext: 0 };
  for (const q of input.qa) {
    const doc = tk.tokenize(q.context);
    const wins = planQa(qa.info, tk, q.question, doc, { maxSeqLen: 128, stride: 128, maxQuestionLen: 64 });
    const best = {
      prob: [-1, ''],
      logit: [-Infinity, ''],
      probNoCls: [-1, ''],
      logitLessNull: [-Infinity, ''],
      logitMaxContext: [-Infinity, ''],
    } as Record<string, [number, string]>;
    const outs = await qa.run(
      wins.map((w) => ({ ids: w.ids, typeIds: qa.info.capabilities.tokenTypes ? w.typeIds : undefined })),
      { qa: true },
    );
    // run_squad's max context: a document token counts only in the window where it sits farthest from an edge.
    const ctxScore = (w: (typeof wins)[number], d: number) =>
      Math.min(d - w.docTokenStart, w.docTokenEnd - 1 - d) + 0.01 * (w.docTokenEnd - w.docTokenStart);
    const home = new Map<number, number>();
    wins.forEach((w, k) => {
      for (let d = w.docTokenStart; d < w.docTokenEnd; d++) {
        const h = home.get(d);
        if (h === undefined || ctxScore(w, d) > ctxScore(wins[h], d)) home.set(d, k);
      }
    });
    wins.forEach((w, k) => {
      const o = outs[k];
      const n = w.docTokenEnd - w.docTokenStart;
      const ctx = Array.from({ length: n }, (_, i) => w.contextStart + i);
      const ps = maskedSoftmax(o.startLogits!, [0, ...ctx]);
      const pe = maskedSoftmax(o.endLogits!, [0, ...ctx]);
      const ps2 = maskedSoftmax(o.startLogits!, ctx);
      const pe2 = maskedSoftmax(o.endLogits!, ctx);
      for (const s of ctx)
        for (const e of ctx) {
          if (e < s || e - s + 1 > 30) continue;
          const ts = doc.tokens.get(w.docTokenStart + s - w.contextStart),
            te = doc.tokens.get(w.docTokenStart + e - w.contextStart);
          const text = q.context.slice(doc.words.get(ts.word).start, doc.words.get(te.word).end);
          const logit = o.startLogits![s] + o.endLogits![e];
          const nullLogit = o.startLogits![0] + o.endLogits![0];
          const own = home.get(w.docTokenStart + s - w.contextStart) === k;
          const cand = {
            prob: ps[s] * pe[e],
            logit,
            probNoCls: ps2[s] * pe2[e],
            logitLessNull: logit - nullLogit,
            logitMaxContext: own ? logit : -Infinity,
          };
          for (const key of Object.keys(cand) as Array<keyof typeof cand>) if (cand[key] > best[key][0]) best[key] = [cand[key], text];
        }
    });
    for (const key of Object.keys(tot) as Array<keyof typeof tot>)
      tot[key] += Math.max(...q.answers.map((g: string) => F(best[key][1], g)));
  }
  const n = input.qa.length;
  console.log(model, dtype, Object.fromEntries(Object.entries(tot).map(([k, v]) => [k, +((100 * v) / n).toFixed(1)])));
  await engine.dispose();
}
void main();

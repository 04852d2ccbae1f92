// A quality floor for the shipped models, through the engine and the int8 files the extension runs: hand-written
// questions (test/data/qa-handwritten*.json) and everyday masked-word probes (test/data/mlm-probes.json), none of them
// ever trained on. Parity tests prove the files are what PyTorch trained; these fail when a retrained model that is
// worse is committed (e.g. the 4-layer bert-lens-zh-qa of 2026-12-01: F1 25.3 here; the 6-layer one of 2026-12-04's
// first fine-tune: 54.2; the English QA model of the 4-layer encoder: 47.8) or when a broken one predicts "the / was"
// everywhere. Floors sit ~8–9 F1 points / 3 probes under the figures measured when they were set (in the
// diagnostics), so run-to-run noise of a retrain does not trip them but a real loss does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type BertLensEngine } from '../../../src/core/index';
import { METRICS, qaFigures } from '../../../scripts/eval-engine';
import { HAND_FILES, handwritten } from '../../../scripts/qa-compare';
import { ROOT } from '../model/helpers';

const readJson = (p: string) => JSON.parse(readFileSync(path.join(ROOT, p), 'utf8'));
const has = (name: string) => existsSync(path.join(ROOT, 'models', name, 'onnx', 'model_quantized.onnx'));

interface Probe {
  text: string;
  answers: string[];
}

const LANGS = [
  // measured (int8, embedding tables with one scale per column since 2026-12-06, weight matrices per output column
  // since English run 28 and Chinese run 25; bert-lens-zh-qa's per matrix): en QA F1 82.4 (81.3 with one scale per
  // table; the 3-epoch fine-tune of the encoder shipped 2026-12-05; the two before: 73.8), probes top-1 9 / top-5 17 of
  // 20 (the 6-layer bert-lens-mini after its eighth continuation, 2026-12-06, better on 3,000 held-out sentences: int8
  // top-1 39.7% vs 39.4%; the seven before: 9 / 17, 12 / 16, 10 / 16, 8 / 17, 11 / 16, 10 / 13 and 8 / 16); zh QA F1
  // 69.3 (67.1 per table; 4.3 epochs: a 5-epoch fine-tune cut by its budget), probes 11 / 18 of 20 (bert-lens-zh after
  // its 2026-12-06 continuation, better on its held-out modern sentences, every character masked: everyday 66.5% vs
  // 66.1%; the two before: 14 / 18, 12 / 18)
  { lang: 'en' as const, qaF1: 72, top1: 5, top5: 11 },
  { lang: 'zh' as const, qaF1: 58, top1: 9, top5: 15 },
];

/** Probes (of 20) on which the int8 file's first prediction must be fp32's. */
const INT8_AGREE = 18;

for (const { lang, qaF1, top1, top5 } of LANGS) {
  const m = METRICS[lang];
  const present = has(m.mlm) && has(m.qa);
  describe(`embedded ${lang} models: quality floor (int8, through the engine)`, { skip: present ? false : 'models not built yet' }, () => {
    let engine: BertLensEngine;
    before(() => {
      engine = createEngine({ modelsDir: path.join(ROOT, 'models'), offline: true, dtype: 'int8' });
    });
    after(() => engine.dispose());

    it(`answers the hand-written questions (${HAND_FILES[lang]}) with F1 ≥ ${qaF1}`, async (t) => {
      const qa = handwritten(lang);
      const r = await qaFigures(engine, await engine.load(m.qa), qa, m);
      t.diagnostic(`${m.qa}: ${qa.length} questions, EM ${r.exactMatch.toFixed(1)}, F1 ${r.f1.toFixed(1)}`);
      assert.ok(r.f1 >= qaF1, `F1 ${r.f1.toFixed(1)} < ${qaF1}`);
    });

    it(`fills everyday masked words: top-1 ≥ ${top1}, top-5 ≥ ${top5} of the probes`, async (t) => {
      const probes = readJson('test/data/mlm-probes.json')[lang] as Probe[];
      const model = await engine.load(m.mlm);
      let first = 0;
      let five = 0;
      const missed: string[] = [];
      for (const p of probes) {
        const words = (await engine.mask(model, p.text, { top: 5 })).predictions.map((x) => x.word.toLowerCase());
        if (p.answers.includes(words[0])) first++;
        if (words.some((w) => p.answers.includes(w))) five++;
        else missed.push(`${p.text} → ${words.join(' ')}`);
      }
      t.diagnostic(`${m.mlm}: top-1 ${first}, top-5 ${five} of ${probes.length}; not in the top 5: ${missed.join(' | ')}`);
      assert.ok(first >= top1 && five >= top5, `top-1 ${first} (≥ ${top1}), top-5 ${five} (≥ ${top5}) of ${probes.length}`);
    });

    // What int8 costs users: with one scale per weight matrix, 2026-12-06's run 28 put another first word than its fp32
    // file on 4 of the 20 English probes (and lost 1.3 points of masked top-1 on 3,000 held-out sentences); with one
    // per output column (training/export_onnx.py) 1, as the shipped models before it (en and zh: 19 of 20).
    it(`int8 predicts fp32's first word on ≥ ${INT8_AGREE} of the probes`, async (t) => {
      const probes = readJson('test/data/mlm-probes.json')[lang] as Probe[];
      const fp32 = createEngine({ modelsDir: path.join(ROOT, 'models'), offline: true, dtype: 'fp32' });
      try {
        const [q, f] = [await engine.load(m.mlm), await fp32.load(m.mlm)];
        const differ: string[] = [];
        for (const p of probes) {
          const [a, b] = [await engine.mask(q, p.text, { top: 1 }), await fp32.mask(f, p.text, { top: 1 })];
          const [wa, wb] = [a.predictions[0].word, b.predictions[0].word];
          if (wa !== wb) differ.push(`${p.text} → int8 ${wa}, fp32 ${wb}`);
        }
        const same = probes.length - differ.length;
        t.diagnostic(`${m.mlm}: the same first word on ${same} of ${probes.length}; ${differ.join(' | ')}`);
        assert.ok(same >= INT8_AGREE, `${same} of ${probes.length} (≥ ${INT8_AGREE}): ${differ.join(' | ')}`);
      } finally {
        await fp32.dispose();
      }
    });
  });
}

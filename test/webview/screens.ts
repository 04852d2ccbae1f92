// Screenshots of every panel section on the real bundle in headless Chromium with realistic synthetic data,
// in the dark and light themes at 300 px: `node --import tsx test/webview/screens.ts <outDir>`. Look at them.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { installSynth, openPanel, THEMES } from './browser';
import { compareData, senseData } from '../../src/extension/panel/shape';
import { createEngine } from '../../src/core/index';
import { compareModels } from '../../src/core/compare-models';
import { rng } from '../../src/extension/panel/cluster';

const out = path.resolve(process.argv[2] ?? 'test/e2e/artifacts/webview');
mkdirSync(out, { recursive: true });

const text = 'The bank of the river was steep after the storm and the bank raised its rates on Monday';
const words: Array<{ text: string; start: number; end: number }> = [];
for (const m of text.matchAll(/\S+/g)) words.push({ text: m[0], start: m.index, end: m.index + m[0].length });
const focus = 1;
const hd = 4;
const r = rng(2);
const explain = (() => {
  const q = Array.from({ length: hd }, () => r() * 2 - 1);
  const keys = words.map(() => Array.from({ length: hd }, () => r() * 2 - 1));
  const values = words.map(() => Array.from({ length: hd }, () => r() * 2 - 1));
  const scores = keys.map((k) => k.reduce((s, x, j) => s + x * q[j] * 3, 0));
  const scaled = scores.map((s) => s / Math.sqrt(hd));
  const mx = Math.max(...scaled);
  const e = scaled.map((s) => Math.exp(s - mx));
  const z = e.reduce((a, b) => a + b, 0);
  const weights = e.map((x) => x / z);
  const output = Array.from({ length: hd }, (_, j) => values.reduce((s, v, i) => s + v[j] * weights[i], 0));
  return {
    layer: 3,
    head: 1,
    headDim: hd,
    from: words[focus],
    words,
    query: q,
    keys,
    values,
    scores,
    scaled,
    weights,
    output,
    heads: 4,
    hidden: 16,
  };
})();
const bankAt = words.filter((w) => w.text === 'bank');
const inspect = {
  word: words[focus],
  staticSource: 'word2vec-mini',
  inVocabulary: true,
  staticNeighbours: [
    { word: 'banks', score: 0.81 },
    { word: 'lender', score: 0.62 },
    { word: 'shore', score: 0.55 },
  ],
  substitutes: [
    { word: 'edge', score: 0.31 },
    { word: 'side', score: 0.22 },
    { word: 'shore', score: 0.12 },
  ],
  documentNeighbours: [
    { word: 'river', score: 0.74, start: 16, end: 21 },
    { word: 'steep', score: 0.41, start: 26, end: 31 },
  ],
  occurrences: [{ start: bankAt[1].start, end: bankAt[1].end, similarity: 0.43, snippet: '…storm and the bank raised its…' }],
  occurrencesTotal: 1,
  lens: [
    [
      ['the', 0.05],
      ['a', 0.04],
      ['to', 0.03],
    ],
    [
      ['the', 0.04],
      ['and', 0.03],
      ['a', 0.03],
    ],
    [
      ['side', 0.03],
      ['top', 0.02],
      ['edge', 0.02],
    ],
    [
      ['edge', 0.12],
      ['side', 0.09],
      ['bank', 0.05],
    ],
    [
      ['edge', 0.31],
      ['side', 0.22],
      ['shore', 0.12],
    ],
  ].map((ps, layer) => ({ layer, predictions: ps.map(([word, score]) => ({ word: word as string, score: score as number })) })),
};
const senseItems = Array.from({ length: 14 }, (_, i) => ({
  text: 'bank',
  start: i * 10,
  end: i * 10 + 4,
  context: i < 7 ? `the river bank ${i}` : `bank loan rates ${i}`,
  at: i < 7 ? 10 : 0,
}));
const dims = 8;
const vecs = new Float32Array(14 * dims).map(
  (_, k) => (((k / dims) | 0) < 7 ? (k % dims < 4 ? 1 : 0) : k % dims < 4 ? 0 : 1) + (r() - 0.5) * 0.3,
);
const sense = senseData({ items: senseItems, dims, vectors: vecs }, 'bank', 0);
const plain = (d: any) =>
  JSON.parse(JSON.stringify(d, (_k, v) => (ArrayBuffer.isView(v) ? { __t: v.constructor.name, a: Array.from(v as any) } : v)));
const qa = {
  question: 'What did the bank raise?',
  answers: [
    {
      text: 'its rates',
      start: text.indexOf('its rates'),
      end: text.indexOf('its rates') + 9,
      score: 0.82,
      before: 'after the storm and the bank raised ',
      after: ' on Monday',
    },
    {
      text: 'rates',
      start: text.indexOf('rates'),
      end: text.indexOf('rates') + 5,
      score: 0.11,
      before: '…the bank raised its ',
      after: ' on Monday',
    },
  ],
  noAnswer: 0.05,
};

/** A real comparison: the embedded English and Chinese models on a mixed sentence (different vocabularies). */
async function compare(): Promise<unknown> {
  const engine = createEngine();
  try {
    const t = 'The bank raised its rates because the river flooded. 银行提高了利率。';
    const r = await compareModels(engine, await engine.load('bert-lens-mini'), await engine.load('bert-lens-zh'), t, t.indexOf('bank'));
    return plain(compareData(r, ['bert-lens-mini', 'bert-lens-zh', 'Xenova/bert-base-chinese'], 'bert-lens-zh'));
  } finally {
    await engine.dispose();
  }
}

async function main(): Promise<void> {
  const compared = await compare();
  for (const theme of Object.keys(THEMES) as Array<keyof typeof THEMES>) {
    const p = await openPanel({ width: 300, height: 760, theme });
    try {
      await installSynth(p.page);
      const shots: Array<[string, unknown]> = [
        ['head', null],
        ['model', null],
        ['explain', explain],
        ['inspect', inspect],
        ['sense', plain(sense)],
        ['qa', qa],
        ['compare', compared],
      ];
      for (const [section, data] of shots) {
        await p.page.evaluate(
          async ({ section, data, words, focus }) => {
            const s = (window as any).synth;
            const revive = (d: any): any => JSON.parse(JSON.stringify(d), (_k, v) => (v && v.__t ? new (window as any)[v.__t](v.a) : v));
            if (!(window as any).__inited) {
              s.send({ type: 'init', language: 'en', model: { id: 'bert-lens-mini', layers: 4, heads: 4 } });
              s.send({ type: 'focus', focus: { uri: 'file:///demo.txt', version: 1, word: words[focus], fileName: 'demo.txt' } });
              (window as any).__inited = true;
            }
            (document.querySelector(`[data-section="${section}"]`) as HTMLElement).click();
            if (section === 'qa') {
              (document.querySelector('input.question') as HTMLInputElement).value = 'What did the bank raise?';
              (document.querySelector('button.ask') as HTMLElement).click();
            }
            const req = (window as any).__posted.filter((m: any) => m.type === 'request').at(-1);
            let msg: any;
            if (section === 'head') {
              const d = s.head(words.length, 4, focus, 3);
              d.words = words;
              d.layers = 4;
              msg = { type: 'head', seq: req.seq, data: d };
            } else if (section === 'model')
              msg = { type: 'model', seq: req.seq, data: s.grid(words.length, 4, 4, Math.min(24, words.length)) };
            else msg = { type: section, seq: req.seq, data: revive(data) };
            s.send(msg);
            await new Promise((r) => setTimeout(r, 150));
          },
          { section, data, words, focus },
        );
        const file = path.join(out, `panel-${section}-${theme}.png`);
        await p.page.screenshot({ path: file, fullPage: false });
        console.log(file);
      }
      const csp = await p.cspViolations();
      console.log(`${theme}: CSP violations: ${csp.length ? csp.join(', ') : 'none'}`);
      const dropped = (await p.posted()).filter((m: any) => m.type === 'log');
      if (dropped.length) console.log(`${theme}: webview logs: ${dropped.map((m: any) => m.message).join(' | ')}`);
    } finally {
      await p.close();
    }
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// Render-time benchmark for the panel at the size the issue asks about: a 512-word window of a 12×12 model.
// A script, not a test (no timing assertions): `node --import tsx test/webview/render-perf.ts` after `npm run build`.
// Host-side shaping is timed in Node; the head and model views are timed in headless Chromium on the real bundle.
import { gridData, headData, senseData } from '../../src/extension/panel/shape';
import { headSvg } from '../../src/shared/svg';
import { installSynth, openPanel } from './browser';

const L = 12,
  H = 12,
  N = 512;

function synthMatrix() {
  const weights = new Float32Array(L * H * N * N);
  for (let m = 0; m < L * H; m++)
    for (let i = 0; i < N; i++) {
      const off = (m * N + i) * N;
      let s = 0;
      for (let j = 0; j < N; j++) {
        const v = Math.exp(-Math.abs(i - j - (m % 5)) / (1 + (m % 9)));
        weights[off + j] = v;
        s += v;
      }
      for (let j = 0; j < N; j++) weights[off + j] /= s;
    }
  const words = Array.from({ length: N }, (_, i) => ({ text: `w${i}`, start: i * 5, end: i * 5 + 4 }));
  return {
    window: { start: 0, end: N * 5 },
    words,
    focus: 100,
    layers: L,
    heads: H,
    weights,
    rollout: weights.slice(0, N * N),
    census: Array.from({ length: L * H }, () => 'broad' as const),
  };
}

function time<T>(label: string, f: () => T, reps = 5): T {
  let out!: T;
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(58)} median ${ts[Math.floor(reps / 2)].toFixed(1)} ms  (min ${ts[0].toFixed(1)}, max ${ts[reps - 1].toFixed(1)})`,
  );
  return out;
}

const m = synthMatrix();
console.log(
  `Synthetic window: ${N} words × ${L} layers × ${H} heads (${(m.weights.byteLength / 1e6).toFixed(0)} MB tensor)\n— host side (Node ${process.version}) —`,
);
const head = time('headData: one layer, focus row of 12 heads', () => headData(m, 100, 6, false, N * 5));
console.log(`  payload ${head.weights.byteLength} bytes`);
const grid = time('gridData: 144 thumbnails pooled to 24×24 + focus scores', () => gridData(m, 100), 3);
console.log(`  payload ${grid.thumbs.byteLength + grid.focusRow.byteLength} bytes`);
time('headSvg string: 12 heads × 512 lines = 6144 lines', () =>
  headSvg({
    words: head.words,
    focus: 100,
    heads: H,
    weights: head.weights,
    rollout: false,
    visible: Array(H).fill(true),
    width: 300,
    title: 'x',
    palette: { fg: '#ccc', bg: '#111', muted: '#888', accent: '#07f' },
  }),
);
for (const [n, dims] of [
  [40, 256],
  [512, 256],
  [512, 768],
] as const) {
  const v = new Float32Array(n * dims).map((_, k) => Math.sin(k * 0.013) + (((k / dims) | 0) % 3));
  const items = Array.from({ length: n }, (_, i) => ({ text: 'bank', start: i, end: i + 1, context: 'x', at: 0 }));
  time(`senseData: PCA + k-means/silhouette, ${n} items × ${dims} dims`, () => senseData({ items, dims, vectors: v }, 'bank', 0), 3);
}

async function browserBench(): Promise<void> {
  console.log('— webview (headless Chromium, real bundle, 300 px wide) —');
  const p = await openPanel({ width: 300 });
  try {
    await installSynth(p.page);
    const results = await p.page.evaluate(async () => {
      const s = (window as any).synth;
      s.send({ type: 'init', language: 'en', model: { id: 'synthetic-12x12', layers: 12, heads: 12 } });
      s.send({ type: 'focus', focus: { uri: 'file:///x.txt', version: 1, word: { text: 'bank', start: 4, end: 8 }, fileName: 'x.txt' } });
      const seqOf = () => (window as any).__posted.filter((m: any) => m.type === 'request').at(-1).seq;
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const out: Record<string, number[]> = { head: [], headLayout: [], toggle: [], model: [], modelLayout: [] };
      for (let rep = 0; rep < 5; rep++) {
        const data = s.head(512, 12, 100 + rep, 1 + rep);
        await frame();
        await frame(); // let the previous round's style/layout settle outside the measurement
        let t0 = performance.now();
        s.send({ type: 'head', seq: seqOf(), data });
        out.head.push(performance.now() - t0);
        await frame();
        out.headLayout.push(performance.now() - t0);
        const chip = document.querySelector('.chip') as HTMLButtonElement;
        t0 = performance.now();
        chip.click();
        await frame();
        out.toggle.push(performance.now() - t0);
        chip.click();
        await frame();
      }
      (document.querySelector('[data-section="model"]') as HTMLButtonElement).click();
      for (let rep = 0; rep < 5; rep++) {
        const data = s.grid(512, 12, 12, 24);
        await frame();
        await frame();
        const t0 = performance.now();
        s.send({ type: 'model', seq: seqOf(), data });
        out.model.push(performance.now() - t0);
        await frame();
        out.modelLayout.push(performance.now() - t0);
      }
      return out;
    });
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)].toFixed(1);
    console.log(`head view, 6144 lines: render ${med(results.head)} ms; to next frame (layout+paint) ${med(results.headLayout)} ms`);
    console.log(`head view, toggle one head chip (attribute change, no re-render) to next frame: ${med(results.toggle)} ms`);
    console.log(`model view, 144 canvases 24×24: render ${med(results.model)} ms; to next frame ${med(results.modelLayout)} ms`);
    const csp = await p.cspViolations();
    console.log(`CSP violations: ${csp.length ? csp.join(', ') : 'none'}`);
  } finally {
    await p.close();
  }
}

browserBench().catch((e) => {
  console.error(e);
  process.exit(1);
});

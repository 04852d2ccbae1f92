// Export formats: Projector TSV, the head-view SVG (the markup the panel shows and saves) and standalone HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectorTsv, standaloneHeadHtml } from '../../src/extension/panel/export-formats';
import { escapeXml, gridSvg, headSvg, senseSvg } from '../../src/shared/svg';

const palette = { fg: '#000', bg: '#fff', muted: '#888', accent: '#00f' };

test('Projector TSV: vectors without header, metadata with header, cells cleaned of tabs/newlines', () => {
  const items = [
    { text: 'bank', context: 'the river\tbank', start: 4, end: 8 },
    { text: 'bank', context: 'a bank\nloan', start: 30, end: 34 },
  ];
  const { vectors, metadata } = projectorTsv(items, new Float32Array([0.1, -2, 3.5, 0]), 2, new Uint8Array([0, 1]));
  assert.equal(vectors, '0.1\t-2\n3.5\t0\n');
  assert.equal(metadata, 'word\tcontext\tstart\tend\tcluster\nbank\tthe river bank\t4\t8\t0\nbank\ta bank loan\t30\t34\t1\n');
  // Every vector row has `dims` columns; metadata rows = items + header.
  assert.equal(metadata.trim().split('\n').length, items.length + 1);
  assert.throws(() => projectorTsv(items, new Float32Array(3), 2), /expected 2×2/);
});

test('head SVG: one line per visible head and word, escaped text, resolved colours', () => {
  const words = [{ text: 'a<b' }, { text: 'bank' }, { text: '"x"' }];
  const weights = new Float32Array([0.2, 0.3, 0.5, 0.6, 0.3, 0.1]); // 2 heads × 3 words
  const r = headSvg({ words, focus: 1, heads: 2, weights, rollout: false, visible: [true, true], width: 300, title: 'Layer 1', palette });
  assert.equal(r.lines, 6);
  assert.equal((r.svg.match(/<line /g) ?? []).length, 6);
  assert.equal((r.svg.match(/<g class="head"/g) ?? []).length, 2);
  assert.ok(r.svg.includes('a&lt;b') && r.svg.includes('&quot;x&quot;') && !r.svg.includes('a<b'));
  assert.ok(!r.svg.includes('var(--'), 'exported SVG must not depend on the webview CSS');
  assert.ok(r.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  // hiding a head removes its lines; opacity is the weight
  const one = headSvg({ words, focus: 1, heads: 2, weights, rollout: false, visible: [false, true], width: 300, title: 't', palette });
  assert.equal(one.lines, 3);
  assert.ok(one.svg.includes('<g class="head" data-h="0" display="none">'), 'hidden heads stay in the DOM, hidden');
  assert.ok(
    one.svg.includes('stroke-opacity="1.000"') && one.svg.includes('stroke-opacity="0.500"'),
    'opacity relative to the head maximum',
  );
  const roll = headSvg({
    words,
    focus: 0,
    heads: 2,
    weights: new Float32Array([1, 0, 0]),
    rollout: true,
    visible: [],
    width: 300,
    title: 't',
    palette,
    minWeight: 0.01,
  });
  assert.equal(roll.lines, 1);
});

test('head SVG is well-formed XML (balanced tags)', () => {
  const words = Array.from({ length: 20 }, (_, i) => ({ text: `w${i}&` }));
  const { svg } = headSvg({
    words,
    focus: 3,
    heads: 3,
    weights: new Float32Array(60).fill(0.05),
    rollout: false,
    visible: [true, false, true],
    width: 320,
    title: 'x',
    palette,
  });
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') assert.equal(stack.pop(), m[2]);
    else stack.push(m[2]);
  }
  assert.deepEqual(stack, []);
  assert.ok(!/&(?!amp;|lt;|gt;|quot;|#39;)/.test(svg), 'bare ampersand');
});

test('sense SVG and grid SVG: one circle per item, one tile per head, cluster colours', () => {
  const items = [
    { text: 'bank', context: 'river bank' },
    { text: 'bank', context: 'bank loan' },
    { text: 'bank', context: 'bank <x>' },
  ];
  const svg = senseSvg({
    items,
    points: new Float32Array([0, 0, 1, 1, 2, 0]),
    clusters: new Uint8Array([0, 1, 1]),
    width: 300,
    height: 200,
    title: 'bank',
    palette,
    labels: true,
  });
  assert.equal((svg.match(/<circle /g) ?? []).length, 3);
  assert.ok(svg.includes('#1f77b4') && svg.includes('#ff7f0e') && svg.includes('bank &lt;x&gt;'));
  const grid = gridSvg({ layers: 2, heads: 3, size: 2, thumbs: new Uint8Array(24).fill(255) }, palette);
  assert.equal((grid.match(/fill="none"/g) ?? []).length, 6);
  assert.equal((grid.match(/fill-opacity="1.00"/g) ?? []).length, 24);
  assert.equal(escapeXml(`<&>"'`), '&lt;&amp;&gt;&quot;&#39;');
  const withImages = gridSvg(
    { layers: 2, heads: 3, size: 2, thumbs: new Uint8Array(24).fill(255) },
    palette,
    3,
    Array(6).fill('data:image/png;base64,AAAA'),
  );
  assert.equal((withImages.match(/<image /g) ?? []).length, 6);
  assert.ok(!withImages.includes('fill-opacity="1.00"'), 'images replace the per-cell rects');
});

test('standalone HTML: self-contained, one view per layer + rollout, no remote references', () => {
  const words = [{ text: 'the' }, { text: 'bank' }, { text: '</script>' }];
  const html = standaloneHeadHtml({
    title: 'doc.txt',
    words,
    focus: 1,
    layers: 2,
    heads: 2,
    layer: 2,
    rows: [new Float32Array([0.1, 0.2, 0.7, 0.3, 0.3, 0.4]), new Float32Array([1, 0, 0, 0, 0, 1])],
    rollout: new Float32Array([0.3, 0.3, 0.4]),
  });
  assert.equal((html.match(/class="view"/g) ?? []).length, 3);
  assert.ok(html.includes('data-layer="2">'), 'layer 2 shown initially');
  assert.ok(!/(https?:)?\/\/(?!www\.w3\.org\/2000\/svg)/.test(html), 'no remote URLs');
  assert.ok(!/<(link|img|iframe)\b/.test(html));
  assert.equal((html.match(/<\/script>/g) ?? []).length, 1, 'user text cannot close the script');
  assert.ok(html.includes("default-src 'none'"));
});

test('numbers: softmax of the ÷√d column, readable formatting of tiny and negative-zero values', async () => {
  const { fmt } = await import('../../src/shared/numbers');
  const { softmax } = await import('../../src/core/softmax');
  const p = softmax([1, 2, 3]);
  const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
  assert.ok(Math.abs(p[2] - Math.exp(3) / z) < 1e-12);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.deepEqual(Array.from(softmax([1000, 1000])), [0.5, 0.5]); // no overflow
  assert.equal(fmt(0.1234), '0.123');
  assert.equal(fmt(0.00002), '2.0e-5');
  assert.equal(fmt(0), '0.000');
  assert.equal(fmt(-0.001, 2), '0.00');
  assert.equal(fmt(NaN), '—');
});

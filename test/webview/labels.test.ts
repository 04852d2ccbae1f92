// Sense-map labels: whole words only; no two labels overlap, none covers a point, all inside the plot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipWords, placeLabels, textWidth, type Box } from '../../src/shared/labels';
import { senseSvg } from '../../src/shared/svg';

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('clipWords: cuts between words, around the focus word, never inside one', () => {
  const ctx = 'We sat on the grassy bank of the river and watched the boats';
  const c = clipWords(ctx, 28, 'bank');
  assert.ok(c.length <= 30, c);
  assert.match(c, /\bbank\b/);
  for (const w of c.replace(/…/g, ' ').trim().split(/\s+/)) assert.ok(ctx.split(' ').includes(w), `"${w}" is a cut word`);
  assert.equal(clipWords('short one', 28), 'short one');
  assert.equal(clipWords('internationalisation is long', 10), 'internationalisation…', 'a long first word stays whole');
  assert.equal(clipWords('…the bank of…', 28, 'bank'), 'the bank of');
});

test('placeLabels: a crowded cluster — no overlaps, no label over a point, all inside, leader lines when moved out', () => {
  const bounds = { x: 0, y: 20, w: 300, h: 200 };
  const pts = Array.from({ length: 24 }, (_, i) => ({ x: 150 + 14 * Math.cos(i), y: 120 + 14 * Math.sin(i * 1.7) }));
  const widths = pts.map((_, i) => textWidth(`word number ${i}`, 10));
  const placed = placeLabels(pts, widths, bounds);
  const boxes = placed.filter((p) => p !== null).map((p) => p.box);
  assert.ok(boxes.length >= 8, `only ${boxes.length} placed`);
  for (let i = 0; i < boxes.length; i++) {
    assert.ok(boxes[i].x >= 0 && boxes[i].x + boxes[i].w <= 300 && boxes[i].y >= 20 && boxes[i].y + boxes[i].h <= 220);
    for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `labels ${i} and ${j} overlap`);
    for (const p of pts) assert.ok(!overlaps(boxes[i], { x: p.x - 5, y: p.y - 5, w: 10, h: 10 }), 'a label covers a point');
  }
  assert.ok(
    placed.some((p) => p?.leader),
    'crowded points get leader lines',
  );
  assert.ok(placed.filter((p) => p && !p.leader).every((p) => Math.abs(p!.box.y + p!.box.h / 2 - pts[placed.indexOf(p)].y) < 20));
});

test('senseSvg: the labels it draws do not overlap and are whole words', () => {
  const n = 20;
  const items = Array.from({ length: n }, (_, i) => ({ text: 'bank', context: `…the river bank number ${i} was muddy and the…` }));
  const points = new Float32Array(n * 2).map((_, k) => (k % 2 ? Math.sin(k) * 0.2 : Math.cos(k) * 0.2));
  const svg = senseSvg({
    items,
    points,
    clusters: new Uint8Array(n),
    width: 320,
    height: 260,
    title: 't',
    palette: { fg: '#000', bg: '#fff', muted: '#888', accent: '#00f' },
    labels: true,
  });
  const texts = [...svg.matchAll(/<text class="lbl" data-i="\d+" x="([\d.]+)" y="([\d.]+)"( text-anchor="end")? [^>]*>([^<]*)<\/text>/g)];
  assert.ok(texts.length >= 5);
  const boxes = texts.map((m) => {
    const w = textWidth(m[4], 10),
      x = Number(m[1]),
      y = Number(m[2]);
    return { x: m[3] ? x - w : x, y: y - 10, w, h: 10 };
  });
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `${texts[i][4]} / ${texts[j][4]}`);
  for (const m of texts) {
    const words = m[4].replace(/…/g, ' ').trim().split(/\s+/);
    for (const w of words) assert.ok(items[0].context.includes(w.replace(/\d+/, '')) || /^\d+$/.test(w), `cut word "${w}"`);
  }
});

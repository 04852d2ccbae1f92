// Pure SVG string builders for the head view, the sense map and the model grid. The panel renders these strings
// and exports the very same markup, so what is saved is what was seen; colours come in resolved (no CSS variables).

import { clipWords, placeLabels, textWidth } from './labels';

export interface Palette {
  fg: string;
  bg: string;
  muted: string;
  accent: string; // focus word, selection
}

export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Distinct hues for heads (bertviz-like); lightness fixed so lines read on light and dark backgrounds. */
export function headColor(h: number, heads: number): string {
  const hue = Math.round((h * 360) / Math.max(1, heads) + 10) % 360;
  return `hsl(${hue}, 75%, 50%)`;
}

export const CLUSTER_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const f = (x: number) => (Math.round(x * 10) / 10).toString();

export interface HeadSvgInput {
  words: Array<{ text: string }>;
  focus: number;
  heads: number;
  /** rollout: [n]; else [heads][n] rows of the focus word. */
  weights: Float32Array;
  rollout: boolean;
  visible: boolean[]; // per head; ignored for rollout
  width: number;
  title: string;
  palette: Palette;
  minWeight?: number; // lines below this are left out (exports); the panel draws every line
}

export const HEAD_ROW = 16;
const HEAD_TOP = 28;

/** Mean attention per target word over the visible heads (shades the right column). */
export function visibleTotals(weights: Float32Array, n: number, heads: number, rollout: boolean, visible: boolean[]): Float32Array {
  const total = new Float32Array(n);
  if (rollout) {
    total.set(weights.subarray(0, n));
    return total;
  }
  const shown = visible.filter(Boolean).length;
  for (let h = 0; h < heads; h++) {
    if (!visible[h]) continue;
    for (let j = 0; j < n; j++) total[j] += weights[h * n + j] / shown;
  }
  return total;
}

export const shadeOpacity = (x: number): string => Math.min(0.6, x).toFixed(3);

/**
 * bertviz-style two columns; one line per (head, target word), opacity = attention weight. Every head is drawn in
 * its own group and hidden heads get display="none", so toggling a head is one attribute, not a re-render.
 */
export function headSvg(inp: HeadSvgInput): { svg: string; lines: number; height: number } {
  const { words, focus, heads, weights, rollout, visible, palette: p, minWeight = 0 } = inp;
  const n = words.length;
  const width = Math.max(240, Math.round(inp.width));
  const height = HEAD_TOP + n * HEAD_ROW + 8;
  const lx = Math.round(width * 0.36);
  const rx = Math.round(width * 0.64);
  const maxChars = Math.max(6, Math.floor((lx - 8) / 7));
  const y = (i: number) => HEAD_TOP + i * HEAD_ROW + HEAD_ROW / 2;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="head-svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(inp.title)}">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="${p.bg}"/>`);
  parts.push(`<text x="8" y="18" fill="${p.fg}" font-size="12" font-family="sans-serif">${escapeXml(inp.title)}</text>`);
  let shownLines = 0;
  const y0 = f(y(focus));
  const group = (h: number, colour: string, shown: boolean) => {
    const off = rollout ? 0 : h * n;
    // Opacity relative to the head's strongest line: raw weights over a long window are all faint.
    let max = 0;
    for (let j = 0; j < n; j++) max = Math.max(max, weights[off + j]);
    const g: string[] = [`<g class="head" data-h="${h}"${shown ? '' : ' display="none"'}>`];
    for (let j = 0; j < n; j++) {
      const w = weights[off + j];
      if (w < minWeight) continue;
      g.push(
        `<line x1="${lx + 4}" y1="${y0}" x2="${rx - 4}" y2="${f(y(j))}" stroke="${colour}" stroke-opacity="${(max > 0 ? w / max : 0).toFixed(3)}" stroke-width="2"/>`,
      );
      if (shown) shownLines++;
    }
    g.push('</g>');
    return g.join('');
  };
  if (rollout) parts.push(group(0, p.accent, true));
  else for (let h = 0; h < heads; h++) parts.push(group(h, headColor(h, heads), visible[h]));
  const total = visibleTotals(weights, n, heads, rollout, visible);
  const font = `font-size="12" font-family="monospace"`;
  for (let i = 0; i < n; i++) {
    const t = escapeXml(clip(words[i].text, maxChars));
    const isF = i === focus;
    if (isF) parts.push(`<rect x="2" y="${y(i) - 7}" width="${lx}" height="14" fill="${p.accent}" fill-opacity="0.25"/>`);
    parts.push(
      `<text class="w l" data-i="${i}" x="${lx}" y="${f(y(i) + 4)}" text-anchor="end" fill="${p.fg}" ${font}${isF ? ' font-weight="bold"' : ''}>${t}</text>`,
    );
    parts.push(
      `<rect class="shade" data-i="${i}" x="${rx}" y="${y(i) - 7}" width="${width - rx - 2}" height="14" fill="${p.accent}" fill-opacity="${shadeOpacity(total[i])}"/>`,
    );
    parts.push(`<text class="w r" data-i="${i}" x="${rx + 2}" y="${f(y(i) + 4)}" fill="${p.fg}" ${font}>${t}</text>`);
  }
  parts.push('</svg>');
  return { svg: parts.join(''), lines: shownLines, height };
}

export interface SenseSvgInput {
  items: Array<{ text: string; context: string }>;
  points: Float32Array; // [n][2]
  clusters: Uint8Array;
  width: number;
  height: number;
  title: string;
  palette: Palette;
  labels: boolean; // draw a label beside each point (small n)
  labelText?: 'context' | 'text'; // the context snippet (one word's senses) or the word itself (all words)
  selected?: number;
}

export function senseSvg(inp: SenseSvgInput): string {
  const { items, points, clusters, palette: p } = inp;
  const n = items.length;
  const W = Math.max(200, Math.round(inp.width));
  const H = Math.max(160, Math.round(inp.height));
  const pad = 24;
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, points[2 * i]);
    maxX = Math.max(maxX, points[2 * i]);
    minY = Math.min(minY, points[2 * i + 1]);
    maxY = Math.max(maxY, points[2 * i + 1]);
  }
  // One scale for both axes (PCA distances stay comparable; a PC with ~no variance stays flat, not stretched).
  const boxW = W - 2 * pad,
    boxH = H - 2 * pad - 16;
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const k = Math.min(boxW, boxH) / span;
  const cx0 = (minX + maxX) / 2,
    cy0 = (minY + maxY) / 2;
  const sx = (x: number) => pad + boxW / 2 + (x - cx0) * k;
  const sy = (v: number) => pad + 16 + boxH / 2 - (v - cy0) * k;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="sense-svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(inp.title)}">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="${p.bg}"/>`);
  out.push(`<text x="8" y="16" fill="${p.fg}" font-size="12" font-family="sans-serif">${escapeXml(inp.title)}</text>`);
  out.push(`<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="${p.muted}" stroke-opacity="0.5"/>`);
  out.push(`<line x1="${pad}" y1="${pad + 16}" x2="${pad}" y2="${H - pad}" stroke="${p.muted}" stroke-opacity="0.5"/>`);
  out.push(`<text x="${W - pad}" y="${H - 8}" text-anchor="end" fill="${p.muted}" font-size="10" font-family="sans-serif">PC1</text>`);
  out.push(`<text x="4" y="${pad + 12}" fill="${p.muted}" font-size="10" font-family="sans-serif">PC2</text>`);
  for (let i = 0; i < n; i++) {
    const cx = f(sx(points[2 * i]));
    const cy = f(sy(points[2 * i + 1]));
    const col = CLUSTER_COLORS[clusters[i] % CLUSTER_COLORS.length];
    const sel = inp.selected === i ? ` stroke="${p.fg}" stroke-width="2"` : '';
    out.push(
      `<circle class="pt" data-i="${i}" cx="${cx}" cy="${cy}" r="5" fill="${col}"${sel}><title>${escapeXml(items[i].context)}</title></circle>`,
    );
  }
  if (inp.labels) {
    // Whole words only, placed without overlap (leader lines where crowded; none where nothing fits).
    const texts = items.map((it) => (inp.labelText === 'text' ? clipWords(it.text, 28) : clipWords(it.context, 28, it.text)));
    const pts = items.map((_, i) => ({ x: sx(points[2 * i]), y: sy(points[2 * i + 1]) }));
    const placed = placeLabels(
      pts,
      texts.map((s) => textWidth(s, 10)),
      { x: 2, y: 22, w: W - 4, h: H - 24 },
    );
    placed.forEach((pl, i) => {
      if (!pl) return;
      if (pl.leader)
        out.push(
          `<line class="leader" x1="${f(pl.leader.x1)}" y1="${f(pl.leader.y1)}" x2="${f(pl.leader.x2)}" y2="${f(pl.leader.y2)}" stroke="${p.muted}" stroke-opacity="0.6"/>`,
        );
      out.push(
        `<text class="lbl" data-i="${i}" x="${f(pl.x)}" y="${f(pl.y)}"${pl.anchor === 'end' ? ' text-anchor="end"' : ''} fill="${p.fg}" font-size="10" font-family="sans-serif">${escapeXml(texts[i])}</text>`,
      );
    });
  }
  out.push('</svg>');
  return out.join('');
}

/**
 * The model view as SVG for export: one pooled heat map per layer × head. With `images` (PNG data URLs of the
 * panel's canvases, one per head) each map is one <image>; without, one <rect> per non-empty cell — exact but up to
 * 83k elements for 12 × 12 heads at 24 × 24.
 */
export function gridSvg(
  g: { layers: number; heads: number; size: number; thumbs: Uint8Array },
  palette: Palette,
  cellPx = 3,
  images?: string[],
): string {
  const tile = g.size * cellPx;
  const gap = 6;
  const left = 28;
  const top = 20;
  const W = left + g.heads * (tile + gap);
  const H = top + g.layers * (tile + gap);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="${palette.bg}"/>`,
  ];
  for (let h = 0; h < g.heads; h++)
    out.push(
      `<text x="${left + h * (tile + gap) + tile / 2}" y="14" text-anchor="middle" fill="${palette.muted}" font-size="10" font-family="sans-serif">${h + 1}</text>`,
    );
  for (let l = 0; l < g.layers; l++) {
    const y0 = top + l * (tile + gap);
    out.push(`<text x="4" y="${y0 + tile / 2 + 4}" fill="${palette.muted}" font-size="10" font-family="sans-serif">${l + 1}</text>`);
    for (let h = 0; h < g.heads; h++) {
      const x0 = left + h * (tile + gap);
      out.push(`<rect x="${x0}" y="${y0}" width="${tile}" height="${tile}" fill="none" stroke="${palette.muted}" stroke-opacity="0.4"/>`);
      const img = images?.[l * g.heads + h];
      if (img) {
        out.push(
          `<image x="${x0}" y="${y0}" width="${tile}" height="${tile}" preserveAspectRatio="none" image-rendering="pixelated" href="${escapeXml(img)}"/>`,
        );
        continue;
      }
      const base = (l * g.heads + h) * g.size * g.size;
      for (let c = 0; c < g.size * g.size; c++) {
        const v = g.thumbs[base + c];
        if (v === 0) continue;
        out.push(
          `<rect x="${x0 + (c % g.size) * cellPx}" y="${y0 + Math.floor(c / g.size) * cellPx}" width="${cellPx}" height="${cellPx}" fill="${headColor(h, g.heads)}" fill-opacity="${(v / 255).toFixed(2)}"/>`,
        );
      }
    }
  }
  out.push('</svg>');
  return out.join('');
}

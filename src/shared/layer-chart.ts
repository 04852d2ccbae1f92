// Pure SVG builder for the Compare tab's per-layer charts (two sentences, one word in two places): one polyline per
// series over the layers (0 = the input embeddings), on a y axis from just below the lowest value to 1 — raw BERT
// cosines sit high, and a 0..1 axis would flatten them. Drawn in the panel and exported as the same markup.
import { escapeXml, type Palette } from './svg';
import { textWidth } from './labels';

const f = (x: number) => (Math.round(x * 10) / 10).toString();

export interface Series {
  label: string; // legend and point tooltips
  values: number[]; // one per layer
  colour: string;
  dashed?: boolean;
}

export interface LayerChartText {
  title?: string; // exports only
  layer: string; // x-axis: "layer"
  embeddings: string; // tick 0: "emb."
}

export function layerChartSvg(layers: number[], series: Series[], palette: Palette, text: LayerChartText, width = 260): string {
  const vals = series.flatMap((s) => s.values);
  const lo = Math.max(-1, Math.floor((Math.min(...vals) - 0.02) * 10) / 10);
  const hi = 1;
  const titleH = text.title ? 18 : 0;
  const top = titleH + 16,
    H = 90,
    left = 28,
    right = 8,
    bottom = 28;
  const n = layers.length;
  const x = (i: number) => left + (n === 1 ? 0 : (i * (width - left - right)) / (n - 1));
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * H;
  const tick = (l: number) => (l === 0 ? text.embeddings : String(l));
  const dash = (s: Series) => (s.dashed ? ' stroke-dasharray="4 3"' : '');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + H + bottom}" viewBox="0 0 ${width} ${top + H + bottom}" font-family="sans-serif" font-size="9">`,
    `<rect width="100%" height="100%" fill="${palette.bg}"/>`,
  ];
  if (text.title) out.push(`<text x="0" y="12" font-size="11" fill="${palette.fg}">${escapeXml(text.title)}</text>`);
  // Legend above the plot, one entry after the other.
  let lx = left;
  for (const s of series) {
    out.push(
      `<line x1="${f(lx)}" y1="${top - 9}" x2="${f(lx + 14)}" y2="${top - 9}" stroke="${s.colour}" stroke-width="2"${dash(s)}/>`,
      `<text x="${f(lx + 17)}" y="${top - 6}" fill="${palette.fg}">${escapeXml(s.label)}</text>`,
    );
    lx += 17 + textWidth(s.label, 9) + 12;
  }
  for (const v of [hi, (hi + lo) / 2, lo]) {
    out.push(`<text x="0" y="${f(y(v) + 3)}" fill="${palette.muted}">${v.toFixed(2)}</text>`);
    out.push(`<line x1="${left}" y1="${f(y(v))}" x2="${width - right}" y2="${f(y(v))}" stroke="${palette.muted}" stroke-width="0.3"/>`);
  }
  layers.forEach((l, i) => {
    out.push(`<text x="${f(x(i))}" y="${top + H + 11}" fill="${palette.fg}" text-anchor="middle">${escapeXml(tick(l))}</text>`);
  });
  out.push(
    `<text x="${f((left + width - right) / 2)}" y="${top + H + 23}" fill="${palette.muted}" text-anchor="middle">${escapeXml(text.layer)}</text>`,
  );
  // Drawn last-first, so the first series is on top.
  for (const s of [...series].reverse()) {
    const pts = s.values.map((v, i) => `${f(x(i))},${f(y(v))}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="2"${dash(s)}/>`);
    s.values.forEach((v, i) => {
      out.push(
        `<circle cx="${f(x(i))}" cy="${f(y(v))}" r="2.5" fill="${s.colour}"><title>${escapeXml(s.label)}, ${escapeXml(tick(layers[i]))}: ${v.toFixed(3)}</title></circle>`,
      );
    });
  }
  out.push('</svg>');
  return out.join('');
}

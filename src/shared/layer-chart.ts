// Pure SVG builder for the panel's line charts: one polyline per series on a y axis from just below the lowest value
// to 1 — raw BERT cosines sit high, and a 0..1 axis would flatten them. Per layer (0 = the input embeddings; the
// Compare tab's two sentences and one word in two places) with a marker per point, or by distance (positions) with
// a few ticks. Drawn in the panel and exported as the same markup.
import { escapeXml, type Palette } from './svg';
import { textWidth } from './labels';

const f = (x: number) => (Math.round(x * 10) / 10).toString();

export interface Series {
  label: string; // legend and tooltips
  values: number[]; // one per x step
  colour: string;
  dashed?: boolean;
}

export interface LayerChartText {
  title?: string; // exports only
  layer: string; // x-axis: "layer"
  embeddings: string; // tick 0: "emb."
}

interface Axis {
  title?: string;
  label: string; // under the x axis
  ticks: Array<{ at: number; label: string }>; // x steps labelled
  points?: (i: number) => string; // a marker per point, with this tooltip name for step i; none: the series' name on the line
}

function lineChartSvg(series: Series[], palette: Palette, axis: Axis, width: number): string {
  const n = Math.max(...series.map((s) => s.values.length));
  const lo = Math.max(-1, Math.floor((Math.min(...series.flatMap((s) => s.values)) - 0.02) * 10) / 10);
  const hi = 1;
  const top = (axis.title ? 18 : 0) + 16;
  const [H, left, right, bottom] = [90, 28, 8, 28];
  const x = (i: number) => left + (n <= 1 ? 0 : (i * (width - left - right)) / (n - 1));
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * H;
  const dash = (s: Series) => (s.dashed ? ' stroke-dasharray="4 3"' : '');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + H + bottom}" viewBox="0 0 ${width} ${top + H + bottom}" font-family="sans-serif" font-size="9">`,
    `<rect width="100%" height="100%" fill="${palette.bg}"/>`,
  ];
  if (axis.title) out.push(`<text x="0" y="12" font-size="11" fill="${palette.fg}">${escapeXml(axis.title)}</text>`);
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
  for (const t of axis.ticks)
    out.push(`<text x="${f(x(t.at))}" y="${top + H + 11}" fill="${palette.fg}" text-anchor="middle">${escapeXml(t.label)}</text>`);
  out.push(
    `<text x="${f((left + width - right) / 2)}" y="${top + H + 23}" fill="${palette.muted}" text-anchor="middle">${escapeXml(axis.label)}</text>`,
  );
  // Drawn last-first, so the first series is on top.
  for (const s of [...series].reverse()) {
    const pts = s.values.map((v, i) => `${f(x(i))},${f(y(v))}`).join(' ');
    if (!axis.points) {
      out.push(
        `<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="1.5"${dash(s)}><title>${escapeXml(s.label)}</title></polyline>`,
      );
      continue;
    }
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="2"${dash(s)}/>`);
    s.values.forEach((v, i) => {
      out.push(
        `<circle cx="${f(x(i))}" cy="${f(y(v))}" r="2.5" fill="${s.colour}"><title>${escapeXml(s.label)}, ${escapeXml(axis.points!(i))}: ${v.toFixed(3)}</title></circle>`,
      );
    });
  }
  out.push('</svg>');
  return out.join('');
}

/** One point per layer (`layers`: 0 = the input embeddings), every layer labelled. */
export function layerChartSvg(layers: number[], series: Series[], palette: Palette, text: LayerChartText, width = 260): string {
  const tick = (l: number) => (l === 0 ? text.embeddings : String(l));
  const ticks = layers.map((l, i) => ({ at: i, label: tick(l) }));
  return lineChartSvg(series, palette, { title: text.title, label: text.layer, ticks, points: (i) => tick(layers[i]) }, width);
}

/** Values by distance k = 0..n−1 (positions), five ticks. */
export function distanceChartSvg(series: Series[], palette: Palette, text: { distance: string; title?: string }, width = 260): string {
  const n = Math.max(...series.map((s) => s.values.length));
  const at = [...new Set([0, 0.25, 0.5, 0.75, 1].map((q) => Math.round(q * (n - 1))))];
  return lineChartSvg(
    series,
    palette,
    { title: text.title, label: text.distance, ticks: at.map((k) => ({ at: k, label: String(k) })) },
    width,
  );
}

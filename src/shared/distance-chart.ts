// Pure SVG builder for the Positions view: mean cosine of two positions against their distance k, one line per
// encoding (learned, sin/cos), on a y axis from just below the lowest value to 1. Drawn in the panel and exported.
import { escapeXml, type Palette } from './svg';
import { textWidth } from './labels';

const f = (x: number) => (Math.round(x * 10) / 10).toString();

export interface DistanceSeries {
  label: string;
  values: number[]; // index = distance k
  colour: string;
  dashed?: boolean;
}

export function distanceChartSvg(
  series: DistanceSeries[],
  palette: Palette,
  text: { distance: string; title?: string },
  width = 260,
): string {
  const n = Math.max(...series.map((s) => s.values.length));
  const lo = Math.max(-1, Math.floor((Math.min(...series.flatMap((s) => s.values)) - 0.02) * 10) / 10);
  const hi = 1;
  const top = (text.title ? 18 : 0) + 16;
  const [H, left, right, bottom] = [90, 28, 8, 28];
  const x = (k: number) => left + (n <= 1 ? 0 : (k * (width - left - right)) / (n - 1));
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * H;
  const dash = (s: DistanceSeries) => (s.dashed ? ' stroke-dasharray="4 3"' : '');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + H + bottom}" viewBox="0 0 ${width} ${top + H + bottom}" font-family="sans-serif" font-size="9">`,
    `<rect width="100%" height="100%" fill="${palette.bg}"/>`,
  ];
  if (text.title) out.push(`<text x="0" y="12" font-size="11" fill="${palette.fg}">${escapeXml(text.title)}</text>`);
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
  for (const k of [...new Set([0, Math.round((n - 1) / 4), Math.round((n - 1) / 2), Math.round((3 * (n - 1)) / 4), n - 1])])
    out.push(`<text x="${f(x(k))}" y="${top + H + 11}" fill="${palette.fg}" text-anchor="middle">${k}</text>`);
  out.push(
    `<text x="${f((left + width - right) / 2)}" y="${top + H + 23}" fill="${palette.muted}" text-anchor="middle">${escapeXml(text.distance)}</text>`,
  );
  for (const s of [...series].reverse()) {
    const pts = s.values.map((v, k) => `${f(x(k))},${f(y(v))}`).join(' ');
    out.push(
      `<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="1.5"${dash(s)}><title>${escapeXml(s.label)}</title></polyline>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}

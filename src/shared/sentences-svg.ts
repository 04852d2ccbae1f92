// Pure SVG builder for the Sentences view: cosine of the two sentence vectors at every layer (0 = input embeddings),
// beside A against B's words shuffled. Drawn in the panel and exported as the same markup; every text is escaped.
import type { SentencesData } from './panel-protocol';
import { escapeXml, type Palette } from './svg';
import { SIDE_COLORS } from './compare-svg';
import { textWidth } from './labels';

const f = (x: number) => (Math.round(x * 10) / 10).toString();

export interface SentencesSvgText {
  title?: string; // exports only
  pair: string; // legend: A · B
  shuffled: string; // legend: A · B shuffled
  layer: string; // x-axis: "layer"
  embeddings: string; // tick 0: "emb."
}

/** Where word order changes the cosine most: the layer with the largest cosine − shuffled (null when no layer gains). */
export function orderLayer(d: Pick<SentencesData, 'layers'>): { layer: number; gap: number } | null {
  let best: { layer: number; gap: number } | null = null;
  for (const x of d.layers) if (x.cosine - x.shuffled > (best?.gap ?? 0)) best = { layer: x.layer, gap: x.cosine - x.shuffled };
  return best;
}

/**
 * Two lines over the layers: A·B (solid, colour A) and A·B shuffled (dashed, colour B), on a y axis from just below
 * the lowest value to 1 (raw BERT cosines sit high: a 0..1 axis would flatten them).
 */
export function sentencesSvg(d: Pick<SentencesData, 'layers'>, palette: Palette, text: SentencesSvgText, width = 260): string {
  const vals = d.layers.flatMap((x) => [x.cosine, x.shuffled]);
  const lo = Math.max(-1, Math.floor((Math.min(...vals) - 0.02) * 10) / 10);
  const hi = 1;
  const titleH = text.title ? 18 : 0;
  const top = titleH + 16,
    H = 90,
    left = 28,
    right = 8,
    bottom = 28;
  const n = d.layers.length;
  const x = (i: number) => left + (n === 1 ? 0 : (i * (width - left - right)) / (n - 1));
  const y = (v: number) => top + ((hi - v) / (hi - lo)) * H;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + H + bottom}" viewBox="0 0 ${width} ${top + H + bottom}" font-family="sans-serif" font-size="9">`,
    `<rect width="100%" height="100%" fill="${palette.bg}"/>`,
  ];
  if (text.title) out.push(`<text x="0" y="12" font-size="11" fill="${palette.fg}">${escapeXml(text.title)}</text>`);
  // Legend above the plot: the second entry starts after the first one's text.
  const second = left + 17 + textWidth(text.pair, 9) + 12;
  out.push(
    `<line x1="${left}" y1="${top - 9}" x2="${left + 14}" y2="${top - 9}" stroke="${SIDE_COLORS.a}" stroke-width="2"/>`,
    `<text x="${left + 17}" y="${top - 6}" fill="${palette.fg}">${escapeXml(text.pair)}</text>`,
    `<line x1="${f(second)}" y1="${top - 9}" x2="${f(second + 14)}" y2="${top - 9}" stroke="${SIDE_COLORS.b}" stroke-width="2" stroke-dasharray="3 2"/>`,
    `<text x="${f(second + 17)}" y="${top - 6}" fill="${palette.fg}">${escapeXml(text.shuffled)}</text>`,
  );
  for (const v of [hi, (hi + lo) / 2, lo]) {
    out.push(`<text x="0" y="${f(y(v) + 3)}" fill="${palette.muted}">${v.toFixed(2)}</text>`);
    out.push(`<line x1="${left}" y1="${f(y(v))}" x2="${width - right}" y2="${f(y(v))}" stroke="${palette.muted}" stroke-width="0.3"/>`);
  }
  d.layers.forEach((l, i) => {
    const label = l.layer === 0 ? text.embeddings : String(l.layer);
    out.push(`<text x="${f(x(i))}" y="${top + H + 11}" fill="${palette.fg}" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  out.push(
    `<text x="${f((left + width - right) / 2)}" y="${top + H + 23}" fill="${palette.muted}" text-anchor="middle">${escapeXml(text.layer)}</text>`,
  );
  const line = (key: 'cosine' | 'shuffled', colour: string, dash: string) => {
    const pts = d.layers.map((l, i) => `${f(x(i))},${f(y(l[key]))}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
    d.layers.forEach((l, i) => {
      const name = key === 'cosine' ? text.pair : text.shuffled;
      out.push(
        `<circle cx="${f(x(i))}" cy="${f(y(l[key]))}" r="2.5" fill="${colour}"><title>${escapeXml(name)}, ${l.layer === 0 ? text.embeddings : l.layer}: ${l[key].toFixed(3)}</title></circle>`,
      );
    });
  };
  line('shuffled', SIDE_COLORS.b, ' stroke-dasharray="4 3"');
  line('cosine', SIDE_COLORS.a, '');
  out.push('</svg>');
  return out.join('');
}

// Pure SVG builders for the Compare view: the per-depth divergence chart (drawn in the panel) and the whole
// comparison at one depth (exported). Colours come in resolved, every text is escaped.
import type { CompareData } from './panel-protocol';
import { escapeXml, type Palette } from './svg';
import { textWidth } from './labels';

type Result = NonNullable<CompareData['result']>;

/** Colours of the two models, the same in the panel's bars and in the exports. */
export const SIDE_COLORS = { a: '#3b82c4', b: '#d9822b' } as const;

const f = (x: number) => (Math.round(x * 10) / 10).toString();

/** Weights of one side at depth row `row` (null = rollout); null when that model's attention cannot be read. */
export function sideWeights(r: Result, side: 'a' | 'b', row: number | null): Float32Array | null {
  const s = r[side];
  const n = r.words.length;
  if (row === null) return s.rollout;
  const l = r.depth[row]?.[side];
  return s.attention && l ? s.attention.subarray((l - 1) * n, l * n) : null;
}

/**
 * One bar per relative depth step (and the rollout last): height = Jensen–Shannon divergence, on a scale that
 * starts at 0.25 bits so small differences stay visible; `selected` (a row, or null = rollout) is outlined.
 */
export function divergenceSvg(r: Result, selected: number | null, palette: Palette, width = 240, labels = { rollout: 'R' }): string {
  const bars = [...r.depth.map((d) => ({ v: d.divergence, label: `${d.a}·${d.b}` })), { v: r.rollout, label: labels.rollout }];
  const max = Math.max(0.25, ...bars.map((b) => b.v ?? 0));
  const H = 64,
    top = 12,
    bottom = 14,
    left = 26;
  const bw = (width - left - 4) / bars.length;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + top + bottom}" viewBox="0 0 ${width} ${H + top + bottom}" font-family="sans-serif" font-size="9">`,
  ];
  out.push(
    `<text x="0" y="${top + 3}" fill="${palette.muted}">${max.toFixed(2)}</text><text x="0" y="${top + H}" fill="${palette.muted}">0</text>`,
  );
  out.push(`<line x1="${left}" y1="${top + H}" x2="${width}" y2="${top + H}" stroke="${palette.muted}" stroke-width="0.5"/>`);
  bars.forEach((b, i) => {
    const x = left + i * bw + 2;
    const hgt = b.v === null ? 0 : (b.v / max) * H;
    const on = i === (selected === null ? bars.length - 1 : selected);
    const title = `<title>${escapeXml(b.label)}: ${b.v === null ? '—' : b.v.toFixed(4)}</title>`;
    out.push(
      `<rect x="${f(x)}" y="${f(top + H - hgt)}" width="${f(bw - 4)}" height="${f(hgt)}" fill="${on ? palette.accent : palette.muted}" opacity="${on ? 1 : 0.6}">${title}</rect>`,
    );
    out.push(`<text x="${f(x + (bw - 4) / 2)}" y="${top + H + 11}" fill="${palette.fg}" text-anchor="middle">${escapeXml(b.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

export interface CompareSvgText {
  title: string; // e.g. “it”: bert-lens-mini vs bert-lens-zh
  depth: string; // e.g. layer 4 ↔ layer 4
  predictions: string;
  rollout: string;
}

/** The comparison at one depth as one picture: word rows with both models' bars, the chart, both prediction lists. */
export function compareSvg(r: Result, row: number | null, palette: Palette, text: CompareSvgText): string {
  const wa = sideWeights(r, 'a', row);
  const wb = sideWeights(r, 'b', row);
  const max = Math.max(1e-9, ...(wa ?? []), ...(wb ?? []));
  const wordW = Math.min(160, Math.max(40, ...r.words.map((w) => textWidth(w.text, 11)))) + 8;
  const barW = 120,
    rowH = 15,
    width = wordW + 2 * (barW + 12) + 8;
  const top = 44;
  const preds = Math.max(r.a.predictions?.length ?? 0, r.b.predictions?.length ?? 0);
  const chartY = top + r.words.length * rowH + 12;
  const predY = chartY + 100;
  const height = predY + 16 + preds * 14 + 8;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
  ];
  out.push(`<rect width="100%" height="100%" fill="${palette.bg}"/>`);
  out.push(
    `<text x="4" y="14" fill="${palette.fg}" font-weight="bold">${escapeXml(text.title)}</text><text x="4" y="28" fill="${palette.muted}">${escapeXml(text.depth)}</text>`,
  );
  out.push(`<text x="${wordW}" y="${top - 4}" fill="${SIDE_COLORS.a}">${escapeXml(r.a.model)}</text>`);
  out.push(`<text x="${wordW + barW + 12}" y="${top - 4}" fill="${SIDE_COLORS.b}">${escapeXml(r.b.model)}</text>`);
  r.words.forEach((w, i) => {
    const y = top + i * rowH;
    const weight = i === r.focus ? ' font-weight="bold"' : '';
    out.push(
      `<text x="4" y="${y + 11}" fill="${w.same ? palette.fg : palette.accent}"${weight}>${escapeXml(w.text)}<title>${escapeXml(`${w.a} | ${w.b}`)}</title></text>`,
    );
    for (const [k, ws, x] of [
      ['a', wa, wordW],
      ['b', wb, wordW + barW + 12],
    ] as const) {
      if (!ws) continue;
      out.push(
        `<rect x="${x}" y="${y + 3}" width="${f((ws[i] / max) * barW)}" height="9" fill="${SIDE_COLORS[k]}"><title>${ws[i].toFixed(4)}</title></rect>`,
      );
    }
  });
  out.push(
    `<g transform="translate(4 ${chartY})">${divergenceSvg(r, row, palette, width - 8, { rollout: text.rollout }).replace(/^<svg[^>]*>|<\/svg>$/g, '')}</g>`,
  );
  out.push(`<text x="4" y="${predY + 10}" fill="${palette.muted}">${escapeXml(text.predictions)}</text>`);
  for (let i = 0; i < preds; i++) {
    for (const [k, x] of [
      ['a', wordW],
      ['b', wordW + barW + 12],
    ] as const) {
      const p = r[k].predictions?.[i];
      if (p) out.push(`<text x="${x}" y="${predY + 26 + i * 14}" fill="${palette.fg}">${escapeXml(p.word)} ${p.score.toFixed(3)}</text>`);
    }
  }
  out.push('</svg>');
  return out.join('');
}

// The Model tab's Positions mode — the course's positional encoding on this model: its learned position vectors
// beside the Transformer's sin/cos ones of the same size, as two position × position cosine maps and one line of the
// mean cosine by distance.
import type { PositionsData, Request, Section } from '../shared/panel-protocol';
import { SIDE_COLORS } from '../shared/compare-svg';
import { distanceChartSvg } from '../shared/layer-chart';
import { divergingColor } from '../shared/diverging';
import { clear, fmt, h, palette } from './dom';
import { modeSwitch } from './modes';
import { session } from './state';
import { joinSentences, t } from './strings';
import type { View } from './view';

/** The distance the summary quotes beside k = 1: far apart, within the model's positions. */
const FAR = 64;

export class PositionsView implements View<PositionsData> {
  readonly root = h('section', { class: 'view positions-view', 'aria-label': t('mode.positions') });
  private readonly maps = h('div', { class: 'positions-maps' });
  private readonly pooled = h('p', { class: 'muted small' });
  private readonly summary = h('p', { class: 'positions-summary small', 'aria-live': 'polite' });
  private readonly chart = h('div', { class: 'svg-host positions-chart' });
  private data: PositionsData | null = null;
  private asked = ''; // the document, version and model of the last request
  private shownFor = ''; // … and of the data shown

  constructor(go: (s: Section) => void) {
    this.root.append(
      modeSwitch('positions', go),
      h('p', { class: 'muted small' }, t('positions.help')),
      this.maps,
      this.pooled,
      this.summary,
      this.chart,
    );
  }

  /** The model's table does not move with the cursor: asked again only for another document, version or model. */
  request(): Request | null {
    const m = session.model;
    const f = session.focus;
    if (!m || !f) return null;
    const key = `${f.uri}\u0000${f.version}\u0000${m.id}`;
    if (key === this.shownFor) return null;
    this.asked = key;
    return { section: 'positions' };
  }

  heading(): string | null {
    return this.data ? t('positions.heading', this.data.model) : null;
  }

  render(d: PositionsData): void {
    this.data = d;
    this.shownFor = this.asked;
    this.draw();
  }

  redraw(): void {
    this.draw();
  }

  private draw(): void {
    clear(this.maps);
    clear(this.chart);
    const d = this.data;
    if (!d) return;
    this.maps.append(
      this.map(d, d.learned, t('positions.learned', d.model, d.positions, d.dims)),
      this.map(d, d.sinusoid, t('positions.sinusoid')),
    );
    const block = d.compared / d.size;
    this.pooled.textContent = joinSentences([
      block > 1 ? t('positions.pooled', Number.isInteger(block) ? block : block.toFixed(1)) : '',
      d.compared < d.positions ? t('positions.first', d.compared, d.positions) : '',
    ]);
    const far = Math.min(FAR, d.compared - 1);
    const { learned, sinusoid } = d.byDistance;
    this.summary.textContent = t('positions.summary', fmt(learned[1]), fmt(sinusoid[1]), far, fmt(learned[far]), fmt(sinusoid[far]));
    this.chart.innerHTML = this.chartSvg(d, 260); // escaped builder output only
  }

  /** One cosine map on a canvas, one pixel per cell (scaled up by CSS), with the cell under the pointer as a tooltip. */
  private map(d: PositionsData, cells: Float32Array, caption: string): HTMLElement {
    const n = d.size;
    const canvas = h('canvas', { width: n, height: n, class: 'positions-map', role: 'img', 'aria-label': caption });
    const ctx = canvas.getContext('2d');
    if (ctx) {
      ctx.fillStyle = palette().bg;
      ctx.fillRect(0, 0, n, n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          ctx.fillStyle = divergingColor(cells[i * n + j], 1, 1);
          ctx.fillRect(j, i, 1, 1);
        }
    }
    const scale = d.compared / n;
    canvas.addEventListener('mousemove', (e) => {
      const r = canvas.getBoundingClientRect();
      const col = Math.min(n - 1, Math.floor(((e.clientX - r.left) / r.width) * n));
      const row = Math.min(n - 1, Math.floor(((e.clientY - r.top) / r.height) * n));
      const at = (c: number) => (scale === 1 ? String(c) : `${Math.round(c * scale)}–${Math.round((c + 1) * scale) - 1}`);
      canvas.title = t('positions.cell', at(row), at(col), fmt(cells[row * n + col]));
    });
    return h('figure', { class: 'positions-figure' }, canvas, h('figcaption', { class: 'small' }, caption));
  }

  private chartSvg(d: PositionsData, width: number, title?: string): string {
    const series = [
      { label: t('positions.chartLearned'), values: d.byDistance.learned, colour: SIDE_COLORS.a },
      { label: t('positions.chartSinusoid'), values: d.byDistance.sinusoid, colour: SIDE_COLORS.b, dashed: true },
    ];
    return distanceChartSvg(series, palette(), { distance: t('positions.distance'), title }, width);
  }

  svg(): string | null {
    const d = this.data;
    return d ? this.chartSvg(d, 420, t('positions.exportTitle', d.model)) : null;
  }
}

// Section 2: the model view — a layers × heads grid of pooled attention maps drawn on canvases; click or Enter
// opens that head in the head view. Thumbnails arrive as one compact Uint8Array (see model/attention.ts).
import type { ModelGridData, Request, Section } from '../shared/panel-protocol';
import { modeSwitch } from './modes';
import { clear, h, palette, roving } from './dom';
import { session } from './state';
import { gridSvg, headColor } from '../shared/svg';
import { t, type StringKey } from './strings';
import type { HeadLabel } from '../shared/head-labels';

/** CSS-safe class per census label (colours in media/panel.css). */
const CENSUS_CLASS: Record<HeadLabel, string> = {
  'previous-token': 'prev',
  'next-token': 'next',
  '[SEP] sink': 'sep',
  '[CLS]': 'cls',
  self: 'self',
  local: 'local',
  broad: 'broad',
  mixed: 'mixed',
};
import type { View } from './view';

/** hsl(h, s%, l%) → [r, g, b] 0..255, to colour ImageData without string parsing per pixel. */
export function hslToRgb(hue: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

export class ModelView implements View<ModelGridData> {
  readonly root = h('section', { class: 'view model-view', 'aria-label': t('tab.model') });
  /** npy: Export Tensors… (attention, hidden states, head census of the focus paragraph) for notebooks. */
  readonly dataExports: Array<'npy'> = ['npy'];
  private readonly grid = h('div', { class: 'grid', role: 'grid', 'aria-label': t('model.help') });
  private data: ModelGridData | null = null;
  lastRenderMs = 0;

  constructor(
    private readonly open: (layer: number, head: number) => void,
    go: (s: Section) => void,
  ) {
    this.root.append(
      modeSwitch('model', go),
      h('p', { class: 'muted small' }, t('model.help')),
      h('p', { class: 'muted small' }, t('model.census')),
      this.grid,
    );
    roving(this.grid, 'canvas', 1);
    // arrows: left/right move by one head, up/down by one layer (roving handles ±columns once we know them)
  }

  request(): Request | null {
    return session.focus && session.model ? { section: 'model' } : null;
  }

  render(d: ModelGridData): void {
    const t0 = performance.now();
    this.data = d;
    clear(this.grid);
    this.grid.style.gridTemplateColumns = `1.5em repeat(${d.heads}, minmax(0, 1fr))`;
    this.grid.append(h('span', {}));
    for (let hd = 0; hd < d.heads; hd++) this.grid.append(h('span', { class: 'grid-label', 'aria-hidden': 'true' }, String(hd + 1)));
    const cells = d.size * d.size;
    let first = true;
    for (let l = 0; l < d.layers; l++) {
      this.grid.append(h('span', { class: 'grid-label', 'aria-hidden': 'true' }, String(l + 1)));
      for (let hd = 0; hd < d.heads; hd++) {
        const m = l * d.heads + hd;
        const kind = t(`census.${d.labels[m]}` as StringKey);
        const label = t('model.thumb', l + 1, hd + 1, d.focusRow[m].toFixed(2), kind);
        const c = h('canvas', {
          width: d.size,
          height: d.size,
          class: 'thumb',
          tabindex: first ? 0 : -1,
          role: 'gridcell',
          'aria-label': label,
          title: label,
        });
        first = false;
        const ctx = c.getContext('2d');
        if (ctx) {
          const img = ctx.createImageData(d.size, d.size);
          const hue = Number(/hsl\((\d+)/.exec(headColor(hd, d.heads))?.[1] ?? 0);
          const [r, g, b] = hslToRgb(hue, 0.75, 0.5);
          for (let p = 0; p < cells; p++) {
            img.data[p * 4] = r;
            img.data[p * 4 + 1] = g;
            img.data[p * 4 + 2] = b;
            img.data[p * 4 + 3] = d.thumbs[m * cells + p];
          }
          ctx.putImageData(img, 0, 0);
        }
        const go = () => this.open(l + 1, hd);
        c.addEventListener('click', go);
        c.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            go();
          }
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            // one row = one layer: jump by `heads` canvases
            e.preventDefault();
            e.stopPropagation();
            const all = Array.from(this.grid.querySelectorAll<HTMLCanvasElement>('canvas'));
            const j = all.indexOf(c) + (e.key === 'ArrowDown' ? d.heads : -d.heads);
            if (j >= 0 && j < all.length) {
              c.tabIndex = -1;
              all[j].tabIndex = 0;
              all[j].focus();
            }
          }
        });
        // The canvas stays the grid's focusable cell; its census label sits under it.
        this.grid.append(
          h('div', { class: `cell census-${CENSUS_CLASS[d.labels[m]]}` }, c, h('span', { class: 'census', 'aria-hidden': 'true' }, kind)),
        );
      }
    }
    this.lastRenderMs = performance.now() - t0;
    this.grid.dataset.thumbs = String(d.layers * d.heads);
  }

  svg(): string | null {
    if (!this.data) return null;
    const images = Array.from(this.grid.querySelectorAll('canvas'), (c) => c.toDataURL('image/png'));
    return gridSvg(this.data, palette(), 4, images.length === this.data.layers * this.data.heads ? images : undefined);
  }
}

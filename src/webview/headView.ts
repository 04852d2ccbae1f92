// Section 1: the bertviz-style head view — two word columns, one line per head and target word, head chips,
// layer selector and attention rollout. The SVG is built as a string (model/svg.ts) so export = what is shown.
import type { HeadData, Request } from '../shared/panel-protocol';
import { clear, h, palette, post } from './dom';
import { save, session, ui } from './state';
import { headColor, headSvg, HEAD_ROW, shadeOpacity, visibleTotals } from '../shared/svg';
import { t } from './strings';
import { layerOptions, type View } from './view';

export class HeadView implements View<HeadData> {
  readonly root = h('section', { class: 'view head-view', 'aria-label': t('tab.head') });
  readonly dataExports: Array<'tsv' | 'html'> = ['html'];
  private readonly layerSel = h('select', { 'aria-label': t('layer') });
  private readonly chips = h('div', { class: 'chips', role: 'group', 'aria-label': t('heads.label') });
  private readonly canvas = h('div', { class: 'svg-host', tabindex: 0, 'aria-label': t('head.help') });
  private readonly info = h('p', { class: 'muted small', 'aria-live': 'polite' });
  private data: HeadData | null = null;
  private cursor = -1; // keyboard cursor in the left column
  private width = 0; // kept by a ResizeObserver: reading clientWidth before a render would force a layout
  lastRenderMs = 0;

  constructor(private readonly refresh: () => void) {
    this.layerSel.addEventListener('change', () => {
      const v = Number(this.layerSel.value);
      ui.rollout = v === 0;
      if (v > 0) ui.layer = v;
      save();
      this.refresh();
    });
    const all = h('button', { class: 'link', onclick: () => this.setHidden([]) }, t('heads.all'));
    const none = h(
      'button',
      { class: 'link', onclick: () => this.setHidden(Array.from({ length: session.model?.heads ?? 0 }, (_, i) => i)) },
      t('heads.none'),
    );
    this.root.append(
      h('div', { class: 'toolbar' }, h('label', {}, t('layer'), ' ', this.layerSel), all, none),
      this.chips,
      h('p', { class: 'muted small' }, t('head.help')),
      this.info,
      this.canvas,
    );
    this.canvas.addEventListener('click', (e) => {
      const el = (e.target as Element).closest('text.w');
      if (el) this.reveal(Number(el.getAttribute('data-i')));
    });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    // Raw weights as a tooltip of the hovered target word, created on demand: per-line tooltips would double the
    // element count, and writing them into the page would move the picture under the mouse.
    this.canvas.addEventListener('mouseover', (e) => {
      const el = (e.target as Element).closest('text.r');
      const d = this.data;
      if (!el || !d || el.querySelector('title')) return;
      const j = Number(el.getAttribute('data-i'));
      const n = d.words.length;
      const parts = d.rollout
        ? [`${(d.weights[j] * 100).toFixed(1)}%`]
        : Array.from({ length: d.heads }, (_, h) => h)
            .filter((h) => !ui.hidden.includes(h))
            .map((h) => `${t('head')} ${h + 1}: ${(d.weights[h * n + j] * 100).toFixed(1)}%`);
      const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      title.textContent = `${d.words[d.focus].text} → ${d.words[j].text}: ${parts.join(', ')}`;
      el.append(title);
    });
    new ResizeObserver((entries) => {
      const w = Math.round(entries[0].contentRect.width);
      if (Math.abs(w - this.width) > 24) {
        const first = this.width === 0;
        this.width = w;
        if (!first) this.draw();
      }
    }).observe(this.root);
    this.onModel();
  }

  onModel(): void {
    const m = session.model;
    layerOptions(this.layerSel, m?.layers ?? 0, ui.rollout ? 0 : ui.layer, [[0, t('rollout.short')]]);
    this.layerSel.title = t('rollout');
    this.renderChips();
  }

  request(): Request | null {
    if (!session.focus || !session.model) return null;
    return { section: 'head', layer: ui.rollout ? 0 : ui.layer, rollout: ui.rollout };
  }

  private setHidden(hidden: number[]): void {
    ui.hidden = hidden;
    save();
    this.renderChips();
    this.applyVisibility();
  }

  /** Show/hide head groups and re-shade the right column in place: no re-render for a chip click. */
  private applyVisibility(): void {
    const d = this.data;
    if (!d || d.rollout) return;
    const visible = Array.from({ length: d.heads }, (_, i) => !ui.hidden.includes(i));
    this.canvas.querySelectorAll('g.head').forEach((g) => {
      if (visible[Number(g.getAttribute('data-h'))]) g.removeAttribute('display');
      else g.setAttribute('display', 'none');
    });
    const total = visibleTotals(d.weights, d.words.length, d.heads, false, visible);
    this.canvas
      .querySelectorAll('rect.shade')
      .forEach((r) => r.setAttribute('fill-opacity', shadeOpacity(total[Number(r.getAttribute('data-i'))])));
    this.canvas.querySelectorAll('text.r > title').forEach((x) => x.remove()); // tooltips list the visible heads
    const lines = visible.filter(Boolean).length * d.words.length;
    this.canvas.dataset.lines = String(lines);
    this.info.textContent =
      (d.truncated ? t('head.truncated', d.words.length) + ' ' : '') + t('head.lines', lines, this.lastRenderMs.toFixed(1));
  }

  private renderChips(): void {
    clear(this.chips);
    const heads = session.model?.heads ?? 0;
    for (let i = 0; i < heads; i++) {
      const on = !ui.hidden.includes(i);
      const chip = h(
        'button',
        {
          class: 'chip',
          'aria-pressed': String(on),
          title: `${t('head')} ${i + 1}`,
          'aria-label': `${t('head')} ${i + 1}`,
          onclick: () => this.setHidden(on ? [...ui.hidden, i] : ui.hidden.filter((x) => x !== i)),
        },
        h('span', { class: 'swatch', 'data-h': i }),
        String(i + 1),
      );
      const sw = chip.firstChild as HTMLElement;
      sw.style.background = headColor(i, heads);
      chip.disabled = ui.rollout;
      this.chips.append(chip);
    }
  }

  render(data: HeadData): void {
    this.data = data;
    this.cursor = data.focus;
    this.layerSel.value = String(data.rollout ? 0 : data.layer); // show what is drawn
    this.draw();
    // Keep the focus word in sight — on the next frame, so reading the scroll box does not force a layout now.
    requestAnimationFrame(() => {
      const y = data.focus * HEAD_ROW;
      if (y < this.canvas.scrollTop || y > this.canvas.scrollTop + this.canvas.clientHeight - 40)
        this.canvas.scrollTop = Math.max(0, y - 80);
    });
  }

  redraw(): void {
    this.draw();
  }

  private draw(): void {
    const d = this.data;
    if (!d) return;
    const t0 = performance.now();
    const visible = Array.from({ length: d.heads }, (_, i) => !ui.hidden.includes(i));
    const title = d.rollout ? t('rollout') : `${t('layer')} ${d.layer}`;
    const { svg, lines } = headSvg({
      words: d.words,
      focus: d.focus,
      heads: d.heads,
      weights: d.weights,
      rollout: d.rollout,
      visible,
      width: Math.max(260, this.width || document.body.clientWidth - 20),
      title,
      palette: palette(),
    });
    this.canvas.innerHTML = svg; // built from escaped strings only (model/svg.ts escapes every text)
    this.markCursor();
    this.lastRenderMs = performance.now() - t0;
    this.canvas.dataset.lines = String(lines);
    this.info.textContent =
      (d.truncated ? t('head.truncated', d.words.length) + ' ' : '') + t('head.lines', lines, this.lastRenderMs.toFixed(1));
  }

  private markCursor(): void {
    this.canvas.querySelectorAll('text.cursor').forEach((e) => e.classList.remove('cursor'));
    this.canvas.querySelector(`text.l[data-i="${this.cursor}"]`)?.classList.add('cursor');
  }

  private onKey(e: KeyboardEvent): void {
    const d = this.data;
    if (!d) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      this.cursor = Math.max(0, Math.min(d.words.length - 1, this.cursor + (e.key === 'ArrowDown' ? 1 : -1)));
      this.markCursor();
      this.canvas.querySelector('text.cursor')?.scrollIntoView({ block: 'nearest' });
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.reveal(this.cursor);
    }
  }

  private reveal(i: number): void {
    const w = this.data?.words[i];
    if (w) post({ type: 'reveal', start: w.start, end: w.end });
  }

  svg(): string | null {
    const el = this.canvas.querySelector('svg');
    return el ? new XMLSerializer().serializeToString(el) : null;
  }
}

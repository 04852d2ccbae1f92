// Section 3: softmax(q·kᵀ/√d)·V for the selected word and one head, with this model's real numbers, step by step.
import type { ExplainData, Request } from '../shared/panel-protocol';
import { bar, clear, fmt, h, post } from './dom';
import { softmax } from '../core/softmax';
import { save, session, ui } from './state';
import { headColor } from '../shared/svg';
import { t } from './strings';
import { layerOptions, type View } from './view';

const TOP = 12; // rows shown before "show all"
const DIMS = 8; // vector entries shown inline

/** One cell per dimension of q×k: blue where q and k agree in sign (adds to q·k), red where they disagree. */
export function neuronStrip(products: number[], scale: number, label: string): HTMLCanvasElement {
  const c = h('canvas', { width: products.length, height: 1, class: 'neuron-strip', role: 'img', 'aria-label': label, title: label });
  const ctx = c.getContext('2d');
  if (ctx) {
    const img = ctx.createImageData(products.length, 1);
    products.forEach((p, k) => {
      const [r, g, b] = p >= 0 ? [55, 148, 255] : [241, 76, 76];
      img.data.set([r, g, b, Math.round((255 * Math.abs(p)) / scale)], k * 4);
    });
    ctx.putImageData(img, 0, 0);
  }
  return c;
}

/** "[0.12, -0.50, …]" with the first `n` numbers. */
export function vectorText(v: number[], n = DIMS): string {
  const head = v
    .slice(0, n)
    .map((x) => fmt(x, 2))
    .join(', ');
  return `[${head}${v.length > n ? ', …' : ''}]`;
}

export class Explainer implements View<ExplainData> {
  readonly root = h('section', { class: 'view explain-view', 'aria-label': t('tab.explain') });
  private readonly layerSel = h('select', { 'aria-label': t('layer') });
  private readonly headSel = h('select', { 'aria-label': t('head') });
  private readonly body = h('div', { class: 'explain-body' });
  private showAll = false;
  private data: ExplainData | null = null;

  constructor(private readonly refresh: () => void) {
    this.layerSel.addEventListener('change', () => {
      ui.layer = Number(this.layerSel.value);
      save();
      this.refresh();
    });
    this.headSel.addEventListener('change', () => {
      ui.head = Number(this.headSel.value);
      save();
      this.refresh();
    });
    this.root.append(
      h('div', { class: 'toolbar' }, h('label', {}, t('layer'), ' ', this.layerSel), h('label', {}, t('head'), ' ', this.headSel)),
      this.body,
    );
    this.onModel();
  }

  onModel(): void {
    const m = session.model;
    layerOptions(this.layerSel, m?.layers ?? 0, ui.layer);
    clear(this.headSel);
    for (let i = 0; i < (m?.heads ?? 0); i++) this.headSel.append(new Option(String(i + 1), String(i), false, i === ui.head));
  }

  request(): Request | null {
    if (!session.focus || !session.model) return null;
    return { section: 'explain', layer: ui.layer, head: ui.head };
  }

  render(d: ExplainData): void {
    this.data = d;
    this.onModel();
    this.layerSel.value = String(d.layer); // show what is explained
    this.headSel.value = String(d.head);
    clear(this.body);
    const sqrt = Math.sqrt(d.headDim);
    this.body.append(
      h('p', {}, t('explain.intro', d.from.text, d.layer, d.head + 1, d.headDim)),
      h('p', { class: 'formula', 'aria-label': 'output = softmax(q·k / √d) · V' }, 'output = softmax(q·kᵀ / √d) · V'),
      h('h3', {}, t('explain.step1', d.from.text)),
      this.vector(d.query),
      h('h3', {}, t('explain.step2', fmt(sqrt, 2))),
    );
    // The table: by weight, strongest first, so a student sees where attention goes.
    const order = d.weights
      .map((w, i) => [w, i] as const)
      .sort((a, b) => b[0] - a[0])
      .map(([, i]) => i);
    const rows = this.showAll ? order : order.slice(0, TOP);
    const colour = headColor(d.head, Math.max(1, d.heads));
    const formula = Array.from(softmax(d.scaled)); // the ÷√d column's softmax, as a student computes it
    const table = h(
      'table',
      { class: 'explain-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...(
            [
              'explain.col.word',
              'explain.col.key',
              'explain.col.neurons',
              'explain.col.score',
              'explain.col.scaled',
              'explain.col.weight',
              'explain.col.model',
            ] as const
          ).map((k) =>
            h('th', { scope: 'col', class: k === 'explain.col.key' || k === 'explain.col.score' ? k.slice(12) : undefined }, t(k)),
          ),
        ),
      ),
    );
    const tbody = h('tbody');
    // Neuron view: q×k per dimension; its sum is the q·k column. One colour scale for every row shown.
    const products = rows.map((i) => d.query.map((q, k) => q * d.keys[i][k]));
    const scale = Math.max(1e-12, ...products.flat().map(Math.abs));
    for (const [r, i] of rows.entries()) {
      const w = d.words[i];
      const word = h(
        'button',
        { class: 'link', title: `${w.start}–${w.end}`, onclick: () => post({ type: 'reveal', start: w.start, end: w.end }) },
        w.text,
      );
      tbody.append(
        h(
          'tr',
          { class: w.start === d.from.start ? 'self' : undefined },
          h('td', {}, word),
          h('td', { class: 'num small key' }, vectorText(d.keys[i], 3)),
          h('td', { class: 'neurons' }, neuronStrip(products[r], scale, t('explain.neurons', w.text, fmt(d.scores[i], 2)))),
          h('td', { class: 'num score' }, fmt(d.scores[i], 2)),
          h('td', { class: 'num' }, fmt(d.scaled[i], 2)),
          h('td', { class: 'num' }, fmt(formula[i])),
          h('td', { class: 'num' }, fmt(d.weights[i]), ' ', bar(d.weights[i], colour)),
        ),
      );
    }
    table.append(tbody);
    this.body.append(h('div', { class: 'table-wrap' }, table));
    if (d.words.length > TOP) {
      this.body.append(
        h(
          'button',
          {
            class: 'link',
            onclick: () => {
              this.showAll = !this.showAll;
              this.render(d);
            },
          },
          this.showAll ? t('explain.showTop', TOP) : t('explain.showAll', d.words.length),
        ),
      );
    }
    const sum = d.weights.reduce((a, b) => a + b, 0);
    this.body.append(
      h('p', { class: 'muted small' }, t('explain.sum', fmt(sum, 4))),
      h('p', { class: 'muted small' }, t('explain.note')),
      h('h3', {}, t('explain.step3', d.from.text)),
      this.vector(d.output),
      h('h3', {}, t('explain.step4', d.heads, d.headDim, d.heads * d.headDim)),
    );
  }

  private vector(v: number[]): HTMLElement {
    return h(
      'p',
      { class: 'vector num' },
      vectorText(v),
      v.length > DIMS ? h('span', { class: 'muted' }, ' ', t('explain.more', v.length)) : null,
    );
  }

  svg(): string | null {
    return null; // a table: exported as text via the host (not an image)
  }
}

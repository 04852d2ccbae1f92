// The Compare tab's Sentences mode: two sentences, each encoded alone and mean-pooled, compared at every layer —
// beside A against B's words shuffled (where the lines meet, the layer reads words, not the sentence) — and the
// NSP head's verdict on the same pair (similar is not "follows"). A is the sentence at the cursor, B picked nearby;
// or the editor's two selections.
import type { Request, Section, SentencesData } from '../shared/panel-protocol';
import { SIDE_COLORS } from '../shared/compare-svg';
import { layerChartSvg, type LayerChartText } from '../shared/layer-chart';
import { bar, clear, fmt, h, palette } from './dom';
import { pickerLine, spanLine } from './pair-line';
import { modeSwitch } from './modes';
import { save, session, ui } from './state';
import { joinSentences, t } from './strings';
import type { View } from './view';

/** Where word order changes the cosine most: the layer with the largest cosine − shuffled (null when no layer gains). */
export function orderLayer(d: Pick<SentencesData, 'layers'>): { layer: number; gap: number } | null {
  let best: { layer: number; gap: number } | null = null;
  for (const x of d.layers) if (x.cosine - x.shuffled > (best?.gap ?? 0)) best = { layer: x.layer, gap: x.cosine - x.shuffled };
  return best;
}

export class SentencesView implements View<SentencesData> {
  readonly root = h('section', { class: 'view sentences-view', 'aria-label': t('mode.sentences') });
  private readonly aLine = h('div', { class: 'sentence-line' });
  private readonly bLine = h('div', { class: 'sentence-line' });
  private readonly picker = h('select', { class: 'sentences-b', 'aria-label': t('sentences.pickB') });
  private readonly summary = h('p', { class: 'sentences-summary small', 'aria-live': 'polite' });
  private readonly chart = h('div', { class: 'svg-host sentences-chart' });
  private readonly table = h('table', { class: 'sentences-table small' });
  private readonly nsp = h('div', { class: 'sentences-nsp small' });
  private readonly tokens = h('p', { class: 'small muted sentences-tokens' });
  private data: SentencesData | null = null;

  constructor(
    private readonly refresh: () => void,
    go: (s: Section) => void,
  ) {
    this.picker.addEventListener('change', () => {
      ui.sentenceB = Number(this.picker.value);
      save();
      this.refresh();
    });
    this.root.append(
      modeSwitch('sentences', go),
      h('p', { class: 'muted small' }, t('sentences.help')),
      this.aLine,
      this.bLine,
      this.summary,
      this.chart,
      this.table,
      this.nsp,
      this.tokens,
    );
  }

  request(): Request | null {
    return session.model && session.focus ? { section: 'sentences', b: ui.sentenceB } : null;
  }

  heading(fileName: string): string {
    return t(this.data?.pick === 'selections' ? 'focus.selections' : 'focus.sentence', fileName);
  }

  render(d: SentencesData): void {
    this.data = d;
    this.draw();
  }

  redraw(): void {
    this.draw();
  }

  private chartSvg(d: SentencesData, width: number, title?: string): string {
    const text: LayerChartText = { title, layer: t('sentences.layer'), embeddings: t('sentences.emb') };
    const series = [
      { label: t('sentences.pair'), values: d.layers.map((x) => x.cosine), colour: SIDE_COLORS.a },
      { label: t('sentences.shuffled'), values: d.layers.map((x) => x.shuffled), colour: SIDE_COLORS.b, dashed: true },
    ];
    return layerChartSvg(
      d.layers.map((x) => x.layer),
      series,
      palette(),
      text,
      width,
    );
  }

  private draw(): void {
    for (const el of [this.aLine, this.bLine, this.chart, this.table, this.nsp]) clear(el);
    this.tokens.textContent = '';
    const d = this.data;
    if (!d) {
      this.summary.textContent = '';
      return;
    }
    this.aLine.append(spanLine('a', d.a.text, d.a.start, d.a.end));
    if (d.pick === 'selections') {
      this.bLine.append(spanLine('b', d.b.text, d.b.start, d.b.end), h('p', { class: 'small muted' }, t('sentences.fromSelections')));
    } else {
      const choices = d.choices.map((c) => ({ start: c.start, label: c.text }));
      this.bLine.append(pickerLine(this.picker, choices, d.a.start, d.b.start));
    }
    const last = d.layers[d.layers.length - 1];
    const order = orderLayer(d);
    this.summary.textContent = joinSentences([
      t('sentences.last', last.layer, fmt(last.cosine), fmt(last.shuffled)),
      order && order.gap >= 0.01
        ? t('sentences.order', order.layer === 0 ? t('sentences.emb') : order.layer, fmt(order.gap))
        : t('sentences.noOrder'),
    ]);
    this.chart.innerHTML = this.chartSvg(d, 260); // escaped builder output only
    this.table.append(
      h('tr', {}, h('th', {}, t('sentences.layer')), h('th', {}, t('sentences.pair')), h('th', {}, t('sentences.shuffled'))),
      ...d.layers.map((x) =>
        h(
          'tr',
          {},
          h('td', {}, x.layer === 0 ? t('sentences.emb') : String(x.layer)),
          h('td', { class: 'num' }, fmt(x.cosine)),
          h('td', { class: 'num' }, fmt(x.shuffled)),
        ),
      ),
    );
    if (d.isNext === null) this.nsp.append(h('p', { class: 'muted' }, t('sentences.noNsp', d.model)));
    else
      this.nsp.append(
        h(
          'div',
          { class: 'row' },
          h('span', { class: 'word' }, t('sentences.nsp')),
          h('span', { class: 'num' }, fmt(d.isNext)),
          bar(d.isNext),
        ),
        h('p', { class: 'muted' }, t(d.isNext >= 0.5 ? 'sentences.follows' : 'sentences.notFollows')),
      );
    this.tokens.textContent =
      t('sentences.tokens', d.model, d.tokens.a, d.tokens.b) + (d.tokens.truncated ? ` ${t('sentences.truncated')}` : '');
  }

  svg(): string | null {
    const d = this.data;
    if (!d) return null;
    const clip = (s: string) => ([...s].length > 40 ? `${[...s].slice(0, 40).join('')}…` : s); // whole characters
    return this.chartSvg(d, 420, `A: ${clip(d.a.text)} · B: ${clip(d.b.text)}`);
  }
}

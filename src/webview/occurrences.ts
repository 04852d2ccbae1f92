// The Compare tab's Same-word mode — the course's lesson in one chart: a static (word2vec) vector is one per word
// type, so its cosine between two occurrences is 1; BERT gives each occurrence its own vector — at the embeddings
// they differ only by position, and each layer mixes in its own context. A is the word at the cursor, B another
// occurrence picked from the list; the nearest words around each say what each has become.
import type { OccurrencesData, Request, Section } from '../shared/panel-protocol';
import { SIDE_COLORS } from '../shared/compare-svg';
import { layerChartSvg } from '../shared/layer-chart';
import { bar, clear, fmt, h, palette } from './dom';
import { pickerLine, spanLine } from './pair-line';
import { modeSwitch } from './modes';
import { save, session, ui } from './state';
import { joinSentences, t } from './strings';
import type { View } from './view';

export class OccurrencesView implements View<OccurrencesData> {
  readonly root = h('section', { class: 'view occurrences-view', 'aria-label': t('mode.occurrences') });
  private readonly aLine = h('div', { class: 'sentence-line' });
  private readonly bLine = h('div', { class: 'sentence-line' });
  private readonly picker = h('select', { class: 'occurrences-b', 'aria-label': t('occurrences.pickB') });
  private readonly summary = h('p', { class: 'occurrences-summary small', 'aria-live': 'polite' });
  private readonly chart = h('div', { class: 'svg-host occurrences-chart' });
  private readonly table = h('table', { class: 'sentences-table small' });
  private readonly neighbours = h('div', { class: 'occurrences-neighbours' });
  private data: OccurrencesData | null = null;

  constructor(
    private readonly refresh: () => void,
    go: (s: Section) => void,
  ) {
    this.picker.addEventListener('change', () => {
      ui.occurrenceB = Number(this.picker.value);
      save();
      this.refresh();
    });
    this.root.append(
      modeSwitch('occurrences', go),
      h('p', { class: 'muted small' }, t('occurrences.help')),
      this.aLine,
      this.bLine,
      this.summary,
      this.chart,
      this.table,
      this.neighbours,
    );
  }

  request(): Request | null {
    return session.model && session.focus ? { section: 'occurrences', b: ui.occurrenceB } : null;
  }

  heading(fileName: string): string | null {
    const d = this.data; // until the answer for a new cursor word arrives, the plain heading names that word
    return d && d.a.start === session.focus?.word.start ? t('focus.occurrences', d.a.text, d.total, fileName) : null;
  }

  render(d: OccurrencesData): void {
    this.data = d;
    this.draw();
  }

  redraw(): void {
    this.draw();
  }

  private chartSvg(d: OccurrencesData, width: number, title?: string): string {
    const layers = d.layers.map((x) => x.layer);
    const series = [
      { label: t('occurrences.contextual'), values: d.layers.map((x) => x.similarity), colour: SIDE_COLORS.a },
      { label: t('occurrences.static'), values: layers.map(() => 1), colour: SIDE_COLORS.b, dashed: true },
    ];
    return layerChartSvg(layers, series, palette(), { title, layer: t('sentences.layer'), embeddings: t('sentences.emb') }, width);
  }

  private draw(): void {
    for (const el of [this.aLine, this.bLine, this.chart, this.table, this.neighbours]) clear(el);
    const d = this.data;
    if (!d) {
      this.summary.textContent = '';
      return;
    }
    this.aLine.append(spanLine('a', d.a.context, d.a.start, d.a.end));
    const choices = d.choices.map((c) => ({ start: c.start, label: c.context }));
    this.bLine.append(pickerLine(this.picker, choices, d.a.start, d.b.start));
    const first = d.layers[0];
    const last = d.layers[d.layers.length - 1];
    const low = d.layers.reduce((m, x) => (x.similarity < m.similarity ? x : m), first);
    this.summary.textContent = joinSentences([
      t('occurrences.ends', fmt(first.similarity), last.layer, fmt(last.similarity)),
      low.layer === 0 ? '' : t('occurrences.lowest', low.layer, fmt(low.similarity)),
      t('occurrences.staticNote'),
    ]);
    this.chart.innerHTML = this.chartSvg(d, 260); // escaped builder output only
    this.table.append(
      h('tr', {}, h('th', {}, t('sentences.layer')), h('th', {}, t('occurrences.contextual'))),
      ...d.layers.map((x) =>
        h('tr', {}, h('td', {}, x.layer === 0 ? t('sentences.emb') : String(x.layer)), h('td', { class: 'num' }, fmt(x.similarity))),
      ),
    );
    const cols = h('div', { class: 'compare-cols' });
    this.neighbours.append(h('p', { class: 'small' }, t('occurrences.neighbours')), cols);
    for (const k of ['a', 'b'] as const) {
      const list = h('ul', { class: 'ranked', role: 'list' });
      const top = d.neighbours[k][0]?.score ?? 1;
      for (const n of d.neighbours[k])
        list.append(
          h(
            'li',
            { class: 'row' },
            h('span', { class: 'word' }, n.word),
            h('span', { class: 'num' }, fmt(n.score)),
            bar(Math.max(0, n.score / top), SIDE_COLORS[k]),
          ),
        );
      const head = h('div', { class: 'compare-model small' }, `${k.toUpperCase()} · “${d[k].text}”`);
      head.style.borderBottomColor = SIDE_COLORS[k];
      cols.append(h('div', { class: 'compare-col' }, head, list));
    }
  }

  svg(): string | null {
    const d = this.data;
    if (!d) return null;
    return this.chartSvg(d, 420, t('occurrences.exportTitle', d.a.text, d.a.context, d.b.context));
  }
}

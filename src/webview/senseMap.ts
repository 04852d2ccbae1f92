// Section 5: the sense map — PCA of the contextual vectors of every occurrence of a word (or of all words),
// coloured by k-means cluster (k chosen by silhouette, host side). Hover previews in the editor, click selects.
import type { Request, SenseData } from '../shared/panel-protocol';
import { clear, h, palette, post, roving } from './dom';
import { save, session, ui } from './state';
import { CLUSTER_COLORS, senseSvg } from '../shared/svg';
import { t } from './strings';
import { layerOptions, type View } from './view';

export class SenseMap implements View<SenseData> {
  readonly root = h('section', { class: 'view sense-view', 'aria-label': t('tab.sense') });
  readonly dataExports: Array<'tsv' | 'html'> = ['tsv'];
  private readonly word = h('input', { type: 'text', placeholder: t('sense.word'), 'aria-label': t('sense.word') });
  private readonly all = h('input', { type: 'checkbox', id: 'sense-all' });
  private readonly layerSel = h('select', { 'aria-label': t('layer') });
  private readonly summary = h('p', { class: 'small', 'aria-live': 'polite' });
  private readonly plot = h('div', { class: 'svg-host plot' });
  private readonly list = h('ul', { class: 'ranked', role: 'list' });
  private data: SenseData | null = null;

  constructor(private readonly refresh: () => void) {
    this.word.value = ui.senseWord;
    this.all.checked = ui.senseAll;
    const run = () => {
      ui.senseWord = this.word.value.trim();
      ui.senseAll = this.all.checked;
      ui.senseLayer = Number(this.layerSel.value);
      save();
      this.refresh();
    };
    this.word.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') run();
    });
    this.all.addEventListener('change', run);
    this.layerSel.addEventListener('change', run);
    this.root.append(
      h('div', { class: 'toolbar' }, this.word, h('button', { onclick: run }, t('sense.run'))),
      h('div', { class: 'toolbar' }, h('label', {}, this.all, ' ', t('sense.all')), h('label', {}, t('layer'), ' ', this.layerSel)),
      h('p', { class: 'muted small' }, t('sense.help')),
      this.summary,
      this.plot,
      this.list,
    );
    this.plot.addEventListener('mouseover', (e) => this.point(e, 'preview'));
    this.plot.addEventListener('click', (e) => this.point(e, 'reveal'));
    roving(this.list, 'button.row');
    this.onModel();
  }

  onModel(): void {
    layerOptions(this.layerSel, session.model?.layers ?? 0, ui.senseLayer, [[0, t('layer.last')]]);
  }

  request(): Request | null {
    if (!session.model) return null;
    if (ui.senseAll) return { section: 'sense', word: null, layer: ui.senseLayer };
    const word = ui.senseWord || session.focus?.word.text || '';
    return word ? { section: 'sense', word, layer: ui.senseLayer } : null;
  }

  heading(fileName: string): string | null {
    if (ui.senseAll) return t('focus.allWords', fileName);
    return ui.senseWord ? t('focus.typed', ui.senseWord, fileName) : null;
  }

  private point(e: Event, type: 'preview' | 'reveal'): void {
    const el = (e.target as Element).closest('circle.pt');
    const it = el && this.data?.items[Number(el.getAttribute('data-i'))];
    if (it) post({ type, start: it.start, end: it.end });
  }

  render(d: SenseData): void {
    this.data = d;
    const n = d.items.length;
    const pct = (x: number) => (x * 100).toFixed(0);
    const layer = d.layer || t('layer.last');
    if (n < 2) {
      this.summary.textContent = t('sense.few');
      clear(this.plot);
      clear(this.list);
      return;
    }
    const sil = d.silhouette === null ? '—' : d.silhouette.toFixed(2);
    this.summary.textContent =
      d.pairCosine !== undefined
        ? t('sense.two', d.pairCosine.toFixed(2))
        : d.k > 1
          ? t('sense.clusters', d.k, sil, pct(d.explained[0]), pct(d.explained[1]))
          : t('sense.one', sil, pct(d.explained[0]), pct(d.explained[1]));
    const title = d.word === null ? t('sense.titleAll', layer) : t('sense.title', d.word, layer);
    const width = Math.max(260, this.plot.clientWidth || this.root.clientWidth || 300);
    this.plot.innerHTML = senseSvg({
      items: d.items,
      points: d.points,
      clusters: d.clusters,
      width,
      height: Math.round(Math.min(420, width * 0.85)),
      title,
      palette: palette(),
      labels: n <= 30,
      labelText: d.word === null ? 'text' : 'context',
    });
    clear(this.list);
    const shown = Math.min(n, 200);
    for (let i = 0; i < shown; i++) {
      const it = d.items[i];
      const sw = h('span', { class: 'swatch' });
      sw.style.background = CLUSTER_COLORS[d.clusters[i] % CLUSTER_COLORS.length];
      this.list.append(
        h(
          'li',
          {},
          h(
            'button',
            {
              class: 'row',
              tabindex: i === 0 ? 0 : -1,
              onclick: () => post({ type: 'reveal', start: it.start, end: it.end }),
              onfocus: () => post({ type: 'preview', start: it.start, end: it.end }),
            },
            sw,
            h('span', { class: 'snippet' }, h('b', {}, it.text), ' — ', ...marked(it)),
          ),
        ),
      );
    }
  }

  redraw(): void {
    if (this.data) this.render(this.data);
  }

  svg(): string | null {
    const el = this.plot.querySelector('svg');
    return el ? new XMLSerializer().serializeToString(el) : null;
  }
}

/** The context with the word itself marked, so that each point's own occurrence stands out in its snippet. */
function marked(it: SenseData['items'][number]): Array<Node | string> {
  const end = it.at + it.end - it.start;
  return [it.context.slice(0, it.at), h('mark', {}, it.context.slice(it.at, end)), it.context.slice(end)];
}

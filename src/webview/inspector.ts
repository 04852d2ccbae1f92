// Section 4: the token inspector — static neighbours vs contextual substitutes vs nearest document words, and
// the contextual similarity to every other occurrence of the same word, and the substitutes read at every layer
// (logit lens: layers × top-k). Items with a position reveal it.
import type { InspectData, Ranked, Request, Section } from '../shared/panel-protocol';
import { modeSwitch } from './modes';
import { bar, clear, fmt, h, post, roving } from './dom';
import { session } from './state';
import { t } from './strings';
import type { View } from './view';

export class Inspector implements View<InspectData> {
  readonly root = h('section', { class: 'view inspect-view', 'aria-label': t('tab.inspect') });
  private readonly body = h('div');

  constructor(go: (s: Section) => void) {
    this.root.append(modeSwitch('inspect', go), this.body);
  }

  request(): Request | null {
    return session.focus && session.model ? { section: 'inspect' } : null;
  }

  private list(title: string, items: Ranked[], note?: string): HTMLElement {
    const ul = h('ul', { class: 'ranked', role: 'list' });
    const max = Math.max(1e-12, ...items.map((x) => x.score)); // bars relative to the list's best
    items.forEach((it, i) => {
      const pos = it.start !== undefined && it.end !== undefined;
      const label = h('span', { class: 'word' }, it.word);
      const row = pos
        ? h(
            'button',
            { class: 'row', tabindex: i === 0 ? 0 : -1, onclick: () => post({ type: 'reveal', start: it.start!, end: it.end! }) },
            label,
            h('span', { class: 'num' }, fmt(it.score)),
            bar(it.score / max),
          )
        : h('div', { class: 'row' }, label, h('span', { class: 'num' }, fmt(it.score)), bar(it.score / max));
      ul.append(h('li', {}, row));
    });
    roving(ul, 'button.row');
    return h(
      'div',
      { class: 'block' },
      h('h3', {}, title),
      note ? h('p', { class: 'muted small' }, note) : null,
      items.length ? ul : note ? null : h('p', { class: 'muted small' }, t('inspect.empty')),
    );
  }

  render(d: InspectData): void {
    clear(this.body);
    const staticNote =
      d.staticSource === null ? t('inspect.noStatic') : !d.inVocabulary ? t('inspect.oov', d.word.text, d.staticSource) : undefined;
    this.body.append(
      h('h2', {}, d.word.text),
      h(
        'div',
        { class: 'columns' },
        this.list(t('inspect.static'), d.staticNeighbours, staticNote),
        this.list(t('inspect.subs'), d.substitutes),
        this.list(t('inspect.doc'), d.documentNeighbours),
      ),
    );
    const occ = h('ul', { class: 'ranked', role: 'list' });
    d.occurrences.forEach((o, i) =>
      occ.append(
        h(
          'li',
          {},
          h(
            'button',
            {
              class: 'row',
              tabindex: i === 0 ? 0 : -1,
              title: `${o.start}–${o.end}`,
              onclick: () => post({ type: 'reveal', start: o.start, end: o.end }),
            },
            h('span', { class: 'snippet' }, o.snippet),
            h('span', { class: 'num' }, fmt(o.similarity)),
            bar(o.similarity),
          ),
        ),
      ),
    );
    roving(occ, 'button.row');
    const capped =
      d.occurrencesTotal > d.occurrences.length
        ? h('p', { class: 'muted small' }, t('inspect.occCapped', d.occurrences.length, d.occurrencesTotal))
        : null;
    this.body.append(
      h(
        'div',
        { class: 'block' },
        h('h3', {}, t('inspect.occ', d.word.text)),
        ...(d.occurrences.length ? [occ] : [h('p', { class: 'muted small' }, t('inspect.noOcc'))]),
        ...(capped ? [capped] : []),
      ),
    );
    if (d.lens || d.lensError) this.body.append(this.lens(d));
  }

  /** Layers × top-k: where the prediction for this word forms (the last row is the substitutes list). */
  private lens(d: InspectData): HTMLElement {
    const block = h('div', { class: 'block lens' }, h('h3', {}, t('inspect.lens', d.word.text)));
    if (!d.lens) {
      block.append(h('p', { class: 'muted small' }, t('inspect.lensError', d.lensError ?? '')));
      return block;
    }
    const k = Math.max(0, ...d.lens.map((l) => l.predictions.length));
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, t('layer')),
      ...Array.from({ length: k }, (_, i) => h('th', { scope: 'col' }, `#${i + 1}`)),
    );
    const rows = d.lens.map((l) =>
      h(
        'tr',
        {},
        l.layer === 0
          ? h('th', { scope: 'row', title: t('inspect.lensEmbeddingsTitle') }, t('inspect.lensEmbeddings'))
          : h('th', { scope: 'row' }, String(l.layer)),
        ...l.predictions.map((p) =>
          h('td', { title: fmt(p.score) }, h('span', { class: 'word' }, p.word), ' ', h('span', { class: 'num muted' }, fmt(p.score))),
        ),
      ),
    );
    block.append(
      h('p', { class: 'muted small' }, t('inspect.lensNote')),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'explain-table lens-table', 'aria-label': t('inspect.lens', d.word.text) },
          h('thead', {}, head),
          h('tbody', {}, ...rows),
        ),
      ),
    );
    return block;
  }
}

// The Token tab's Corpus mode — exBERT's corpus search, offline: the word at the cursor, as one layer reads it, beside
// the nearest words of a reference corpus read by the same model, each in its passage. Moving the layer shows where
// the vector says which word it is (the matches are the same word) and where what it does there (other words in the
// same role); at layer 0, where position vectors are added, the position column shows when position decides.
import type { ReferenceData, Request, Section } from '../shared/panel-protocol';
import { clear, fmt, h } from './dom';
import { modeSwitch } from './modes';
import { save, session, ui } from './state';
import { t } from './strings';
import type { View } from './view';

export class ReferenceView implements View<ReferenceData> {
  readonly root = h('section', { class: 'view reference-view', 'aria-label': t('mode.reference') });
  private readonly layerSel = h('select', { 'aria-label': t('layer') });
  private readonly summary = h('p', { class: 'reference-summary small', 'aria-live': 'polite' });
  private readonly words = h('p', { class: 'reference-words small' });
  private readonly table = h('table', { class: 'explain-table reference-table' });

  constructor(
    private readonly refresh: () => void,
    go: (s: Section) => void,
  ) {
    this.layerSel.addEventListener('change', () => {
      const l = Number(this.layerSel.value);
      ui.referenceLayer = l === session.model?.layers ? -1 : l; // the last layer stays the last on a deeper model
      save();
      this.refresh();
    });
    this.root.append(
      modeSwitch('reference', go),
      h('p', { class: 'muted small' }, t('reference.help')),
      h('div', { class: 'toolbar' }, h('label', {}, t('layer'), ' ', this.layerSel)),
      this.summary,
      this.words,
      this.table,
    );
    this.onModel();
  }

  onModel(): void {
    const L = session.model?.layers ?? 0;
    const current = ui.referenceLayer < 0 || ui.referenceLayer > L ? L : ui.referenceLayer;
    clear(this.layerSel);
    for (let l = 0; l <= L; l++) {
      this.layerSel.append(new Option(layerName(l, L), String(l), false, l === current));
    }
  }

  request(): Request | null {
    const L = session.model?.layers ?? 0;
    const layer = ui.referenceLayer < 0 || ui.referenceLayer >= L ? -1 : ui.referenceLayer;
    return session.model && session.focus ? { section: 'reference', layer } : null;
  }

  render(d: ReferenceData): void {
    clear(this.table);
    clear(this.words);
    const layer = layerName(d.layer, d.layers);
    this.summary.textContent = t(
      'reference.summary',
      d.word,
      layer,
      d.searched.toLocaleString(),
      d.passages.toLocaleString(),
      d.corpus,
      d.position,
    );
    const n = d.matches.length;
    this.words.append(
      h('b', {}, t('reference.same', d.sameWord, n)),
      ' ',
      t('reference.matched'),
      ' ',
      ...d.words.slice(0, 12).flatMap((w, i) => [i ? ' · ' : '', h('span', { class: 'matched-word' }, w.word), ` ${w.count}`]),
    );
    this.table.append(
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('reference.cosine')),
        h('th', { scope: 'col', title: t('reference.positionTip') }, t('reference.position')),
        h('th', { scope: 'col' }, t('reference.context')),
      ),
    );
    for (const m of d.matches) {
      const same = m.word.toLowerCase() === d.word.toLowerCase();
      this.table.append(
        h(
          'tr',
          { class: same ? 'same' : '' },
          h('td', { class: 'num' }, fmt(m.score)),
          h('td', { class: m.position === d.position ? 'num pos same-pos' : 'num pos' }, String(m.position)),
          h(
            'td',
            { class: 'snippet' },
            `${m.cutBefore ? '…' : ''}${m.before}`,
            h('mark', {}, m.word),
            `${m.after}${m.cutAfter ? '…' : ''}`,
          ),
        ),
      );
    }
  }
}

/** "0 (embeddings)", "2", "4 (last)": one name for a layer in the picker and in the summary. */
function layerName(l: number, layers: number): string {
  return l === 0 ? t('reference.layer0') : l === layers ? t('reference.layerLast', l) : String(l);
}

// The Token tab's masking mode — BERT's pretraining task (the course's "15% masking") on the paragraph at the cursor:
// the pieces drawn are marked in the text (green: the model's first guess gives the piece back, red: it does not),
// and a table says what the model read there ([MASK], a random piece, or the piece kept) and what it guessed.
import type { MaskingData, Request, Section } from '../shared/panel-protocol';
import { clear, fmt, h, post, roving } from './dom';
import { modeSwitch } from './modes';
import { session } from './state';
import { t } from './strings';
import type { View } from './view';

export class MaskingView implements View<MaskingData> {
  readonly root = h('section', { class: 'view masking-view', 'aria-label': t('mode.masking') });
  private readonly summary = h('p', { class: 'masking-summary small', 'aria-live': 'polite' });
  private readonly text = h('p', { class: 'masking-text' });
  private readonly table = h('table', { class: 'explain-table masking-table' });
  private seed = 1;
  private data: MaskingData | null = null;

  constructor(
    private readonly refresh: () => void,
    go: (s: Section) => void,
  ) {
    const again = h(
      'button',
      {
        class: 'draw-again',
        onclick: () => {
          this.seed = (this.seed % 0xffffffff) + 1;
          this.refresh();
        },
      },
      t('masking.again'),
    );
    this.root.append(
      modeSwitch('masking', go),
      h('p', { class: 'muted small' }, t('masking.help')),
      h('div', { class: 'toolbar' }, again),
      this.summary,
      this.text,
      this.table,
    );
    roving(this.table, 'button.reveal');
  }

  request(): Request | null {
    return session.model && session.focus ? { section: 'masking', seed: this.seed } : null;
  }

  heading(fileName: string): string | null {
    return t('focus.masking', fileName);
  }

  render(d: MaskingData): void {
    this.data = d;
    clear(this.text);
    clear(this.table);
    const count = (s: MaskingData['items'][number]['shown']) => d.items.filter((x) => x.shown === s).length;
    const n = d.items.length;
    this.summary.textContent = t(
      'masking.summary',
      d.model,
      Math.round(100 * d.rate),
      d.pieces,
      n,
      count('mask'),
      count('random'),
      count('same'),
      d.correct,
      n ? Math.round((100 * d.correct) / n) : 0,
    );
    const guess = (x: MaskingData['items'][number]) => x.predictions.map((p) => `${p.word} ${fmt(p.score)}`).join(', ');
    const readAs = (x: MaskingData['items'][number]) =>
      x.shown === 'mask' ? x.as : t(x.shown === 'random' ? 'masking.random' : 'masking.kept', x.as);
    let at = 0;
    for (const x of d.items) {
      this.text.append(d.text.slice(at, x.start));
      this.text.append(
        h(
          'mark',
          { class: `drawn ${x.correct ? 'ok' : 'bad'}`, title: t('masking.tip', readAs(x), guess(x)) },
          d.text.slice(x.start, x.end),
        ),
      );
      at = x.end;
    }
    this.text.append(d.text.slice(at));
    const head = ['masking.piece', 'masking.readAs', 'masking.guesses'] as const;
    this.table.append(h('tr', {}, ...head.map((k) => h('th', { scope: 'col' }, t(k))), h('th', { scope: 'col' }, '')));
    d.items.forEach((x, i) => {
      const reveal = h(
        'button',
        {
          class: 'reveal link',
          tabindex: i === 0 ? 0 : -1,
          onclick: () => post({ type: 'reveal', start: d.offset + x.start, end: d.offset + x.end }),
        },
        x.original,
      );
      this.table.append(
        h(
          'tr',
          { class: x.correct ? 'ok' : 'bad' },
          h('td', {}, reveal),
          h('td', {}, readAs(x)),
          h('td', { class: 'guesses' }, guess(x)),
          h('td', { 'aria-label': t(x.correct ? 'masking.right' : 'masking.wrong') }, x.correct ? '✓' : '✗'),
        ),
      );
    });
  }
}

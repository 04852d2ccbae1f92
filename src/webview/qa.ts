// Section 6: question answering over the whole document — answers with scores and context; click reveals.
import type { QaData, QaPositionsData, Request } from '../shared/panel-protocol';
import { bar, clear, fmt, h, post, roving } from './dom';
import { save, session, ui } from './state';
import { t } from './strings';
import type { View } from './view';

export class Qa implements View<QaData> {
  readonly root = h('section', { class: 'view qa-view', 'aria-label': t('tab.qa') });
  private readonly input = h('input', {
    type: 'text',
    class: 'question',
    placeholder: t('qa.placeholder'),
    'aria-label': t('qa.placeholder'),
  });
  private readonly answers = h('ul', { class: 'answers', role: 'list', 'aria-live': 'polite' });
  private asked = false;

  constructor(private readonly refresh: () => void) {
    this.input.value = ui.question;
    const ask = () => {
      if (!this.input.value.trim()) return;
      ui.question = this.input.value.trim();
      save();
      this.asked = true;
      this.refresh();
    };
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') ask();
    });
    this.root.append(h('div', { class: 'toolbar' }, this.input, h('button', { class: 'ask', onclick: ask }, t('qa.ask'))), this.answers);
    roving(this.answers, 'button.answer');
  }

  heading(fileName: string): string {
    return t('focus.document', fileName);
  }

  /** Only after the user asked: a cursor move must not re-run QA. */
  request(): Request | null {
    return this.asked && ui.question && session.model ? { section: 'qa', question: ui.question } : null;
  }

  render(d: QaData): void {
    this.asked = false;
    clear(this.answers);
    if (d.questionCut) this.answers.append(h('li', { class: 'muted question-cut' }, t('qa.cut', d.questionCut.of, d.questionCut.kept)));
    // The scores are shares of one softmax over every span considered and no-answer: without this line a best answer
    // at 0.02 reads as a broken model rather than one that mostly believes the text does not answer.
    const noAnswer = d.noAnswer === undefined ? null : h('li', { class: 'muted small no-answer' }, t('qa.noAnswer', fmt(d.noAnswer)));
    if (!d.answers.length) {
      this.answers.append(h('li', { class: 'muted' }, t('qa.none')));
      if (noAnswer) this.answers.append(noAnswer);
      return;
    }
    const best = Math.max(1e-12, ...d.answers.map((a) => a.score)); // bars relative to the best answer
    d.answers.forEach((a, i) => {
      this.answers.append(
        h(
          'li',
          {},
          h(
            'button',
            {
              class: 'answer row',
              tabindex: i === 0 ? 0 : -1,
              'data-start': a.start,
              'data-end': a.end,
              onclick: () => post({ type: 'reveal', start: a.start, end: a.end }),
            },
            h('span', { class: 'answer-text' }, a.text),
            h('span', { class: 'num' }, t('qa.score', fmt(a.score))),
            bar(a.score / best),
            h('span', { class: 'snippet' }, a.before, h('mark', {}, a.text), a.after),
          ),
        ),
      );
    });
    if (noAnswer) this.answers.append(noAnswer);
    if (d.positions) this.answers.append(h('li', { class: 'positions' }, positions(d.positions)));
  }
}

/** P(start) and P(end) per token around the best pair: the course's start/end vectors, on this answer. */
function positions(p: QaPositionsData): HTMLElement {
  const cells = (x: { pStart: number; pEnd: number }) =>
    [x.pStart, x.pEnd].map((v) => h('td', {}, h('span', { class: 'num' }, fmt(v)), bar(v)));
  const row = (label: string, x: { pStart: number; pEnd: number }, cls?: string) =>
    h('tr', { class: cls }, h('th', { scope: 'row' }, label), ...cells(x));
  const gap = () => h('tr', { class: 'gap muted' }, h('td', { colspan: 3 }, t('qa.positions.gap')));
  const body = h('tbody', {}, row(t('qa.positions.cls'), p.cls, 'cls'));
  for (const r of p.rows) {
    if (r.gap) body.append(gap());
    body.append(row(r.text, r, r.answer ? 'in-answer' : undefined));
  }
  body.append(row(t('qa.positions.rest'), p.rest, 'rest muted'));
  return h(
    'details',
    { class: 'qa-positions', open: true },
    h('summary', {}, t('qa.positions')),
    h('p', { class: 'muted small' }, t('qa.positions.about', p.window + 1, p.windows)),
    h(
      'table',
      { class: 'explain-table positions-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...(['qa.positions.token', 'qa.positions.start', 'qa.positions.end'] as const).map((k) => h('th', { scope: 'col' }, t(k))),
        ),
      ),
      body,
    ),
  );
}

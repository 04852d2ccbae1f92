// The Ablation tab's Words mode: occlusion attribution of the masked word at the cursor (or the best QA answer).
// Each other word of the text read is a chip coloured by the change in the target's probability when that word is
// masked (shared/diverging.ts: blue supports, red works against), then the strongest effects as a ranked list.
import type { OccludeData, Request, Section } from '../shared/panel-protocol';
import { bar, clear, fmt, h, post } from './dom';
import { modeSwitch } from './modes';
import { session, ui } from './state';
import { t } from './strings';
import type { View } from './view';
import { divergingColor, signedLabel } from '../shared/diverging';

type Task = OccludeData['task'];

/** How many words the ranked list shows. */
export const TOP_EFFECTS = 8;

export class OcclusionView implements View<OccludeData> {
  readonly root = h('section', { class: 'view occlude-view', 'aria-label': t('tab.occlude') });
  readonly dataExports: Array<'tsv' | 'json'> = ['tsv', 'json'];
  private readonly summary = h('p', { class: 'occlude-summary', 'aria-live': 'polite' });
  private readonly cut = h('p', { class: 'small muted question-cut', hidden: true }); // the QA question was read cut
  private readonly chips = h('div', { class: 'occlude-words', role: 'list', 'aria-label': t('occlude.words') });
  private readonly ranked = h('ul', { class: 'ranked', role: 'list' });
  private readonly taskButtons: Record<Task, HTMLButtonElement>;
  private task: Task = 'mask';

  constructor(
    private readonly refresh: () => void,
    go: (s: Section) => void,
  ) {
    const pick = (task: Task) => () => {
      this.task = task;
      this.markTask();
      this.refresh();
    };
    this.taskButtons = {
      mask: h('button', { class: 'task', onclick: pick('mask') }, t('ablate.task.mask')),
      qa: h('button', { class: 'task', onclick: pick('qa') }, t('ablate.task.qa')),
    };
    this.markTask();
    this.root.append(
      modeSwitch('occlude', go),
      h('div', { class: 'toolbar' }, this.taskButtons.mask, this.taskButtons.qa),
      this.summary,
      this.cut,
      this.chips,
      this.ranked,
      h('p', { class: 'small muted' }, t('occlude.help')),
    );
  }

  private markTask(): void {
    for (const [k, b] of Object.entries(this.taskButtons)) b.setAttribute('aria-pressed', String(k === this.task));
  }

  request(): Request | null {
    if (!session.model || !session.focus) return null;
    if (this.task === 'qa' && !ui.question.trim()) {
      this.summary.textContent = t('occlude.noQuestion');
      this.cut.hidden = true;
      return null;
    }
    return { section: 'occlude', task: this.task, question: this.task === 'qa' ? ui.question : '' };
  }

  render(d: OccludeData): void {
    this.summary.textContent = t('occlude.summary', `“${d.target}”`, fmt(d.base), d.model);
    this.cut.hidden = !d.questionCut;
    this.cut.textContent = d.questionCut ? t('qa.cut', d.questionCut.of, d.questionCut.kept) : '';
    const max = Math.max(1e-12, ...d.words.map((w) => Math.abs(w.delta)));
    const effect = (delta: number) => `${signedLabel(delta)}, ${t(delta >= 0 ? 'occlude.supports' : 'occlude.against')}`;
    const chip = (text: string, start: number, end: number, title: string, background: string, cls: string) => {
      const c = h(
        'button',
        { class: `chip ${cls}`, role: 'listitem', title, 'aria-label': title, onclick: () => post({ type: 'reveal', start, end }) },
        text,
      );
      c.style.background = background;
      return c;
    };
    // The target sits among its words, in text order (for QA it may overlap them: its own words are occluded too).
    clear(this.chips);
    let targetShown = false;
    for (const w of d.words) {
      if (!targetShown && w.start >= d.end) {
        this.chips.append(chip(d.target, d.start, d.end, t('occlude.target', d.target), 'transparent', 'target'));
        targetShown = true;
      }
      this.chips.append(
        chip(w.word, w.start, w.end, t('occlude.word', w.word, fmt(w.score), effect(w.delta)), divergingColor(w.delta, max), 'word'),
      );
    }
    if (!targetShown) this.chips.append(chip(d.target, d.start, d.end, t('occlude.target', d.target), 'transparent', 'target'));
    clear(this.ranked);
    this.ranked.append(h('li', { class: 'muted small' }, t('occlude.top')));
    const top = [...d.words]
      .filter((w) => w.delta !== 0)
      .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
      .slice(0, TOP_EFFECTS);
    for (const w of top) {
      this.ranked.append(
        h(
          'li',
          { class: 'row', title: t('occlude.word', w.word, fmt(w.score), effect(w.delta)) },
          h('span', { class: 'word' }, w.word),
          h('span', { class: 'num' }, signedLabel(w.delta)),
          bar(Math.abs(w.delta) / max, divergingColor(w.delta, max, 1)),
        ),
      );
    }
  }
}

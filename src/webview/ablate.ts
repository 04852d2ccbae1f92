// Section 7: head ablation — a layers × heads heat map of each head's importance for the masked word at the cursor
// (or the best QA answer): the drop in the target's probability with that head alone switched off. Click a head to
// switch it off (or on again) and see what the model predicts without it.
import type { AblateData, Request, Section } from '../shared/panel-protocol';
import { modeSwitch } from './modes';
import { bar, clear, fmt, h, roving } from './dom';
import { session, ui } from './state';
import { t } from './strings';
import { divergingColor } from '../shared/diverging';
import type { View } from './view';

type Task = AblateData['task'];

export class AblateView implements View<AblateData> {
  readonly root = h('section', { class: 'view ablate-view', 'aria-label': t('tab.ablate') });
  private readonly summary = h('p', { class: 'ablate-summary', 'aria-live': 'polite' });
  private readonly cut = h('p', { class: 'small muted question-cut', hidden: true }); // the QA question was read cut
  private readonly grid = h('div', { class: 'ablate-grid', role: 'grid', 'aria-label': t('ablate.grid') });
  private readonly preds = h('ul', { class: 'ranked', role: 'list' });
  private readonly taskButtons: Record<Task, HTMLButtonElement>;
  private task: Task = 'mask';
  private off = new Set<string>(); // "layer.head"
  private map: { key: string; importance: number[] } | null = null;
  private last: AblateData | null = null;
  private focusId: string | null = null;

  constructor(
    private readonly refresh: () => void,
    go: (s: Section) => void = () => undefined,
  ) {
    const pick = (task: Task) => () => {
      this.task = task;
      this.off.clear();
      this.markTask();
      this.refresh();
    };
    this.taskButtons = {
      mask: h('button', { class: 'task', onclick: pick('mask') }, t('ablate.task.mask')),
      qa: h('button', { class: 'task', onclick: pick('qa') }, t('ablate.task.qa')),
    };
    const reset = h(
      'button',
      {
        class: 'reset',
        onclick: () => {
          this.off.clear();
          this.refresh();
        },
      },
      t('ablate.reset'),
    );
    this.markTask();
    this.root.append(
      modeSwitch('ablate', go),
      h('div', { class: 'toolbar' }, this.taskButtons.mask, this.taskButtons.qa, reset),
      this.summary,
      this.cut,
      this.grid,
      this.preds,
      h('p', { class: 'small muted' }, t('ablate.help')),
    );
    roving(this.grid, 'button.cell');
  }

  private markTask(): void {
    for (const [k, b] of Object.entries(this.taskButtons)) b.setAttribute('aria-pressed', String(k === this.task));
  }

  /** The importance map depends on the target only, not on the heads switched off: asked once per target. */
  private key(): string {
    const f = session.focus;
    return this.task === 'qa'
      ? `qa\u0000${f?.uri}\u0000${f?.version}\u0000${ui.question}`
      : `mask\u0000${f?.uri}\u0000${f?.version}\u0000${f?.word.start}`;
  }

  request(): Request | null {
    if (!session.model || !session.focus) return null;
    if (this.task === 'qa' && !ui.question.trim()) {
      this.summary.textContent = t('ablate.noQuestion');
      this.cut.hidden = true;
      return null;
    }
    const off = [...this.off].map((s) => s.split('.').map(Number) as [number, number]);
    return {
      section: 'ablate',
      task: this.task,
      question: this.task === 'qa' ? ui.question : '',
      off,
      importance: this.map?.key !== this.key(),
    };
  }

  render(d: AblateData): void {
    if (d.importance) this.map = { key: this.key(), importance: d.importance };
    this.last = d;
    this.off = new Set(d.off.map((i) => `${Math.floor(i / d.heads) + 1}.${i % d.heads}`));
    const target = `“${d.target}”`;
    this.summary.textContent = this.off.size
      ? t('ablate.summaryOff', target, fmt(d.base), [...this.off].join(', '), fmt(d.score))
      : t('ablate.summary', target, fmt(d.base));
    this.cut.hidden = !d.questionCut;
    this.cut.textContent = d.questionCut ? t('qa.cut', d.questionCut.of, d.questionCut.kept) : '';
    this.drawGrid(d);
    clear(this.preds);
    this.preds.append(
      h(
        'li',
        { class: 'muted small' },
        this.off.size ? t(d.task === 'qa' ? 'ablate.nowQa' : 'ablate.now') : t(d.task === 'qa' ? 'ablate.allOnQa' : 'ablate.allOn'),
      ),
    );
    if (!d.predictions.length) this.preds.append(h('li', { class: 'muted' }, t('ablate.noAnswer')));
    const best = Math.max(1e-12, ...d.predictions.map((p) => p.score));
    for (const p of d.predictions) {
      this.preds.append(
        h('li', { class: 'row' }, h('span', { class: 'word' }, p.word), h('span', { class: 'num' }, fmt(p.score)), bar(p.score / best)),
      );
    }
  }

  private drawGrid(d: AblateData): void {
    clear(this.grid);
    const imp = this.map?.key === this.key() ? this.map.importance : null;
    const max = Math.max(1e-12, ...(imp ?? [0]).map(Math.abs));
    this.grid.style.gridTemplateColumns = `auto repeat(${d.heads}, minmax(2.6em, 1fr))`;
    this.grid.append(h('span', { class: 'corner small muted' }, t('ablate.corner')));
    for (let hd = 0; hd < d.heads; hd++) this.grid.append(h('span', { class: 'col small muted' }, String(hd)));
    let first = true;
    for (let l = 1; l <= d.layers; l++) {
      this.grid.append(h('span', { class: 'rowhead small muted' }, String(l)));
      for (let hd = 0; hd < d.heads; hd++) {
        const id = `${l}.${hd}`;
        const v = imp ? imp[(l - 1) * d.heads + hd] : NaN;
        const off = this.off.has(id);
        const cell = h(
          'button',
          {
            class: `cell num${off ? ' off' : ''}`,
            role: 'gridcell',
            'data-head': id,
            tabindex: (this.focusId ? this.focusId === id : first) ? 0 : -1,
            'aria-pressed': String(off),
            'aria-label': t(off ? 'ablate.cellOff' : 'ablate.cell', l, hd, fmt(v)),
            title: t(off ? 'ablate.cellOff' : 'ablate.cell', l, hd, fmt(v)),
            onclick: () => this.toggle(id),
          },
          Number.isNaN(v) ? '·' : fmt(v, 2),
        );
        // Blue: the head supports the target (it drops without it); red: the target gains without it.
        cell.style.background = divergingColor(v, max);
        this.grid.append(cell);
        first = false;
      }
    }
    if (this.focusId && this.root.isConnected) this.grid.querySelector<HTMLElement>(`button[data-head="${this.focusId}"]`)?.focus();
  }

  private toggle(id: string): void {
    if (this.off.has(id)) this.off.delete(id);
    else this.off.add(id);
    this.focusId = id; // keyboard focus stays on the head across redraws
    if (this.last) this.drawGrid(this.last); // immediate feedback; the answer redraws
    this.refresh();
  }
}

// The Compare view: the word at the cursor read by the document's encoder (A) and a second model (B) side by side —
// attention from it at one relative depth as paired bars per word (pieces that differ underlined), the divergence
// per depth as a small chart, both models' predictions, and how each tokenizes the words.
import type { CompareData, Request, Section } from '../shared/panel-protocol';
import { SIDE_COLORS, compareSvg, divergenceSvg, sideWeights } from '../shared/compare-svg';
import { bar, clear, fmt, h, palette, post } from './dom';
import { modeSwitch } from './modes';
import { save, session, ui } from './state';
import { t } from './strings';
import type { View } from './view';

type Result = NonNullable<CompareData['result']>;

export class CompareView implements View<CompareData> {
  readonly root = h('section', { class: 'view compare-view', 'aria-label': t('tab.compare') });
  private readonly picker = h('select', { class: 'compare-against', 'aria-label': t('compare.against') });
  private readonly depthSelect = h('select', { class: 'compare-depth', 'aria-label': t('compare.depth') });
  private readonly summary = h('p', { class: 'compare-summary small', 'aria-live': 'polite' });
  private readonly chart = h('div', { class: 'svg-host compare-chart', title: t('compare.chart') });
  private readonly words = h('div', { class: 'compare-words', role: 'list', 'aria-label': t('compare.words') });
  private readonly tokens = h('p', { class: 'small muted compare-tokens' });
  private readonly preds = h('div', { class: 'compare-preds' });
  private data: CompareData | null = null;
  private row: number | null = -1; // depth row; null = rollout; -1 = the deepest (until the user picks)

  constructor(
    private readonly refresh: () => void,
    go: (s: Section) => void,
  ) {
    this.picker.addEventListener('change', () => {
      ui.against = this.picker.value;
      save();
      this.refresh();
    });
    this.depthSelect.addEventListener('change', () => {
      this.row = this.depthSelect.value === 'rollout' ? null : Number(this.depthSelect.value);
      this.draw();
    });
    this.chart.addEventListener('click', (e) => {
      const i = Array.from(this.chart.querySelectorAll('rect')).indexOf(e.target as SVGRectElement);
      const r = this.data?.result;
      if (i < 0 || !r) return;
      this.row = i >= r.depth.length ? null : i;
      this.draw();
    });
    this.root.append(
      modeSwitch('compare', go),
      h('p', { class: 'muted small' }, t('compare.help')),
      h(
        'div',
        { class: 'toolbar' },
        h('label', {}, t('compare.against'), ' ', this.picker),
        h('label', {}, t('compare.depth'), ' ', this.depthSelect),
      ),
      this.summary,
      this.chart,
      this.words,
      this.tokens,
      this.preds,
    );
  }

  request(): Request | null {
    return session.model && session.focus ? { section: 'compare', against: ui.against } : null;
  }

  render(d: CompareData): void {
    this.data = d;
    this.fillPicker(d);
    const r = d.result;
    clear(this.depthSelect);
    if (r) {
      r.depth.forEach((x, i) => this.depthSelect.append(new Option(t('compare.depthOption', x.a, x.b), String(i))));
      this.depthSelect.append(new Option(t('rollout'), 'rollout'));
      if (this.row !== null && (this.row < 0 || this.row >= r.depth.length)) this.row = r.depth.length - 1;
    }
    this.depthSelect.disabled = !r;
    this.draw();
  }

  private fillPicker(d: CompareData): void {
    clear(this.picker);
    this.picker.append(new Option(t('compare.pick'), '', false, !d.against));
    const ids = d.against && !d.choices.includes(d.against) ? [...d.choices, d.against] : d.choices; // a typed id stays listed
    for (const id of ids)
      this.picker.append(new Option(id === session.model?.id ? t('compare.current', id) : id, id, false, id === d.against));
  }

  redraw(): void {
    this.draw();
  }

  private draw(): void {
    for (const el of [this.chart, this.words, this.preds]) clear(el);
    this.tokens.textContent = '';
    const d = this.data;
    const r = d?.result;
    this.summary.classList.toggle('error', !!d?.error);
    if (!d || !r) {
      this.summary.textContent = d?.error ?? t('compare.choose');
      return;
    }
    this.depthSelect.value = this.row === null ? 'rollout' : String(this.row);
    const focus = r.words[r.focus]?.text ?? '';
    const js = this.row === null ? r.rollout : r.depth[this.row].divergence;
    const models = t('compare.summary', r.a.model, r.a.layers, r.a.heads, r.b.model, r.b.layers, r.b.heads);
    this.summary.textContent = `${models} ${t('compare.divergence', focus, js === null ? t('compare.none') : fmt(js))}`;
    this.chart.innerHTML = divergenceSvg(r, this.row, palette(), 240, { rollout: t('compare.rolloutShort') }); // escaped builder output only
    this.drawWords(r);
    const differ = r.words.filter((w) => !w.same).length;
    this.tokens.textContent = t('compare.tokens', r.a.tokens, r.a.unknown, r.b.tokens, r.b.unknown, differ, r.words.length);
    this.drawPredictions(r, focus);
  }

  private drawWords(r: Result): void {
    const wa = sideWeights(r, 'a', this.row);
    const wb = sideWeights(r, 'b', this.row);
    const max = Math.max(1e-9, ...(wa ?? []), ...(wb ?? []));
    const num = (w: Float32Array | null, i: number) => (w ? fmt(w[i]) : t('compare.none'));
    r.words.forEach((w, i) => {
      const title =
        t('compare.word', w.text, num(wa, i), num(wb, i), w.a || t('compare.none'), w.b || t('compare.none')) +
        (w.same ? '' : ` (${t('compare.split')})`);
      this.words.append(
        h(
          'button',
          {
            class: `row compare-row${w.same ? '' : ' split'}${i === r.focus ? ' focus' : ''}`,
            role: 'listitem',
            title,
            'aria-label': title,
            onclick: () => post({ type: 'reveal', start: w.start, end: w.end }),
          },
          h('span', { class: 'word' }, w.text),
          bar(wa ? wa[i] / max : 0, SIDE_COLORS.a),
          h('span', { class: 'num' }, num(wa, i)),
          bar(wb ? wb[i] / max : 0, SIDE_COLORS.b),
          h('span', { class: 'num' }, num(wb, i)),
        ),
      );
    });
  }

  private drawPredictions(r: Result, focus: string): void {
    this.preds.append(
      h('p', { class: 'small' }, r.masked === 'literal' ? t('compare.predictionsLiteral') : t('compare.predictions', focus)),
    );
    const cols = h('div', { class: 'compare-cols' });
    for (const k of ['a', 'b'] as const) {
      const s = r[k];
      const list = h('ul', { class: 'ranked', role: 'list' });
      const top = s.predictions?.[0]?.score ?? 1;
      for (const p of s.predictions ?? [])
        list.append(
          h(
            'li',
            { class: 'row' },
            h('span', { class: 'word' }, p.word),
            h('span', { class: 'num' }, fmt(p.score)),
            bar(p.score / top, SIDE_COLORS[k]),
          ),
        );
      const head = h('div', { class: 'compare-model small' }, `${k.toUpperCase()} · ${s.model}`);
      head.style.borderBottomColor = SIDE_COLORS[k];
      cols.append(h('div', { class: 'compare-col' }, head, list, s.note ? h('p', { class: 'small muted' }, s.note) : null));
    }
    this.preds.append(cols);
    const pa = r.a.predictions?.[0]?.word,
      pb = r.b.predictions?.[0]?.word;
    if (r.agree !== null && pa !== undefined && pb !== undefined)
      this.preds.append(h('p', { class: 'small compare-agree' }, r.agree ? t('compare.agree', pa) : t('compare.differ', pa, pb)));
  }

  svg(): string | null {
    const r = this.data?.result;
    if (!r) return null;
    const depth = this.row === null ? t('rollout') : t('compare.depthOption', r.depth[this.row].a, r.depth[this.row].b);
    const focus = r.words[r.focus]?.text ?? '';
    return compareSvg(r, this.row, palette(), {
      title: t('compare.exportTitle', focus, r.a.model, r.b.model),
      depth,
      predictions: r.masked === 'literal' ? t('compare.predictionsLiteral') : t('compare.predictions', focus),
      rollout: t('compare.rolloutShort'),
    });
  }
}

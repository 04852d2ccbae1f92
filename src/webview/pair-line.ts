// The A / B lines of the Compare tab's Same-word and Two-sentences modes: a coloured tag and the text (a click selects
// it in the editor, hovering highlights it), or the tag and the picker for B.
import { SIDE_COLORS } from '../shared/compare-svg';
import { h, post } from './dom';
import { t } from './strings';

function tag(side: 'a' | 'b'): HTMLElement {
  const el = h('span', { class: 'sentence-tag' }, side.toUpperCase());
  el.style.background = SIDE_COLORS[side];
  return el;
}

/** A span of the document as a line: its tag and `text`; click reveals [start, end), hover previews it. */
export function spanLine(side: 'a' | 'b', text: string, start: number, end: number): HTMLElement {
  return h(
    'button',
    {
      class: 'sentence row',
      title: t('sentences.reveal'),
      onclick: () => post({ type: 'reveal', start, end }),
      onmouseenter: () => post({ type: 'preview', start, end }),
    },
    tag(side),
    h('span', { class: 'sentence-text' }, text),
  );
}

/** B's tag beside the picker of B's candidates (each option's value is its start offset). */
export function pickerLine(picker: HTMLSelectElement, choices: Array<{ start: number; label: string }>, a: number, b: number): HTMLElement {
  while (picker.firstChild) picker.removeChild(picker.firstChild);
  for (const c of choices) picker.append(new Option(`${c.start < a ? '↑' : '↓'} ${c.label}`, String(c.start), false, c.start === b));
  return h('label', { class: 'sentence row' }, tag('b'), picker);
}

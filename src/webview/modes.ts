// Tabs that hold two sections behind a switch instead of a tab each: Ablation holds heads switched off (ablate) and
// words masked (occlude) — both take something away and colour its effect on the same target; Compare holds two
// models on one word (compare), one word in two places (occurrences) and two sentences (sentences); Model holds its
// heads (model) and its positional encoding (positions) — both the model itself rather than the word; Token holds the
// word at the cursor (inspect), BERT's masking task on its paragraph (masking) and the word against a reference corpus
// (reference).
import type { Section } from '../shared/panel-protocol';
import { h } from './dom';
import { t, type StringKey } from './strings';

/** Sections shown under another section's tab, and the tab that holds them. */
export const HOSTED: Partial<Record<Section, Section>> = {
  occlude: 'ablate',
  occurrences: 'compare',
  sentences: 'compare',
  positions: 'model',
  masking: 'inspect',
  reference: 'inspect',
};
export const tabOf = (s: Section): Section => HOSTED[s] ?? s;

type Mode = 'ablate' | 'occlude' | 'compare' | 'occurrences' | 'sentences' | 'model' | 'positions' | 'inspect' | 'masking' | 'reference';
/** Each tab's modes in order, with the switch's label and each button's label. */
const MODES: Record<'ablate' | 'compare' | 'model' | 'inspect', { label: StringKey; modes: Array<[Mode, StringKey]> }> = {
  inspect: {
    label: 'mode.tokenLabel',
    modes: [
      ['inspect', 'mode.word'],
      ['masking', 'mode.masking'],
      ['reference', 'mode.reference'],
    ],
  },
  model: {
    label: 'mode.modelLabel',
    modes: [
      ['model', 'mode.grid'],
      ['positions', 'mode.positions'],
    ],
  },
  ablate: {
    label: 'mode.label',
    modes: [
      ['ablate', 'mode.heads'],
      ['occlude', 'mode.words'],
    ],
  },
  compare: {
    label: 'mode.compareLabel',
    modes: [
      ['compare', 'mode.models'],
      ['occurrences', 'mode.occurrences'],
      ['sentences', 'mode.sentences'],
    ],
  },
};

/** The switch at the top of each section of a shared tab (Heads | Words, Models | Same word | Sentences). */
export function modeSwitch(current: Mode, go: (s: Section) => void): HTMLElement {
  const tab = MODES[tabOf(current) as keyof typeof MODES];
  return h(
    'div',
    { class: 'toolbar modes', role: 'group', 'aria-label': t(tab.label) },
    ...tab.modes.map(([s, label]) =>
      h(
        'button',
        {
          class: 'mode',
          'data-mode': s,
          'aria-pressed': String(s === current),
          onclick: () => {
            if (s !== current) go(s);
          },
        },
        t(label),
      ),
    ),
  );
}

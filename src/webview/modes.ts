// The Ablation tab holds two sections: heads switched off (ablate) and words masked (occlude). Both take something
// away and colour its effect on the same target, so they share a tab and this switch instead of an eighth tab.
import type { Section } from '../shared/panel-protocol';
import { h } from './dom';
import { t } from './strings';

/** Sections shown under another section's tab, and the tab that holds them. */
export const HOSTED: Partial<Record<Section, Section>> = { occlude: 'ablate' };
export const tabOf = (s: Section): Section => HOSTED[s] ?? s;

/** The Heads | Words switch at the top of both sections; `go` selects the other one. */
export function modeSwitch(current: 'ablate' | 'occlude', go: (s: Section) => void): HTMLElement {
  const button = (s: 'ablate' | 'occlude', label: string) =>
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
      label,
    );
  return h(
    'div',
    { class: 'toolbar modes', role: 'group', 'aria-label': t('mode.label') },
    button('ablate', t('mode.heads')),
    button('occlude', t('mode.words')),
  );
}

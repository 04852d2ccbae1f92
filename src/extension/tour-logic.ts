// vscode-free parts of the walkthrough: its steps, where each puts the cursor in the sample, which editor it acts on.

export const TOUR_STEPS = ['open', 'attention', 'qkv', 'hover', 'mask', 'qa'] as const;
export type TourStep = (typeof TOUR_STEPS)[number];

export const isTourStep = (s: unknown): s is TourStep => (TOUR_STEPS as readonly unknown[]).includes(s);

/** The context key a step's completionEvents wait for (set only when the step's action succeeded). */
export const doneKey = (step: TourStep) => `bertLens.tourDone.${step}`;

/** The question the QA step offers (editable) in the input box. */
export const SAMPLE_QUESTION = 'What causes precipitation to fall?';

/** Where a step puts the cursor in the sample document (inside the word it is about); undefined: it needs none. */
export function sampleAnchor(step: TourStep, text: string): number | undefined {
  const inside = (phrase: string, word: string) => {
    const i = text.indexOf(phrase);
    return i < 0 ? undefined : i + phrase.indexOf(word) + 1;
  };
  switch (step) {
    case 'attention':
    case 'qkv': return inside('because it was too tired', 'it');
    case 'hover': return inside('the bank of the river', 'bank');
    case 'mask': return inside('is [MASK]', '[MASK]');
    case 'open':
    case 'qa': return undefined;
  }
}

/**
 * The editor a step acts on: the sample document while it is open (the walkthrough page itself is the active editor
 * when its buttons are clicked), else the last text editor the user was in; none: open the sample first.
 */
export function tourTarget<E>(sample: E | undefined, lastEditor: E | undefined): { editor: E; isSample: boolean } | undefined {
  if (sample) return { editor: sample, isSample: true };
  if (lastEditor) return { editor: lastEditor, isSample: false };
  return undefined;
}

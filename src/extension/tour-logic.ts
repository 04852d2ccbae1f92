// vscode-free parts of the walkthrough: its steps, where each puts the cursor in the sample, which editor it acts on.

export const TOUR_STEPS = ['open', 'attention', 'qkv', 'hover', 'mask', 'qa'] as const;
export type TourStep = (typeof TOUR_STEPS)[number];

export const isTourStep = (s: unknown): s is TourStep => (TOUR_STEPS as readonly unknown[]).includes(s);

/** The context key a step's completionEvents wait for (set only when the step's action succeeded). */
export const doneKey = (step: TourStep) => `bertLens.tourDone.${step}`;

/** The sample documents (samples/) and the question the QA step offers (editable) about each. */
export const SAMPLES = {
  en: { file: 'walkthrough.md', question: 'Under what force does precipitation fall?' },
  zh: { file: 'walkthrough.zh-cn.md', question: '降水是怎样落到地面的？' },
} as const;

/** The sample for a UI language (vscode.env.language): the Chinese one for a Chinese UI, else the English one. */
export const sampleFor = (uiLanguage: string) => SAMPLES[uiLanguage.toLowerCase().startsWith('zh') ? 'zh' : 'en'];

/**
 * Where a step puts the cursor in a sample document (on the word it is about); undefined: it needs none. Inside a
 * Latin word (so the word is found from either side), at the start of a Chinese character (which is a word itself).
 */
export function sampleAnchor(step: TourStep, text: string): number | undefined {
  const inside = (phrase: string, word: string) => {
    const i = text.indexOf(phrase);
    return i < 0 ? undefined : i + phrase.indexOf(word) + Math.min(1, word.length - 1);
  };
  switch (step) {
    case 'attention':
    case 'qkv':
      return inside('because it was too tired', 'it') ?? inside('因为它太累了', '它');
    case 'hover':
      return inside('the bank of the river', 'bank') ?? inside('你在干哈呢', '干');
    case 'mask':
      return inside('She [MASK] to', '[MASK]') ?? inside('散[MASK]', '[MASK]');
    case 'open':
    case 'qa':
      return undefined;
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

// How VS Code says an engine error's fix: as the setting to change or the command to run (translated). No `vscode`
// import: the caller passes vscode.l10n, tests a plain formatter.
import type { Fix } from '../core/model/errors';

export interface L10n {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

export function vscodeAdvice(fix: Fix, l10n: L10n): string | undefined {
  switch (fix.option) {
    case 'dtype':
      return l10n.t('Set bertLens.dtype to {0}.', fix.value);
    case 'offline':
      return fix.value
        ? l10n.t('Or turn bertLens.offline on and use a downloaded, folder or embedded model.')
        : l10n.t('Turn bertLens.offline off to download it once.');
    case 'hubEndpoint':
      return l10n.t('Or set bertLens.hubEndpoint to a mirror, e.g. https://hf-mirror.com.');
    case 'hfToken':
      return l10n.t('Start VS Code from a shell where HF_TOKEN holds a Hugging Face access token.');
    case 'cacheDir':
      return undefined; // the extension's cache is its global storage: freeing disk space is the remedy
    case 'model':
      return fix.task === 'qa'
        ? l10n.t('Pick a question-answering model with "BERT Lens: Select Model…" (bertLens.qaModel), e.g. bert-lens-mini-qa.')
        : l10n.t('Pick another model with "BERT Lens: Select Model…" (bertLens.model).');
    case 'staticVectors':
      return l10n.t('Set bertLens.staticVectors to a word2vec/GloVe/fastText file or word2vec-mini.');
    case 'referenceCorpus':
      return l10n.t('Set bertLens.referenceCorpus to a UTF-8 text file (one passage per line), or clear it to search the embedded corpus.');
  }
}

/** The engine's message followed by what to change in VS Code. */
export function withVscodeAdvice(message: string, fix: Fix[] | undefined, l10n: L10n): string {
  return [message, ...(fix ?? []).map((f) => vscodeAdvice(f, l10n)).filter((s) => s !== undefined)].join(' ');
}

/** The text to show for anything thrown or reported by the worker (WorkerError and WireError carry `fix`). */
export function errorText(e: unknown, l10n: L10n): string {
  const x = e as { message?: unknown; fix?: Fix[] } | undefined;
  return withVscodeAdvice(typeof x?.message === 'string' ? x.message : String(e), x?.fix, l10n);
}

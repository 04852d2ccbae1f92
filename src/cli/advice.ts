// How the CLI says an engine error's fix: as the flag to pass (the engine's message names no surface).
import type { Fix } from '../core/model/errors';

const MODEL_FOR = { qa: 'bert-lens-mini-qa', mlm: 'bert-lens-mini', nsp: 'bert-lens-mini' } as const;

export function cliAdvice(fix: Fix): string {
  switch (fix.option) {
    case 'dtype':
      return `Run again with --dtype ${fix.value}.`;
    case 'offline':
      return fix.value ? 'Or add --offline to use only cached, folder and embedded models.' : 'Run without --offline to download it once.';
    case 'hubEndpoint':
      return 'Or pass --hub-endpoint with a mirror, e.g. --hub-endpoint https://hf-mirror.com.';
    case 'hfToken':
      return 'Set the HF_TOKEN environment variable to a Hugging Face access token.';
    case 'cacheDir':
      return 'Or pass --cache-dir with a writable folder.';
    case 'model':
      return fix.task
        ? `Pass --model with another model, e.g. --model ${MODEL_FOR[fix.task]}.`
        : 'Or pass --model with another model (embedded name, folder or Hugging Face id).';
    case 'staticVectors':
      return 'Pass --static with a word2vec/GloVe/fastText file or an embedded name such as word2vec-mini.';
    case 'referenceCorpus':
      return 'Pass --corpus with a UTF-8 text file (one passage per line), or leave it out to search the embedded corpus.';
  }
}

/** The engine's message followed by what to type instead. */
export function withCliAdvice(message: string, fix: Fix[] | undefined): string {
  return [message, ...(fix ?? []).map(cliAdvice)].join(' ');
}

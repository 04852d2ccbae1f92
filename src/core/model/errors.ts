// The engine's one error type: a code for programs, a message that names the model, the file and the remedy.

export const BERT_LENS_ERROR_CODES = [
  'MODEL_NOT_FOUND',
  'DOWNLOAD_FAILED',
  'OFFLINE',
  'CORRUPT_MODEL',
  'ATTENTION_UNAVAILABLE',
  'HEAD_UNAVAILABLE', // the masked-LM head could not be cut out of the graph (layer-by-layer predictions)
  'BAD_INPUT',
  'ABORTED',
] as const;

export type BertLensErrorCode = (typeof BERT_LENS_ERROR_CODES)[number];

/**
 * Something the user can change to get past an error. The CLI says it as a flag, VS Code as a setting or a command
 * (src/cli/advice.ts, src/extension/advice.ts), so the message itself does not name either.
 */
export type Fix =
  | { option: 'dtype'; value: 'fp32' | 'int8' }
  | { option: 'offline'; value: boolean }
  | { option: 'hubEndpoint' }
  | { option: 'hfToken' }
  | { option: 'cacheDir' }
  | { option: 'model'; task?: 'qa' | 'mlm' | 'nsp' }
  | { option: 'staticVectors' }
  | { option: 'referenceCorpus' };

export class BertLensError extends Error {
  override readonly name = 'BertLensError';
  constructor(
    readonly code: BertLensErrorCode,
    message: string,
    readonly details: { model?: string; file?: string; cause?: unknown; fix?: Fix[] } = {},
  ) {
    super(message);
    if (details.cause !== undefined) (this as { cause?: unknown }).cause = details.cause;
  }
}

/** Turns an aborted signal into the engine's error (checked between stages). */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new BertLensError('ABORTED', `${what} was cancelled.`);
}

// Public surface of the model layer: store (resolve/download/list/verify), model info, sessions with taps.
export { BertLensError, throwIfAborted } from './errors';
export type { BertLensErrorCode } from './errors';
export { resolveModel, listModels, defaultModelsDir, defaultCacheDir, isHubId, classifySource } from './store';
export { cachedModelDir, hubEndpoint } from './download';
export type { ModelDownloadProgress } from './download';
export type { ResolvedModel, ModelListing } from './store';
export { readModelInfo } from './info';
export { loadModel } from './session';
export type { ModelLoadOptions } from './session';
export { verifyModel } from './verify';

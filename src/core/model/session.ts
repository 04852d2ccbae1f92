// onnxruntime-node session over the tapped graph; LoadedModel.run() pads, batches, fetches and trims outputs.
import type { LoadOptions, LoadedModel, StoreOptions } from '../api';
import { BertLensError } from './errors';

export async function loadModel(source: string, _store: StoreOptions = {}, _load: LoadOptions = {}): Promise<LoadedModel> {
  throw new BertLensError('NOT_IMPLEMENTED', `loadModel(${source}) not implemented yet`);
}

// Resolves a model source (embedded name, folder, hub id) to a local folder; downloads hub models into a cache.
import path from 'node:path';
import type { Dtype, LoadOptions, ModelInfo, StoreOptions } from '../api';
import { BertLensError } from './errors';

export interface ResolvedModel {
  id: string;
  dir: string;
  source: ModelInfo['source'];
  dtype: Dtype;
  modelFile: string; // absolute path of the .onnx to load
}

export interface ModelListing {
  id: string;
  source: ModelInfo['source'];
  dir: string;
  dtypes: Dtype[];
  bytes: number;
}

export function defaultModelsDir(): string {
  return path.resolve(__dirname, '..', 'models');
}

export function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(process.env.HOME ?? '.', '.cache'), 'bert-lens');
}

export async function resolveModel(source: string, _opts: StoreOptions & LoadOptions = {}): Promise<ResolvedModel> {
  throw new BertLensError('NOT_IMPLEMENTED', `resolveModel(${source}) not implemented yet`);
}

export async function listModels(_opts: StoreOptions = {}): Promise<ModelListing[]> {
  throw new BertLensError('NOT_IMPLEMENTED', 'listModels not implemented yet');
}

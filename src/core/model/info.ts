// Reads a model folder's config.json / tokenizer files into ModelInfo (BERT and DistilBERT key names).
import fs from 'node:fs';
import path from 'node:path';
import type { Capabilities, Dtype, ModelInfo } from '../api';
import { BertLensError } from './errors';
import { readJsonText } from './files';

export const ONNX_FILES: Record<Dtype, string> = { fp32: 'onnx/model.onnx', int8: 'onnx/model_quantized.onnx' };

function readJson(dir: string, file: string, model: string, required: boolean): Record<string, unknown> | undefined {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) {
    if (!required) return undefined;
    throw new BertLensError(
      'MODEL_NOT_FOUND',
      `Model ${model} has no ${file} in ${dir}. A model folder needs the Hugging Face layout (config.json, tokenizer.json, onnx/model.onnx); re-download it or pick another folder.`,
      { model, file, fix: [{ option: 'model' }] },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readJsonText(p));
  } catch (e) {
    if (e instanceof BertLensError) throw e; // not a regular file, or too large: says so itself
    throw new BertLensError(
      'CORRUPT_MODEL',
      `Model ${model}: ${file} in ${dir} is not valid JSON (${(e as Error).message}). Delete the folder and download the model again.`,
      { model, file, cause: e },
    );
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new BertLensError(
      'CORRUPT_MODEL',
      `Model ${model}: ${file} in ${dir} holds ${JSON.stringify(json)?.slice(0, 40)} instead of a JSON object. Restore the file from the model's repository or download the model again.`,
      { model, file },
    );
  }
  return json as Record<string, unknown>;
}

function num(cfg: Record<string, unknown>, keys: string[], fallback?: number): number {
  for (const k of keys) if (typeof cfg[k] === 'number') return cfg[k];
  if (fallback !== undefined) return fallback;
  throw new Error(`config.json lacks ${keys.join(' / ')}`);
}

/** Which dtypes a folder offers (files present). */
export function availableDtypes(dir: string): Dtype[] {
  return (Object.keys(ONNX_FILES) as Dtype[]).filter((d) => fs.existsSync(path.join(dir, ONNX_FILES[d])));
}

/** auto → int8 when onnx/model_quantized.onnx exists, else fp32. */
export function pickDtype(dir: string, want: Dtype | 'auto' | undefined): Dtype {
  if (want === 'fp32' || want === 'int8') return want;
  return fs.existsSync(path.join(dir, ONNX_FILES.int8)) ? 'int8' : 'fp32';
}

/**
 * ModelInfo from the folder's JSON files alone. Capabilities are what config.json suggests; loadModel replaces them
 * with what the ONNX graph really offers (outputs present, Softmax found).
 */
export function readModelInfo(dir: string, opts: { id?: string; source?: ModelInfo['source']; dtype?: Dtype | 'auto' } = {}): ModelInfo {
  const id = opts.id ?? dir;
  const cfg = readJson(dir, 'config.json', id, true)!;
  const tokCfg = readJson(dir, 'tokenizer_config.json', id, false);
  const tok = readJson(dir, 'tokenizer.json', id, false);
  const type = (typeof cfg.model_type === 'string' ? cfg.model_type : '').toLowerCase();
  const architecture: ModelInfo['architecture'] = type === 'distilbert' || 'n_layers' in cfg ? 'distilbert' : 'bert';
  let layers: number, heads: number, hidden: number;
  try {
    layers = num(cfg, ['num_hidden_layers', 'n_layers']);
    heads = num(cfg, ['num_attention_heads', 'n_heads']);
    hidden = num(cfg, ['hidden_size', 'dim']);
  } catch (e) {
    throw new BertLensError(
      'CORRUPT_MODEL',
      `Model ${id}: ${(e as Error).message} (${path.join(dir, 'config.json')}). Only BERT and DistilBERT configs are supported.`,
      { model: id, file: 'config.json', fix: [{ option: 'model' }] },
    );
  }
  // Sizes are checked against the graph at load; here only what no graph could match (and what would make us allocate).
  const sizes: Array<[string, number]> = [
    ['layers', layers],
    ['attention heads', heads],
    ['hidden size', hidden],
  ];
  for (const [what, n] of sizes) {
    if (!Number.isInteger(n) || n < 1 || n > 100_000) {
      throw new BertLensError(
        'CORRUPT_MODEL',
        `Model ${id}: config.json gives ${what} ${n}, which no BERT has (${path.join(dir, 'config.json')}). Restore the config.json exported with this model.`,
        { model: id, file: 'config.json' },
      );
    }
  }
  if (hidden % heads !== 0) {
    throw new BertLensError(
      'CORRUPT_MODEL',
      `Model ${id}: config.json gives hidden size ${hidden}, not a multiple of its ${heads} attention heads (${path.join(dir, 'config.json')}). Restore the config.json exported with this model.`,
      { model: id, file: 'config.json' },
    );
  }
  const maxPositions = num(cfg, ['max_position_embeddings'], 512);
  // Without vocab_size in config.json, the tokenizer's vocabulary bounds the valid ids.
  const tokVocab = (tok?.model as { vocab?: Record<string, number> } | undefined)?.vocab;
  const vocabSize = num(cfg, ['vocab_size'], tokVocab ? Object.keys(tokVocab).length : 0);
  const normalizer = (tok?.normalizer ?? {}) as Record<string, unknown>;
  const lower = findLowercase(normalizer);
  const uncased = lower ?? (typeof tokCfg?.do_lower_case === 'boolean' ? tokCfg.do_lower_case : true);
  const archs = (Array.isArray(cfg.architectures) ? cfg.architectures : []).map(String).join(' ');
  const qa = /QuestionAnswering/.test(archs);
  const capabilities: Capabilities = {
    hidden: true,
    attention: true,
    qkv: true,
    mlm: /MaskedLM|ForPreTraining/.test(archs) || (!qa && archs === ''),
    nsp: /ForPreTraining|NextSentence/.test(archs),
    qa,
    tokenTypes: architecture === 'bert',
  };
  const dtype = pickDtype(dir, opts.dtype);
  return {
    id,
    dir,
    modelFile: path.join(dir, ONNX_FILES[dtype]),
    source: opts.source ?? 'folder',
    architecture,
    dtype,
    layers,
    heads,
    hidden,
    maxPositions,
    vocabSize,
    uncased,
    capabilities,
  };
}

// tokenizer.json normalizer: BertNormalizer {lowercase} or a Sequence holding Lowercase / BertNormalizer.
function findLowercase(n: Record<string, unknown>): boolean | undefined {
  if (n.type === 'BertNormalizer' && typeof n.lowercase === 'boolean') return n.lowercase;
  if (n.type === 'Lowercase') return true;
  if (n.type === 'Sequence' && Array.isArray(n.normalizers)) {
    let sawAny = false;
    for (const sub of n.normalizers as Record<string, unknown>[]) {
      const r = findLowercase(sub);
      if (r === true) return true;
      if (r === false) sawAny = true;
    }
    return sawAny ? false : undefined;
  }
  return undefined;
}

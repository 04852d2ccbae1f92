// Typed settings and their reactions (which keys reload models, which only re-render). No `vscode` import:
// the extension passes a reader over `WorkspaceConfiguration.inspect`, tests pass a plain function.
import type { LayerChoice } from '../core/api';
import { MAX_THREADS } from '../core/model/options';

export interface BertLensConfig {
  model: string;
  qaModel: string;
  staticVectors: string;
  /** The Corpus view's reference corpus: a UTF-8 text file, one passage per line; '' = the embedded one for the word. */
  referenceCorpus: string;
  hubEndpoint: string;
  offline: boolean;
  /** Which ONNX file of a model folder to run; auto: int8 (onnx/model_quantized.onnx) when the folder has it. */
  dtype: 'auto' | 'int8' | 'fp32';
  threads: number;
  layer: LayerChoice;
  attentionLayer: number | 'last' | 'rollout';
  attentionHead: number | 'mean';
  attentionScope: 'paragraph' | 'document';
  hoverEnabled: boolean;
  maxDocumentChars: number;
  topK: number;
  nspThreshold: number;
}

/** Setting keys under `bertLens.` — a typed union, one source of truth with the manifest. */
export type ConfigKey =
  | 'model'
  | 'qaModel'
  | 'staticVectors'
  | 'referenceCorpus'
  | 'hubEndpoint'
  | 'offline'
  | 'dtype'
  | 'threads'
  | 'layer'
  | 'attention.layer'
  | 'attention.head'
  | 'attention.scope'
  | 'hover.enabled'
  | 'maxDocumentChars'
  | 'topK'
  | 'nsp.threshold';

/**
 * The one place settings defaults live in code; package.json `contributes.configuration` must declare the same (a
 * test checks every key). `auto` (src/core/auto.ts): the Chinese embedded models for mostly-Chinese text, the English
 * ones otherwise.
 */
export const DEFAULTS: BertLensConfig = {
  model: 'auto',
  qaModel: 'auto',
  staticVectors: 'auto',
  referenceCorpus: '',
  hubEndpoint: 'https://huggingface.co',
  offline: false,
  dtype: 'auto',
  threads: 0,
  layer: 'last',
  attentionLayer: 'last',
  attentionHead: 'mean',
  attentionScope: 'paragraph',
  hoverEnabled: true,
  maxDocumentChars: 50000,
  topK: 5,
  nspThreshold: 0.5,
};

/** Keys whose change means reloading models in the worker. */
export const RELOAD_KEYS: ReadonlySet<ConfigKey> = new Set<ConfigKey>([
  'model',
  'qaModel',
  'staticVectors',
  'hubEndpoint',
  'offline',
  'dtype',
  'threads',
]);
/** Keys whose change only re-renders views (hover, overlay, status bar). */
export const RENDER_KEYS: ReadonlySet<ConfigKey> = new Set<ConfigKey>([
  'layer',
  'attention.layer',
  'attention.head',
  'attention.scope',
  'hover.enabled',
  'maxDocumentChars',
  'topK',
  'nsp.threshold',
  'referenceCorpus',
]);
/**
 * Ignored at workspace level in Restricted Mode (package.json `restrictedConfigurations` lists the same keys): paths
 * and the endpoint (a repository could point at anything), and the limits that bound memory and CPU (a repository
 * could set maxDocumentChars to 10 million or threads to 64).
 */
export const RESTRICTED_KEYS: ReadonlySet<ConfigKey> = new Set<ConfigKey>([
  'model',
  'qaModel',
  'staticVectors',
  'referenceCorpus',
  'hubEndpoint',
  'maxDocumentChars',
  'threads',
]);

export interface Inspected<T = unknown> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export type Reader = (key: ConfigKey) => Inspected | undefined;

function effective(r: Reader, key: ConfigKey, trusted: boolean): unknown {
  const i = r(key);
  if (!i) return undefined;
  if (trusted || !RESTRICTED_KEYS.has(key)) return i.workspaceFolderValue ?? i.workspaceValue ?? i.globalValue ?? i.defaultValue;
  return i.globalValue ?? i.defaultValue;
}

const str = (v: unknown, d: string) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : d);
const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
const oneOf = <T extends string>(v: unknown, values: readonly T[], d: T): T => (values.includes(v as T) ? (v as T) : d);
const int = (v: unknown, d: number, min: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : d;

export function parseLayer(v: unknown): LayerChoice {
  if (v === 'last' || v === 'last4') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 'last';
}

export function parseHead(v: unknown): number | 'mean' {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 'mean';
}

export function parseAttentionLayer(v: unknown): number | 'last' | 'rollout' {
  if (v === 'rollout' || v === 'last') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return v;
  if (typeof v === 'string' && /^\d+$/.test(v) && Number(v) >= 1) return Number(v);
  return 'last';
}

/** Reads every setting; in an untrusted workspace, workspace-level values of RESTRICTED_KEYS are ignored. */
export function readConfig(r: Reader, trusted: boolean): BertLensConfig {
  const g = (k: ConfigKey) => effective(r, k, trusted);
  // staticVectors may be '' on purpose (no static vectors), so it keeps an explicit empty string.
  const sv = g('staticVectors');
  return {
    model: str(g('model'), DEFAULTS.model),
    qaModel: str(g('qaModel'), DEFAULTS.qaModel),
    staticVectors: typeof sv === 'string' ? sv.trim() : DEFAULTS.staticVectors,
    referenceCorpus: str(g('referenceCorpus'), DEFAULTS.referenceCorpus),
    hubEndpoint: str(g('hubEndpoint'), DEFAULTS.hubEndpoint).replace(/\/+$/, ''),
    offline: bool(g('offline'), DEFAULTS.offline),
    dtype: oneOf(g('dtype'), ['auto', 'int8', 'fp32'] as const, DEFAULTS.dtype),
    threads: int(g('threads'), DEFAULTS.threads, 0, MAX_THREADS),
    layer: parseLayer(g('layer')),
    attentionLayer: parseAttentionLayer(g('attention.layer')),
    attentionHead: parseHead(g('attention.head')),
    attentionScope: g('attention.scope') === 'document' ? 'document' : 'paragraph',
    hoverEnabled: bool(g('hover.enabled'), DEFAULTS.hoverEnabled),
    maxDocumentChars: int(g('maxDocumentChars'), DEFAULTS.maxDocumentChars, 1000, 10_000_000),
    topK: int(g('topK'), DEFAULTS.topK, 1, 50),
    nspThreshold: typeof g('nsp.threshold') === 'number' ? Math.min(1, Math.max(0, g('nsp.threshold') as number)) : DEFAULTS.nspThreshold,
  };
}

/** Each setting key's field in BertLensConfig (test/extension/manifest.test.ts checks package.json against it). */
export const CONFIG_FIELDS: Record<ConfigKey, keyof BertLensConfig> = {
  model: 'model',
  qaModel: 'qaModel',
  staticVectors: 'staticVectors',
  referenceCorpus: 'referenceCorpus',
  hubEndpoint: 'hubEndpoint',
  offline: 'offline',
  dtype: 'dtype',
  threads: 'threads',
  layer: 'layer',
  'attention.layer': 'attentionLayer',
  'attention.head': 'attentionHead',
  'attention.scope': 'attentionScope',
  'hover.enabled': 'hoverEnabled',
  maxDocumentChars: 'maxDocumentChars',
  topK: 'topK',
  'nsp.threshold': 'nspThreshold',
};

/** What a configuration change requires. */
export function reactionTo(before: BertLensConfig, after: BertLensConfig): { reload: boolean; rerender: boolean; changed: ConfigKey[] } {
  const changed = (Object.keys(CONFIG_FIELDS) as ConfigKey[]).filter((k) => before[CONFIG_FIELDS[k]] !== after[CONFIG_FIELDS[k]]);
  return {
    changed,
    reload: changed.some((k) => RELOAD_KEYS.has(k)),
    rerender: changed.some((k) => RENDER_KEYS.has(k)),
  };
}

export function threadsFor(cfg: BertLensConfig, cores: number): number {
  return cfg.threads > 0 ? cfg.threads : Math.max(1, Math.min(2, Math.floor(cores / 2)));
}

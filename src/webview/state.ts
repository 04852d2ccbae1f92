// UI state that survives the panel being hidden or reloaded (getState/setState), and the latest-request bookkeeping.
import type { Focus, ModelSummary, Section } from '../shared/panel-protocol';
import { SECTIONS } from '../shared/panel-protocol';
import { vscode } from './dom';

export interface UiState {
  section: Section;
  layer: number; // head view / explainer layer (1-based)
  head: number; // explainer head (0-based)
  rollout: boolean;
  hidden: number[]; // heads hidden in the head view
  senseWord: string;
  senseAll: boolean;
  senseLayer: number; // 0 = last
  referenceLayer: number; // the Corpus view's layer: 0 = embeddings … L, -1 = the last
  question: string;
  against: string; // the Compare view's second model ('' = none picked)
  sentenceB: number | null; // the Sentences view's picked B (its start offset; null = the sentence after A)
  occurrenceB: number | null; // the Same-word view's picked occurrence (its start; null = the next one)
}

const DEFAULTS: UiState = {
  section: 'head',
  layer: 1,
  head: 0,
  rollout: false,
  hidden: [],
  senseWord: '',
  senseAll: false,
  senseLayer: 0,
  referenceLayer: -1,
  question: '',
  against: '',
  sentenceB: null,
  occurrenceB: null,
};

function restore(): UiState {
  const s = vscode.getState() as Partial<UiState> | undefined;
  if (!s || typeof s !== 'object') return { ...DEFAULTS };
  const out = { ...DEFAULTS };
  if (SECTIONS.includes(s.section as Section)) out.section = s.section as Section;
  for (const k of ['layer', 'head', 'senseLayer'] as const) if (Number.isInteger(s[k]) && (s[k] as number) >= 0) out[k] = s[k] as number;
  if (Number.isInteger(s.referenceLayer) && (s.referenceLayer as number) >= -1) out.referenceLayer = s.referenceLayer as number;
  if (typeof s.rollout === 'boolean') out.rollout = s.rollout;
  if (typeof s.senseAll === 'boolean') out.senseAll = s.senseAll;
  if (Array.isArray(s.hidden)) out.hidden = s.hidden.filter((x) => Number.isInteger(x));
  if (typeof s.senseWord === 'string') out.senseWord = s.senseWord;
  if (typeof s.question === 'string') out.question = s.question;
  if (typeof s.against === 'string') out.against = s.against;
  for (const k of ['sentenceB', 'occurrenceB'] as const) if (Number.isInteger(s[k]) && (s[k] as number) >= 0) out[k] = s[k] as number;
  return out;
}

export const ui: UiState = restore();
export const save = (): void => vscode.setState(ui);

/** Session facts from the host (not persisted: the host re-sends them on load). */
export const session: { focus: Focus | null; model: ModelSummary | null } = { focus: null, model: null };

/** Newest request number per section: answers to older requests are dropped, never rendered. */
let seq = 0;
const latest = new Map<Section, number>();
export function nextSeq(section: Section): number {
  latest.set(section, ++seq);
  return seq;
}
export const isLatest = (section: Section, s: number): boolean => latest.get(section) === s;

/** Clamp stored layer/head to the current model. */
export function fitModel(m: ModelSummary | null): void {
  if (!m) return;
  ui.layer = Math.min(Math.max(1, ui.layer), m.layers);
  ui.head = Math.min(ui.head, m.heads - 1);
  ui.senseLayer = Math.min(ui.senseLayer, m.layers);
  ui.hidden = ui.hidden.filter((x) => x < m.heads);
}

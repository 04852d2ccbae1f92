// `auto` models: the Chinese embedded models for text that is mostly Chinese, the English ones otherwise. One rule
// for the extension host (status bar, notices), the worker (per paragraph) and the CLI (its input text).
import type { Tokenized } from './api';
import { paragraphAround, paragraphs } from './text/paragraphs';

export const AUTO = 'auto';
export type Language = 'zh' | 'en';
export type ModelKind = 'encoder' | 'qa' | 'static';

/** What `auto` resolves to, per language and kind of model. */
export const EMBEDDED: Readonly<Record<Language, Readonly<Record<ModelKind, string>>>> = {
  en: { encoder: 'bert-lens-mini', qa: 'bert-lens-mini-qa', static: 'word2vec-mini' },
  zh: { encoder: 'bert-lens-zh', qa: 'bert-lens-zh-qa', static: 'word2vec-zh' },
};

/** A Hugging Face model that also covers Chinese, offered when the embedded one does not fit. */
export const HUB_CHINESE = 'Xenova/bert-base-chinese';

/** Text whose CJK share is above this is "mostly Chinese". */
export const MOSTLY = 0.5;

export const isAuto = (setting: string): boolean => setting.trim().toLowerCase() === AUTO;

// A Han character is one unit (BERT-Chinese reads one token per character); any other run of letters is one unit (a
// word). Digits, punctuation and spaces are neutral: "2024 年" is Chinese, "BERT 模型" half and half.
const UNIT = /\p{Script=Han}|(?:(?!\p{Script=Han})[\p{L}\p{M}])+/gu;
const HAN = /^\p{Script=Han}$/u;

/** The letter units of `text` and the Han characters among them. */
export function unitCounts(text: string): [units: number, han: number] {
  let han = 0;
  let all = 0;
  for (const m of text.matchAll(UNIT)) {
    all++;
    if (HAN.test(m[0])) han++;
  }
  return [all, han];
}

/** Share of CJK units among the letter units of `text` (0..1), or undefined when it has no letters at all. */
export function cjkShare(text: string): number | undefined {
  const [all, han] = unitCounts(text);
  return all ? han / all : undefined;
}

/** `auto`'s choice for a whole document from its unit counts (chooseLanguage without an offset). */
export function documentChoice(units: number, han: number): AutoChoice {
  const share = units ? han / units : 0;
  return { language: languageFor(share), share, scope: 'document' };
}

export interface AutoChoice {
  language: Language;
  /** The CJK share the choice was made on (0 when the text has no letters). */
  share: number;
  /** What was measured: the paragraph around the offset, or the whole text (no offset, or a paragraph without letters). */
  scope: 'paragraph' | 'document';
}

const languageFor = (share: number): Language => (share > MOSTLY ? 'zh' : 'en');

/**
 * The language `auto` picks models for: the paragraph around `offset` when given (so a Chinese paragraph in an
 * English document is read by the Chinese model), else — or when that paragraph has no letters — the whole text.
 */
export function chooseLanguage(text: string, offset?: number): AutoChoice {
  if (offset !== undefined) {
    const p = paragraphAround(text, Math.max(0, Math.min(offset, text.length)));
    const share = cjkShare(text.slice(p.start, p.end));
    if (share !== undefined) return { language: languageFor(share), share, scope: 'paragraph' };
  }
  return documentChoice(...unitCounts(text));
}

/** The model to use for a setting: itself, or under `auto` the embedded model of `kind` for `language`. */
export function resolveModel(setting: string, kind: ModelKind, language: Language): string {
  return isAuto(setting) ? EMBEDDED[language][kind] : setting;
}

/** Paragraphs grouped by the language `auto` reads them in (paragraphs without letters follow the document). */
export function paragraphsByLanguage(text: string): Record<Language, Array<{ start: number; end: number }>> {
  const doc = chooseLanguage(text).language;
  const out: Record<Language, Array<{ start: number; end: number }>> = { en: [], zh: [] };
  for (const p of paragraphs(text)) {
    const share = cjkShare(text.slice(p.start, p.end));
    out[share === undefined ? doc : languageFor(share)].push(p);
  }
  return out;
}

// ---------- [UNK] coverage ----------

/** Above this share of [UNK] tokens a model is said not to cover the text. */
export const UNKNOWN_LIMIT = 0.3;

/** Tokens and [UNK] tokens of a tokenization (BERT vocabularies name the unknown token [UNK]). */
export function countUnknown(tok: Tokenized, unkToken = '[UNK]'): { tokens: number; unknown: number } {
  let unknown = 0;
  for (const t of tok.tokens) if (t.text === unkToken) unknown++;
  return { tokens: tok.tokens.length, unknown };
}

export interface Coverage {
  kind: 'encoder' | 'qa';
  model: string;
  tokens: number;
  unknown: number;
  /** The language of the text the model read (its CJK majority). */
  language: Language;
}

export type Offer = { kind: 'model'; id: string } | { kind: 'auto'; id: string } | { kind: 'hub'; id: string };

/**
 * Whether to tell the user that the model reads most of the text as [UNK], and what to offer instead: the embedded
 * model for the text's language, `auto` when the setting is explicit, and (encoders) a hub model that covers Chinese.
 * Undefined: the model covers the text (or there is too little of it to tell).
 */
export function unknownAdvice(c: Coverage, setting: string): { share: number; offers: Offer[] } | undefined {
  if (c.tokens < 8 || c.unknown / c.tokens <= UNKNOWN_LIMIT) return undefined;
  const fitting = EMBEDDED[c.language][c.kind];
  const offers: Offer[] = [];
  if (fitting !== c.model) offers.push({ kind: 'model', id: fitting });
  if (!isAuto(setting)) offers.push({ kind: 'auto', id: fitting });
  if (c.kind === 'encoder' && c.language === 'zh' && c.model !== HUB_CHINESE) offers.push({ kind: 'hub', id: HUB_CHINESE });
  return { share: c.unknown / c.tokens, offers };
}

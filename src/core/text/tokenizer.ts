// Tokens with exact UTF-16 offsets: the library's own normalizer, pre-tokenizer and WordPiece, plus a provenance map.
// tokenizers.js has no offset mapping (docs/TECH-NOTES.md §2), so we normalize per code point, remember where every
// normalized unit came from, and map the library's pieces back into the original text.
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { Tokenized } from '../api';
import { BertLensError } from '../model/errors';
import { readJsonText } from '../model/files';
import { TokensBuilder } from './tokens';

export interface SpecialIds {
  cls: number;
  sep: number;
  mask: number;
  pad: number;
  unk: number;
}

export interface TokenizeOptions {
  /** Literal strings in the text to emit as single special tokens (e.g. ['[MASK]'] for masked LM). Default: none —
   * user text like "[CLS]" is plain text, unlike the library's encode(). */
  specials?: string[];
  /** Characters tokenized at a time (default CHUNK_CHARS): long texts go through in chunks cut at whitespace (or
   * before a CJK character), so the per-character scratch arrays stay small. The result does not depend on it. */
  chunkChars?: number;
}

/** 64 Ki characters: the scratch arrays of one chunk take a few MB, and the per-chunk overhead is negligible. */
export const CHUNK_CHARS = 1 << 16;

export interface TextTokenizer {
  lib: Tokenizer;
  uncased: boolean;
  vocabSize: number;
  special: SpecialIds;
  idToToken(id: number): string;
  tokenToId(token: string): number | undefined;
  tokenize(text: string, opts?: TokenizeOptions): Tokenized;
  /** tokenize, and whether the result can be spliced: true when every section took its whole-text normalization, so
   * the text cut before any `safeCut` position and tokenized piece by piece gives the same result (text/splice.ts). */
  tokenizeSpliceable(text: string, opts?: TokenizeOptions): { tok: Tokenized; spliceable: boolean };
  /** Whether text may be cut before text[i] without changing the tokens (never, for a pre-tokenizer not BERT-like). */
  safeCut(text: string, i: number): boolean;
}

/** Load tokenizer.json (+ tokenizer_config.json when present) from a model folder in HF layout. */
export async function loadTokenizer(dir: string): Promise<TextTokenizer> {
  const file = path.join(dir, 'tokenizer.json');
  let json: unknown;
  try {
    json = JSON.parse(readJsonText(file));
  } catch (e) {
    throw new BertLensError(
      'CORRUPT_MODEL',
      `Cannot read the tokenizer ${file}: ${(e as Error).message}. The model folder needs a tokenizer.json in Hugging Face format (re-download or re-export the model).`,
      { file },
    );
  }
  const model = (json as { model?: { vocab?: unknown } } | null)?.model;
  if (!model || typeof model !== 'object' || !model.vocab || typeof model.vocab !== 'object') {
    throw new BertLensError(
      'CORRUPT_MODEL',
      `The tokenizer ${file} has no vocabulary (no model.vocab): it is not a Hugging Face tokenizer file. Copy tokenizer.json from the model's repository or re-download the model.`,
      { file },
    );
  }
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(readJsonText(path.join(dir, 'tokenizer_config.json'))) as Record<string, unknown>;
  } catch {
    // tokenizer_config.json is optional for our purposes
  }
  return createTokenizer(json as object, config);
}

export function createTokenizer(json: object, config: Record<string, unknown> = {}): TextTokenizer {
  const lib = new Tokenizer(json, config);
  const model = lib.model;
  if (!model) throw new BertLensError('CORRUPT_MODEL', 'tokenizer.json has no model section: re-download or re-export the tokenizer.');
  const prefix = (model.config as { continuing_subword_prefix?: string }).continuing_subword_prefix ?? '##';
  const id = (t: string, fallback: number): number => model.tokens_to_ids.get(t) ?? fallback;
  const unk = model.unk_token_id ?? id('[UNK]', 0);
  // tokenizer_config.json gives a special token as a string or as {content: "..."} (AddedToken).
  const named = (v: unknown, fallback: string) =>
    typeof v === 'string' ? v : typeof (v as { content?: unknown })?.content === 'string' ? (v as { content: string }).content : fallback;
  const special: SpecialIds = {
    cls: id(named(config.cls_token, '[CLS]'), id('[CLS]', -1)),
    sep: id(named(config.sep_token, '[SEP]'), id('[SEP]', -1)),
    mask: id(named(config.mask_token, '[MASK]'), id('[MASK]', -1)),
    pad: id(named(config.pad_token, '[PAD]'), id('[PAD]', 0)),
    unk,
  };
  const normCfg = (json as { normalizer?: { lowercase?: boolean } }).normalizer ?? {};
  const uncased = normCfg.lowercase === true || config.do_lower_case === true;
  const normalize = lib.normalizer ? (s: string) => lib.normalizer!(s) : (s: string) => s;
  const unitCache: string[] = [];
  const normUnit = (c: number): string => unitCache[c] ?? (unitCache[c] = normChar(String.fromCharCode(c)));
  const charCache = new Map<string, string>();
  const normChar = (c: string): string => {
    let n = charCache.get(c);
    if (n === undefined) charCache.set(c, (n = normalize(c)));
    return n;
  };
  const preType = (json as { pre_tokenizer?: { type?: string } | null }).pre_tokenizer?.type;
  // Cuts that cannot change the result: whitespace separates words for these pre-tokenizers, and the BERT
  // normalizer puts spaces around every CJK character (handle_chinese_chars).
  const cutAtSpace = preType === undefined || ['BertPreTokenizer', 'Whitespace', 'WhitespaceSplit'].includes(preType);
  const bertNorm = normCfg as { type?: string; handle_chinese_chars?: boolean };
  const cutAtCjk = cutAtSpace && bertNorm.type === 'BertNormalizer' && bertNorm.handle_chinese_chars !== false;
  const preTokenize = lib.pre_tokenizer ? (s: string) => lib.pre_tokenizer!(s) : (s: string) => s.split(/\s+/).filter(Boolean);
  // WordPiece is a pure function of the word, and words repeat (Zipf): memoized, bounded.
  const pieceCache = new Map<string, string[]>();
  const wordPiece = (w: string): string[] => {
    let pieces = pieceCache.get(w);
    if (!pieces) {
      if (pieceCache.size >= 50_000) pieceCache.clear();
      pieceCache.set(w, (pieces = model([w])));
    }
    return pieces;
  };

  const tokenizeSpliceable = (text: string, opts: TokenizeOptions = {}) => {
    let spliceable = cutAtSpace;
    const out = new TokensBuilder(model.vocab);
    for (const seg of splitSpecials(text, opts.specials ?? [])) {
      if (seg.special) {
        const tid = model.tokens_to_ids.get(seg.text) ?? unk;
        out.token(tid, seg.text, seg.start, seg.end);
        out.word(seg.start, seg.end);
        continue;
      }
      const parts: Parts = {
        charWise: bertNorm.type === 'BertNormalizer',
        normChar,
        normUnit,
        normalize,
        preTokenize,
        wordPiece,
        prefix,
        unkToken: model.unk_token ?? '[UNK]',
        ids: model.tokens_to_ids,
        unk,
      };
      const size = cutAtSpace ? (opts.chunkChars ?? CHUNK_CHARS) : Infinity;
      // Long blank runs make no token: skipped (chunked tokenizers only; Infinity keeps the one-piece reference).
      const pieces = Number.isFinite(size) ? nonBlank(text, seg.start, seg.end) : [[seg.start, seg.end] as [number, number]];
      const cuts = pieces.flatMap(([a, b]) => chunks(text, a, b, size, cutAtCjk));
      // The whole-section normalization is used only when it agrees in length with the per-character one over the
      // whole section (see tokenizeSection): decided over all chunks first, so chunking never changes the answer.
      const whole = cuts.length === 1 ? undefined : cuts.every(([a, b]) => sameLength(text, a, b, parts));
      for (const [a, b] of cuts) if (!tokenizeSection(text, a, b, parts, out, whole)) spliceable = false;
    }
    return { tok: { text, ...out.build(text) }, spliceable };
  };

  return {
    lib,
    uncased,
    vocabSize: model.vocab.length,
    special,
    idToToken: (i) => model.vocab[i] ?? '[UNK]',
    tokenToId: (t) => model.tokens_to_ids.get(t),
    tokenize: (text, opts) => tokenizeSpliceable(text, opts).tok,
    tokenizeSpliceable,
    safeCut: (text, i) => cutAtSpace && safe(text, i, cutAtCjk),
  };
}

interface Parts {
  /** The normalizer is BERT's own (clean text, CJK spacing, lower case, accents): see charWise. */
  charWise: boolean;
  normChar(c: string): string;
  normUnit(c: number): string; // normChar of one UTF-16 unit (not half a surrogate pair), by code
  normalize(s: string): string;
  preTokenize(s: string): string[];
  wordPiece(w: string): string[];
  prefix: string;
  unkToken: string;
  ids: Map<string, number>;
  unk: number;
}

const MARK = /^\p{M}$/u;
// Only these: other "whitespace" (U+FEFF, U+00A0 …) may be removed or kept by the normalizer inside a word.
const SPACE = /[ \n\r\t]/;
// The BMP ideographs that tokenizers.js's handle_chinese_chars isolates (it tests UTF-16 units: docs/TECH-NOTES.md).
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

const safe = (text: string, i: number, cjk: boolean) => SPACE.test(text[i]) || (cjk && CJK.test(text[i]));

/** [from, to) cut into ranges of about `size` characters, each cut just before whitespace (or a CJK character). */
export function chunks(text: string, from: number, to: number, size: number, cjk: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const cut = (i: number) => safe(text, i, cjk);
  let a = from;
  while (to - a > size) {
    let c = a + size;
    while (c > a && !cut(c)) c--;
    if (c === a) for (c = a + size + 1; c < to && !cut(c); c++); // one word longer than a chunk: cut after it
    if (c >= to) break;
    out.push([a, c]);
    a = c;
  }
  out.push([a, to]);
  return out;
}

const blankCode = (c: number) => c === 32 || c === 10 || c === 13 || c === 9; // SPACE, by code

/** Blank runs at least this long are not tokenized at all. */
export const BLANK_RUN = 64;

/**
 * [from, to) without its runs of BLANK_RUN or more spaces, tabs and line breaks, which make no token for a tokenizer
 * that cuts at whitespace. A document over bertLens.maxDocumentChars reaches the worker with all but its visible part
 * blanked, and a code file with its code blanked: 10 MB of blanks took ~10 s to tokenize character by character.
 */
export function nonBlank(text: string, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let a = from;
  for (let i = from; i < to;) {
    if (!blankCode(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < to && blankCode(text.charCodeAt(j))) j++;
    if (j - i >= BLANK_RUN) {
      if (i > a) out.push([a, i]);
      a = j;
    }
    i = j;
  }
  if (a < to) out.push([a, to]);
  return out;
}

/**
 * Characters whose normalization by BERT's normalizer never depends on a neighbour, as [first, last] code units: no
 * combining marks (they reorder against each other), no Σ (U+03A3: lower-cased to ς or σ by the letter after it), no
 * surrogates. Latin, Greek but Σ, Cyrillic letters, general punctuation, currency, letterlike symbols, arrows, maths,
 * box drawing, symbols, dingbats, CJK punctuation but its tone marks, CJK ideographs, fullwidth ASCII.
 */
export const CHAR_WISE: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x02ff],
  [0x0370, 0x03a2],
  [0x03a4, 0x0482],
  [0x048a, 0x04ff],
  [0x1e00, 0x1fff],
  [0x2000, 0x206f],
  [0x20a0, 0x20cf],
  [0x2100, 0x27bf],
  [0x3000, 0x3029],
  [0x3030, 0x303f],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xff01, 0xff5e],
];

/**
 * Whether BERT's normalizer gives code unit `c` the same result whatever its neighbours (it is in CHAR_WISE): a run of
 * such characters normalized whole equals it normalized character by character, so the whole pass can be skipped (its
 * clean-text and CJK passes were ~45 % of tokenizing English). test/core/text/chunks.test.ts checks the claim against
 * the library.
 */
export function charWise(c: number): boolean {
  if (c < 0x300) return true;
  for (const [lo, hi] of CHAR_WISE) if (c >= lo && c <= hi) return true;
  return false;
}

/** A space, tab, line break or CJK ideograph: no rule of BERT's normalizer reaches across one (none is cased or
 * case-ignorable for Σ, all are starters for accent decomposition, the CJK spacing is per character). */
const wordBound = (c: number) => blankCode(c) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);

/**
 * The words (ranges between wordBound characters) of text[from, to) that hold a character outside CHAR_WISE. BERT's
 * normalizer over the whole range is its per-character result with just these words normalized whole instead.
 */
function oddWords(text: string, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = from; i < to; i++) {
    if (charWise(text.charCodeAt(i))) continue;
    let a = i;
    while (a > from && !wordBound(text.charCodeAt(a - 1))) a--;
    let b = i + 1;
    while (b < to && !wordBound(text.charCodeAt(b))) b++;
    out.push([a, b]);
    i = b;
  }
  return out;
}

/** Units that normalizing text[from, to) character by character gives. */
function perCharLength(text: string, from: number, to: number, p: Parts): number {
  let n = 0;
  for (let i = from; i < to;) {
    const len = text.codePointAt(i)! > 0xffff ? 2 : 1;
    n += p.normChar(text.slice(i, i + len)).length;
    i += len;
  }
  return n;
}

/** Whether normalizing text[from, to) whole gives as many UTF-16 units as normalizing it character by character. */
function sameLength(text: string, from: number, to: number, p: Parts): boolean {
  if (!p.charWise) return p.normalize(text.slice(from, to)).length === perCharLength(text, from, to, p);
  return oddWords(text, from, to).every(([a, b]) => p.normalize(text.slice(a, b)).length === perCharLength(text, a, b, p));
}

/**
 * The normalizer over text[from, to) as one string, given its per-character result `norm` and the source index of each
 * of its units (non-decreasing). BERT's: `norm` with the odd words (oddWords) normalized whole.
 */
function wholeNormalized(text: string, from: number, to: number, p: Parts, norm: string, srcStart: number[]): string {
  if (!p.charWise) return p.normalize(text.slice(from, to));
  const unitAt = (s: number) => {
    let [lo, hi] = [0, srcStart.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (srcStart[mid] < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const parts: string[] = [];
  let u = 0;
  for (const [a, b] of oddWords(text, from, to)) {
    parts.push(norm.slice(u, unitAt(a)), p.normalize(text.slice(a, b)));
    u = unitAt(b);
  }
  parts.push(norm.slice(u));
  return parts.join('');
}

/** Tokenize text[from, to) and append tokens/words with offsets into the whole text. `useWhole`: whether to take the
 * whole-range normalization (decided by the caller over a chunked section; undefined: decide here). Returns whether
 * it was taken. */
function tokenizeSection(text: string, from: number, to: number, p: Parts, out: TokensBuilder, useWhole?: boolean): boolean {
  // 1. Normalize per code point, recording the source range of every produced UTF-16 unit.
  const units: string[] = [];
  const srcStart: number[] = [];
  const srcEnd: number[] = [];
  const covered = new Uint8Array(to - from + 1);
  for (let i = from; i < to;) {
    const c = text.charCodeAt(i);
    const len = c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1; // as codePointAt
    const n = len === 1 ? p.normUnit(c) : p.normChar(text.slice(i, i + 2));
    for (let k = 0; k < n.length; k++) {
      units.push(n[k]);
      srcStart.push(i);
      srcEnd.push(i + len);
    }
    if (n.length) covered[i - from] = 1;
    i += len;
  }
  let norm = units.join('');
  // Context-dependent case mapping (Greek final sigma) differs per char; the whole-section result is what the
  // library tokenizes, so take its characters whenever the lengths agree and keep our map.
  let tookWhole = false;
  if (useWhole !== false) {
    const whole = wholeNormalized(text, from, to, p, norm, srcStart);
    if (useWhole || whole.length === norm.length) [norm, tookWhole] = [whole, true];
  }

  // Extend a source end over trailing combining marks that the normalizer dropped (c + U+0327 → "c").
  const extend = (end: number): number => {
    while (end < to && !covered[end - from]) {
      const cp = text.codePointAt(end)!;
      const ch = String.fromCodePoint(cp);
      if (!MARK.test(ch) && cp !== 0x200d && cp !== 0xfe0f) break;
      end += ch.length;
    }
    return end;
  };

  // 2. Pre-tokenize with the library's own regex; its pieces appear in order in the normalized text.
  let cursor = 0;
  let prevEnd = from;
  for (const pre of p.preTokenize(norm)) {
    const at = norm.indexOf(pre, cursor);
    if (at < 0)
      throw new BertLensError(
        'BAD_INPUT',
        `Tokenizer alignment failed near "${pre}": this tokenizer's pre-tokenizer is not BERT-like. Please report the model and the text.`,
      );
    cursor = at + pre.length;
    const wStart = Math.max(srcStart[at], prevEnd);
    const wEnd = Math.max(extend(srcEnd[at + pre.length - 1]), wStart);
    // 3. WordPiece from the library; advance through the pre-token by each piece's length (## stripped).
    const pieces = p.wordPiece(pre);
    if (!pieces.length) continue; // no token, no word (a WordPiece model always gives at least its unknown token)
    let u = at;
    pieces.forEach((piece, k) => {
      const isUnk = piece === p.unkToken;
      const len = isUnk ? at + pre.length - u : k > 0 && piece.startsWith(p.prefix) ? piece.length - p.prefix.length : piece.length;
      const u1 = Math.min(u + len, at + pre.length);
      // Several pieces from one source char (e.g. a Hangul syllable decomposed by NFD): the first piece owns it.
      const start = Math.max(u < u1 ? srcStart[u] : prevEnd, prevEnd);
      const end = Math.max(u < u1 ? extend(srcEnd[u1 - 1]) : start, start);
      out.token(p.ids.get(piece) ?? p.unk, piece, start, end);
      prevEnd = end;
      u = u1;
    });
    prevEnd = Math.max(prevEnd, wEnd);
    out.word(wStart, wEnd);
  }
  return tookWhole;
}

/** Split text on literal special strings (longest first), keeping offsets. */
function splitSpecials(text: string, specials: string[]): Array<{ text: string; start: number; end: number; special: boolean }> {
  const out: Array<{ text: string; start: number; end: number; special: boolean }> = [];
  if (!specials.length) return [{ text, start: 0, end: text.length, special: false }];
  const esc = [...specials].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(esc.join('|'), 'g');
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), start: last, end: m.index, special: false });
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length, special: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), start: last, end: text.length, special: false });
  return out;
}

/** Index of the word covering char offset (or the nearest word starting at/after it on the same spot); -1 if none. */
export function wordAt(tok: Tokenized, offset: number): number {
  const { starts, ends } = tok.words;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] <= offset) lo = mid + 1;
    else if (starts[mid] > offset) hi = mid - 1;
    else return mid;
  }
  // Cursor right after a word (offset === end) still counts as that word, as editors report it.
  if (lo > 0 && ends[lo - 1] === offset) return lo - 1;
  return -1;
}

// Windows over long texts: encoder windows cut at sentence (else word) boundaries with overlap and an
// authoritative ("own") word range each; QA windows of question + document chunk with HF's doc-stride semantics.
import type { Tokenized, WindowSpan } from '../api';
import { BertLensError } from '../model/errors';

export interface WindowOptions {
  maxTokens: number; // per window, specials excluded
  overlap?: number; // tokens shared by neighbouring windows (default maxTokens / 8)
}

const SENTENCE_END = /^[.!?。！？…;；]+$/u;

const ENDERS = new Set([...'.!?。！？…;；'].map((c) => c.charCodeAt(0)));

/** Whether a new sentence begins at word i (after . ! ? or a blank line): looks only at words i-1, i and the gap
 * between them, so it is asked lazily for the few words a window's end is chosen among. */
function isSentenceStart(tok: Tokenized, i: number): boolean {
  if (i === 0) return true;
  const { starts, ends } = tok.words;
  const text = tok.text;
  if (ENDERS.has(text.charCodeAt(starts[i - 1])) && SENTENCE_END.test(tok.words.text(i - 1))) return true;
  const [a, b] = [ends[i - 1], starts[i]];
  let lines = 0;
  for (let k = a; k < b && lines < 2; k++) if (text.charCodeAt(k) === 10) lines++;
  return lines === 2 && /\n\s*\n/.test(text.slice(a, b));
}

interface Step {
  span: Omit<WindowSpan, 'index' | 'ownStart' | 'ownEnd'>;
  next: number; // the next window's first word; n when this one reaches the end
}

/** The window starting at word w0 (greedy: as many words as fit, preferring to end on a sentence start), and where
 * the next one starts. Reads words w0 … wordEnd only (the words' token ranges and sentence starts there). */
function windowAt(tok: Tokenized, w0: number, maxTokens: number, overlap: number): Step {
  const { tokenStarts } = tok.words;
  const n = tok.words.length;
  const t0 = tokenStarts[w0];
  // Furthest word end that fits; always at least one word (a single over-long word is clipped below).
  let we = w0 + 1;
  while (we < n && tok.words.tokenEnd(we) - t0 <= maxTokens) we++;
  if (we < n) {
    // Prefer ending at a sentence boundary if that keeps the window at least half full.
    for (let b = we; b > w0 + 1; b--) {
      if (isSentenceStart(tok, b)) {
        if (tokenStarts[b] - t0 >= maxTokens / 2) we = b;
        break;
      }
    }
  }
  const tokenEnd = Math.min(tok.words.tokenEnd(we - 1), t0 + maxTokens);
  const span = { tokenStart: t0, tokenEnd, wordStart: w0, wordEnd: we };
  if (we >= n) return { span, next: n };
  // Next window starts `overlap` tokens before this one's end, on a word boundary, always moving forward.
  let next = we;
  while (next > w0 + 1 && tokenEnd - tokenStarts[next - 1] <= overlap) next--;
  return { span, next: Math.max(next, w0 + 1) };
}

function limits(opts: WindowOptions): { maxTokens: number; overlap: number } {
  const { maxTokens } = opts;
  if (!(maxTokens >= 1)) throw new BertLensError('BAD_INPUT', `maxTokens must be ≥ 1 (got ${maxTokens}).`);
  return { maxTokens, overlap: Math.max(0, Math.min(opts.overlap ?? Math.floor(maxTokens / 8), Math.floor(maxTokens / 2))) };
}

/** Overlapping words belong to the window where they sit further from the edge: split each overlap in the middle. */
function assignOwn(spans: WindowSpan[]): WindowSpan[] {
  for (let i = 1; i < spans.length; i++) {
    const a = spans[i - 1];
    const b = spans[i];
    const mid = Math.floor((b.wordStart + a.wordEnd) / 2);
    const cut = Math.min(Math.max(mid, b.wordStart), a.wordEnd);
    a.ownEnd = cut;
    b.ownStart = cut;
  }
  return spans;
}

const whole = (tok: Tokenized): WindowSpan[] => {
  const n = tok.words.length;
  return [{ index: 0, tokenStart: 0, tokenEnd: tok.tokens.length, wordStart: 0, wordEnd: n, ownStart: 0, ownEnd: n }];
};

export function planWindows(tok: Tokenized, opts: WindowOptions): WindowSpan[] {
  const { maxTokens, overlap } = limits(opts);
  const n = tok.words.length;
  if (n === 0 || tok.tokens.length <= maxTokens) return whole(tok);
  const spans: WindowSpan[] = [];
  for (let w0 = 0; w0 < n;) {
    const { span, next } = windowAt(tok, w0, maxTokens, overlap);
    spans.push({ index: spans.length, ...span, ownStart: span.wordStart, ownEnd: span.wordEnd });
    w0 = next;
  }
  return assignOwn(spans);
}

/** How a text was made from an earlier one by replacing words [wordStart, oldWordEnd) of the old text with words
 * [wordStart, newWordEnd) (text/splice.ts); tokens and words after them moved by the differences. */
export interface WordEdit {
  wordStart: number;
  oldWordEnd: number;
  newWordEnd: number;
  tokenShift: number;
}

/**
 * planWindows(tok) from the plan of the text it was spliced from: windows that read only words before the edit are
 * kept, windows are planned anew from there until one starts where an old window (after the edit) started, and the
 * rest are the old ones moved. The same result as planWindows(tok) (test/core/text/splice.test.ts); the words are
 * read only around the edit, the rest costs a copy per window. `from[i]`: the old window whose tokens window i
 * repeats, or -1.
 */
export function replanWindows(
  tok: Tokenized,
  opts: WindowOptions,
  old: WindowSpan[],
  edit: WordEdit,
): { spans: WindowSpan[]; from: Int32Array } {
  const { maxTokens, overlap } = limits(opts);
  const n = tok.words.length;
  if (n === 0 || tok.tokens.length <= maxTokens || old.length < 2) {
    const spans = planWindows(tok, opts);
    return { spans, from: new Int32Array(spans.length).fill(-1) };
  }
  const dw = edit.newWordEnd - edit.oldWordEnd;
  const spans: WindowSpan[] = [];
  const from: number[] = [];
  // Old windows that read no word at or after the edit's first (a window reads up to and including word wordEnd).
  let k = 0;
  while (k < old.length && old[k].wordEnd < edit.wordStart) {
    spans.push(moved(old[k], 0, 0));
    from.push(k);
    k++;
  }
  let w0 = k < old.length ? old[k].wordStart : n;
  // Old windows starting at or after the edit's old end, by their start moved into the new text.
  let j = k;
  while (w0 < n) {
    while (j < old.length && old[j].wordStart + dw < w0) j++;
    if (w0 >= edit.newWordEnd && j < old.length && old[j].wordStart >= edit.oldWordEnd && old[j].wordStart + dw === w0) {
      const t = edit.tokenShift;
      for (; j < old.length; j++) {
        spans.push(moved(old[j], t, dw));
        from.push(j);
      }
      break;
    }
    const { span, next } = windowAt(tok, w0, maxTokens, overlap);
    spans.push({ index: 0, ...span, ownStart: span.wordStart, ownEnd: span.wordEnd });
    from.push(-1);
    w0 = next;
  }
  spans.forEach((s, i) => {
    s.index = i;
    s.ownStart = s.wordStart;
    s.ownEnd = s.wordEnd;
  });
  return { spans: assignOwn(spans), from: Int32Array.from(from) };
}

/** Span `s` moved by `t` tokens and `w` words, as a new object written out field by field: a re-plan copies every
 * window of the document, and an object spread of each cost ~0.15 ms per thousand windows, ten times this. */
function moved(s: WindowSpan, t: number, w: number): WindowSpan {
  return {
    index: s.index,
    tokenStart: s.tokenStart + t,
    tokenEnd: s.tokenEnd + t,
    wordStart: s.wordStart + w,
    wordEnd: s.wordEnd + w,
    ownStart: s.ownStart + w,
    ownEnd: s.ownEnd + w,
  };
}

/** The window authoritative for a word (its own range contains the word). */
export function ownerOf(spans: WindowSpan[], word: number): number {
  for (const s of spans) if (word >= s.ownStart && word < s.ownEnd) return s.index;
  return -1;
}

export interface QaWindow {
  ids: number[]; // [CLS] question [SEP] chunk [SEP]
  typeIds: number[];
  contextStart: number; // position of the first document token in ids
  docTokenStart: number; // document token index at contextStart
  docTokenEnd: number; // exclusive
}

export interface QaWindowOptions {
  maxSeqLen: number; // 384
  stride: number; // 128: tokens shared by consecutive chunks (HF doc_stride)
  maxQuestionLen: number; // 64
  cls: number;
  sep: number;
}

/** HF-style overflow windows: the question (truncated) repeated with each document chunk. */
export function qaWindows(questionIds: number[], docIds: Int32Array | number[], o: QaWindowOptions): QaWindow[] {
  const q = questionIds.slice(0, o.maxQuestionLen);
  const room = o.maxSeqLen - q.length - 3;
  if (room < 1)
    throw new BertLensError(
      'BAD_INPUT',
      `A window of ${o.maxSeqLen} tokens (maxSeqLen, the CLI's --max-seq-len) leaves no room for the document after a ${q.length}-token question: raise it to at least ${q.length + 4}, or ask a shorter question.`,
    );
  const step = Math.max(1, room - Math.min(o.stride, room - 1));
  const out: QaWindow[] = [];
  for (let s = 0; ; s += step) {
    const e = Math.min(s + room, docIds.length);
    const ids = [o.cls, ...q, o.sep, ...docIds.slice(s, e), o.sep];
    const typeIds = ids.map((_, i) => (i < q.length + 2 ? 0 : 1));
    out.push({ ids, typeIds, contextStart: q.length + 2, docTokenStart: s, docTokenEnd: e });
    if (e >= docIds.length) break;
  }
  return out;
}

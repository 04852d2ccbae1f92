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

/** Word indices where a new sentence begins (after . ! ? or a blank line), for cutting windows. Runs on every
 * re-encode over every word, so the regular expressions only see the few words and gaps that could match. */
function sentenceStarts(tok: Tokenized): Set<number> {
  const starts = new Set<number>([0]);
  const { starts: ws, ends: we } = tok.words;
  const text = tok.text;
  for (let i = 1; i < ws.length; i++) {
    const [a, b] = [we[i - 1], ws[i]];
    let lines = 0;
    for (let k = a; k < b && lines < 2; k++) if (text.charCodeAt(k) === 10) lines++;
    const ender = ENDERS.has(text.charCodeAt(ws[i - 1])) && SENTENCE_END.test(tok.words.text(i - 1));
    if (ender || (lines === 2 && /\n\s*\n/.test(text.slice(a, b)))) starts.add(i);
  }
  return starts;
}

export function planWindows(tok: Tokenized, opts: WindowOptions): WindowSpan[] {
  const { maxTokens } = opts;
  if (!(maxTokens >= 1)) throw new BertLensError('BAD_INPUT', `maxTokens must be ≥ 1 (got ${maxTokens}).`);
  const overlap = Math.max(0, Math.min(opts.overlap ?? Math.floor(maxTokens / 8), Math.floor(maxTokens / 2)));
  const { tokenStarts } = tok.words;
  const tokenEnd = (w: number) => tok.words.tokenEnd(w);
  const n = tok.words.length;
  if (n === 0 || tok.tokens.length <= maxTokens) {
    return [{ index: 0, tokenStart: 0, tokenEnd: tok.tokens.length, wordStart: 0, wordEnd: n, ownStart: 0, ownEnd: n }];
  }
  const starts = sentenceStarts(tok);
  const spans: WindowSpan[] = [];
  let w0 = 0;
  while (true) {
    const t0 = tokenStarts[w0];
    // Furthest word end that fits; always at least one word (a single over-long word is clipped below).
    let we = w0 + 1;
    while (we < n && tokenEnd(we) - t0 <= maxTokens) we++;
    if (we < n) {
      // Prefer ending at a sentence boundary if that keeps the window at least half full.
      for (let b = we; b > w0 + 1; b--) {
        if (starts.has(b)) {
          if (tokenStarts[b] - t0 >= maxTokens / 2) we = b;
          break;
        }
      }
    }
    const end = Math.min(tokenEnd(we - 1), t0 + maxTokens);
    spans.push({ index: spans.length, tokenStart: t0, tokenEnd: end, wordStart: w0, wordEnd: we, ownStart: w0, ownEnd: we });
    if (we >= n) break;
    // Next window starts `overlap` tokens before this one's end, on a word boundary, always moving forward.
    let next = we;
    while (next > w0 + 1 && end - tokenStarts[next - 1] <= overlap) next--;
    w0 = Math.max(next, w0 + 1);
  }
  // Overlapping words belong to the window where they sit further from the edge: split the overlap in the middle.
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
      `maxSeqLen ${o.maxSeqLen} leaves no room for the document after a ${q.length}-token question: raise maxSeqLen or lower maxQuestionLen.`,
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

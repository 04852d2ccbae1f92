// The words around a span, for every place that shows one (hover occurrence links, the panel's occurrence and
// answer lists, the sense map): about `room` characters each side, never half a word of a language written with
// spaces (Chinese and Japanese are cut anywhere: each character is a word), never half a surrogate pair, whitespace
// collapsed. Callers add their own "…" from `cutBefore` / `cutAfter`.

const SPACED = /[\p{L}\p{N}]/u;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** A letter or digit of a language written with spaces: a cut between two of them would halve a word. */
const wordChar = (c: string | undefined) => c !== undefined && SPACED.test(c) && !UNSPACED.test(c);
const lowSurrogate = (c: string | undefined) => c !== undefined && c >= '\uDC00' && c <= '\uDFFF';

export interface Around {
  before: string; // the context before the span (no leading space)
  after: string; // the context after it (no trailing space)
  cutBefore: boolean; // the text (or the line) goes on before `before`
  cutAfter: boolean;
}

/** Context of [start, end) in `text`; `line`: stay on the span's line. The span itself is never trimmed. */
export function around(text: string, start: number, end: number, room = 40, opts: { line?: boolean } = {}): Around {
  let lo = 0,
    hi = text.length;
  if (opts.line) {
    lo = text.lastIndexOf('\n', start - 1) + 1;
    const nl = text.indexOf('\n', end);
    hi = nl < 0 ? text.length : nl;
  }
  let a = Math.max(lo, start - room);
  let b = Math.min(hi, end + room);
  while (a < start && a > lo && ((wordChar(text[a - 1]) && wordChar(text[a])) || lowSurrogate(text[a]))) a++;
  while (b > end && b < hi && ((wordChar(text[b - 1]) && wordChar(text[b])) || lowSurrogate(text[b]))) b--;
  const clean = (s: string) => s.replace(/\s+/g, ' ');
  return {
    before: clean(text.slice(a, start)).trimStart(),
    after: clean(text.slice(end, b)).trimEnd(),
    cutBefore: /\S/.test(text.slice(lo, a)),
    cutAfter: /\S/.test(text.slice(b, hi)),
  };
}

/** The span in its context as one line of text, with "…" where the text goes on (`ellipsis`). */
export function inContext(text: string, start: number, end: number, room = 40, opts: { line?: boolean; ellipsis?: boolean } = {}): string {
  const c = around(text, start, end, room, opts);
  const dots = opts.ellipsis ?? true;
  let s = `${c.before}${text.slice(start, end).replace(/\s+/g, ' ')}${c.after}`.trim();
  if (dots && c.cutBefore && c.before) s = s.replace(/^[,;:，、；：]\s*/u, ''); // "…and a", not "…, and a"
  return `${dots && c.cutBefore ? '…' : ''}${s}${dots && c.cutAfter ? '…' : ''}`;
}

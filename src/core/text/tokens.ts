// The tokens and words of a document as columns of 32-bit integers: 12 bytes a token and 8 a word, where one object
// each cost ~70 and ~120 (a word also held its own string) — a 10 MB text's result fell from ~37× the text to 6–9×
// (docs/RELIABILITY.md). Words partition the tokens in order, so a word's token end is the next word's token start and
// a token's word is found by binary search. Rows are built on demand by get(); hot loops read the columns.
import type { Token, Word } from '../api';

/** The pieces of a tokenized text: ids and source offsets per token, the word each token belongs to. */
export class TokenTable implements Iterable<Token> {
  constructor(
    readonly ids: Int32Array,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    /** The words' first tokens (WordTable.tokenStarts), to find a token's word. */
    private readonly wordStarts: Int32Array,
    /** id → vocabulary piece. */
    private readonly vocab: readonly string[],
    /** Token index → its text where that is not vocab[id] (a special string outside the vocabulary → [UNK]'s id). */
    private readonly odd: ReadonlyMap<number, string> = new Map(),
  ) {}

  get length(): number {
    return this.ids.length;
  }

  /** The vocabulary piece of token i (e.g. "##ing"). */
  text(i: number): string {
    return this.odd.get(i) ?? this.vocab[this.ids[i]] ?? '[UNK]';
  }

  /** Index of token i's word: the last word starting at or before it. */
  wordOf(i: number): number {
    const ws = this.wordStarts;
    let lo = 0;
    let hi = ws.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ws[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  get(i: number): Token {
    if (!(i >= 0 && i < this.ids.length)) throw new RangeError(`token ${i} of ${this.ids.length}`);
    return { id: this.ids[i], text: this.text(i), start: this.starts[i], end: this.ends[i], word: this.wordOf(i) };
  }

  /** Rows [from, to) as objects. */
  slice(from = 0, to = this.length): Token[] {
    const out: Token[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.length); i++) out.push(this.get(i));
    return out;
  }

  /** Ids [from, to) as a plain array. */
  idList(from = 0, to = this.length): number[] {
    return Array.from(this.ids.subarray(from, to));
  }

  *[Symbol.iterator](): Iterator<Token> {
    for (let i = 0; i < this.ids.length; i++) yield this.get(i);
  }

  /** A table over the same vocabulary (for splicing). */
  withColumns(
    c: { ids: Int32Array; starts: Int32Array; ends: Int32Array },
    words: WordTable,
    odd: ReadonlyMap<number, string>,
  ): TokenTable {
    return new TokenTable(c.ids, c.starts, c.ends, words.tokenStarts, this.vocab, odd);
  }

  /** Token indices whose text is not vocab[id], with that text. */
  oddEntries(): Iterable<[number, string]> {
    return this.odd.entries();
  }
}

/** The words of a tokenized text (pre-tokenizer pieces): source range and token range per word. */
export class WordTable implements Iterable<Word> {
  constructor(
    /** The whole text: a word's text is text.slice(start, end), made when asked. */
    private readonly source: string,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    readonly tokenStarts: Int32Array,
    /** Tokens in the text (the last word's token end). */
    private readonly tokenCount: number,
  ) {}

  /** One past word i's last token. */
  tokenEnd(i: number): number {
    return i + 1 < this.tokenStarts.length ? this.tokenStarts[i + 1] : this.tokenCount;
  }

  get length(): number {
    return this.starts.length;
  }

  /** The original text of word i. */
  text(i: number): string {
    return this.source.slice(this.starts[i], this.ends[i]);
  }

  get(i: number): Word {
    if (!(i >= 0 && i < this.starts.length)) throw new RangeError(`word ${i} of ${this.starts.length}`);
    return { text: this.text(i), start: this.starts[i], end: this.ends[i], tokenStart: this.tokenStarts[i], tokenEnd: this.tokenEnd(i) };
  }

  /** Rows [from, to) as objects. */
  slice(from = 0, to = this.length): Word[] {
    const out: Word[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.length); i++) out.push(this.get(i));
    return out;
  }

  /** The text range of words [from, to): from the first's start to the last's end; undefined when none is there. */
  span(from: number, to: number): { start: number; end: number } | undefined {
    if (!(from >= 0 && to > from && to <= this.starts.length)) return undefined;
    return { start: this.starts[from], end: this.ends[to - 1] };
  }

  /** Indices of the words for which `keep(i)` holds. */
  indices(keep: (i: number) => boolean): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.starts.length; i++) if (keep(i)) out.push(i);
    return out;
  }

  *[Symbol.iterator](): Iterator<Word> {
    for (let i = 0; i < this.starts.length; i++) yield this.get(i);
  }
}

/** A growable Int32Array. */
class Column {
  private a = new Int32Array(256);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  /** Exactly n values, in an array of their own (the growth slack is dropped). */
  done(): Int32Array {
    return this.a.slice(0, this.n);
  }
}

/** Appends tokens and words in document order; build() gives the tables. */
export class TokensBuilder {
  private readonly t = { ids: new Column(), starts: new Column(), ends: new Column() };
  private readonly w = { starts: new Column(), ends: new Column(), tokenStarts: new Column() };
  private readonly odd = new Map<number, string>();

  constructor(private readonly vocab: readonly string[]) {}

  /** A token of the word being built (words are added after their tokens). */
  token(id: number, text: string, start: number, end: number): void {
    if (this.vocab[id] !== text) this.odd.set(this.t.ids.n, text);
    this.t.ids.push(id);
    this.t.starts.push(start);
    this.t.ends.push(end);
  }

  /** A word over the tokens added since the previous word (at least one: every word has a token). */
  word(start: number, end: number): void {
    const first = this.w.tokenStarts.n ? this.lastEnd : 0;
    if (this.t.ids.n <= first) throw new Error('a word needs at least one token');
    this.w.starts.push(start);
    this.w.ends.push(end);
    this.w.tokenStarts.push(first);
    this.lastEnd = this.t.ids.n;
  }
  private lastEnd = 0;

  build(text: string): { tokens: TokenTable; words: WordTable } {
    const t = this.t;
    const w = this.w;
    if (this.lastEnd !== t.ids.n) throw new Error('tokens after the last word');
    const words = new WordTable(text, w.starts.done(), w.ends.done(), w.tokenStarts.done(), t.ids.n);
    return { tokens: new TokenTable(t.ids.done(), t.starts.done(), t.ends.done(), words.tokenStarts, this.vocab, this.odd), words };
  }
}

/**
 * An Int32Array of `n` values left uninitialised, for a caller that writes every one: splicing makes six columns of the
 * document's length per edit, and zero-filling them first (then paging in fresh memory) cost a third of a re-encode.
 */
export function uninitialisedInt32(n: number): Int32Array {
  const b = Buffer.allocUnsafeSlow(n * 4); // its own buffer (never the shared pool), so byteOffset is 0
  return new Int32Array(b.buffer, b.byteOffset, n);
}

/** `n` values: src[from, from + n) + add, written at dst[at]. */
export function copyShifted(dst: Int32Array, at: number, src: Int32Array, from: number, n: number, add: number): void {
  if (add === 0) {
    dst.set(src.subarray(from, from + n), at);
    return;
  }
  for (let i = 0; i < n; i++) dst[at + i] = src[from + i] + add;
}

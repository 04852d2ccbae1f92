// Nearest contexts in a reference corpus — exBERT's corpus search, offline and on whatever model is in use: every word
// of a reference text (one passage per line, each read alone, as a sentence pair of its own would be) as one layer of
// the model reads it, and a word of the user's document matched against all of them by cosine. Where the matches are
// the same word, the vector still mostly says which word it is; where they are other words in the same role, it says
// what the word does there. Layer 0 adds each position's vector, so there the same position can make words alike
// (bert-lens-mini: "money" at layer 0 matched none of the corpus's "money"s in its best 20, 16 of them at layer 1).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { EncodedWindow, Encoding, LoadedModel, ReferenceOptions, ReferenceResult } from './api';
import type { WindowCache } from './cache';
import { encodeText, windowOf } from './encode';
import { around } from './text/context';
import { BertLensError, throwIfAborted } from './model/errors';
import { lowerBound } from './sorted';
import type { TextTokenizer } from './text/tokenizer';
import { wordAt } from './text/tokenizer';
import { PUNCT } from './text/punct';
import { dotAt, norm, resolveLayers, wordVector } from './vectors';

/** A reference corpus is read whole for every layer searched: bounded (the embedded English one has 321,136 characters). */
export const MAX_REFERENCE_CHARS = 400_000;
/** Matches returned at most (the panel shows 20; the CLI's --top is checked against it). */
export const MAX_REFERENCE_TOP = 100;
const BATCH = 8;
const HAN = /\p{Script=Han}/u;

export interface ReferenceCorpus {
  name: string; // what the views call it: "reference-en", or the file's name
  text: string;
}

/** Every word of a corpus at one layer: unit vectors as int8 rows (a quarter of float32; cosines move by ~1e-3). */
export interface ReferenceIndex {
  model: string;
  corpus: ReferenceCorpus;
  layer: number;
  layers: number; // the model's L
  passages: number;
  H: number;
  starts: Int32Array; // per indexed word, offsets into corpus.text
  ends: Int32Array;
  positions: Int32Array; // per indexed word, its first piece's position in the row read ([CLS] = 0)
  q: Int8Array; // [words, H]
  scale: Float32Array; // [words]
}

/** The embedded reference corpus for a word's script (Chinese characters: reference-zh, else reference-en). */
export function embeddedReference(modelsDir: string, word: string): ReferenceCorpus {
  const name = HAN.test(word) ? 'reference-zh' : 'reference-en';
  return readReference(path.join(modelsDir, name, 'corpus.txt'), name);
}

/** A reference corpus from a UTF-8 text file: one passage per line, at most MAX_REFERENCE_CHARS characters. */
export function readReference(file: string, name = path.basename(file)): ReferenceCorpus {
  const bad = (why: string) =>
    new BertLensError('BAD_INPUT', `Reference corpus ${file} ${why}`, { file, fix: [{ option: 'referenceCorpus' }] });
  const tooLong = `is longer than ${MAX_REFERENCE_CHARS.toLocaleString('en-US')} characters (it is read whole for every layer searched): keep its first few thousand lines.`;
  if (!existsSync(file)) throw bad('not found.');
  if (!statSync(file).isFile()) throw bad('is not a file (a folder or a device).');
  if (statSync(file).size > MAX_REFERENCE_CHARS * 4) throw bad(tooLong);
  const text = readFileSync(file, 'utf8');
  if (text.length > MAX_REFERENCE_CHARS) throw bad(tooLong);
  if (text.includes('\u0000') || text.includes('\uFFFD')) throw bad('is not UTF-8 text.');
  return { name, text };
}

/**
 * Reads every passage (line) of the corpus alone — [CLS] passage [SEP], cut into pieces of the model's length at word
 * boundaries when longer — and keeps each word's vector at `layer` (the mean of its pieces, as the document's are).
 * Punctuation is not indexed (it is never a match worth showing).
 */
export async function indexReference(
  model: LoadedModel,
  tk: TextTokenizer,
  corpus: ReferenceCorpus,
  layer: number,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ReferenceIndex> {
  const info = model.info;
  const [l] = resolveLayers(layer, info.layers);
  const tok = tk.tokenize(corpus.text);
  const { words } = tok;
  const rows = passageRows(corpus.text, tok, info.maxPositions - 2);
  const noWords = () =>
    new BertLensError('BAD_INPUT', `Reference corpus ${corpus.name} has no words to search.`, { fix: [{ option: 'referenceCorpus' }] });
  if (!rows.length) throw noWords();
  const H = info.hidden;
  const starts: number[] = [];
  const positions: number[] = [];
  const ends: number[] = [];
  const q = new Int8Array(words.length * H); // words.length bounds the indexed words
  const scale = new Float32Array(words.length);
  const v = new Float32Array(H);
  const enc: Encoding = { model: info, tok, textHash: '', windows: [] }; // what wordVector reads of an encoding
  for (let b = 0; b < rows.length; b += BATCH) {
    throwIfAborted(opts.signal, 'Reading the reference corpus');
    opts.onProgress?.(b, rows.length);
    const batch = rows.slice(b, b + BATCH);
    const outs = await model.run(
      batch.map((r) => ({ ids: [tk.special.cls, ...tok.tokens.idList(r.tokenStart, r.tokenEnd), tk.special.sep] })),
      { hiddenLayers: [l] },
      opts.signal,
    );
    batch.forEach((r, k) => {
      const win: EncodedWindow = { index: b + k, ...r, ownStart: r.wordStart, ownEnd: r.wordEnd, seqLen: outs[k].seqLen, out: outs[k] };
      for (let i = r.wordStart; i < r.wordEnd; i++) {
        if (PUNCT.test(words.text(i))) continue;
        wordVector(enc, win, i, [l], v); // the mean of the word's pieces, as a document's word vectors are
        const n = Math.sqrt(dotAt(v, 0, v, 0, H));
        if (!Number.isFinite(n)) throw nonFinite(info.id, `at layer ${l}`);
        if (!n) continue;
        const at = starts.length;
        let m = 0;
        for (let d = 0; d < H; d++) m = Math.max(m, Math.abs(v[d]));
        const s = m / n / 127; // the unit vector's int8 scale
        scale[at] = s;
        for (let d = 0; d < H; d++) q[at * H + d] = Math.round(v[d] / n / s);
        starts.push(words.starts[i]);
        positions.push(words.tokenStarts[i] - r.tokenStart + 1);
        ends.push(words.ends[i]);
      }
    });
  }
  opts.onProgress?.(rows.length, rows.length);
  const count = starts.length;
  if (!count) throw noWords(); // punctuation only
  return {
    model: info.id,
    corpus,
    layer: l,
    layers: info.layers,
    passages: new Set(rows.map((r) => r.line)).size,
    H,
    starts: Int32Array.from(starts),
    ends: Int32Array.from(ends),
    positions: Int32Array.from(positions),
    q: q.slice(0, count * H),
    scale: scale.slice(0, count),
  };
}

/** A broken model never shows NaN as a cosine: it says so. */
const nonFinite = (model: string, where: string) =>
  new BertLensError('CORRUPT_MODEL', `${model} returned non-finite hidden states ${where}. Re-download or re-export the model.`, { model });

interface PassageRow {
  line: number; // passage (line) number
  wordStart: number;
  wordEnd: number;
  tokenStart: number;
  tokenEnd: number;
}

/** Each non-empty line's words, in rows of at most `maxTokens` pieces cut between words (a longer word is cut). */
function passageRows(text: string, tok: ReturnType<TextTokenizer['tokenize']>, maxTokens: number): PassageRow[] {
  const { starts, tokenStarts } = tok.words;
  const out: PassageRow[] = [];
  let line = 0;
  for (let a = 0; a <= text.length; line++) {
    const nl = text.indexOf('\n', a);
    const b = nl < 0 ? text.length : nl;
    let w = lowerBound(starts, a);
    const wEnd = lowerBound(starts, b);
    while (w < wEnd) {
      const t0 = tokenStarts[w];
      let e = w + 1;
      while (e < wEnd && tok.words.tokenEnd(e) - t0 <= maxTokens) e++;
      const t1 = Math.min(tok.words.tokenEnd(e - 1), t0 + maxTokens);
      if (t1 > t0) out.push({ line, wordStart: w, wordEnd: e, tokenStart: t0, tokenEnd: t1 });
      w = e;
    }
    if (nl < 0) break;
    a = nl + 1;
  }
  return out;
}

/**
 * The `top` corpus words nearest to word `wordIndex` of `enc` (encoded at the index's layer), by cosine, with their
 * passages around them; how many are the same word; and the words matched, most frequent first.
 */
export function searchReference(index: ReferenceIndex, enc: Encoding, wordIndex: number, top: number): ReferenceResult {
  if (!(Number.isInteger(top) && top >= 1 && top <= MAX_REFERENCE_TOP))
    throw new BertLensError('BAD_INPUT', `The number of matches must be 1 to ${MAX_REFERENCE_TOP} (got ${top}).`);
  const w = enc.tok.words.get(wordIndex);
  if (PUNCT.test(w.text))
    throw new BertLensError(
      'BAD_INPUT',
      `"${w.text}" is punctuation, which the reference corpus does not index. Put the cursor on a word.`,
    );
  const win = windowOf(enc, wordIndex); // the window the document's own word vectors take it from
  if (!win) throw new BertLensError('BAD_INPUT', `The word "${w.text}" was not encoded; encode the text around it.`);
  const v = wordVector(enc, win, wordIndex, [index.layer]);
  const n = Math.sqrt(dotAt(v, 0, v, 0, v.length));
  if (!Number.isFinite(n)) throw nonFinite(index.model, `for "${w.text}"`);
  const { H, q, scale, starts, ends, corpus } = index;
  const count = starts.length;
  // Running top list, best first: `top` ≤ 100 insertions into a short array beat sorting 30k scores.
  const best: Array<{ i: number; score: number }> = [];
  for (let i = 0; i < count; i++) {
    const score = n ? (dotAt(q, i * H, v, 0, H) * scale[i]) / n : 0;
    if (best.length === top && score <= best[top - 1].score) continue;
    let at = best.length;
    while (at > 0 && score > best[at - 1].score) at--;
    best.splice(at, 0, { i, score });
    if (best.length > top) best.pop();
  }
  const self = norm(w.text);
  const counts = new Map<string, number>();
  const matches = best.map(({ i, score }) => {
    const word = corpus.text.slice(starts[i], ends[i]);
    counts.set(norm(word), (counts.get(norm(word)) ?? 0) + 1);
    return { word, score, position: index.positions[i], ...around(corpus.text, starts[i], ends[i], 60, { line: true }) };
  });
  return {
    model: index.model,
    corpus: corpus.name,
    layer: index.layer,
    layers: index.layers,
    searched: count,
    passages: index.passages,
    word: { text: w.text, start: w.start, end: w.end },
    position: enc.tok.words.tokenStarts[wordIndex] - win.tokenStart + 1,
    matches,
    sameWord: counts.get(self) ?? 0,
    words: [...counts].map(([word, n]) => ({ word, count: n })).sort((a, b) => b.count - a.count),
  };
}

/** Indexes per model, corpus and layer: the first search at a layer reads the corpus, later ones only compare. */
export class ReferenceIndexes {
  private readonly byModel = new WeakMap<LoadedModel, Map<string, Promise<ReferenceIndex>>>();
  /** Three per model: a layer picker moved back and forth, not all 13 layers of BERT-base (40 MB each for reference-en). */
  static readonly KEEP = 3;

  async get(
    model: LoadedModel,
    tk: TextTokenizer,
    corpus: ReferenceCorpus,
    layer: number,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<ReferenceIndex> {
    let m = this.byModel.get(model);
    if (!m) this.byModel.set(model, (m = new Map<string, Promise<ReferenceIndex>>()));
    const own = m;
    // Its own hash, not cache.ts textHash: that remembers the last two texts hashed, the documents' (a 10 MB one costs
    // 30 ms to hash again), and a corpus read for every search would push them out.
    const key = `${layer}\u0000${corpus.name}\u0000${createHash('sha1').update(corpus.text).digest('hex')}`;
    for (;;) {
      let p = own.get(key);
      const joined = p !== undefined;
      if (p) {
        own.delete(key); // most recent last
        own.set(key, p);
      } else {
        const made = (p = indexReference(model, tk, corpus, layer, opts));
        own.set(key, made);
        made.catch(() => own.get(key) === made && own.delete(key)); // a cancelled or failed read is tried again
        while (own.size > ReferenceIndexes.KEEP) own.delete(own.keys().next().value!);
      }
      try {
        return await p;
      } catch (e) {
        // Another request's read, cancelled for that request (the cursor moved on): read again for this one.
        if (joined && (e as { code?: string }).code === 'ABORTED' && !opts.signal?.aborted) continue;
        throw e;
      }
    }
  }
}

/**
 * The word at `opts.at` of `text` (only the window around it is encoded, through the engine's window cache) against
 * the reference corpus: the given file, else the embedded one for the word's script.
 */
export async function reference(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  opts: ReferenceOptions,
  deps: { cache: WindowCache; modelsDir: string; indexes: ReferenceIndexes },
): Promise<ReferenceResult> {
  const [layer] = resolveLayers(opts.layer ?? 'last', model.info.layers);
  const top = opts.top ?? 20;
  const at = opts.at;
  if (!(Number.isInteger(at) && at >= 0 && at <= text.length))
    throw new BertLensError('BAD_INPUT', `Offset ${at} is outside the text (0 to ${text.length}).`);
  const enc = await encodeText(
    model,
    tk,
    text,
    { hiddenLayers: [layer], range: { start: at, end: at + 1 }, signal: opts.signal },
    deps.cache,
  );
  const wi = wordAt(enc.tok, at);
  if (wi < 0) throw new BertLensError('BAD_INPUT', `There is no word at offset ${at}. Put the cursor on a word.`);
  const corpus = opts.corpus ? readReference(opts.corpus) : embeddedReference(deps.modelsDir, enc.tok.words.text(wi));
  const progress = opts.onProgress && ((done: number, total: number) => opts.onProgress!({ done, total }));
  const index = await deps.indexes.get(model, tk, corpus, layer, { signal: opts.signal, onProgress: progress });
  return searchReference(index, enc, wi, top);
}

// One word of a document, as the hover, the panel's Inspector and `bert-lens vectors --occurrence` show it: its
// static neighbours, its nearest words in the document, its other occurrences, and what the masked LM would put there.
import type { Encoding, Engine, LayerChoice, LoadedModel, MaskResult, Neighbour, Span, StaticVectors, VectorsResult } from './api';
import { nearestOccurrences } from './nearest';
import { neighboursOf, otherOccurrences, similarities } from './vectors';

/** At most this many occurrences in an inspection: bounded time and message size for "the" in a long document. */
export const MAX_OCCURRENCES = 200;

export interface WordInspection {
  word: Span;
  static: VectorsResult['static'];
  neighbours: Neighbour[]; // nearest other document words in contextual space (with start/end)
  /** Other occurrences, contextual cosine: at most `maxOccurrences`, those nearest in the text, in document order. */
  occurrences: Array<{ start: number; end: number; similarity: number }>;
  occurrencesTotal: number; // all other encoded occurrences (more than `occurrences` holds in a long document)
}

/**
 * The vector side of an inspection of word `wordIndex` (no model run: matrix-vector products over the encoding's word
 * matrix, built once per encoding, so a hover on "the" costs what a rare word does). Other occurrences are those
 * encoded (all of them once the whole document is), capped to the nearest in the text.
 */
export function inspectWord(
  enc: Encoding,
  wordIndex: number,
  opts: { layer: LayerChoice; top: number; staticVectors?: StaticVectors; maxOccurrences?: number },
): WordInspection {
  const { layer, top } = opts;
  const w = enc.tok.words.get(wordIndex);
  const all = otherOccurrences(enc, wordIndex, layer);
  const others = nearestOccurrences(all, wordIndex, opts.maxOccurrences ?? MAX_OCCURRENCES);
  const sims = similarities(enc, wordIndex, others, layer);
  return {
    word: { text: w.text, start: w.start, end: w.end },
    static: staticNeighbours(opts.staticVectors, w.text, top),
    neighbours: neighboursOf(enc, wordIndex, { layer, top }),
    occurrences: others.map((i, k) => ({ start: enc.tok.words.starts[i], end: enc.tok.words.ends[i], similarity: sims[k] })),
    occurrencesTotal: all.length,
  };
}

/** Static neighbours of a word as written, else lower-cased (word2vec vocabularies are usually lower case). */
export function staticNeighbours(sv: StaticVectors | undefined, word: string, top: number): VectorsResult['static'] {
  if (!sv) return null;
  const key = !sv.has(word) && sv.has(word.toLowerCase()) ? word.toLowerCase() : word;
  return sv.has(key)
    ? { source: sv.source, inVocabulary: true, neighbours: sv.neighbours(key, top) }
    : { source: sv.source, inVocabulary: false, neighbours: [] };
}

/** What the masked LM would put at `at` (a document offset, or the text's literal [MASK]): words only, `top` of them. */
export async function substitutes(
  engine: Engine,
  model: LoadedModel,
  text: string,
  opts: { at?: number; top: number; signal?: AbortSignal },
): Promise<MaskResult> {
  // Five more than asked: bare punctuation ("." is not a word to put there) is filtered out afterwards.
  const r = await engine.mask(model, text, { at: opts.at, top: opts.top + 5, signal: opts.signal });
  return { ...r, predictions: r.predictions.filter((p) => /[\p{L}\p{N}]/u.test(p.word)).slice(0, opts.top) };
}

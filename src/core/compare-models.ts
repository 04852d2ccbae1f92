// Two models on one text, side by side for the word at an offset: how each tokenizes the words around it, where
// each attends from it (every layer's head mean and the rollout, aligned to common words by character offsets),
// how far the two attention distributions are apart per relative depth, and each one's masked-word predictions.
// A document-level service on the Engine (as core/inspect.ts): the CLI and the worker call this same function.
import type { Encoding, Engine, LoadedModel, MaskPrediction, Span, Tokenized } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import { windowOf } from './encode';
import { maskLiteralAt, onlyMaskAt } from './mlm';
import { wordAt } from './text/tokenizer';
import { planWindows } from './text/windows';
import { alignWords, jsDivergence, normalize, piecesOf, toUnits, type AlignedUnit } from './word-align';

/** One word both models read (or a span where their words differ), with each model's pieces. */
export interface ComparedWord extends Span {
  a: string[]; // A's vocabulary pieces, e.g. ["na", "##ive"]
  b: string[];
  unknown: { a: number; b: number }; // [UNK] pieces
  same: boolean; // the same pieces (case-insensitive)
}

/** One side of the comparison. Weights are over `words`, from the focus word, and sum to 1. */
export interface ComparedModel {
  model: string;
  layers: number;
  heads: number;
  vocabSize: number;
  window: { start: number; end: number }; // the characters this model read (its window around the word)
  tokens: number; // pieces over the compared words
  unknown: number; // [UNK] pieces among them
  attention: { layers: number[][]; rollout: number[] } | null; // layers[l - 1][word]: head mean of layer l
  attentionError?: string; // why `attention` is null (fused attention)
  predictions: MaskPrediction[] | null; // the focus word masked, best first
  predictionsError?: string; // why `predictions` is null (no masked-LM head)
}

export interface ModelComparison {
  focus: Span & { index: number }; // index into `words`
  masked: 'word' | 'literal'; // predictions for the focus word masked, or for a literal [MASK] at the offset
  words: ComparedWord[]; // the words inside both models' windows, in text order
  a: ComparedModel;
  b: ComparedModel;
  /** Relative depth: step k of max(La, Lb) maps to layer max(1, round(k·L / max)) of each model. */
  depth: Array<{ a: number; b: number; divergence: number | null }>;
  rollout: number | null; // divergence of the two rollouts
  divergence: 'jensen-shannon, bits'; // 0 = the same distribution, 1 = disjoint
  top1: { a: string; b: string; agree: boolean } | null; // null when either side has no prediction
}

/** Layer of a model with `layers` layers at depth step `k` of `steps` (the deeper model maps to itself). */
export const layerAtDepth = (k: number, steps: number, layers: number): number =>
  Math.min(layers, Math.max(1, Math.round((k * layers) / steps)));

interface Side {
  m: LoadedModel;
  tok: Tokenized;
  word: number;
  window: { start: number; end: number };
  enc?: Encoding;
}

const cmpWord = (s: string) => s.replace(/^##/, '').normalize('NFC').toLowerCase();

/** The model's word at `at` and the characters of its window (as encode() and mask() plan them). */
async function side(engine: Engine, m: LoadedModel, text: string, at: number, signal?: AbortSignal): Promise<Side> {
  const tok = await engine.tokenize(m, text);
  const word = wordAt(tok, at);
  if (word < 0)
    throw new BertLensError('BAD_INPUT', `${m.info.id} reads no word at offset ${at}. Put the cursor (or --word) on a word.`, {
      model: m.info.id,
    });
  throwIfAborted(signal, 'Model comparison');
  const spans = planWindows(tok, { maxTokens: m.info.maxPositions - 2 });
  const span = spans.find((s) => word >= s.ownStart && word < s.ownEnd) ?? spans[0];
  const window = { start: tok.words.starts[span.wordStart], end: tok.words.ends[span.wordEnd - 1] };
  if (!m.info.capabilities.attention) return { m, tok, word, window };
  const w = tok.words.get(word);
  const enc = await engine.encode(m, text, { hiddenLayers: [], attentionLayers: 'all', range: { start: w.start, end: w.end }, signal });
  return { m, tok: enc.tok, word, window, enc };
}

/** The focus word's attention to every unit, per layer and rolled out (word-level maths: core/attention.ts). */
function attentionOf(engine: Engine, s: Side, units: AlignedUnit[], key: 'a' | 'b'): ComparedModel['attention'] {
  const enc = s.enc;
  if (!enc) return null;
  const win = windowOf(enc, s.word);
  if (!win) return null;
  const row = (layer: number | 'rollout') => {
    const to = engine.attention(enc, s.word, { layer, head: 'mean' }).to;
    return normalize(toUnits(units, key, (w) => (w >= win.wordStart && w < win.wordEnd ? to[w - win.wordStart].weight : 0)));
  };
  return { layers: Array.from({ length: s.m.info.layers }, (_, l) => row(l + 1)), rollout: row('rollout') };
}

async function predictionsOf(engine: Engine, m: LoadedModel, text: string, at: number | undefined, top: number, signal?: AbortSignal) {
  if (!m.info.capabilities.mlm)
    return { predictions: null, predictionsError: `${m.info.id} has no masked-LM head (no \`logits\` output), so it predicts no words.` };
  try {
    return { predictions: (await engine.mask(m, text, { at, top, signal })).predictions };
  } catch (e) {
    if (e instanceof BertLensError && e.code === 'BAD_INPUT') return { predictions: null, predictionsError: e.message };
    throw e;
  }
}

/**
 * Compares models `a` and `b` on `text` at the word covering `at` (a literal [MASK] there: predictions for it, other
 * [MASK]s blanked). Only the words inside both models' windows around the word are compared.
 */
export async function compareModels(
  engine: Engine,
  a: LoadedModel,
  b: LoadedModel,
  text: string,
  at: number,
  opts: { top?: number; signal?: AbortSignal } = {},
): Promise<ModelComparison> {
  const { top = 5, signal } = opts;
  if (a === b || (a.info.id === b.info.id && a.info.modelFile === b.info.modelFile)) {
    throw new BertLensError(
      'BAD_INPUT',
      `Both sides are ${a.info.id} (${a.info.dtype}): comparing a model with itself shows nothing. Pick another model to compare against.`,
      { model: a.info.id },
    );
  }
  const lit = maskLiteralAt(text, at);
  const focusAt = lit < 0 ? at : lit + 1; // a literal [MASK] is the words "[", "MASK", "]": attend from "MASK"
  const [sa, sb] = [await side(engine, a, text, focusAt, signal), await side(engine, b, text, focusAt, signal)];
  const from = Math.max(sa.window.start, sb.window.start);
  const to = Math.min(sa.window.end, sb.window.end);
  const units = alignWords(text, sa.tok, sb.tok, from, to);
  const index = units.findIndex((u) => u.a.includes(sa.word) && u.b.includes(sb.word));
  if (index < 0)
    throw new BertLensError(
      'BAD_INPUT',
      `${a.info.id} and ${b.info.id} split the text at offset ${at} so differently that no common word holds it. Pick a neighbouring word.`,
    );
  const words: ComparedWord[] = units.map((u) => {
    const pa = piecesOf(sa.tok, u.a);
    const pb = piecesOf(sb.tok, u.b);
    const unk = (p: string[]) => p.filter((x) => x === '[UNK]').length;
    return {
      text: u.text,
      start: u.start,
      end: u.end,
      a: pa,
      b: pb,
      unknown: { a: unk(pa), b: unk(pb) },
      same: pa.map(cmpWord).join(' ') === pb.map(cmpWord).join(' '),
    };
  });
  throwIfAborted(signal, 'Model comparison');
  const predText = lit < 0 ? text : onlyMaskAt(text, lit);
  const predAt = lit < 0 ? at : undefined;
  const sideOf = async (s: Side, key: 'a' | 'b'): Promise<ComparedModel> => {
    const { id, layers, heads, vocabSize, capabilities } = s.m.info;
    return {
      model: id,
      layers,
      heads,
      vocabSize,
      window: s.window,
      tokens: words.reduce((n, w) => n + w[key].length, 0),
      unknown: words.reduce((n, w) => n + w.unknown[key], 0),
      attention: attentionOf(engine, s, units, key),
      ...(capabilities.attention
        ? {}
        : {
            attentionError: `${id} computes attention in a fused operator, so its attention cannot be read. Pick an unfused export (e.g. a Xenova conversion).`,
          }),
      ...(await predictionsOf(engine, s.m, predText, predAt, top, signal)),
    };
  };
  const ra = await sideOf(sa, 'a');
  const rb = await sideOf(sb, 'b');
  const steps = Math.max(a.info.layers, b.info.layers);
  const depth = Array.from({ length: steps }, (_, i) => {
    const la = layerAtDepth(i + 1, steps, a.info.layers);
    const lb = layerAtDepth(i + 1, steps, b.info.layers);
    return {
      a: la,
      b: lb,
      divergence: ra.attention && rb.attention ? jsDivergence(ra.attention.layers[la - 1], rb.attention.layers[lb - 1]) : null,
    };
  });
  const pa = ra.predictions?.[0]?.word;
  const pb = rb.predictions?.[0]?.word;
  const u = units[index];
  return {
    focus: { text: u.text, start: u.start, end: u.end, index },
    masked: lit < 0 ? 'word' : 'literal',
    words,
    a: ra,
    b: rb,
    depth,
    rollout: ra.attention && rb.attention ? jsDivergence(ra.attention.rollout, rb.attention.rollout) : null,
    divergence: 'jensen-shannon, bits',
    top1: pa !== undefined && pb !== undefined ? { a: pa, b: pb, agree: cmpWord(pa) === cmpWord(pb) } : null,
  };
}

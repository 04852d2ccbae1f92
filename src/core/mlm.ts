// Masked-LM: top-k words for a literal [MASK] in the text, or for the word at a char offset (all its pieces masked).
import type { LoadedModel, MaskPrediction, MaskResult, ModelInfo, RunRow, Tokenized, WindowSpan } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import type { TextTokenizer } from './text/tokenizer';
import { wordAt } from './text/tokenizer';
import { planWindows } from './text/windows';
import { softmax } from './softmax';

export { softmax };

export function topK(p: Float64Array, k: number, ok: (id: number) => boolean): Array<{ id: number; p: number }> {
  const best: Array<{ id: number; p: number }> = [];
  for (let id = 0; id < p.length; id++) {
    if (best.length === k && p[id] <= best[k - 1].p) continue;
    if (!ok(id)) continue;
    best.push({ id, p: p[id] });
    best.sort((a, b) => b.p - a.p);
    if (best.length > k) best.pop();
  }
  return best;
}

/**
 * Candidates for `n` consecutive masked pieces. One forward pass with n [MASK]s; the joint score of a word is the
 * product of its pieces' per-position probabilities, searched as a beam (width `top`) left to right: the first
 * piece is a word start, later pieces are "##" continuations. This is the "independent positions" approximation
 * (no re-run after fixing a piece); a single-piece alternative comes from a second row with one [MASK].
 */
function beam(probs: Float64Array[], tk: TextTokenizer, top: number, isSpecial: (id: number) => boolean): MaskPrediction[] {
  let beams: Array<{ word: string; score: number }> = [{ word: '', score: 1 }];
  probs.forEach((p, pos) => {
    const cont = (id: number) => tk.idToToken(id).startsWith('##');
    const cands = topK(p, top, (id) => !isSpecial(id) && (pos === 0 ? !cont(id) : cont(id)));
    const next: Array<{ word: string; score: number }> = [];
    for (const b of beams) for (const c of cands) next.push({ word: b.word + tk.idToToken(c.id).replace(/^##/, ''), score: b.score * c.p });
    next.sort((a, b) => b.score - a.score);
    beams = next.slice(0, top);
  });
  return beams;
}

/** Masked-LM tasks need the `logits` output: say which model lacks it and what to use instead. */
export function requireMlm(info: ModelInfo): void {
  if (!info.capabilities.mlm) {
    throw new BertLensError(
      'BAD_INPUT',
      `${info.id} has no masked-LM head (no \`logits\` output). Use an encoder exported for fill-mask, e.g. the embedded bert-lens-mini.`,
      { model: info.id, fix: [{ option: 'model', task: 'mlm' }] },
    );
  }
}

/** Indices of the words that are a literal [MASK] (text tokenized with the mask token as a special). */
export function maskWords(tok: Tokenized, tk: TextTokenizer): number[] {
  const maskText = tk.idToToken(tk.special.mask);
  const { words, tokens } = tok;
  return words.indices((i) => tokens.ids[words.tokenStarts[i]] === tk.special.mask && words.text(i) === maskText);
}

/** The rows mask() runs for one masked word: with n [MASK]s for its n pieces (and one [MASK] when n > 1). */
export interface MaskRows {
  start: number;
  end: number; // the masked span in the text
  counts: number[]; // [MASK]s per row
  rows: RunRow[];
  positions: number[][]; // per row: the [MASK] positions
  tok: Tokenized;
  window: WindowSpan; // the window the rows hold
  word: number; // the masked word's index in tok.words
  rowFor(k: number): number[]; // the row with k [MASK]s in place of the word
}

/**
 * [MASK] as a Chinese input method types it — full-width ［MASK］ or 【MASK】 (its "[" key gives 【) — is read as
 * [MASK]: the same length, so every offset stays a text offset. Other look-alikes are named in the error instead.
 */
const MASK_TYPED = /[［【]MASK[］】]/gu;
/** Every way of writing [MASK] that is read as it, for finding them in the editor's text. */
export const MASK_FORMS = /\[MASK\]|[［【]MASK[］】]/gu;
/** A look-alike of the mask token: other case, full-width or CJK brackets, spaces inside. */
const MASK_LIKE = /[[［【〔]\s*mask\s*[\]］】〕]/iu;

/** The text with ［MASK］ and 【MASK】 written as the model's [MASK] (a model whose mask token is another string: as is). */
export function readMasks(text: string, maskText: string): string {
  return maskText === '[MASK]' ? text.replace(MASK_TYPED, '[MASK]') : text;
}

/** "No [MASK] in the text", naming a look-alike the user may have meant (`[mask]`, `〔MASK〕`, `[ MASK ]`). */
export function noMask(text: string, maskText: string, where: string): BertLensError {
  const like = MASK_LIKE.exec(text)?.[0];
  const hint = like && like !== maskText ? ` ("${like}" is not the mask token)` : '';
  return new BertLensError('BAD_INPUT', `No ${maskText} in the text${hint}. Write ${maskText}${hint ? ' exactly' : ''} ${where}.`);
}

export function maskRows(info: ModelInfo, tk: TextTokenizer, text: string, at?: number): MaskRows {
  requireMlm(info);
  const maskText = tk.idToToken(tk.special.mask);
  const tok = at === undefined ? tk.tokenize(readMasks(text, maskText), { specials: [maskText] }) : tk.tokenize(text);
  let word: number;
  if (at === undefined) {
    const masks = maskWords(tok, tk);
    // One prediction per run: answering for the first of several would silently ignore the others.
    if (masks.length > 1)
      throw new BertLensError(
        'BAD_INPUT',
        `The text has ${masks.length} ${maskText}s (at ${masks.map((i) => tok.words.starts[i]).join(', ')}); this reads one masked word at a time. Keep one ${maskText} (or give the offset of a word), or fill them all jointly: bert-lens mask, Predict Word in the editor, fillMasks() in the API.`,
      );
    word = masks[0] ?? -1;
    if (word < 0) throw noMask(text, maskText, 'where a word should be predicted, or give the offset of a word to mask');
  } else {
    word = wordAt(tok, at);
    if (word < 0) throw new BertLensError('BAD_INPUT', `No word at offset ${at}. Give the offset of a character inside a word.`);
  }
  const w = tok.words.get(word);
  const n = w.tokenEnd - w.tokenStart;
  // Long text: the window around the masked word.
  const spans = planWindows(tok, { maxTokens: info.maxPositions - 2 });
  const span = spans.find((s) => word >= s.ownStart && word < s.ownEnd) ?? spans[0];
  const { cls, sep, mask: maskId } = tk.special;
  const ids = tok.tokens.idList(span.tokenStart, span.tokenEnd);
  const p0 = w.tokenStart - span.tokenStart; // position of the word's first piece inside the window tokens
  const rowFor = (k: number): number[] => [cls, ...ids.slice(0, p0), ...Array<number>(k).fill(maskId), ...ids.slice(p0 + n), sep];
  const counts = n > 1 ? [n, 1] : [1];
  return {
    start: w.start,
    end: w.end,
    counts,
    rows: counts.map((k) => ({ ids: rowFor(k) })),
    positions: counts.map((k) => Array.from({ length: k }, (_, i) => p0 + 1 + i)),
    tok,
    window: span,
    word,
    rowFor,
  };
}

/** Ids never predicted nor drawn as a word: [CLS], [SEP], [MASK], [PAD], [UNK] and any other "[…]" entry ([unused0]). */
export function specialTest(tk: TextTokenizer): (id: number) => boolean {
  const specials = new Set([tk.special.cls, tk.special.sep, tk.special.mask, tk.special.pad, tk.special.unk]);
  return (id) => specials.has(id) || /^\[.*\]$/.test(tk.idToToken(id));
}

/** Top words from each row's logits at its [MASK]s ([counts[r], vocab] per row), merged across rows. */
export function predictionsFrom(logits: Float32Array[], counts: number[], tk: TextTokenizer, vocab: number, top: number): MaskPrediction[] {
  const isSpecial = specialTest(tk);
  const preds = new Map<string, number>();
  logits.forEach((l, r) => {
    const probs = Array.from({ length: counts[r] }, (_, i) => softmax(l, i * vocab, vocab));
    for (const c of beam(probs, tk, top, isSpecial)) preds.set(c.word, Math.max(preds.get(c.word) ?? 0, c.score));
  });
  return [...preds]
    .map(([word, score]) => ({ word, score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, top);
}

export async function mask(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  opts: { at?: number; top?: number; signal?: AbortSignal } = {},
): Promise<MaskResult> {
  const info = model.info;
  const { top = 5 } = opts;
  const m = maskRows(info, tk, text, opts.at);
  throwIfAborted(opts.signal, 'Masked-word prediction');
  const outs = await model.run(m.rows, { mlmPositions: m.positions }, opts.signal);
  const logits = outs.map((o) => {
    if (!o.mlmLogits) throw new BertLensError('BAD_INPUT', `${info.id} returned no masked-LM logits.`, { model: info.id });
    return o.mlmLogits;
  });
  const { tok, window: win } = m;
  const read = {
    ...(tok.words.span(win.wordStart, win.wordEnd) ?? { start: 0, end: text.length }),
    whole: win.wordStart === 0 && win.wordEnd >= tok.words.length,
  };
  return { start: m.start, end: m.end, predictions: predictionsFrom(logits, m.counts, tk, info.vocabSize, top), read };
}

/**
 * The word whose probability occlusion and ablation follow at the masked position: the one asked for, else mask()'s
 * best; refused unless it is one word of the vocabulary. `purpose` words the message ("follow", "explain").
 */
export async function maskTarget(
  model: LoadedModel,
  tk: TextTokenizer,
  text: string,
  opts: { at?: number; target?: string; signal?: AbortSignal },
  purpose: string,
): Promise<{ target: string; ids: number[] }> {
  const info = model.info;
  const target = opts.target?.trim() || (await mask(model, tk, text, { at: opts.at, top: 1, signal: opts.signal })).predictions[0]?.word;
  if (!target)
    throw new BertLensError(
      'BAD_INPUT',
      `${info.id} gives no ordinary word for the masked position, so there is no target to ${purpose}. Name one with a target word.`,
      { model: info.id },
    );
  const pieces = tk.tokenize(target);
  if (pieces.words.length !== 1 || pieces.tokens.ids.includes(tk.special.unk)) {
    throw new BertLensError(
      'BAD_INPUT',
      `The target "${target}" is not one word of ${info.id}'s vocabulary (it tokenizes to ${
        pieces.tokens
          .slice()
          .map((t) => t.text)
          .join(' ') || 'nothing'
      }). Give a single known word.`,
      { model: info.id },
    );
  }
  return { target, ids: pieces.tokens.idList() };
}

/** Start of a literal [MASK] (or ［MASK］, 【MASK】: MASK_FORMS) covering `offset`, or -1. */
export function maskLiteralAt(text: string, offset: number): number {
  const from = Math.max(0, offset - 6);
  for (const m of text.slice(from, offset + 6).matchAll(MASK_FORMS)) if (from + m.index <= offset) return from + m.index;
  return -1;
}

/** The text with every literal [MASK] but the one at `lit` blanked (same length: offsets stay document offsets). */
export function onlyMaskAt(text: string, lit: number): string {
  return text.replace(MASK_FORMS, (m: string, i: number) => (i === lit ? m : ' '.repeat(m.length)));
}

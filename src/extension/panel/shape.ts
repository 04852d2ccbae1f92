// Turns worker results into the panel's messages (only what a view needs, typed arrays) — no `vscode` import,
// so it is tested in plain Node. PCA + clustering for the sense map run here, next to the full vectors.
import type {
  AblationResult,
  CompareResult,
  Explanation,
  LogitLensResult,
  OcclusionResult,
  MlmTaskResult,
  PositionReport,
  QaResult,
  ReferenceResult,
  SimilarityResult,
} from '../../core/api';
import type { AttentionMatrix, InspectResult, ModelComparison, SenseVectors, Used } from '../../worker/protocol';
import type {
  CompareData,
  CompareSide,
  AblateData,
  OccludeData,
  ExplainData,
  HeadData,
  InspectData,
  ModelGridData,
  QaData,
  SenseData,
  SentencesData,
  OccurrencesData,
  PositionsData,
  MaskingData,
  ReferenceData,
} from '../../shared/panel-protocol';
import { MAX_MASKING_TEXT, MAX_REFERENCE_MATCHES } from '../../shared/panel-protocol';
import type { SentencePair } from './sentence-pair';
import { focusScores, layerRows, rolloutRow, thumbnails, nearestWordAt } from './attention-rows';
import { around, inContext } from '../../core/text/context';
import { pca } from './pca';
import { positionRows } from '../../core/qa-positions';
import { chooseClusters } from './cluster';

/** Context around [start, end): about `radius` characters each side, whole words (core/text/context.ts), "…" where cut. */
export function snippet(text: string, start: number, end: number, radius = 32): { before: string; after: string } {
  const c = around(text, start, end, radius);
  return { before: `${c.cutBefore ? '…' : ''}${c.before}`, after: `${c.after}${c.cutAfter ? '…' : ''}` };
}

/** The focus word for `offset`: the worker's own when it answered for this offset, else the word under it. */
export function focusIn(m: AttentionMatrix, offset: number, answeredFor: number): number {
  return offset === answeredFor ? m.focus : nearestWordAt(m.words, offset);
}

export function headData(m: AttentionMatrix, focus: number, layer: number, rollout: boolean, documentLength: number): HeadData {
  const t = { layers: m.layers, heads: m.heads, n: m.words.length, weights: m.weights, rollout: m.rollout };
  const L = Math.min(Math.max(1, layer), m.layers);
  return {
    words: m.words,
    focus,
    layers: m.layers,
    heads: m.heads,
    layer: rollout ? 0 : L,
    rollout,
    weights: rollout ? rolloutRow(t, focus) : layerRows(t, L, focus),
    truncated: m.window.start > 0 || m.window.end < documentLength,
  };
}

/** `pooled` reuses thumbnails computed for the same matrix (they do not depend on the focus word). */
export function gridData(m: AttentionMatrix, focus: number, size = 24, pooled?: { size: number; thumbs: Uint8Array }): ModelGridData {
  const t = { layers: m.layers, heads: m.heads, n: m.words.length, weights: m.weights, rollout: m.rollout };
  const th = pooled ?? thumbnails(t, size);
  return {
    words: t.n,
    layers: m.layers,
    heads: m.heads,
    size: th.size,
    thumbs: th.thumbs,
    focusRow: focusScores(t, focus),
    labels: m.census,
  };
}

export function explainData(e: Explanation, heads: number): ExplainData {
  return { ...e, heads, hidden: heads * e.headDim };
}

/** The logit lens for the inspector, or the reason it is missing. */
export function lensData(r: LogitLensResult | string): Pick<InspectData, 'lens' | 'lensError'> {
  if (typeof r === 'string') return { lensError: r };
  return { lens: r.layers.map((l) => ({ layer: l.layer, predictions: l.predictions.map((p) => ({ word: p.word, score: p.score })) })) };
}

export function inspectData(r: InspectResult, text: string): InspectData {
  return {
    word: r.word,
    staticSource: r.static ? r.static.source : null,
    inVocabulary: r.static?.inVocabulary ?? false,
    staticNeighbours: r.static?.neighbours.map((n) => ({ word: n.word, score: n.score })) ?? [],
    substitutes: r.substitutes.map((s) => ({ word: s.word, score: s.score })),
    documentNeighbours: r.neighbours.map((n) => ({ word: n.word, score: n.score, start: n.start, end: n.end })),
    occurrences: r.occurrences.map((o) => {
      const s = snippet(text, o.start, o.end, 24);
      return { ...o, snippet: `${s.before}${text.slice(o.start, o.end)}${s.after}` };
    }),
    occurrencesTotal: r.occurrencesTotal,
  };
}

export function qaData(r: QaResult, question: string, text: string): QaData {
  const answers = r.answers.map((a) => ({ ...a, ...snippet(text, a.start, a.end, 60) }));
  return {
    question,
    answers,
    ...(r.questionCut ? { questionCut: r.questionCut } : {}),
    ...(r.noAnswerScore !== undefined && Number.isFinite(r.noAnswerScore) ? { noAnswer: r.noAnswerScore } : {}),
    ...(r.positions ? { positions: positionRows(r.positions) } : {}),
  };
}

/** The masking draw with offsets into the text read (cut to what the view can show; drawn pieces past it dropped). */
export function maskingData(r: MlmTaskResult, text: string): MaskingData {
  const offset = r.read.start;
  const read = text.slice(offset, Math.min(r.read.end, offset + MAX_MASKING_TEXT));
  const items = r.items
    .map((x) => ({ ...x, start: x.start - offset, end: x.end - offset }))
    .filter((x) => x.start >= 0 && x.end <= read.length);
  return { model: r.model, seed: r.seed, rate: r.rate, pieces: r.pieces, text: read, offset, items, correct: r.correct };
}

/** The reference search as the panel shows it (the layer count for its layer picker; text cut to the validator's bound). */
export function referenceData(r: ReferenceResult): ReferenceData {
  const cut = (s: string) => (s.length > 400 ? s.slice(0, 400) : s);
  return {
    model: r.model,
    corpus: r.corpus,
    layer: r.layer,
    layers: r.layers,
    searched: r.searched,
    passages: r.passages,
    word: cut(r.word.text),
    position: r.position,
    matches: r.matches
      .slice(0, MAX_REFERENCE_MATCHES)
      .map((m) => ({ ...m, word: cut(m.word), before: cut(m.before), after: cut(m.after) })),
    sameWord: r.sameWord,
    words: r.words.map((w) => ({ word: cut(w.word), count: w.count })),
  };
}

/** Cells per side of the positions maps: BERT-base's 512 positions pooled 4 × 4, a 128-position model shown whole. */
const POSITION_CELLS = 128;

/** Mean of each `block` × `block` block of an n × n map (the last block may be smaller). */
export function poolSquare(m: Float32Array, n: number, size: number): Float32Array {
  if (size >= n) return m;
  const out = new Float32Array(size * size);
  const edge = (c: number) => Math.round((c * n) / size);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      let s = 0;
      for (let i = edge(r); i < edge(r + 1); i++) for (let j = edge(c); j < edge(c + 1); j++) s += m[i * n + j];
      out[r * size + c] = s / ((edge(r + 1) - edge(r)) * (edge(c + 1) - edge(c)));
    }
  return out;
}

export function positionsData(r: PositionReport): PositionsData {
  const size = Math.min(POSITION_CELLS, r.compared);
  return {
    model: r.model,
    positions: r.positions,
    compared: r.compared,
    dims: r.dims,
    size,
    learned: poolSquare(r.learned.similarity, r.compared, size),
    sinusoid: poolSquare(r.sinusoid.similarity, r.compared, size),
    byDistance: { learned: r.learned.byDistance, sinusoid: r.sinusoid.byDistance },
  };
}

const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : 0);

/** Clustering runs on this many leading principal components: denoised, and silhouette stays O(n²·c). */
const CLUSTER_DIMS = 5;

export function senseData(sv: SenseVectors, word: string | null, layer: number): SenseData {
  const n = sv.items.length;
  if (n < 2) {
    return {
      word,
      layer,
      items: sv.items,
      points: new Float32Array(2 * n),
      clusters: new Uint8Array(n),
      k: 1,
      silhouette: null,
      explained: [0, 0],
    };
  }
  const c = Math.min(CLUSTER_DIMS, n - 1, sv.dims);
  const p = pca(sv.vectors, n, sv.dims, Math.max(2, c), { iterations: 300, tol: 1e-9 });
  const comps = p.components;
  const points = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    points[2 * i] = p.coords[i * comps];
    points[2 * i + 1] = comps > 1 ? p.coords[i * comps + 1] : 0;
  }
  const cl = chooseClusters(p.coords, n, comps, { maxK: 4 });
  // Two points always split along one axis and cannot be grouped (k-means needs k < n); their cosine (set by
  // core/senses.ts for exactly two) says more.
  const pair = sv.pairCosine === undefined ? {} : { pairCosine: sv.pairCosine };
  return {
    word,
    layer,
    items: sv.items,
    points,
    clusters: cl.labels,
    k: cl.k,
    silhouette: Number.isFinite(cl.silhouette) ? cl.silhouette : null,
    explained: [finite(p.explained[0]), finite(p.explained[1])],
    ...pair,
  };
}

/** Head ablation for the panel: heads as flat indices, the map flattened (plain numbers: it may travel as JSON). */
export function ablateData(r: AblationResult): AblateData {
  const H = r.heads;
  const { text, score, start, end } = r.prediction;
  const predictions = r.predictions ?? (text ? [{ word: text, score, start, end }] : []); // '': no answer (qa)
  return {
    task: r.task === 'qa' ? 'qa' : 'mask',
    target: r.target,
    start: r.start ?? 0,
    end: r.end ?? 0,
    layers: r.layers,
    heads: H,
    base: r.base,
    off: r.off.map((x) => (x.layer - 1) * H + x.head),
    score: r.score,
    predictions,
    importance: r.importance ? r.importance.flat() : null,
    ...(r.questionCut ? { questionCut: r.questionCut } : {}),
  };
}

/** Occlusion for the panel: the result as the CLI's JSON has it, plus the model and the text read. */
export function occludeData(r: OcclusionResult & { model: string; read: { start: number; end: number } }): OccludeData {
  return {
    task: r.task,
    target: r.target,
    start: r.start,
    end: r.end,
    base: r.base,
    model: r.model,
    read: { start: r.read.start, end: r.read.end },
    words: r.words.map((w) => ({ word: w.word, start: w.start, end: w.end, score: w.score, delta: w.delta })),
    ...(r.questionCut ? { questionCut: r.questionCut } : {}),
  };
}

/** The model comparison cut to what the Compare view draws: pieces as one string, attention as Float32Arrays. */
export function compareData(r: ModelComparison, choices: string[], against: string): CompareData {
  const side = (s: ModelComparison['a']): CompareSide => {
    const n = r.words.length;
    const attention = s.attention ? new Float32Array(s.layers * n) : null;
    s.attention?.layers.forEach((row, l) => attention!.set(row, l * n));
    return {
      model: s.model,
      layers: s.layers,
      heads: s.heads,
      tokens: s.tokens,
      unknown: s.unknown,
      attention,
      rollout: s.attention ? Float32Array.from(s.attention.rollout) : null,
      predictions: s.predictions?.map((p) => ({ word: p.word, score: p.score })) ?? null,
      note: [s.attentionError, s.predictionsError].filter(Boolean).join(' ') || null,
    };
  };
  return {
    choices,
    against,
    error: null,
    result: {
      words: r.words.map((w) => ({ text: w.text, start: w.start, end: w.end, a: w.a.join(' '), b: w.b.join(' '), same: w.same })),
      focus: r.focus.index,
      masked: r.masked,
      a: side(r.a),
      b: side(r.b),
      depth: r.depth,
      rollout: r.rollout,
      agree: r.top1?.agree ?? null,
    },
  };
}

/** The worker's similarity answer for the chosen pair → the Sentences view (core/similarity.ts; NSP beside it). */
export function sentencesData(r: SimilarityResult & Used & { isNext: number | null; nspCut?: boolean }, pair: SentencePair): SentencesData {
  return {
    model: r.model,
    ...pair,
    layers: r.layers.map((x) => ({ layer: x.layer, cosine: x.cosine, shuffled: x.shuffled })),
    // Encoded alone each side keeps maxPositions − 2 tokens; read as a pair for NSP, the two share them.
    tokens: { a: r.a.tokens, b: r.b.tokens, truncated: r.a.truncated || r.b.truncated || r.nspCut === true },
    isNext: r.isNext,
  };
}

/** The worker's occurrence pair → the Same-word view: each occurrence with the words around it (30 characters a side). */
export function occurrencesData(
  r: CompareResult & Used & { occurrences: Array<{ start: number; end: number }>; total: number },
  text: string,
): OccurrencesData {
  const placed = (s: { start: number; end: number }) => ({
    text: text.slice(s.start, s.end),
    start: s.start,
    end: s.end,
    context: inContext(text, s.start, s.end, 30),
  });
  const ranked = (ns: CompareResult['neighbours']['a']) => ns.map((n) => ({ word: n.word, score: n.score, start: n.start, end: n.end }));
  return {
    model: r.model,
    a: placed(r.a),
    b: placed(r.b),
    choices: r.occurrences.filter((o) => o.start !== r.a.start).map(placed),
    total: r.total,
    layers: r.layers.map((x) => ({ layer: x.layer, similarity: x.similarity })),
    neighbours: { a: ranked(r.neighbours.a), b: ranked(r.neighbours.b) },
  };
}

// The model split in two at the last hidden state: an encoder graph that keeps every output and the taps asked for but
// the MLM logits (so a hover, an overlay or a vector never pays hidden → vocab for every position), and the MLM head alone
// (head.ts), which run() applies to the requested positions only. docs/TECH-NOTES.md §6.
import * as ort from 'onnxruntime-node';
import { indexModel } from './graph';
import { extractHead } from './head';
import { pruneOutputs } from './prune';
import { rowPositions } from './outputs';
import { headFeeds } from './head-session';
import type { TappedModel } from './taps';
import type { NodeEdits } from './fuse-attention';

export interface SplitModel {
  encoder: Uint8Array; // the graph with `taps` (default: all) and without `logits` and the nodes only it needs
  head: Uint8Array; // hidden [b,t,H] → logits [b,t,V] (extractHead)
  hidden: string; // the last layer's output: fetched from the encoder, fed to the head
  logits: string; // the MLM logits output the split removed
  /** The head quantizes its input on the fly (DynamicQuantizeLinear: one scale per tensor), so its logits depend on
   * which rows it sees: it reads the whole padded batch, as the full graph does (see headOnRows). */
  quantized: boolean;
}

/**
 * Splits a tapped masked-LM model at the last layer's output (`layers` = L, so plan.hidden[L]); the encoder outputs
 * `taps` besides the model's own outputs (the lean encoder: the hidden states and layer 1's attention). Undefined when
 * there is nothing to split (no MLM logits, a classifier's `logits`, no hidden-state taps) or the head reads anything but
 * that hidden state: such a model keeps its one full graph. `edits`: the lean encoder's attention fused (fuse-attention.ts).
 */
export function splitModel(
  tapped: TappedModel,
  layers: number,
  hiddenSize: number,
  archs: string,
  taps: string[] = tapped.taps,
  edits?: NodeEdits,
): SplitModel | undefined {
  const logits = ['logits', 'prediction_logits'].find((n) => tapped.graph.outputs.includes(n));
  const hidden = tapped.plan.hidden[layers];
  if (!logits || tapped.plan.hidden.length !== layers + 1 || /SequenceClassification|TokenClassification|MultipleChoice/.test(archs))
    return undefined;
  try {
    const head = extractHead(tapped.graph, hidden, logits, hiddenSize);
    const quantized = indexModel(head).nodes.some((n) => n.opType === 'DynamicQuantizeLinear');
    return { encoder: pruneOutputs(tapped.graph, [logits], taps, edits), head, hidden, logits, quantized };
  } catch {
    return undefined;
  }
}

/**
 * The MLM logits at `positions[b]` of each row b, from the encoder's last hidden state [B,T,H]: [positions[b].length,
 * V] per row (undefined where a row asked for none), as the full graph's logits sliced at those positions. fp32: the
 * requested rows are gathered into one [1, n, H] tensor and the head runs once on it (equal to the full graph within
 * float rounding: every head op is per position). `quantized` (an int8 head): the head reads the whole [B,T,H], so
 * its dynamic scales are the full graph's and the logits are bit-identical to it, while its decoder computes only the
 * union of the requested positions (HEAD_ROWS) — fed only the selected rows, its logits moved by up to
 * 0.39 (bert-lens-mini) / 0.56 (bert-lens-zh) and changed the top-1 word on 7 in 160 / 10 in 144 masks
 * (test/core/model/split.test.ts, 2026-12-02).
 */
export async function headOnRows(
  head: ort.InferenceSession,
  names: { hidden: string; logits: string },
  hidden: Float32Array,
  T: number,
  H: number,
  positions: Array<number[] | undefined>,
  quantized: boolean,
): Promise<Array<Float32Array | undefined>> {
  if (quantized) {
    // Every row goes in (the input's one scale comes from all of them); the decoder runs on the union of the
    // requested positions only (HEAD_ROWS), or on all of them for a head without that input.
    if (!positions.some((p) => p?.length)) return positions.map((p) => p && new Float32Array(0));
    const { feeds, rows } = headFeeds(head, names, hidden, [positions.length, T, H], positions);
    const res = await head.run(feeds);
    const V = res[names.logits].dims[2];
    const data = res[names.logits].data as Float32Array;
    const n = rows ? rows.length : T;
    return positions.map((pos, b) => pos && rowPositions(data, n, V, b, rows ? pos.map((p) => rows.indexOf(p)) : pos));
  }
  const n = positions.reduce((k, p) => k + (p?.length ?? 0), 0);
  const rows = new Float32Array(Math.max(1, n) * H); // ORT refuses a 0-length run; one zero row then, ignored
  let k = 0;
  positions.forEach((pos, b) => {
    for (const t of pos ?? []) rows.set(hidden.subarray((b * T + t) * H, (b * T + t + 1) * H), k++ * H);
  });
  const res = await head.run({ [names.hidden]: new ort.Tensor('float32', rows, [1, Math.max(1, n), H]) });
  const logits = res[names.logits];
  const V = logits.dims[2];
  const data = logits.data as Float32Array;
  k = 0;
  return positions.map((pos) => {
    if (!pos) return undefined;
    const out = data.slice(k * V, (k + pos.length) * V);
    k += pos.length;
    return out;
  });
}

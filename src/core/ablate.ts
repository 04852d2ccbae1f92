// Head ablation (Michel et al. 2019, "Are Sixteen Heads Really Better than One?"): switch attention heads off by
// multiplying their attention probabilities by 0 (Hugging Face's head_mask, spliced into the graph by
// model/head-mask.ts) and read the change in the target's probability. Every condition (all heads on, the chosen
// heads off, each single head off) is a head mask per row, so fp32 runs them all batched; int8 runs one row at a time
// because dynamic quantization takes its scale over the whole batch (see occlude.ts).
import type { AblateOptions, AblationInput, AblationResult, HeadRef, LoadedModel, ModelInfo, RunOutput, RunRequest, RunRow } from './api';
import { BertLensError, throwIfAborted } from './model/errors';
import { batchSize } from './occlude';
import type { TextTokenizer } from './text/tokenizer';
import { maskProbe, nspProbe, qaProbe } from './ablate-tasks';

/** What one task reads from its rows run under one head mask. */
export interface Probe {
  target: string;
  start?: number;
  end?: number;
  rows: RunRow[];
  req: Omit<RunRequest, 'headMask'>;
  questionCut?: AblationResult['questionCut']; // qa: the question was longer than the model reads
  pairCut?: AblationResult['pairCut']; // nsp: the pair was longer than the model reads
  /** The target's probability and the model's own prediction, from the outputs of `rows`. */
  read(outs: RunOutput[]): Reading;
}

export interface Reading {
  score: number;
  prediction: AblationResult['prediction'];
  predictions?: AblationResult['predictions'];
}

/** Every head must exist; the message names the valid ranges and the LAYER.HEAD form. */
export function checkHeads(info: ModelInfo, heads: HeadRef[]): void {
  for (const h of heads) {
    if (
      !Number.isInteger(h.layer) ||
      !Number.isInteger(h.head) ||
      h.layer < 1 ||
      h.layer > info.layers ||
      h.head < 0 ||
      h.head >= info.heads
    ) {
      throw new BertLensError(
        'BAD_INPUT',
        `Head ${h.layer}.${h.head} does not exist: ${info.id} has layers 1..${info.layers} and heads 0..${info.heads - 1} in each. Name a head as LAYER.HEAD, e.g. 1.0 or ${info.layers}.${info.heads - 1}.`,
        { model: info.id },
      );
    }
  }
}

/** A head mask [layers × heads]: 1 everywhere but 0 at `off`. */
export function headMask(info: ModelInfo, off: HeadRef[]): Float32Array {
  const m = new Float32Array(info.layers * info.heads).fill(1);
  for (const h of off) m[(h.layer - 1) * info.heads + h.head] = 0;
  return m;
}

/** Runs the probe's rows once per mask (batched as batchSize allows) and reads each group. */
export async function runMasks(model: LoadedModel, probe: Probe, masks: Float32Array[], opts: AblateOptions): Promise<Reading[]> {
  const n = probe.rows.length;
  const rows = masks.flatMap(() => probe.rows);
  const positions = probe.req.mlmPositions;
  const size = batchSize(model, rows.length, opts.batchSize);
  const outs: RunOutput[] = [];
  for (let s = 0; s < rows.length; s += size) {
    throwIfAborted(opts.signal, 'Head ablation');
    const idx = Array.from({ length: Math.min(size, rows.length - s) }, (_, i) => s + i);
    const req: RunRequest = {
      ...probe.req,
      mlmPositions: positions && idx.map((i) => positions[i % n]),
      headMask: idx.map((i) => masks[Math.floor(i / n)]),
    };
    outs.push(
      ...(await model.run(
        idx.map((i) => rows[i]),
        req,
        opts.signal,
      )),
    );
  }
  return masks.map((_, k) => probe.read(outs.slice(k * n, (k + 1) * n)));
}

export async function ablate(
  model: LoadedModel,
  tk: TextTokenizer,
  input: AblationInput,
  opts: AblateOptions = {},
): Promise<AblationResult> {
  const info = model.info;
  const off = opts.off ?? [];
  checkHeads(info, off);
  if (!info.capabilities.attention) {
    throw new BertLensError(
      'ATTENTION_UNAVAILABLE',
      `Model ${info.id} computes attention in a fused operator, so its heads cannot be switched off one by one. Use an export with a Softmax per layer (e.g. the Xenova/* repositories or the embedded models).`,
      { model: info.id, fix: [{ option: 'model' }] },
    );
  }
  const probe =
    input.task === 'mask'
      ? await maskProbe(model, tk, input, opts)
      : input.task === 'qa'
        ? await qaProbe(model, tk, input, opts)
        : await nspProbe(model, tk, input);
  const { layers: L, heads: H } = info;
  const masks = [headMask(info, []), headMask(info, off)];
  if (opts.importance) for (let l = 1; l <= L; l++) for (let h = 0; h < H; h++) masks.push(headMask(info, [{ layer: l, head: h }]));
  const [base, ablated, ...single] = await runMasks(model, probe, masks, opts);
  return {
    task: input.task,
    layers: L,
    heads: H,
    target: probe.target,
    ...(probe.start === undefined ? {} : { start: probe.start, end: probe.end }),
    base: base.score,
    off,
    score: ablated.score,
    prediction: ablated.prediction,
    ...(ablated.predictions ? { predictions: ablated.predictions } : {}),
    ...(opts.importance
      ? { importance: Array.from({ length: L }, (_, l) => single.slice(l * H, (l + 1) * H).map((r) => base.score - r.score)) }
      : {}),
    ...(probe.questionCut ? { questionCut: probe.questionCut } : {}),
    ...(probe.pairCut ? { pairCut: probe.pairCut } : {}),
  };
}

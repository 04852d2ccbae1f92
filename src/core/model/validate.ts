// Checks rows and requests in JS before run(): an ORT C++ exception can take down the VS Code extension host.
import type { ModelInfo, RunRequest, RunRow } from '../api';
import { BertLensError } from './errors';

const bad = (info: ModelInfo, msg: string) => new BertLensError('BAD_INPUT', `Model ${info.id}: ${msg}`, { model: info.id });

export function checkRows(info: ModelInfo, typeVocab: number, rows: RunRow[]): void {
  if (!Array.isArray(rows) || rows.length === 0) throw bad(info, 'run() needs at least one row of token ids.');
  rows.forEach((r, i) => {
    const n = r.ids?.length ?? 0;
    if (n === 0) throw bad(info, `row ${i} has no token ids; every row needs at least [CLS] and [SEP].`);
    if (n > info.maxPositions)
      throw bad(info, `row ${i} has ${n} tokens but the model takes at most ${info.maxPositions}; split the text into windows.`);
    for (let t = 0; t < n; t++) {
      const id = r.ids[t];
      if (!Number.isInteger(id) || id < 0 || (info.vocabSize > 0 && id >= info.vocabSize)) {
        throw bad(
          info,
          `row ${i}, position ${t}: token id ${id} is outside the vocabulary [0, ${info.vocabSize}); the tokenizer does not match this model.`,
        );
      }
    }
    if (r.typeIds) {
      if (r.typeIds.length !== n) throw bad(info, `row ${i} has ${n} ids but ${r.typeIds.length} token type ids; they must match.`);
      for (const ty of r.typeIds) {
        if (!Number.isInteger(ty) || ty < 0 || ty >= typeVocab)
          throw bad(info, `row ${i}: token type id ${ty} is outside [0, ${typeVocab}).`);
      }
    }
  });
}

export function checkRequest(info: ModelInfo, rows: RunRow[], req: RunRequest): void {
  const L = info.layers;
  const caps = info.capabilities;
  const layers = (list: number[] | undefined, lo: number, what: string) => {
    for (const l of list ?? [])
      if (!Number.isInteger(l) || l < lo || l > L) throw bad(info, `${what} layer ${l} does not exist (valid: ${lo}..${L}).`);
  };
  layers(req.hiddenLayers, 0, 'hidden-state');
  layers(req.attentionLayers, 1, 'attention');
  layers(req.qkvLayers, 1, 'query/key/value');
  const unavailable = (what: string) =>
    new BertLensError(
      'ATTENTION_UNAVAILABLE',
      `Model ${info.id} does not expose ${what}: its graph has no Softmax between Q·Kᵀ and ·V (fused attention) or no recognisable LayerNorms. Use an export without ONNX Runtime's offline fusion (e.g. the Xenova/onnx-community files).`,
      { model: info.id, fix: [{ option: 'model' }] },
    );
  if (req.attentionLayers?.length && !caps.attention) throw unavailable('attention weights');
  if (req.qkvLayers?.length && !caps.qkv) throw unavailable('query/key/value tensors');
  if (req.hiddenLayers?.length && !caps.hidden) throw unavailable('per-layer hidden states');
  if (req.mlmPositions) {
    if (!caps.mlm) throw bad(info, 'this model has no masked-LM head (output "logits"); pick a fill-mask model.');
    if (req.mlmPositions.length !== rows.length)
      throw bad(info, `mlmPositions has ${req.mlmPositions.length} entries for ${rows.length} rows.`);
    req.mlmPositions.forEach((ps, i) => {
      for (const p of ps ?? [])
        if (!Number.isInteger(p) || p < 0 || p >= rows[i].ids.length)
          throw bad(info, `row ${i}: masked position ${p} is outside the row (length ${rows[i].ids.length}).`);
    });
  }
  if (req.headMask) {
    if (!caps.attention) throw unavailable('attention probabilities to switch heads off in');
    const LH = L * info.heads;
    if (req.headMask.length !== rows.length) throw bad(info, `headMask has ${req.headMask.length} entries for ${rows.length} rows.`);
    req.headMask.forEach((m, i) => {
      if (m.length !== LH || !m.every(Number.isFinite))
        throw bad(info, `row ${i}: headMask needs ${LH} finite factors (${L} layers × ${info.heads} heads), got ${m.length}.`);
    });
  }
  if (req.nsp && !caps.nsp) throw bad(info, 'this model has no next-sentence head (output "nsp_logits"); pick a BERT pre-training model.');
  if (req.qa && !caps.qa)
    throw bad(info, 'this model has no question-answering head (outputs "start_logits"/"end_logits"); pick a QA model.');
}

// The model's own input token embeddings (context-free static vectors), read straight from the ONNX file: the
// initializer feeding the Gather that indexes input_ids (fp32, or int8 + DequantizeLinear in quantized exports).
import path from 'node:path';
import { onnx } from 'onnx-proto';
import type { LoadedModel, StaticVectors } from './api';
import { BertLensError } from './model/errors';
import type { TextTokenizer } from './text/tokenizer';
import { fromMatrix } from './static';
import { readBoundedAsync } from './model/files';

type Tensor = onnx.ITensorProto;

function num(x: unknown): number {
  return typeof x === 'number' ? x : Number((x as { toString(): string }).toString());
}

async function tensorValues(t: Tensor, dir: string): Promise<Float32Array | Int8Array | Uint8Array> {
  let raw = t.rawData && t.rawData.length ? t.rawData : undefined;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const kv: Record<string, string> = Object.fromEntries((t.externalData ?? []).map((e) => [String(e.key), String(e.value)]));
    const buf = await readBoundedAsync(path.join(dir, kv.location ?? ''));
    const off = Number(kv.offset ?? 0);
    raw = buf.subarray(off, kv.length ? off + Number(kv.length) : undefined);
  }
  const copy = (bytes: Uint8Array) => {
    const b = new Uint8Array(bytes.length);
    b.set(bytes);
    return b.buffer;
  };
  switch (t.dataType) {
    case onnx.TensorProto.DataType.FLOAT:
      return raw ? new Float32Array(copy(raw)) : Float32Array.from(t.floatData ?? []);
    case onnx.TensorProto.DataType.INT8:
      return raw ? new Int8Array(copy(raw)) : Int8Array.from(t.int32Data ?? []);
    case onnx.TensorProto.DataType.UINT8:
      return raw ? new Uint8Array(copy(raw)) : Uint8Array.from(t.int32Data ?? []);
    default:
      throw new BertLensError(
        'CORRUPT_MODEL',
        `The embedding tensor ${t.name} has ONNX data type ${t.dataType}, which BERT Lens cannot read (fp32, int8 and uint8 are supported). Use the fp32 or int8 export.`,
      );
  }
}

/** Read the [vocab, hidden] word-embedding matrix from an ONNX file. */
export function readInputEmbeddings(modelFile: string): Promise<{ matrix: Float32Array; vocab: number; dims: number }> {
  return readEmbeddingTable(modelFile, 'word');
}

/**
 * Read the [positions, hidden] position-embedding matrix (BERT's learned positional encoding): the Gather table with
 * `positions` rows whose indices come from neither input_ids nor token_type_ids (position ids, given or computed).
 */
export async function readPositionEmbeddings(modelFile: string, positions: number): Promise<{ matrix: Float32Array; dims: number }> {
  const { matrix, dims } = await readEmbeddingTable(modelFile, 'position', positions);
  return { matrix, dims };
}

async function readEmbeddingTable(
  modelFile: string,
  which: 'word' | 'position',
  positions = 0,
): Promise<{ matrix: Float32Array; vocab: number; dims: number }> {
  const dir = path.dirname(modelFile);
  // A file that parses but has no learned position table (relative or rotary positions) is another kind of model,
  // not a broken one: pick a BERT-style model.
  const fail = (why: string, code: 'CORRUPT_MODEL' | 'BAD_INPUT' = 'CORRUPT_MODEL') =>
    new BertLensError(
      code,
      which === 'word'
        ? `Cannot read the input word embeddings from ${modelFile}: ${why}. Static vectors from the model need an ONNX export whose first Gather indexes input_ids.`
        : `Cannot read the position embeddings from ${modelFile}: ${why}. The positions view needs a BERT-style export with a learned [max_position_embeddings, hidden] table (models with relative or rotary positions have none).`,
      code === 'BAD_INPUT' ? { file: modelFile, fix: [{ option: 'model' }] } : { file: modelFile },
    );
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(await readBoundedAsync(modelFile));
  } catch (e) {
    if (e instanceof BertLensError) throw e;
    throw fail(`it does not parse as ONNX (${(e as Error).message})`);
  }
  const g = model.graph!;
  const inits = new Map<string, Tensor>((g.initializer ?? []).map((t) => [t.name!, t]));
  for (const n of g.node ?? []) {
    if (n.opType === 'Constant') {
      const v = n.attribute?.find((a) => a.name === 'value')?.t;
      if (v) inits.set(n.output![0], { ...v, name: n.output![0] });
    }
  }
  const producer = new Map<string, onnx.INodeProto>();
  for (const n of g.node ?? []) for (const o of n.output ?? []) producer.set(o, n);
  const consumers = (name: string) => (g.node ?? []).filter((n) => n.input?.includes(name));
  // Does this value come from input_ids through shape-preserving ops (Cast, Identity, Reshape …)?
  const fromInput = (input: string, name: string, depth = 0): boolean => {
    if (name === input) return true;
    const p = producer.get(name);
    return (
      !!p &&
      depth < 4 &&
      ['Cast', 'Identity', 'Reshape', 'Unsqueeze', 'Squeeze'].includes(p.opType!) &&
      fromInput(input, p.input![0], depth + 1)
    );
  };
  /** The Gather's stored table (through Identity and DequantizeLinear) and the DequantizeLinear of an int8 one. */
  const tableOf = (gather: onnx.INodeProto) => {
    let dataName = gather.input![0];
    while (producer.get(dataName)?.opType === 'Identity') dataName = producer.get(dataName)!.input![0];
    let deq: onnx.INodeProto | undefined;
    let init = inits.get(dataName);
    if (!init) {
      const p = producer.get(dataName);
      if (p?.opType === 'DequantizeLinear') {
        deq = p;
        init = inits.get(p.input![0]);
      }
    } else if (init.dataType !== onnx.TensorProto.DataType.FLOAT) {
      deq = consumers(gather.output![0]).find((n) => n.opType === 'DequantizeLinear');
    }
    return { dataName, init, deq };
  };
  const gathers = (g.node ?? []).filter((n) => n.opType === 'Gather');
  const rowsOf = (n: onnx.INodeProto) => (tableOf(n).init?.dims ?? []).map(num);
  const gather =
    which === 'word'
      ? gathers.find((n) => fromInput('input_ids', n.input![1]))
      : gathers.find((n) => {
          const d = rowsOf(n);
          return d.length === 2 && d[0] === positions && !fromInput('input_ids', n.input![1]) && !fromInput('token_type_ids', n.input![1]);
        });
  if (!gather)
    throw which === 'word' ? fail('no Gather node reads input_ids') : fail(`no Gather reads a table of ${positions} rows`, 'BAD_INPUT');
  const { dataName, init, deq } = tableOf(gather);
  if (!init) throw fail(`the Gather's table "${dataName}" is not a stored tensor`);
  const dims = (init.dims ?? []).map(num);
  if (dims.length !== 2) throw fail(`the embedding table has shape [${dims.join(', ')}] instead of [vocab, hidden]`);
  const [V, H] = dims;
  const vals = await tensorValues(init, dir);
  if (vals.length !== V * H) throw fail(`the embedding table holds ${vals.length} values, expected ${V}×${H}`);
  if (vals instanceof Float32Array) return { matrix: vals, vocab: V, dims: H };
  if (!deq) throw fail('the quantized embedding table has no DequantizeLinear');
  const scale = await tensorValues(inits.get(deq.input![1])!, dir);
  const zpT = deq.input![2] ? inits.get(deq.input![2]) : undefined;
  const zp = zpT ? await tensorValues(zpT, dir) : new Int8Array(1);
  // One scale for the table, one per row or one per column. After the Gather, a per-axis DequantizeLinear can only
  // follow the hidden axis (training/export_onnx.py writes axis -1); on the table itself its axis says which.
  const axisAttr = deq.attribute?.find((a) => a.name === 'axis');
  const axis = axisAttr ? num(axisAttr.i) : 1;
  const perRow = scale.length > 1 && producer.get(dataName) === deq && (axis === 0 || axis === -2);
  const expected = scale.length === 1 ? 1 : perRow ? V : H;
  if (scale.length !== expected || (zp.length !== 1 && zp.length !== scale.length))
    throw fail(`the quantized embedding table has ${scale.length} scales and ${zp.length} zero points for a ${V}×${H} table`);
  const m = new Float32Array(V * H);
  for (let r = 0; r < V; r++) {
    for (let i = 0; i < H; i++) {
      const k = scale.length === 1 ? 0 : perRow ? r : i;
      m[r * H + i] = (vals[r * H + i] - zp[zp.length === 1 ? 0 : k]) * scale[k];
    }
  }
  return { matrix: m, vocab: V, dims: H };
}

/** Static vectors from the model's input embeddings: vocabulary = whole-word pieces; a word = mean of its pieces. */
export async function inputEmbeddingVectors(model: LoadedModel, tk: TextTokenizer): Promise<StaticVectors> {
  const { matrix, vocab, dims } = await readInputEmbeddings(model.info.modelFile);
  const keep: number[] = [];
  for (let id = 0; id < vocab; id++) {
    const t = tk.idToToken(id);
    if (!t.startsWith('##') && !/^\[.*\]$/.test(t)) keep.push(id);
  }
  const words = keep.map((id) => tk.idToToken(id));
  const m = new Float32Array(keep.length * dims);
  keep.forEach((id, r) => m.set(matrix.subarray(id * dims, (id + 1) * dims), r * dims));
  const base = fromMatrix(`${model.info.id} input embeddings`, words, m, dims);
  // Words outside the piece vocabulary: mean of their WordPiece pieces' rows.
  const pieceMean = (word: string): Float32Array | undefined => {
    const ids = tk.tokenize(word).tokens.idList();
    if (!ids.length || ids.every((i) => i === tk.special.unk)) return undefined;
    const v = new Float32Array(dims);
    for (const id of ids) for (let i = 0; i < dims; i++) v[i] += matrix[id * dims + i] / ids.length;
    return v;
  };
  return {
    ...base,
    has: (w) => base.has(w) || pieceMean(w) !== undefined,
    vector: (w) => base.vector(tk.uncased ? w.toLowerCase() : w) ?? pieceMean(w),
    neighbours: (w, top) => {
      const key = tk.uncased ? w.toLowerCase() : w;
      if (base.has(key)) return base.neighbours(key, top);
      const v = pieceMean(w);
      return v ? base.neighboursOf(v, top, new Set([key])) : [];
    },
  };
}

// Byte-level ONNX surgery: index a ModelProto without decoding initializers, and splice extra graph outputs in.
// Only GraphProto.node is decoded (onnx-proto codecs); everything else is copied as raw bytes (docs/TECH-NOTES.md §3 B).
import protobuf from 'protobufjs/minimal';
import { onnx } from 'onnx-proto';

const { Reader, Writer } = protobuf;

// Field numbers from onnx.proto (head.ts writes graphs with the same ones).
export const MODEL_GRAPH = 7;
export const MODEL_OPSET = 8;
export const GRAPH_NODE = 1;
export const GRAPH_NAME = 2;
export const GRAPH_INITIALIZER = 5;
export const GRAPH_INPUT = 11;
export const GRAPH_OUTPUT = 12;
export const GRAPH_VALUE_INFO = 13;
export const TENSOR_NAME = 8;
export const VALUEINFO_NAME = 1;

export interface GraphIndex {
  bytes: Uint8Array;
  graphTagStart: number; // offset of the graph field's tag in the model bytes
  graphStart: number; // first byte of the GraphProto body
  graphEnd: number; // one past its last byte
  nodes: onnx.NodeProto[];
  inputs: string[];
  outputs: string[];
  constants: Set<string>; // initializer names and Constant node outputs
  initializers: Map<string, { s: number; e: number }>; // initializer name → its TensorProto bytes (decoded on demand)
  opsets: Map<string, number>; // domain ('' = ai.onnx) → version
  producer: Map<string, number>; // tensor name → node index
  consumers: Map<string, number[]>; // tensor name → node indices
  /** Set (the model file's name): graphs written from this one (withGraph) keep their initializers' data in that file,
   * by reference, instead of copying it — onnxruntime then maps the weights from the file (model/mapped.ts). */
  external?: string;
}

/** Walks one message's top-level fields; calls back with (field, wireType, bodyStart, bodyEnd, tagStart). */
export function walk(
  bytes: Uint8Array,
  start: number,
  end: number,
  onField: (field: number, wire: number, s: number, e: number, tagStart: number) => void,
): void {
  const r = Reader.create(bytes.subarray(0, end));
  r.pos = start;
  while (r.pos < end) {
    const tagStart = r.pos;
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Error(`invalid protobuf tag at byte ${tagStart}`);
    if (wire === 2) {
      const len = r.uint32();
      const s = r.pos;
      if (s + len > end) throw new Error(`field ${field} runs past the end (${s + len} > ${end})`);
      r.pos = s + len;
      onField(field, wire, s, s + len, tagStart);
    } else {
      const s = r.pos;
      r.skipType(wire);
      onField(field, wire, s, r.pos, tagStart);
    }
  }
  if (r.pos !== end) throw new Error('message ends inside a field');
}

/** The string field `wanted` of the message at bytes[s, e) ('' when absent). */
export function readStringField(bytes: Uint8Array, s: number, e: number, wanted: number): string {
  let out = '';
  walk(bytes, s, e, (f, w, fs, fe) => {
    if (f === wanted && w === 2) out = Buffer.from(bytes.buffer, bytes.byteOffset + fs, fe - fs).toString('utf8');
  });
  return out;
}

/** Indexes a model. Throws a plain Error on malformed bytes (the caller words the user-facing message). */
export function indexModel(bytes: Uint8Array): GraphIndex {
  let graph: { tag: number; s: number; e: number } | undefined;
  const opsets = new Map<string, number>();
  walk(bytes, 0, bytes.length, (f, w, s, e, tagStart) => {
    if (f === MODEL_GRAPH && w === 2) graph = { tag: tagStart, s, e };
    if (f === MODEL_OPSET && w === 2) {
      const o = onnx.OperatorSetIdProto.decode(bytes.subarray(s, e));
      opsets.set(o.domain ?? '', Number(o.version));
    }
  });
  if (!graph) throw new Error('no graph in the model');
  const nodes: onnx.NodeProto[] = [];
  const inputs: string[] = [];
  const outputs: string[] = [];
  const constants = new Set<string>();
  const initializers = new Map<string, { s: number; e: number }>();
  walk(bytes, graph.s, graph.e, (f, w, s, e) => {
    if (w !== 2) return;
    if (f === GRAPH_NODE) nodes.push(onnx.NodeProto.decode(bytes.subarray(s, e)));
    else if (f === GRAPH_INITIALIZER) {
      const name = readStringField(bytes, s, e, TENSOR_NAME);
      constants.add(name);
      initializers.set(name, { s, e });
    } else if (f === GRAPH_INPUT) inputs.push(readStringField(bytes, s, e, VALUEINFO_NAME));
    else if (f === GRAPH_OUTPUT) outputs.push(readStringField(bytes, s, e, VALUEINFO_NAME));
  });
  if (nodes.length === 0) throw new Error('the graph has no nodes');
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const o of n.output) producer.set(o, i);
    for (const x of n.input) {
      if (!x) continue;
      const list = consumers.get(x) ?? [];
      list.push(i);
      consumers.set(x, list);
    }
    if (n.opType === 'Constant') for (const o of n.output) constants.add(o);
  });
  // Graph inputs that are also initializers (old exports) are constants, not feeds.
  const feeds = inputs.filter((x) => !constants.has(x));
  return {
    bytes,
    graphTagStart: graph.tag,
    graphStart: graph.s,
    graphEnd: graph.e,
    nodes,
    inputs: feeds,
    outputs,
    constants,
    initializers,
    opsets,
    producer,
    consumers,
  };
}

/** Returns new model bytes whose graph also outputs `names` (name-only ValueInfoProtos; ORT infers the types). */
export function appendOutputs(g: GraphIndex, names: string[]): Uint8Array {
  const extra = outputFields(g, names);
  return extra.length || g.external ? withGraph(g, [g.bytes.subarray(g.graphStart, g.graphEnd), extra]) : g.bytes;
}

/** Graph `output` fields for those of `names` the graph does not output yet (name only; ORT infers the types). */
export function outputFields(g: GraphIndex, names: string[]): Uint8Array {
  const existing = new Set(g.outputs);
  const w = Writer.create();
  for (const name of new Set(names)) {
    if (existing.has(name)) continue;
    w.uint32((GRAPH_OUTPUT << 3) | 2).bytes(onnx.ValueInfoProto.encode({ name }).finish());
  }
  return w.finish();
}

/** The byte strings one after another (a graph or model rebuilt from kept and new fields). */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/**
 * Model bytes whose graph field's body is `parts`, one after another; every other model field is kept as raw bytes,
 * and `modelFields` (whole model fields, e.g. another opset import) follow them. Written straight into one buffer: a
 * model is hundreds of MB, and each transient copy of it is resident until V8 collects it.
 */
export function withGraph(g: GraphIndex, fields: Uint8Array[], modelFields: Uint8Array[] = []): Uint8Array {
  const external = g.external;
  const parts = external ? fields.flatMap((p) => referencedFields(g, p, external)) : fields;
  const length = parts.reduce((n, x) => n + x.length, 0);
  const head = Writer.create()
    .uint32((MODEL_GRAPH << 3) | 2)
    .uint32(length)
    .finish();
  const extra = modelFields.reduce((n, x) => n + x.length, 0);
  const out = new Uint8Array(g.graphTagStart + head.length + length + (g.bytes.length - g.graphEnd) + extra);
  let at = 0;
  for (const x of [g.bytes.subarray(0, g.graphTagStart), head, ...parts, g.bytes.subarray(g.graphEnd), ...modelFields]) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/** Integer (list) attribute, e.g. Transpose perm; `single` reads an INT attribute as a one-element list. */
export function intsAttr(n: onnx.NodeProto, name: string, single = false): number[] | undefined {
  const a = n.attribute.find((x) => x.name === name);
  if (!a) return undefined;
  // onnx-proto decodes int64 as Long.
  const num = (v: unknown) => Number(typeof v === 'number' ? v : (v as { toString(): string }).toString());
  return single ? [num(a.i ?? 0)] : a.ints?.map(num);
}

/** One initializer, decoded: dims, and its float32 values when stored inline as FLOAT (else undefined). */
export function readInitializer(g: GraphIndex, name: string): { dims: number[]; floats?: Float32Array } | undefined {
  const at = g.initializers.get(name);
  if (!at) return undefined;
  const t = onnx.TensorProto.decode(g.bytes.subarray(at.s, at.e));
  const dims = t.dims.map((d) => Number(typeof d === 'number' ? d : (d as { toString(): string }).toString()));
  if (t.dataType !== Number(onnx.TensorProto.DataType.FLOAT) || t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return { dims };
  if (t.rawData?.length) {
    const copy = new Uint8Array(t.rawData); // aligned for Float32Array
    return { dims, floats: new Float32Array(copy.buffer, 0, copy.length >> 2) };
  }
  return { dims, floats: Float32Array.from(t.floatData ?? []) };
}

const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
/** Initializers smaller than this stay inline (biases, norms, scales): not worth a reference. */
export const REFERENCE_MIN_BYTES = 4096;

/**
 * `part` (whole graph fields, as withGraph gets them) with each big initializer's raw data replaced by an external-data
 * reference to where those bytes lie in the model file `location` (g.bytes is that file, read whole). Fields from
 * other buffers (new outputs) and small or already external initializers are kept as they are.
 */
function referencedFields(g: GraphIndex, part: Uint8Array, location: string): Uint8Array[] {
  if (part.buffer !== g.bytes.buffer) return [part];
  const base = part.byteOffset - g.bytes.byteOffset; // where `part` starts in the file
  const out: Uint8Array[] = [];
  walk(part, 0, part.length, (f, w, s, e, tagStart) => {
    const ref = f === GRAPH_INITIALIZER && w === 2 ? referencedTensor(part, s, e, base, location) : undefined;
    out.push(ref ?? part.subarray(tagStart, e));
  });
  return out;
}

/** The initializer field for the TensorProto at bytes[s, e), its raw data by reference; undefined to keep it inline. */
function referencedTensor(bytes: Uint8Array, s: number, e: number, base: number, location: string): Uint8Array | undefined {
  const kept: Uint8Array[] = [];
  let raw: { s: number; e: number } | undefined;
  let inline = false;
  walk(bytes, s, e, (f, w, fs, fe, tagStart) => {
    if (f === TENSOR_DATA_LOCATION) inline = true; // already external (or says where its data is): leave it
    if (f === TENSOR_RAW_DATA && w === 2) raw = { s: fs, e: fe };
    else kept.push(bytes.subarray(tagStart, fe));
  });
  if (inline || !raw || raw.e - raw.s < REFERENCE_MIN_BYTES) return undefined;
  const w = Writer.create();
  for (const [key, value] of [
    ['location', location],
    ['offset', String(base + raw.s)],
    ['length', String(raw.e - raw.s)],
  ])
    w.uint32((TENSOR_EXTERNAL_DATA << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string(key)
      .uint32((2 << 3) | 2)
      .string(value)
      .ldelim();
  w.uint32(TENSOR_DATA_LOCATION << 3).int32(1); // EXTERNAL
  const body = concatBytes([...kept, w.finish()]);
  return Writer.create()
    .uint32((GRAPH_INITIALIZER << 3) | 2)
    .bytes(body)
    .finish();
}

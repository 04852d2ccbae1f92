// Models load with their weights mapped from the model file instead of copied into memory: the engine's graphs (the
// split encoder, the tapped graph) are written as small files beside the model whose big initializers are
// external-data references into it (graph.ts `withGraph` with `external`), and onnxruntime maps what they point at. On
// BERT-base int8 a plain session peaked at 1.24× the file this way, 2.54–2.73× from bytes (bench/README.md,
// 2026-12-02). A mapped file must never be rewritten in place — a file truncated under a mapping faults (SIGBUS) and
// would take the extension host down — so download-cache files are mapped as they are (the downloader writes each
// under a temporary name and renames it), a user folder's file from a snapshot in the cache (snapshot.ts), and the
// small embedded models load from bytes.
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { ModelInfo } from '../api';
import { externalDataOf } from './files';
import { snapshotOf } from './snapshot';

let serial = 0;
/** Sessions made from a written graph file (read by tests: a mapped load that fell back to bytes would look the same). */
export const mappedStats = { sessions: 0 };
// Named by process, thread and serial: worker threads of one process (each with its own `serial`) may load the same
// model into the same folder at once.
const graphFile = (modelFile: string) => path.join(path.dirname(modelFile), `.bert-lens-graph-${process.pid}-${threadId}-${++serial}.onnx`);

/** The file `modelFile` loads mapped from — itself for a download-cache model, its snapshot for a user folder's — or
 * undefined to load from bytes (an embedded model, or a folder that takes no file: tried once per load). Graph files
 * a process left behind (it died between writing one and loading it) are removed on the way. */
export function mappedFile(source: ModelInfo['source'], modelFile: string, cacheDir: string): string | undefined {
  const file = source === 'hub' ? modelFile : source === 'folder' ? snapshotOf(modelFile, cacheDir) : undefined;
  if (!file) return undefined;
  removeLeftovers(path.dirname(file));
  const probe = graphFile(file);
  try {
    fs.writeFileSync(probe, '');
    removeQuietly(probe);
    return file;
  } catch {
    return undefined;
  }
}

/**
 * A session over `graph`, a graph of `modelFile`: when `mapped` (mappedFile's answer), from a file written beside that
 * file, whose initializers refer to it (removed once onnxruntime has read it); else from the bytes with the model's own
 * external weights (model.onnx_data…) passed in.
 */
export async function sessionOver(
  modelFile: string,
  graph: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  mapped: string | undefined,
): Promise<ort.InferenceSession> {
  if (!mapped) {
    const externalData = externalDataOf(modelFile);
    return ort.InferenceSession.create(graph, externalData ? { ...options, externalData } : options);
  }
  const file = graphFile(mapped);
  try {
    fs.writeFileSync(file, graph);
    const session = await ort.InferenceSession.create(file, options);
    mappedStats.sessions++;
    return session;
  } finally {
    removeQuietly(file); // a file still open cannot be removed on Windows: a later load removes it (removeLeftovers)
  }
}

function removeLeftovers(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) {
    const pid = Number(/^\.bert-lens-graph-(\d+)-[\d-]+\.onnx$/.exec(f)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    removeQuietly(path.join(dir, f));
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // left for removeLeftovers
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, not ours
  }
}

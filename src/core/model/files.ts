// Bounded reads of model, tokenizer and vector files. A device (/dev/zero), FIFO or folder in a file's place would
// make a plain readFile run forever or exhaust memory, and a file beyond Node's largest Buffer fails with an opaque
// RangeError: only regular files within a size limit are read, and the error says which file and why.
import { constants } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { BertLensError } from './errors';

/** JSON files (config, tokenizer): a 30k-entry tokenizer.json is ~1 MB; 256 MiB leaves room for any real one. */
export const MAX_JSON_BYTES = 256 * 2 ** 20;
/** Weights and vectors: the largest Buffer this Node can hold (4 GiB on 64-bit). */
export const MAX_BINARY_BYTES = constants.MAX_LENGTH;

function check(file: string, st: fs.Stats, max: number): void {
  if (!st.isFile()) {
    throw new BertLensError(
      'CORRUPT_MODEL',
      `${file} is not a regular file (${st.isDirectory() ? 'a folder' : 'a device, pipe or socket'}), so it is not read. Point BERT Lens at a model folder or vectors file with real files in it.`,
      { file },
    );
  }
  if (st.size > max) {
    throw new BertLensError(
      'CORRUPT_MODEL',
      `${file} is ${(st.size / 2 ** 30).toFixed(2)} GiB, over the ${(max / 2 ** 30).toFixed(2)} GiB that can be read in one piece. Use a smaller file (e.g. int8 weights, or vectors cut to the most frequent words).`,
      { file },
    );
  }
}

export function readBounded(file: string, max = MAX_BINARY_BYTES): Buffer {
  check(file, fs.statSync(file), max);
  return fs.readFileSync(file);
}

export function readJsonText(file: string): string {
  check(file, fs.statSync(file), MAX_JSON_BYTES);
  return fs.readFileSync(file, 'utf8');
}

export async function readBoundedAsync(file: string, max = MAX_BINARY_BYTES): Promise<Buffer> {
  check(file, await fs.promises.stat(file), max);
  return fs.promises.readFile(file);
}

/** The external weights of `modelFile` (model.onnx_data[_N], next to it), read for a session made from graph bytes;
 * undefined when there are none. */
export function externalDataOf(modelFile: string): Array<{ path: string; data: Buffer }> | undefined {
  const ext = externalDataNames(modelFile);
  return ext.length ? ext.map((f) => ({ path: f, data: readBounded(path.join(path.dirname(modelFile), f)) })) : undefined;
}

/** Names of `modelFile`'s external-weight files (model.onnx_data[_N]) in its folder. */
export function externalDataNames(modelFile: string): string[] {
  return fs.readdirSync(path.dirname(modelFile)).filter((f) => f.startsWith(`${path.basename(modelFile)}_data`));
}

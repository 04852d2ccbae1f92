// Tensor export for notebooks: the word-level attention, hidden states and head census of a stretch of text, as
// .npy arrays plus tensors.json (words, offsets, shapes, axes). Plain data in, files out — the CLI and the extension
// host write the same files. (core/tensors.ts computes the bundle.)
import { npyBytes } from './npy';

export const TENSOR_KINDS = ['attention', 'hidden', 'census'] as const;
export type TensorKind = (typeof TENSOR_KINDS)[number];

/** The census columns of census.npy, in order (core/heads.ts HeadRow). */
export const CENSUS_COLUMNS = ['entropy', 'cls', 'sep', 'punct', 'self', 'prev', 'next', 'distance'] as const;

export interface CensusRow extends Record<(typeof CENSUS_COLUMNS)[number], number> {
  layer: number;
  head: number;
  label: string;
}

export interface TensorBundle {
  model: string;
  window: { start: number; end: number }; // the encoder window the numbers come from (characters)
  words: Array<{ text: string; start: number; end: number }>; // the exported words, in text order
  layers: number;
  heads: number;
  hidden: number; // hidden size
  attention?: Float32Array; // [layers][heads][words][words], word level (rows of the window, cut to the words)
  hiddenStates?: Float32Array; // [layers + 1][words][hidden]: 0 = embedding output; a word = mean of its pieces
  census?: CensusRow[]; // layers × heads rows, of the whole window
}

/** The files of a bundle: tensors.json first, then one .npy per kind present. */
export function tensorFiles(b: TensorBundle): Array<{ name: string; bytes: Uint8Array }> {
  const n = b.words.length;
  const files: Array<{ name: string; bytes: Uint8Array }> = [];
  const arrays: Record<string, { file: string; shape: number[]; axes: string[]; note: string }> = {};
  if (b.attention) {
    const shape = [b.layers, b.heads, n, n];
    files.push({ name: 'attention.npy', bytes: npyBytes(shape, b.attention) });
    arrays.attention = {
      file: 'attention.npy',
      shape,
      axes: ['layer', 'head', 'from', 'to'],
      note: "word-level attention (a word's pieces summed as targets, averaged as sources; [CLS]/[SEP] left out and rows renormalised over the whole window, then cut to these words); layer index 0 = layer 1",
    };
  }
  if (b.hiddenStates) {
    const shape = [b.layers + 1, n, b.hidden];
    files.push({ name: 'hidden.npy', bytes: npyBytes(shape, b.hiddenStates) });
    arrays.hidden = {
      file: 'hidden.npy',
      shape,
      axes: ['layer', 'word', 'dim'],
      note: 'hidden states per word (mean of its pieces); layer index 0 = the embedding output, L = the last layer',
    };
  }
  if (b.census) {
    const shape = [b.layers, b.heads, CENSUS_COLUMNS.length];
    const data = new Float32Array(b.layers * b.heads * CENSUS_COLUMNS.length);
    for (const r of b.census)
      CENSUS_COLUMNS.forEach((c, k) => {
        data[((r.layer - 1) * b.heads + r.head) * CENSUS_COLUMNS.length + k] = r[c];
      });
    files.push({ name: 'census.npy', bytes: npyBytes(shape, data) });
    arrays.census = {
      file: 'census.npy',
      shape,
      axes: ['layer', 'head', 'column'],
      note: `columns: ${CENSUS_COLUMNS.join(', ')}; labels in "census" below; of the whole window`,
    };
  }
  const meta = {
    format: 'bert-lens tensors 1',
    model: b.model,
    layers: b.layers,
    heads: b.heads,
    hidden: b.hidden,
    window: b.window,
    words: b.words,
    arrays,
    ...(b.census ? { census: b.census.map((r) => ({ layer: r.layer, head: r.head, label: r.label })) } : {}),
  };
  files.unshift({ name: 'tensors.json', bytes: new TextEncoder().encode(JSON.stringify(meta, null, 2) + '\n') });
  return files;
}

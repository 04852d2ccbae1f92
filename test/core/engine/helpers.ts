// Shared helpers for engine tests: fixture paths, goldens and a LoadedModel wrapper that counts runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadedModel, RunOutput, RunRequest, RunRow } from '../../../src/core/api';

export const FIX = {
  bert: path.resolve('test/fixtures/tiny-bert'),
  distil: path.resolve('test/fixtures/tiny-distilbert'),
  qa: path.resolve('test/fixtures/tiny-bert-qa'),
};

export interface GoldenCase {
  name: string;
  texts: string[][]; // per row: [text] or [text A, text B]
  input_ids: number[][];
  nsp_logits?: number[][];
  start_logits?: number[][];
  end_logits?: number[][];
}

export function golden(name: 'tiny-bert' | 'tiny-bert-qa' | 'tiny-distilbert'): GoldenCase[] {
  return JSON.parse(readFileSync(path.resolve('test/golden', `${name}.json`), 'utf8')).cases;
}

/** Wraps a model so tests can count rows actually sent to onnxruntime. */
export function counting(m: LoadedModel): LoadedModel & { rows: number; calls: RunRow[][] } {
  const c = {
    info: m.info,
    rows: 0,
    calls: [] as RunRow[][],
    async run(rows: RunRow[], req: RunRequest, signal?: AbortSignal): Promise<RunOutput[]> {
      c.rows += rows.length;
      c.calls.push(rows);
      return m.run(rows, req, signal);
    },
    dispose: () => m.dispose(),
  };
  return c;
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A long text of distinct sentences for multi-window tests. */
export function longText(n: number): string {
  const subjects = ['The cat', 'My friend', 'The old man', 'A river', 'The bank', 'Her brother', 'The city', 'This road'];
  const verbs = ['walked to', 'looked at', 'sat near', 'ran past', 'thought about', 'went down to'];
  const objects = ['the house', 'the water', 'the money', 'the green field', 'the small shop', 'the long road'];
  return Array.from({ length: n }, (_, i) => `${subjects[i % 8]} ${verbs[i % 6]} ${objects[(i * 5) % 6]} on day ${i}.`).join(' ');
}

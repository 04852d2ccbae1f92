// Next-sentence prediction the way the editor asks it: single held-out sentences, each followed either by the next
// sentence of its document or by a random sentence of another document (half each), accuracy at 0.5 through the
// engine (int8). The model card's NSP figure is measured on 128-token segment pairs, which are easier.
// Usage: node --import tsx scripts/nsp-sentences.ts build/corpus/heldout.txt [MODELS_DIR …]   (default: models)
// heldout.txt is training/corpus.py's: one sentence per line, documents separated by blank lines.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../src/core';
import { rng } from '../src/shared/rng';

interface Pair {
  a: string;
  b: string;
  next: boolean;
}

const words = (line: string) => line.trim().split(/\s+/).length;

/** `n` pairs (n/2 of each kind) from sentences of 4–40 words, drawn with a fixed seed so two models see the same. */
export function sentencePairs(heldout: string, n = 2000): Pair[] {
  const docs = heldout
    .split(/\n\s*\n/)
    .map((d) => d.split('\n').filter((l) => words(l) >= 4 && words(l) <= 40))
    .filter((d) => d.length >= 2);
  if (docs.length < 2) throw new Error('the held-out file needs at least two documents of two or more sentences');
  const draw = rng(7);
  const pick = (k: number) => Math.floor(draw() * k);
  const pairs: Pair[] = [];
  while (pairs.length < n) {
    const d = pick(docs.length);
    const i = pick(docs[d].length - 1);
    if (pairs.length % 2 === 0) pairs.push({ a: docs[d][i], b: docs[d][i + 1], next: true });
    else {
      const e = (d + 1 + pick(docs.length - 1)) % docs.length; // any other document
      pairs.push({ a: docs[d][i], b: docs[e][pick(docs[e].length)], next: false });
    }
  }
  return pairs;
}

async function main() {
  const [file, ...dirs] = process.argv.slice(2);
  const pairs = sentencePairs(readFileSync(file, 'utf8'));
  for (const dir of dirs.length ? dirs : ['models']) {
    const engine = createEngine({ modelsDir: path.resolve(dir), offline: true });
    const model = await engine.load('bert-lens-mini', { dtype: 'int8' });
    let right = 0;
    const mean = { next: 0, random: 0 };
    for (const p of pairs) {
      const { isNext } = await engine.nsp(model, p.a, p.b);
      if (isNext > 0.5 === p.next) right++;
      mean[p.next ? 'next' : 'random'] += isNext / (pairs.length / 2);
    }
    await engine.dispose();
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.log(
      `${dir}: ${pct(right / pairs.length)} right on ${pairs.length} pairs; mean P(next) ${mean.next.toFixed(3)} on` +
        ` next sentences, ${mean.random.toFixed(3)} on random ones`,
    );
  }
}

if (process.argv[1]?.endsWith('nsp-sentences.ts')) void main();

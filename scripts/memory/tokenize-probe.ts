// Tokenizing alone: RSS before and after tokenizing one file with a model's tokenizer, as JSON on stdout.
// Usage: node --import tsx scripts/memory/tokenize-probe.ts MODEL_DIR FILE
import { readFileSync } from 'node:fs';
import { loadTokenizer } from '../../src/core/text/tokenizer';

async function main(): Promise<void> {
  const [dir, file] = process.argv.slice(2);
  const tk = await loadTokenizer(dir);
  const text = readFileSync(file, 'utf8');
  tk.tokenize('warm up the caches: 中文 text.');
  global.gc?.();
  // Heap plus ArrayBuffer backing stores: the tokens' typed columns live outside the JS heap.
  const held = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = held();
  const t0 = performance.now();
  const tok = tk.tokenize(text);
  const ms = performance.now() - t0;
  global.gc?.();
  const after = held(); // the Tokenized is still referenced below
  const mb = (x: number) => Math.round(x / 2 ** 20);
  console.log(
    JSON.stringify({
      chars: text.length,
      tokens: tok.tokens.length,
      words: tok.words.length,
      ms: Math.round(ms),
      retainedMb: mb(after - before),
    }),
  );
}

void main();

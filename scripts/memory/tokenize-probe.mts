// Tokenizing alone: RSS before and after tokenizing one file with a model's tokenizer, as JSON on stdout.
// Usage: node --import tsx scripts/memory/tokenize-probe.mts MODEL_DIR FILE
import { readFileSync } from 'node:fs';
import { loadTokenizer } from '../../src/core/text/tokenizer';

const [dir, file] = process.argv.slice(2);
const tk = await loadTokenizer(dir);
const text = readFileSync(file, 'utf8');
tk.tokenize('warm up the caches: 中文 text.');
global.gc?.();
const before = process.memoryUsage().rss;
const t0 = performance.now();
const tok = tk.tokenize(text);
const ms = performance.now() - t0;
global.gc?.();
const after = process.memoryUsage().rss;
console.log(JSON.stringify({ chars: text.length, tokens: tok.tokens.length, words: tok.words.length, ms: Math.round(ms), rssBeforeMb: Math.round(before / 2 ** 20), retainedMb: Math.round((after - before) / 2 ** 20) }));

// Test documents for the benchmarks: the repository's own prose, its sentences shuffled anew for each pass.
import fs from 'node:fs';
import path from 'node:path';
import type { TextTokenizer } from '../src/core/text/tokenizer';

/**
 * Prose of the model's language, about `tokens` tokens: the repository's own text, its sentences shuffled anew for each
 * pass (`rand`: seeded, so every run gets the same text). A plain repetition would make a full encode cheap: the window
 * cache computes a repeated window once (on the README repeated to 100k tokens it ran 90 of 996 windows), which no
 * real document allows.
 */
export function shuffledProse(root: string, tk: TextTokenizer, zh: boolean, tokens: number, rand: () => number): string {
  const files = zh ? ['samples/walkthrough.zh-cn.md', 'package.nls.zh-cn.json', 'l10n/bundle.l10n.zh-cn.json'] : ['README.md'];
  const prose = files.map((f) => fs.readFileSync(path.join(root, f), 'utf8').replace(/[`|#*<>[\]()"{}\\]/g, ' ')).join('\n\n');
  const sentences = prose.split(/(?<=[.!?。！？])\s*/u).filter((x) => x.trim());
  const per = tk.tokenize(prose).tokens.length;
  const passes = Array.from({ length: Math.ceil(tokens / per) + 1 }, () => {
    const s = sentences.slice();
    for (let i = s.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [s[i], s[j]] = [s[j], s[i]];
    }
    return s.join(zh ? '' : ' ');
  });
  const text = passes.join('\n\n');
  const t = tk.tokenize(text).tokens;
  return flat(text.slice(0, t.ends[Math.min(tokens, t.length) - 1]));
}

/** Seeded randomness (a linear congruential step): the same documents and edits on every run. */
export function seeded(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** A flat copy of `s`, as the worker receives a document (postMessage copies it); an edit made by concatenation is a
 * rope of pieces, which string comparison walks piece by piece (~10× slower than two flat strings). */
export const flat = (s: string): string => structuredClone(s);

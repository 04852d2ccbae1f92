// Tokenizer folders the text tests run on: every test fixture model with a tokenizer.json (real WordPiece vocabularies).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export function tokenizerDirs(): string[] {
  const root = path.resolve('test/fixtures');
  const dirs = existsSync(root)
    ? readdirSync(root).map((d) => path.join(root, d)).filter((d) => existsSync(path.join(d, 'tokenizer.json')))
    : [];
  // BERT_LENS_TOKENIZER_DIRS (comma-separated) adds more, e.g. a downloaded bert-base-uncased.
  const extra = (process.env.BERT_LENS_TOKENIZER_DIRS ?? '').split(',').filter(Boolean);
  return [...dirs, ...extra];
}

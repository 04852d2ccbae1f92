// Tokenizers the text tests run on: every test fixture model's tokenizer.json (a real WordPiece vocabulary), plus a
// cased variant of the first one (same vocabulary, normalizer lowercase off) so cased behaviour is covered too.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTokenizer, loadTokenizer, type TextTokenizer } from '../../../src/core/text/tokenizer';

export function tokenizerDirs(): string[] {
  const root = path.resolve('test/fixtures');
  const dirs = existsSync(root)
    ? readdirSync(root)
        .map((d) => path.join(root, d))
        .filter((d) => existsSync(path.join(d, 'tokenizer.json')))
    : [];
  // BERT_LENS_TOKENIZER_DIRS (comma-separated) adds more, e.g. a downloaded bert-base-uncased.
  const extra = (process.env.BERT_LENS_TOKENIZER_DIRS ?? '').split(',').filter(Boolean);
  return [...new Set([...dirs.slice(0, 1), ...extra])]; // the fixtures share one tokenizer
}

export async function testTokenizers(): Promise<Array<[string, TextTokenizer]>> {
  const out: Array<[string, TextTokenizer]> = [];
  for (const d of tokenizerDirs()) out.push([d, await loadTokenizer(d)]);
  if (out.length) {
    const d = out[0][0];
    const json = JSON.parse(readFileSync(path.join(d, 'tokenizer.json'), 'utf8'));
    json.normalizer = { ...json.normalizer, lowercase: false, strip_accents: null };
    out.push([`${d} (cased variant)`, createTokenizer(json, { do_lower_case: false })]);
    // Uncased, with pieces that expose two alignment hazards the small vocabulary hides: Greek final sigma (ς vs σ
    // after whole-string lower-casing) and NFD-decomposed Hangul (several pieces from one source character).
    const aug = JSON.parse(readFileSync(path.join(d, 'tokenizer.json'), 'utf8'));
    const vocab = aug.model.vocab as Record<string, number>;
    let next = Math.max(...Object.values(vocab)) + 1;
    for (const t of ['ος', 'οσ', 'ο', '##ς', '##σ', 'σ', 'ς', 'ᄒ', '##ᅡ', '##ᆫ', '##ᄀ', '##ᅮ', '##ᆨ'])
      if (!(t in vocab)) vocab[t] = next++;
    out.push([`${d} (greek + jamo pieces)`, createTokenizer(aug, {})]);
  }
  return out;
}

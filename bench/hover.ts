// What a hover costs once the document is encoded (issue: hovers that cost nothing): the hovered occurrence's
// neighbours and its similarity to the other occurrences, against one 128-token forward of the same model.
import fs from 'node:fs';
import path from 'node:path';
import type { Encoding, LoadedModel } from '../src/core/api';
import { createEngine } from '../src/core';
import { MAX_VECTORS_OCCURRENCES, neighboursOf, occurrences, otherOccurrences, similarities, vectors } from '../src/core/vectors';

type Add = (name: string, a: string, fa: () => Promise<unknown>, b: string, fb: () => Promise<unknown>) => Promise<void>;

/** About `tokens` tokens of ordinary English prose (the README, repeated), so "the" is frequent. */
function document(root: string, model: LoadedModel, tokens: number): string {
  const prose = fs.readFileSync(path.join(root, 'README.md'), 'utf8').replace(/[`|#*<>[\]()]/g, ' ');
  const reps = Math.ceil((tokens * 5) / prose.length) + 1; // ~5 characters per token
  return Array.from({ length: reps }, () => prose)
    .join('\n\n')
    .slice(0, tokens * 5 + model.info.maxPositions);
}

export async function hoverRows(root: string, dir: string, threads: number, add: Add): Promise<void> {
  const engine = createEngine({ threads, offline: true });
  const model = await engine.load(dir);
  try {
    const text = document(root, model, 10_000);
    const enc: Encoding = await engine.encode(model, text, { hiddenLayers: [model.info.layers] });
    const the = occurrences(enc, 'the');
    const counts = new Map<string, number>();
    for (const w of enc.tok.words) counts.set(w.text.toLowerCase(), (counts.get(w.text.toLowerCase()) ?? 0) + 1);
    // The rarest long word (the prose is repeated, so every word occurs a few times).
    const long = enc.tok.words
      .slice()
      .map((w, k) => [k, counts.get(w.text.toLowerCase())!] as const)
      .filter(([k]) => /^[a-z]{6,}$/i.test(enc.tok.words.get(k).text));
    const rare = long.reduce((m, x) => (x[1] < m[1] ? x : m))[0];
    const i = the[the.length >> 1];
    const hover = (wi: number) => async () => {
      neighboursOf(enc, wi, { top: 20 });
      similarities(enc, wi, otherOccurrences(enc, wi));
    };
    const ids = Array.from({ length: 128 }, (_, k) => (k === 0 ? 2 : k === 127 ? 3 : 1000 + k)); // [CLS] … [SEP]
    const forward = () => model.run([{ ids }], { hiddenLayers: [model.info.layers] });
    const label = `${enc.tok.tokens.length.toLocaleString('en')}-token document, "the" ×${the.length}`;
    await add(`hover "the" (${label}) vs one 128-token forward`, 'hover the', hover(i), '128-token run()', forward);
    await add(`hover "the" vs hover a rare word, same document`, 'hover the', hover(i), 'hover rare', hover(rare));
    const rareWord = enc.tok.words.get(rare).text;
    await add(
      `vectors --occurrence: "the" (×${the.length}) vs the rare "${rareWord}" (×${counts.get(rareWord.toLowerCase())})`,
      'the',
      async () => vectors(enc, 'the', { top: 5, occurrence: the.length >> 1 }),
      'rare',
      async () => vectors(enc, rareWord, { top: 5, occurrence: 0 }),
    );
    await add(
      `vectors "the": one occurrence vs all (the first ${Math.min(the.length, MAX_VECTORS_OCCURRENCES)} of ${the.length})`,
      'one occurrence',
      async () => vectors(enc, 'the', { top: 5, occurrence: the.length >> 1 }),
      'all occurrences',
      async () => vectors(enc, 'the', { top: 5 }),
    );
    // The word matrix is built once per encoding (a new document version); a copy of the encoding defeats the cache.
    await add(
      'word matrix build (once per document version) vs one 128-token forward',
      'matrix build',
      async () => neighboursOf({ ...enc }, i, { top: 1 }),
      '128-token run()',
      forward,
    );
  } finally {
    await engine.dispose();
  }
}

// Extension-host work per hover and per document version on a 2 MB file (issue 13: no whole-document work on the
// host thread per hover or keystroke), against one 128-token forward and against the whole-text message it replaced.
import fs from 'node:fs';
import path from 'node:path';
import { cjkShare, documentChoice } from '../src/core/auto';
import { analyse } from '../src/core/text/analysis';
import { analysisText } from '../src/core/text/segments';
import { KeptTexts, keptRanges } from '../src/core/text/kept';
import { keptDocInput, toWireDoc } from '../src/worker/protocol';

type Add = (name: string, a: string, fa: () => Promise<unknown>, b: string, fb: () => Promise<unknown>) => Promise<void>;

/** `calls`: how many times `add` calls each side of a row (warm-up included): one version is made per call. */
export async function hostRows(root: string, forward: () => Promise<unknown>, add: Add, calls: number): Promise<void> {
  const prose = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const code = fs.readFileSync(path.join(root, 'src', 'core', 'text', 'segments.ts'), 'utf8');
  const grow = (s: string) => s.repeat(Math.ceil(2e6 / s.length)).slice(0, 2e6);
  const [big, bigCode] = [grow(prose), grow(code)];
  // The extension keeps one KeptTexts per document version. A hover's document goes to the worker by postMessage,
  // which serializes it on the host thread: structuredClone does that (and the receiving side too: an upper bound).
  const kept = new KeptTexts(big);
  kept.blank();
  let cursor = 1_002_000;
  const visible = [{ start: 1_000_000, end: 1_004_000 }];
  const parts = async () => {
    const ranges = keptRanges(big.length, 300_000, visible, (cursor += 7))!;
    return structuredClone(toWireDoc(keptDocInput('file:///big.md', 1, kept, ranges)));
  };
  // Before 2026-12-01 23:00: the whole blanked text (built from slices of the cached blank) crossed on every hover.
  let top = 0;
  const whole = async () => {
    top = (top + 4096) % 900_000; // another view each time, as the text was built per hover
    return structuredClone(kept.get(keptRanges(big.length, 300_000, [{ start: 500_000 + top, end: 504_000 + top }], 502_000 + top)!));
  };
  await add(
    'host per hover, 2 MB prose over maxDocumentChars: the kept parts posted vs one 128-token forward',
    'parts',
    parts,
    '128-token run()',
    forward,
  );
  await add(
    'host per hover, 2 MB over maxDocumentChars: the kept parts posted vs the whole blanked text',
    'parts',
    parts,
    'whole text',
    whole,
  );
  // Per version: the extension makes each version's analysis from the previous one's (core/text/analysis.ts). The
  // versions are made before timing and flat, as TextDocument.getText() returns them; reading a character at the edit
  // flattens the analysed text (a concatenation), as the first use on the host would.
  const editor = (text: string, lang: string, rows: number) => {
    let a = analyse(text, lang);
    let seed = 3;
    const versions = Array.from({ length: rows * calls }, () => {
      const at = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % text.length;
      text = structuredClone(text.slice(0, at) + (text[at] === 'x' ? 'y' : 'x') + text.slice(at + 1));
      return { text, at };
    });
    return async () => {
      const v = versions.shift()!;
      a = analyse(v.text, lang, a);
      return a.text.charCodeAt(v.at) + documentChoice(a.units, a.han).share;
    };
  };
  const codeEdit = editor(bigCode, 'typescript', 2);
  await add(
    'host per version of a 2 MB code file, 1-character edit: analysis from the previous version vs one 128-token forward',
    'analyse',
    codeEdit,
    '128-token run()',
    forward,
  );
  await add(
    'host per version of a 2 MB code file, 1-character edit: analysis from the previous version vs from scratch',
    'analyse',
    codeEdit,
    'analysisText + cjkShare',
    async () => cjkShare(analysisText(bigCode, 'typescript').text),
  );
  await add(
    "host per version of 2 MB prose, 1-character edit: auto's document language from the previous version vs one 128-token forward",
    'analyse',
    editor(big, 'markdown', 1),
    '128-token run()',
    forward,
  );
}

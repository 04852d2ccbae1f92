// Extension-host work per hover and per document version on a 2 MB file (issue 13: no whole-document work on the
// host thread per hover or keystroke), against one 128-token forward and against the whole-text message it replaced.
import fs from 'node:fs';
import path from 'node:path';
import { cjkShare, documentChoice } from '../src/core/auto';
import { analyse, applyChanges } from '../src/core/text/analysis';
import { analysisText } from '../src/core/text/segments';
import { KeptTexts, keptRanges } from '../src/core/text/kept';
import { keptDocInput, toWireDoc } from '../src/worker/protocol';
import { seeded } from './prose';

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
    const ranges = keptRanges(big, 300_000, visible, (cursor += 7))!;
    return structuredClone(toWireDoc(keptDocInput('file:///big.md', 1, kept, ranges)));
  };
  // Before 2026-12-01 23:00: the whole blanked text (built from slices of the cached blank) crossed on every hover.
  let top = 0;
  const whole = async () => {
    top = (top + 4096) % 900_000; // another view each time, as the text was built per hover
    return structuredClone(kept.get(keptRanges(big, 300_000, [{ start: 500_000 + top, end: 504_000 + top }], 502_000 + top)!));
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
  // Per version: the extension makes each version's text from the previous one's and the editor's change events, and
  // its analysis from the previous analysis (core/text/analysis.ts applyChanges, analyse). Reading a character at the
  // edit flattens the analysed text (a concatenation), as the first use on the host would.
  const editor = (text: string, lang: string, rows: number, fromLines = false) => {
    let a = analyse(text, lang);
    const rand = seeded(3);
    // The edits, and (fromLines) each version as the lines the editor holds, made before timing.
    let t = text;
    const versions = Array.from({ length: rows * calls }, () => {
      const at = Math.floor(rand() * t.length);
      const change = { offset: at, length: 1, text: t[at] === 'x' ? 'y' : 'x' };
      t = t.slice(0, at) + change.text + t.slice(at + 1);
      return { change, lines: fromLines ? t.split('\n') : undefined };
    });
    return async () => {
      const { change, lines } = versions.shift()!;
      if (lines) {
        a = analyse(lines.join('\n'), lang, a); // before 2026-12-03: TextDocument.getText() joins its lines
      } else {
        const next = applyChanges(a.source, [change])!;
        a = analyse(next.source, lang, a, next.edit);
      }
      return a.text.charCodeAt(change.offset) + documentChoice(a.units, a.han).share;
    };
  };
  const codeEdit = editor(bigCode, 'typescript', 3);
  await add(
    'host per version of a 2 MB code file, 1-character edit: made from the change event and the previous analysis vs one 128-token forward',
    'analyse',
    codeEdit,
    '128-token run()',
    forward,
  );
  await add(
    'host per version of a 2 MB code file, 1-character edit: from the change event vs the document read whole (getText)',
    'change event',
    codeEdit,
    'read whole',
    editor(bigCode, 'typescript', 1, true),
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

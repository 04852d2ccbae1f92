// Extension-host work per hover and per document version on a 2 MB file (issue 13: no whole-document work on the
// host thread per hover or keystroke), against one 128-token forward and against the per-character code it replaced.
import fs from 'node:fs';
import path from 'node:path';
import { analysisText, blankOf, limitToVisible } from '../src/core/text/segments';

type Add = (name: string, a: string, fa: () => Promise<unknown>, b: string, fb: () => Promise<unknown>) => Promise<void>;

/** The keepOnly of commit 29c9b4c: a string per character, joined. */
function keepOnlyPerChar(text: string, keep: Array<{ start: number; end: number }>): string {
  const chars = text.replace(/[^\n]/g, ' ').split('');
  for (const r of keep) for (let i = Math.max(0, r.start); i < Math.min(text.length, r.end); i++) chars[i] = text[i]!;
  return chars.join('');
}

export async function hostRows(root: string, forward: () => Promise<unknown>, add: Add): Promise<void> {
  const prose = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const code = fs.readFileSync(path.join(root, 'src', 'core', 'text', 'segments.ts'), 'utf8');
  const grow = (s: string) => s.repeat(Math.ceil(2e6 / s.length)).slice(0, 2e6);
  const [big, bigCode] = [grow(prose), grow(code)];
  const blank = blankOf(big); // cached per document version by the extension (Documents.blank)
  const visible = [{ start: 1_000_000, end: 1_004_000 }];
  // charCodeAt flattens the result: the worker message would copy it whole anyway.
  const hover = async () => limitToVisible(big, 300_000, visible, 1_002_000, 2000, () => blank).text.charCodeAt(1);
  await add(
    'host per hover, 2 MB prose over maxDocumentChars: visible part vs one 128-token forward',
    'limitToVisible',
    hover,
    '128-token run()',
    forward,
  );
  await add('host per hover, 2 MB: slices of a cached blank vs per-character keepOnly', 'slices', hover, 'per character', async () =>
    keepOnlyPerChar(big, [...visible, { start: 1_000_000, end: 1_004_000 }]).charCodeAt(1),
  );
  await add(
    'host per version of a 2 MB code file: analysisText vs one 128-token forward',
    'analysisText',
    async () => analysisText(bigCode, 'typescript').text.charCodeAt(1),
    '128-token run()',
    forward,
  );
}

// What text a result came from, in the user's words: every result of a large or long document names its scope.
import * as vscode from 'vscode';

export interface Read {
  start: number;
  end: number; // characters of the document the model read
  whole: boolean; // all of the text it was given (after the large-document cut)
}

/** "the whole document", "lines 3–9 (the window around the word)", "lines 3–9 (large document: …)". */
export function scopeText(doc: vscode.TextDocument, read: Read, limited: boolean, what: 'word' | 'paragraph' | 'answer' = 'word'): string {
  const l10n = vscode.l10n;
  if (read.whole && !limited && what === 'word') return l10n.t('the whole document');
  const a = doc.positionAt(read.start).line + 1;
  const b = doc.positionAt(Math.max(read.start, read.end - 1)).line + 1;
  const lines = a === b ? l10n.t('line {0}', a) : l10n.t('lines {0}–{1}', a, b);
  if (limited) return l10n.t('{0} (large document: only the visible part and the text near the cursor are read)', lines);
  if (what === 'answer') return l10n.t('{0} (the passage around the answer)', lines);
  return what === 'paragraph'
    ? l10n.t('{0} (the paragraph around the cursor)', lines)
    : l10n.t('{0} (the window of text around the word)', lines);
}

// vscode-free helpers of the hover: how an occurrence link reads (tested in plain Node).

/**
 * A few whole words either side of [start, end) on its own line, with "…" where the line goes on:
 * "…sat on the bank of the…". Occurrences on one line differ by their neighbours, not only by column.
 */
export function snippet(text: string, start: number, end: number, around = 3): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const nl = text.indexOf('\n', end);
  const lineEnd = nl < 0 ? text.length : nl;
  const left = text.slice(lineStart, start).split(/\s+/).filter(Boolean);
  const right = text.slice(end, lineEnd).split(/\s+/).filter(Boolean);
  // A word glued to the occurrence ("bank," / "(bank") stays attached to it.
  const glueL = /\S$/.test(text.slice(lineStart, start)) ? (left.pop() ?? '') : '';
  const glueR = /^\S/.test(text.slice(end, lineEnd)) ? (right.shift() ?? '') : '';
  const l = left.slice(-around),
    r = right.slice(0, around);
  const pre = (left.length > around ? '…' : '') + l.join(' ') + (l.length ? ' ' : '');
  const post = (r.length ? ' ' : '') + r.join(' ') + (right.length > around ? '…' : '');
  return `${pre}${glueL}${text.slice(start, end)}${glueR}${post}`.trim();
}

/** "3:14" — line and column as VS Code's status bar counts them (from 1). */
export const lineColumn = (pos: { line: number; character: number }) => `${pos.line + 1}:${pos.character + 1}`;

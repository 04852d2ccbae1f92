// vscode-free helpers of the hover: how an occurrence link reads (tested in plain Node).
import { inContext } from '../core/text/context';

/**
 * The words around [start, end) on its own line, about 16 characters each side, with "…" where the line goes on:
 * "…on the bank of the river…". Occurrences on one line differ by their neighbours, not only by column; a long
 * Chinese line is cut too (core/text/context.ts: each character is a word).
 */
export function snippet(text: string, start: number, end: number): string {
  return inContext(text, start, end, 16, { line: true });
}

/** "3:14" — line and column as VS Code's status bar counts them (from 1). */
export const lineColumn = (pos: { line: number; character: number }) => `${pos.line + 1}:${pos.character + 1}`;

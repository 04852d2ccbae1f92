// Terminal output for the CLI: aligned tables, numbers, bars, and a progress line on stderr.

/** Display width: CJK and emoji take two columns, combining marks none (close enough for aligned tables). */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (/\p{M}|[\u200B-\u200F\uFEFF]/u.test(ch)) continue;
    w +=
      cp >= 0x1100 &&
      /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF00-\uFF60]|\p{Extended_Pictographic}/u.test(
        ch,
      )
        ? 2
        : 1;
  }
  return w;
}

const pad = (s: string, n: number, right: boolean) => {
  const fill = ' '.repeat(Math.max(0, n - width(s)));
  return right ? fill + s : s + fill;
};

/** Printable form of a text slice: control characters and newlines made visible. */
export function show(s: string): string {
  return s
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Columns whose header starts with '>' (or whose cells are all numbers) are right-aligned. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  return [...tableLines(headers, rows.length, (i) => rows[i])].join('\n');
}

/**
 * The lines of `table`, for rows made one at a time: two passes over `rowAt` (widths, then lines), so a table of
 * millions of rows (the tokens of a 10 MB document) never holds its cells or its text at once.
 */
export function* tableLines(headers: string[], n: number, rowAt: (i: number) => Array<string | number>): Generator<string> {
  const cell = (x: string | number) => (typeof x === 'number' ? fmt(x) : show(x));
  const head = headers.map((h) => h.replace(/^>/, ''));
  const right = headers.map((h) => h.startsWith('>'));
  const numeric = headers.map(() => n > 0);
  const w = head.map(width);
  for (let i = 0; i < n; i++) {
    const r = rowAt(i);
    for (let c = 0; c < head.length; c++) {
      if (typeof r[c] !== 'number') numeric[c] = false;
      w[c] = Math.max(w[c], width(r[c] === undefined ? '' : cell(r[c])));
    }
  }
  const line = (r: string[]) =>
    r
      .map((x, c) => pad(x, w[c], right[c] || numeric[c]))
      .join('  ')
      .trimEnd();
  yield line(head);
  yield w.map((k) => '─'.repeat(k)).join('  ');
  for (let i = 0; i < n; i++) yield line(rowAt(i).map(cell));
}

export function fmt(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(2);
}

export function bar(v: number, max = 1, n = 20): string {
  const k = Math.max(0, Math.min(n, Math.round((v / (max || 1)) * n)));
  return '█'.repeat(k);
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** A progress bar on stderr when it is a TTY; otherwise only a final summary line. */
export class Progress {
  private last = 0;
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(label: string, done: number, total: number, unit: 'bytes' | 'count' = 'count'): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.last < 80 && done < total) return;
    this.last = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const n = 24;
    const fill = Math.round(frac * n);
    const amount = unit === 'bytes' ? `${bytes(done)}${total ? ' / ' + bytes(total) : ''}` : `${done}/${total}`;
    this.stream.write(
      `\r\x1b[K${label} [${'#'.repeat(fill)}${'.'.repeat(n - fill)}] ${total ? Math.round(frac * 100) + '% ' : ''}${amount}`,
    );
    this.shown = true;
  }

  /** Always printed (TTY or not), so logs show what happened. */
  done(line: string): void {
    if (this.shown && this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.shown = false;
    this.stream.write(line + '\n');
  }

  clear(): void {
    if (this.shown && this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

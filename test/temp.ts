// Temp folders for tests, removed when the test process exits: a run of `npm test` left ~8 MB in about 40 folders
// behind (downloads' caches, broken-model copies, panel pages), and they pile up run after run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const temps: string[] = [];
process.on('exit', () => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A new folder `<tmpdir>/<prefix>XXXXXX` that is gone after the test process. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

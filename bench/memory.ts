// Memory against issue 13's goals, each probe in a process of its own so that the benchmark's own sessions are not
// counted: the inference worker's RSS growth after a 50,000-character document over its loaded embedded models
// (scripts/memory/worker-probe.ts, English and Chinese), and with --shapes a BERT-base-shaped int8 model's peak while
// loading and RSS after the same document, as multiples of its file (scripts/memory/load-probe.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAverage } from './pair';

export interface MemoryRow {
  name: string;
  value: string;
  goal: string;
  command: string;
  load: number;
}

/** Runs `node ARGS` in `root`; its last stdout line as JSON, or throws with its stderr's last line. */
function probe(root: string, args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 2 ** 26 });
  const last = (s: string) => s.trim().split('\n').pop() ?? '';
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${last(r.stderr ?? '')}`);
  return JSON.parse(last(r.stdout)) as Record<string, unknown>;
}

/** A seeded 50,000-character document of the repository's prose (scripts/memory/corpus.mjs), as a file. */
function documentFile(root: string, zh: boolean): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bert-lens-bench-')), zh ? 'zh.txt' : 'en.txt');
  const script = `import { makeDocument } from './scripts/memory/corpus.mjs'; process.stdout.write(makeDocument(50000, { zh: ${zh} }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 2 ** 24 });
  if (r.status !== 0) throw new Error(`making the document failed: ${r.stderr}`);
  fs.writeFileSync(file, r.stdout);
  return file;
}

/** The memory rows, or why there are none (the worker bundle is built by `npm run build`). */
export function memoryRows(root: string, bertBase: string | undefined): MemoryRow[] | string {
  if (!fs.existsSync(path.join(root, 'dist', 'worker.js'))) return 'dist/worker.js is missing: run `npm run build` first';
  const out: MemoryRow[] = [];
  for (const zh of [false, true]) {
    const doc = documentFile(root, zh);
    const command = `node --import tsx scripts/memory/worker-probe.ts DOC (a 50,000-character ${zh ? 'Chinese' : 'English'} document)`;
    const j = probe(root, ['--import', 'tsx', 'scripts/memory/worker-probe.ts', doc]) as {
      rss: { loaded: number; after: number };
      windows: number;
    };
    out.push({
      name: `inference worker, embedded ${zh ? 'Chinese' : 'English'} models: RSS growth after the document (${j.windows} windows) and one hover`,
      value: `+${j.rss.after - j.rss.loaded} MB (${j.rss.loaded} → ${j.rss.after} MB)`,
      goal: '≤ 150 MB',
      command,
      load: loadAverage(),
    });
    if (bertBase && !zh) {
      const k = probe(root, ['--expose-gc', '--import', 'tsx', 'scripts/memory/load-probe.ts', bertBase, doc]) as Record<string, number>;
      const cmd = `node --expose-gc --import tsx scripts/memory/load-probe.ts ${path.relative(root, bertBase)} DOC`;
      out.push({
        name: `BERT-base-shaped int8 model (${k.fileMb} MB file): peak RSS while loading, over the file`,
        value: `${k.loadPeakX}× (${k.loadPeakMb} MB)`,
        goal: '≤ 2×',
        command: cmd,
        load: loadAverage(),
      });
      out.push({
        name: `the same model after the document (${k.windows} windows, one hover): RSS over the file`,
        value: `${k.afterX}× (${k.afterMb} MB)`,
        goal: '≤ 3×',
        command: cmd,
        load: loadAverage(),
      });
    }
    fs.rmSync(path.dirname(doc), { recursive: true, force: true });
  }
  return out;
}

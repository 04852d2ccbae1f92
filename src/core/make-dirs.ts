// `mkdir -p` that always returns. Node's own (`fs.mkdir(dir, { recursive: true })`, sync and async, Node 20–22)
// spins forever at 100% CPU when a parent exists but the kernel still answers ENOENT for the child — any path under
// /proc — because it takes ENOENT to mean "make the parent first" and retries. A --cache-dir, --out or XDG_CACHE_HOME
// pointing there hung the CLI (and would hang the worker); here each missing folder is made once, outermost first,
// and the first error is thrown as the system gave it.
import fs from 'node:fs';
import path from 'node:path';

export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  let st = fs.statSync(d, { throwIfNoEntry: false });
  while (!st) {
    missing.push(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
    st = fs.statSync(d, { throwIfNoEntry: false });
  }
  if (st && !st.isDirectory() && !missing.length) fs.mkdirSync(d); // a file in the folder's place: EEXIST, as Node says
  for (const m of missing.reverse()) {
    try {
      fs.mkdirSync(m);
    } catch (e) {
      // Made meanwhile by another process (two windows downloading the same model): fine if it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(m).isDirectory()) throw e;
    }
  }
}

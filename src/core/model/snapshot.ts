// A model file from a user's folder is mapped from a snapshot in the cache, never from the user's own file: an exporter
// rewrites that file in place, and a file truncated under a mapping faults (SIGBUS), which would take the extension host
// down (model/mapped.ts). A snapshot is a copy — a reflink where the file system has them (btrfs, XFS, APFS), so free —
// made under a temporary name and renamed, in a folder named by the file's path, size, modification time and inode: a
// changed file gets a new snapshot. Making one removes the older snapshots of the same file and those of files that are
// gone or have changed since, so the cache holds one copy per model file in use.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { makeDirs } from '../make-dirs';
import { externalDataNames, MAX_BINARY_BYTES } from './files';

/** Under the download cache; a dot name, which no hub organisation can have (store.ts skips it when listing). */
export const SNAPSHOTS = '.snapshots';
/** Written last into a snapshot's folder: the source file's path. A folder without it is a copy in progress. */
const SOURCE = 'source.txt';
/** A folder still without SOURCE after this long was left by a process that died while copying. */
const STALE_MS = 60 * 60 * 1000;

/** The model file and its external-data files (model.onnx_data…), by name, in its folder. */
function filesOf(real: string): string[] {
  return [path.basename(real), ...externalDataNames(real)];
}

/** Identity of a model's content as far as the file system tells: a rewrite changes a file's size or modification time
 * (an atomic replace also its inode). The model file's own, then a digest of its external-data files' if it has any. */
function versionOf(real: string): string {
  const [own, ...data] = filesOf(real).map((f) => {
    const st = fs.statSync(path.join(path.dirname(real), f));
    return `${st.size}-${Math.round(st.mtimeMs)}-${st.ino}`;
  });
  return data.length ? `${own}-${createHash('sha1').update(data.join('|')).digest('hex').slice(0, 8)}` : own;
}

/**
 * The snapshot of `modelFile` (copied with its external-data files, model.onnx_data…) under `cacheDir`, made now if
 * there is none for its current content; undefined when it cannot be made (a read-only cache, a full disk, the file
 * changing while it was copied): the caller then loads from bytes.
 */
export function snapshotOf(modelFile: string, cacheDir: string): string | undefined {
  let dir: string | undefined;
  try {
    const real = fs.realpathSync(modelFile);
    const version = versionOf(real);
    const root = path.join(cacheDir, SNAPSHOTS);
    const home = path.join(root, createHash('sha1').update(real).digest('hex').slice(0, 16));
    dir = path.join(home, version);
    const out = path.join(dir, path.basename(real));
    if (fs.existsSync(path.join(dir, SOURCE))) return out;
    const from = path.dirname(real);
    const files = filesOf(real);
    // A device or pipe in a file's place would copy forever: such files are left to readBounded's refusal.
    if (!files.every((f) => plain(path.join(from, f)))) return undefined;
    makeDirs(dir);
    for (const f of files) {
      const tmp = path.join(dir, `${f}.part-${process.pid}-${threadId}`); // threads of one process may copy at once
      fs.copyFileSync(path.join(from, f), tmp, fs.constants.COPYFILE_FICLONE);
      fs.renameSync(tmp, path.join(dir, f));
    }
    if (versionOf(real) !== version) throw new Error('the model changed while it was copied');
    const tmp = path.join(dir, `${SOURCE}.part-${process.pid}-${threadId}`);
    fs.writeFileSync(tmp, real);
    fs.renameSync(tmp, path.join(dir, SOURCE));
    sweep(root, dir);
    return out;
  } catch {
    if (dir && !fs.existsSync(path.join(dir, SOURCE))) remove(dir);
    return undefined;
  }
}

/** Removes every snapshot but `keep` whose source is gone or has changed, and copies abandoned half-way. Errors are
 * ignored: a snapshot another process has open cannot be removed on Windows, and a later sweep will. */
function sweep(root: string, keep: string): void {
  for (const home of readdir(root)) {
    for (const v of readdir(path.join(root, home))) {
      const dir = path.join(root, home, v);
      if (dir === keep) continue;
      let stale: boolean;
      try {
        const source = fs.readFileSync(path.join(dir, SOURCE), 'utf8');
        stale = !fs.existsSync(source) || versionOf(source) !== v;
      } catch {
        stale = Date.now() - mtime(dir) > STALE_MS; // no SOURCE: in progress, or abandoned
      }
      // On POSIX a snapshot still mapped by another process may go: its pages stay until that process unmaps them.
      if (stale) remove(dir);
    }
    if (!readdir(path.join(root, home)).length) remove(path.join(root, home));
  }
}

function remove(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // open elsewhere (Windows): the next sweep
  }
}

function plain(file: string): boolean {
  const st = fs.statSync(file);
  return st.isFile() && st.size <= MAX_BINARY_BYTES;
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

// No file cites a path outside the repository (a reader of a clean clone cannot follow it: the sibling `shared/`
// folder of the development machine, or an absolute home/work path), and no Python training
// module edits sys.path (they import each other package-relatively and run as `python3 -m training.<module>`).
// The one allowed outside path is the training corpus's default location, documented with SHARED_CORPUS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { root } from '../worker/build-worker';

const TEXT = /\.(ts|mts|mjs|js|py|sh|md|json|css|html)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.work', '.git', 'build', 'fixtures', 'golden', 'artifacts', '__pycache__', 'img']);
// Where SHARED_CORPUS's default (the corpus beside the checkout) is defined and documented.
const CORPUS_DEFAULT = new Set(['training/paths.py', 'training/README.md', 'scripts/build-models.sh']);

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) {
      if (!SKIP_DIRS.has(e)) files(p, out);
    } else if (TEXT.test(e) && !e.endsWith('.map') && e !== 'package-lock.json' && e !== 'panel.js') out.push(p);
  }
  return out;
}

const tracked = ['src', 'test', 'docs', 'models', 'training', 'scripts', 'bench', 'media', '.ci']
  .flatMap((d) => files(path.join(root, d)))
  .concat(['README.md', 'CHANGELOG.md', 'package.json', 'esbuild.mjs', 'eslint.config.mjs'].map((f) => path.join(root, f)));

/** A `../shared…` path that leads to an existing file or folder of the repository, read from the citing file's folder
 * (an import) or from the root (a path in prose); a module path may omit its `.ts`. */
function inside(rel: string, cited: string): boolean {
  return [path.dirname(path.join(root, rel)), root].some((from) => {
    const p = path.resolve(from, cited);
    return (
      !path.relative(root, p).startsWith('..') &&
      [p, `${p}.ts`].some((q) => {
        try {
          statSync(q);
          return true;
        } catch {
          return false;
        }
      })
    );
  });
}

test('no file cites a path outside the repository', () => {
  const bad: string[] = [];
  for (const f of tracked) {
    const rel = path.relative(root, f).split(path.sep).join('/');
    if (rel === 'test/scripts/repo-paths.test.ts' || CORPUS_DEFAULT.has(rel)) continue;
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:\.\.\/)+shared(?:\/[\w.-]+)*/g)) if (!inside(rel, m[0])) bad.push(`${rel}: ${m[0]}`);
    for (const m of text.matchAll(/\/(?:work|home|Users)\/[\w.-]+/g)) bad.push(`${rel}: ${m[0]}`);
  }
  assert.deepEqual(bad, []);
});

test('training modules import each other package-relatively, without sys.path edits', () => {
  const dir = path.join(root, 'training');
  const modules = readdirSync(dir).filter((f) => f.endsWith('.py'));
  assert.ok(modules.includes('__init__.py'));
  const names = modules.map((f) => f.slice(0, -3)).filter((n) => n !== '__init__');
  const absolute = new RegExp(`^\\s*(from (${names.join('|')}) import|import (${names.join('|')})\\b)`, 'm');
  for (const f of modules) {
    const src = readFileSync(path.join(dir, f), 'utf8');
    assert.doesNotMatch(src, /sys\.path\.(insert|append)/, f);
    assert.doesNotMatch(src, absolute, f);
  }
});

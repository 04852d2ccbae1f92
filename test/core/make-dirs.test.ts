// makeDirs (src/core/make-dirs.ts): mkdir -p that always returns. Node's recursive mkdir spins forever at 100% CPU
// on a path under /proc (--cache-dir /proc/x hung the CLI), so that case runs in a child process with a time limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeDirs } from '../../src/core/make-dirs';
import { tempDir } from '../temp';

const MODULE = path.resolve(__dirname, '../../src/core/make-dirs.ts');

test('makes every missing folder, outermost first; an existing folder is fine', () => {
  const root = tempDir('bert-lens-mkdirs-');
  const deep = path.join(root, 'a', 'b', 'c');
  makeDirs(deep);
  assert.ok(fs.statSync(deep).isDirectory());
  makeDirs(deep);
  makeDirs(root);
  makeDirs(path.relative(process.cwd(), path.join(root, 'a', 'rel')));
  assert.ok(fs.statSync(path.join(root, 'a', 'rel')).isDirectory(), 'a relative path resolves from the working folder');
});

test('a file in the way or a dangling link throws the system error, as Node does', () => {
  const root = tempDir('bert-lens-mkdirs-');
  const file = path.join(root, 'file');
  fs.writeFileSync(file, 'x');
  assert.throws(() => makeDirs(file), { code: 'EEXIST' });
  assert.throws(() => makeDirs(path.join(file, 'sub')), { code: 'ENOTDIR' });
  fs.symlinkSync(path.join(root, 'gone'), path.join(root, 'link'));
  assert.throws(
    () => makeDirs(path.join(root, 'link', 'sub')),
    (e: NodeJS.ErrnoException) => !!e.code,
  );
});

test('a folder under /proc fails at once with ENOENT (Node 20–22 loop there forever)', { skip: !fs.existsSync('/proc/self') }, () => {
  const script = `const { makeDirs } = require(${JSON.stringify(MODULE)});
try { makeDirs('/proc/bert-lens-no/such'); console.log('made'); } catch (e) { console.log(e.code); }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, `makeDirs did not return within 20 s (killed by ${r.signal})`);
  assert.equal(r.stdout.trim(), 'ENOENT', r.stderr);
});

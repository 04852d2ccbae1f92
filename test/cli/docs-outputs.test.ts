// The README and docs/CLI.md quote real CLI runs. This re-runs every quoted command with the built CLI and the
// embedded models and fails when an output no longer matches what the docs show (fix: npm run docs:refresh).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve('scripts/refresh-docs.mjs');
const check = (...files: string[]) => spawnSync(process.execPath, [SCRIPT, '--check', ...files], { encoding: 'utf8', timeout: 600_000 });

describe('documented CLI outputs', () => {
  it('README.md and docs/CLI.md show what the CLI prints now', () => {
    const r = check();
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('a stale output is caught', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bert-lens-docs-'));
    try {
      const doc = path.join(dir, 'doc.md');
      const cmd = "$ bert-lens tokens --model test/fixtures/tiny-bert --text 'hello world'";
      writeFileSync(doc, ['# t', '```', cmd, 'an output the CLI never printed', '```', ''].join('\n'));
      const stale = check(doc);
      assert.equal(stale.status, 1, stale.stdout);
      assert.match(stale.stdout, /output differs for: bert-lens tokens/);
      // refreshing writes the real output, after which the check passes
      const fix = spawnSync(process.execPath, [SCRIPT, doc], { encoding: 'utf8' });
      assert.equal(fix.status, 0, fix.stderr);
      assert.doesNotMatch(readFileSync(doc, 'utf8'), /never printed/);
      assert.equal(check(doc).status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

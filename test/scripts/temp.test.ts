// test/temp.ts: the temp folders tests make are gone once their process exits (they used to pile up in /tmp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

test('a tempDir() folder, with files in it, is removed when the process exits, also after a failure', () => {
  const helper = path.resolve(__dirname, '../temp.ts');
  for (const exit of ['', 'process.exitCode = 1;']) {
    const script =
      `const { tempDir } = require(${JSON.stringify(helper)}); const fs = require('node:fs');` +
      `const d = tempDir('bert-lens-temp-test-'); fs.mkdirSync(d + '/sub'); fs.writeFileSync(d + '/sub/f', 'x');` +
      `console.log(d); ${exit}`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    const dir = r.stdout.trim();
    assert.match(dir, /bert-lens-temp-test-/, r.stderr);
    assert.equal(existsSync(dir), false, `${dir} is still there`);
  }
});

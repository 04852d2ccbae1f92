// Runs node's test runner (through tsx) over test/<area>/**/*.test.ts. Node 20 has no glob support in --test,
// so the files are listed here. Usage: node scripts/run-tests.mjs [area-or-path-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const areas = ['test/core', 'test/cli', 'test/worker', 'test/extension', 'test/webview', 'test/scripts'];
const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries.sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.test.ts')) files.push(p);
  }
};
areas.forEach(walk);
const chosen = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
if (chosen.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}
// Tests that start onnxruntime on their own (raw sessions, workers made by hand) must not queue its telemetry either;
// test/worker/telemetry.test.ts unsets this for the processes it checks (src/core/model/telemetry.ts says why).
const env = { ...process.env, ORT_DISABLE_TELEMETRY: process.env.ORT_DISABLE_TELEMETRY || '1' };
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...chosen], { stdio: 'inherit', env });
process.exit(r.status ?? 1);

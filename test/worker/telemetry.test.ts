// onnxruntime's telemetry stays off (src/core/model/telemetry.ts): a process that runs models through the engine, or
// through the extension's worker thread, leaves no telemetry device id or event queue and no /tmp/mat-debug-PID.log.
// Each case runs in a fresh process (onnxruntime latches the setting when it first starts) with its own cache folder
// and ORT_DISABLE_TELEMETRY unset, as on a user's machine.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { disableOrtTelemetry } from '../../src/core/model/telemetry';
import { tempDir } from '../temp';
import { buildWorker, root } from './build-worker';

const MODEL = path.join(root, 'test', 'fixtures', 'tiny-bert');
let workerScript: string;
before(async () => {
  workerScript = await buildWorker();
});

/** Runs `code` (the body of an async function, through tsx) in a new process; what onnxruntime left behind. */
function leftBehind(code: string) {
  const home = tempDir('bert-lens-telemetry-');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, 'cache') };
  delete env.ORT_DISABLE_TELEMETRY;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '-e', `(async () => { ${code} })().catch((e) => { console.error(e); process.exit(1); });`],
    { cwd: root, env, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ran/, 'the model ran');
  const files = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => path.join(e.parentPath, e.name))
      : [];
  const debugLog = `/tmp/mat-debug-${r.pid}.log`;
  const ours = path.join(home, 'cache', 'bert-lens'); // the engine's own snapshot cache
  return [...files(home).filter((f) => !f.startsWith(ours)), ...(existsSync(debugLog) ? [debugLog] : [])];
}

test('the engine (CLI, tests, benchmarks): no telemetry files', () => {
  const code = `const { createEngine } = require('./src/core/index.ts');
    const engine = createEngine({ dtype: 'fp32' });
    const m = await engine.load(${JSON.stringify(MODEL)});
    await engine.encode(m, 'We sat on the bank of the river.');
    await engine.dispose();
    console.log('ran');`;
  assert.deepEqual(leftBehind(code), []);
});

test("the extension's worker thread: no telemetry files (the host sets the variable: a worker's env never reaches native code)", () => {
  const code = `const { WorkerClient } = require('./src/extension/client.ts');
    const client = new WorkerClient({ script: ${JSON.stringify(workerScript)}, log: () => undefined });
    const s = await client.configure({ model: ${JSON.stringify(MODEL)}, qaModel: '', staticVectors: '', modelsDir: 'models',
      cacheDir: process.env.XDG_CACHE_HOME + '/bert-lens', hubEndpoint: 'http://127.0.0.1:9', offline: true, threads: 1, dtype: 'fp32' });
    if (s.encoder.state !== 'ready') throw new Error(JSON.stringify(s.encoder));
    await client.call.encode({ uri: 'file:///t.txt', version: 1, text: 'We sat on the bank of the river.' }, null, 'last', null);
    await client.dispose();
    console.log('ran');`;
  assert.deepEqual(leftBehind(code), []);
});

test('a value the user set is kept', () => {
  const before = process.env.ORT_DISABLE_TELEMETRY;
  try {
    process.env.ORT_DISABLE_TELEMETRY = '0';
    disableOrtTelemetry();
    assert.equal(process.env.ORT_DISABLE_TELEMETRY, '0');
    delete process.env.ORT_DISABLE_TELEMETRY;
    disableOrtTelemetry();
    assert.equal(process.env.ORT_DISABLE_TELEMETRY, '1');
  } finally {
    if (before === undefined) delete process.env.ORT_DISABLE_TELEMETRY;
    else process.env.ORT_DISABLE_TELEMETRY = before;
  }
});

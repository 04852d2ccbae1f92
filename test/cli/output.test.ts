// The built CLI's output reaches a slow pipe in full before the process exits (it used to be cut at the 64 KiB pipe
// buffer with exit 0), and arguments too long for onnxruntime-node (it reads /proc/self/cmdline and crashed with
// SIGSEGV from ~29,000 characters) are passed on intact.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../temp';

const CLI = path.resolve('dist/cli.js');
const BERT = 'test/fixtures/tiny-bert';

/** Runs the CLI with stdout on a pipe nobody reads until the process exits (or 4 s pass): a slow consumer. */
function runSlowReader(args: string[]): Promise<{ code: number | null; signal: string | null; bytes: number; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    let bytes = 0;
    let err = '';
    let code: number | null = null;
    let signal: string | null = null;
    let exited = false;
    child.stderr.on('data', (d) => (err += d));
    const drain = () => {
      child.stdout.on('data', (d: Buffer) => (bytes += d.length));
      child.stdout.resume();
    };
    const timer = setTimeout(drain, 4000);
    child.on('exit', (c, s) => {
      exited = true;
      code = c;
      signal = s;
      clearTimeout(timer);
      if (!child.stdout.readableFlowing) drain();
    });
    child.on('close', () => exited && resolve({ code, signal, bytes, err }));
  });
}

/** The same run with stdout on a file: writes to files are synchronous, so this is the complete output. */
function runToFile(args: string[]): number {
  const out = path.join(tempDir('bert-lens-out-'), 'out.json');
  const fd = openSync(out, 'w');
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: ['ignore', fd, 'pipe'], timeout: 60_000 });
  closeSync(fd);
  assert.equal(r.status, 0, String(r.stderr));
  return statSync(out).size;
}

describe('CLI output and arguments', () => {
  before(() => {
    if (!existsSync(CLI)) assert.equal(spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' }).status, 0);
  });

  it('a large --json output reaches a slow pipe in full before exit 0', async () => {
    const doc = path.join(tempDir('bert-lens-doc-'), 'doc.txt');
    writeFileSync(doc, 'The bank of the river was muddy, and the bank raised its rates. '.repeat(400));
    const args = ['tokens', '--json', '--model', BERT, '--file', doc];
    const full = runToFile(args);
    assert.ok(full > 512 * 1024, `expected a large output, got ${full} bytes`);
    const piped = await runSlowReader(args);
    assert.equal(piped.code, 0, piped.err);
    assert.equal(piped.bytes, full, 'bytes through the pipe = bytes written to a file');
  });

  it('a 40,000-character --text / --a / --question runs instead of crashing', () => {
    const long = 'the bank of the river was muddy . '.repeat(1200).slice(0, 40_000);
    assert.equal(long.length, 40_000);
    const cases: Array<[string[], (out: string) => void]> = [
      [
        ['tokens', '--json', '--model', BERT, '--text', long],
        (out) => assert.equal(JSON.parse(out).words.at(-1).end, long.trimEnd().length),
      ],
      [['nsp', '--json', '--model', BERT, '--a', long, '--b', 'It was late.'], (out) => assert.ok(Number.isFinite(JSON.parse(out).isNext))],
      [
        ['qa', '--json', '--model', 'test/fixtures/tiny-bert-qa', '--question', long.slice(0, 30_000), '--text', long],
        (out) => assert.ok(Array.isArray(JSON.parse(out).answers)),
      ],
    ];
    for (const [args, check] of cases) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 2 ** 20 });
      assert.equal(r.signal, null, `${args[0]}: killed by ${r.signal}`);
      assert.equal(r.status, 0, `${args[0]}: ${r.stderr}`);
      check(r.stdout);
    }
  });

  it('a relaunched CLI keeps stdin, exit codes and error messages', () => {
    const long = 'why was the bank muddy '.repeat(1800).slice(0, 40_000);
    const usage = spawnSync(process.execPath, [CLI, 'tokens', '--bogus', long], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(usage.status, 2, usage.stderr);
    assert.match(usage.stderr, /bogus.*bert-lens tokens --help/s);
    const runtime = spawnSync(process.execPath, [CLI, 'mask', '--model', BERT, '--text', long], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(runtime.status, 1, runtime.stderr);
    assert.match(runtime.stderr, /\[MASK\]/);
    const doc = 'The bank of the river was muddy.';
    const qa = spawnSync(process.execPath, [CLI, 'qa', '--json', '--model', 'test/fixtures/tiny-bert-qa', '--question', long], {
      input: doc,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(qa.status, 0, qa.stderr);
    for (const a of JSON.parse(qa.stdout).answers) assert.equal(doc.slice(a.start, a.end), a.text, 'the document came through stdin');
  });
});

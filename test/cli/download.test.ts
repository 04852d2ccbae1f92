// `bert-lens models download` against a real HTTP server on 127.0.0.1 that answers like the Hugging Face hub:
// progress summary on stderr, then the cached model works offline; a dead endpoint gives a clear runtime error.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tempDir } from '../temp';
import path from 'node:path';

const CLI = path.resolve('dist/cli.js');
const FIXTURE = path.resolve('test/fixtures/tiny-bert');

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }); // a hang fails, never blocks
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('bert-lens models download (local fake hub)', () => {
  let server: Server;
  let endpoint = '';
  const requests: string[] = [];
  before(async () => {
    if (!existsSync(CLI)) throw new Error('Build first: node esbuild.mjs');
    // GET /<org>/<name>/resolve/<rev>/<file> → the fixture's file; Range: bytes=0-0 → 206 with Content-Range.
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers.range ?? ''}`);
      const m = /^\/fake-org\/tiny-bert\/resolve\/[^/]+\/(.+)$/.exec(req.url ?? '');
      const file = m && path.join(FIXTURE, decodeURIComponent(m[1]));
      if (!file || !file.startsWith(FIXTURE) || !existsSync(file) || statSync(file).isDirectory()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
        return;
      }
      const body = readFileSync(file);
      if (req.headers.range === 'bytes=0-0') {
        res.writeHead(206, { 'content-range': `bytes 0-0/${body.length}`, 'content-length': '1' }).end(body.subarray(0, 1));
        return;
      }
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('downloads with a final progress line, then runs offline from the cache', async () => {
    const cache = tempDir('bert-lens-cache-');
    const d = await run(['models', 'download', 'fake-org/tiny-bert', '--hub-endpoint', endpoint, '--cache-dir', cache, '--dtype', 'fp32']);
    assert.equal(d.code, 0, d.err);
    assert.match(d.err, /Downloaded fake-org\/tiny-bert/);
    assert.match(d.out, /Ready: fake-org\/tiny-bert \(bert, 2 layers, fp32\)/);
    assert.ok(requests.some((r) => r.includes('onnx/model.onnx')));
    assert.ok(existsSync(path.join(cache, 'fake-org/tiny-bert/onnx/model.onnx')));
    const before = requests.length;
    const t = await run(['tokens', '--model', 'fake-org/tiny-bert', '--offline', '--cache-dir', cache, '--text', 'the bank', '--json']);
    assert.equal(t.code, 0, t.err);
    assert.deepEqual(
      JSON.parse(t.out).words.map((w: { text: string }) => w.text),
      ['the', 'bank'],
    );
    assert.equal(requests.length, before, 'offline: no request');
    const l = await run(['models', 'list', '--cache-dir', cache, '--json']);
    assert.ok(JSON.parse(l.out).models.some((m: { id: string; source: string }) => m.id === 'fake-org/tiny-bert' && m.source === 'hub'));
    // A download still running (its .part file belongs to a live process: this test) is listed as partial.
    writeFileSync(path.join(cache, 'fake-org/tiny-bert/onnx', `model_quantized.onnx.part-${process.pid}-1`), 'half');
    const p = await run(['models', 'list', '--cache-dir', cache]);
    assert.equal(p.code, 0, p.err);
    assert.match(p.out, /fake-org\/tiny-bert \(partial\)\s+hub\s+fp32/);
    assert.match(
      p.out,
      /Partial downloads \(finish with: bert-lens models download ID; or delete the folder\):\n {2}fake-org\/tiny-bert: unfinished onnx\/model_quantized\.onnx\.part-\d+-1\n/,
    );
  });

  it('a missing model or a dead endpoint is a runtime error (exit 1) naming the model', async () => {
    const cache = tempDir('bert-lens-cache-');
    const nf = await run(['models', 'download', 'fake-org/other-model', '--hub-endpoint', endpoint, '--cache-dir', cache]);
    assert.equal(nf.code, 1);
    assert.match(nf.err, /fake-org\/other-model/);
    const dead = await run(['models', 'download', 'fake-org/tiny-bert', '--hub-endpoint', 'http://127.0.0.1:9', '--cache-dir', cache]);
    assert.equal(dead.code, 1);
    assert.match(dead.err, /fake-org\/tiny-bert/);
    assert.ok(!/\n\s+at /.test(dead.err), 'no stack trace');
  });

  it(
    'a --cache-dir that cannot hold folders (under /proc) is a runtime error at once, not a hang',
    { skip: !existsSync('/proc/self') },
    async () => {
      // Node's recursive mkdir spins forever there (src/core/make-dirs.ts); the download and a local model's snapshot
      // both make folders in the cache.
      const d = await run(['models', 'download', 'fake-org/tiny-bert', '--hub-endpoint', endpoint, '--cache-dir', '/proc/bert-lens-cache']);
      assert.equal(d.code, 1, d.err);
      assert.match(d.err, /Cannot write \S+ for fake-org\/tiny-bert into the cache \/proc\/bert-lens-cache\S* \(ENOENT\)/);
      const local = await run(['mask', '--model', FIXTURE, '--cache-dir', '/proc/bert-lens-cache', '--text', 'the [MASK] bank']);
      assert.equal(local.code, 0, local.err);
    },
  );
});

// The hub download path for real: a node:http server on 127.0.0.1 that answers like the Hub, a temp cache,
// byte progress, load + run; and every failure mode (server down, 404, 500, cut transfers resumed with Range,
// checksums, offline).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DownloadProgress } from '../../../src/core/api';
import { BertLensError, listModels, loadModel, resolveModel, verifyModel, type ModelDownloadProgress } from '../../../src/core/model';
import { closedPort, startHub, type FakeHub } from './hub-server';
import * as ort from 'onnxruntime-node';
import { indexModel } from '../../../src/core/model/graph';
import { mappedStats } from '../../../src/core/model/mapped';
import { pruneOutputs } from '../../../src/core/model/prune';
import { externalized, fixture, golden, maxAbsDiff, rowsOf } from './helpers';
import { tempDir } from '../../temp';

const ID = 'fake-org/tiny-bert';
const QA = 'fake-org/tiny-bert-qa';
const EXT = 'fake-org/tiny-bert-external';
const RECORD = 'bert-lens-download.json';
/** Retries wait 5 ms, 10 ms, 20 ms here instead of 1 s, 2 s, 4 s. */
const FAST = { downloadBackoffMs: 5 };
const sha256 = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');

function isErr(code: string, ...parts: Array<string | RegExp>) {
  return (e: unknown) => {
    assert.ok(e instanceof BertLensError, `not a BertLensError: ${e}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) assert.match(e.message, typeof p === 'string' ? new RegExp(p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')) : p);
    return true;
  };
}

/** Files left in a cache folder (relative paths). */
function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('hub download', () => {
  let hub: FakeHub;
  let cacheDir: string;
  before(async () => {
    hub = await startHub({ [ID]: fixture('tiny-bert'), [QA]: fixture('tiny-bert-qa'), [EXT]: externalized(fixture('tiny-bert'), 3) });
  });
  after(() => hub.close());
  beforeEach(() => {
    cacheDir = tempDir('bert-lens-cache-');
    hub.requests.length = 0;
    hub.faults.notFound = hub.faults.dropAfterHalf = hub.faults.cutFile = hub.faults.gzip = undefined;
    hub.faults.silent = hub.faults.stall = hub.faults.oversize = undefined;
    hub.faults.dropOnce = hub.faults.error500 = hub.faults.wrongSha = hub.faults.ignoreRange = undefined;
  });

  it('downloads with byte progress into the cache, loads and runs; offline afterwards makes no request', async () => {
    const events: DownloadProgress[] = [];
    const m = await loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint }, { onProgress: (p) => events.push(p) });
    try {
      assert.equal(m.info.source, 'hub');
      assert.equal(m.info.dtype, 'int8', 'auto picks the published quantized file');
      assert.equal(m.info.dir, path.join(cacheDir, ID));
      const got = files(m.info.dir);
      assert.deepEqual(got, [
        RECORD,
        'config.json',
        'onnx/model_quantized.onnx',
        'special_tokens_map.json',
        'tokenizer.json',
        'tokenizer_config.json',
      ]);
      // The record: size and SHA-256 of every file, as checked (the .onnx against the hub's X-Linked-Etag).
      const record = JSON.parse(fs.readFileSync(path.join(m.info.dir, RECORD), 'utf8')) as {
        files: Record<string, { size: number; sha256: string }>;
      };
      assert.deepEqual(
        Object.keys(record.files).sort(),
        got.filter((f) => f !== RECORD),
      );
      for (const [f, r] of Object.entries(record.files)) {
        assert.equal(r.size, fs.statSync(path.join(m.info.dir, f)).size, f);
        assert.equal(r.sha256, sha256(path.join(m.info.dir, f)), f);
      }
      // Progress: per file, bytes add up to the file size, the last event has loaded === total.
      const last = new Map<string, DownloadProgress>();
      const prev = new Map<string, number>();
      for (const e of events) {
        assert.equal(e.model, ID);
        assert.ok(e.loaded >= (prev.get(e.file) ?? 0), `monotone ${e.file}`);
        prev.set(e.file, e.loaded);
        last.set(e.file, e);
      }
      let all = 0;
      for (const f of got.filter((x) => x !== RECORD)) {
        const size = fs.statSync(path.join(m.info.dir, f)).size;
        assert.equal(last.get(f)?.loaded, size, f);
        assert.equal(last.get(f)?.total, size, f);
        all += size;
      }
      // Totals over the whole download, for a single progress bar.
      const end = events[events.length - 1] as ModelDownloadProgress;
      assert.deepEqual([end.overallLoaded, end.overallTotal], [all, all]);
      assert.ok(
        events.every(
          (e, i) => i === 0 || (e as ModelDownloadProgress).overallLoaded >= (events[i - 1] as ModelDownloadProgress).overallLoaded,
        ),
      );
      assert.ok(
        hub.requests.some((r) => r.range === 'bytes=0-0'),
        'sizes probed with Range: bytes=0-0',
      );
      assert.ok(
        hub.requests.some((r) => r.url.startsWith('/__cdn/') && r.range === 'bytes=0-0'),
        'Range survives the LFS redirect',
      );
      assert.ok(
        hub.requests.some((r) => r.url.startsWith('/__cdn/') && !r.range),
        'the .onnx came through the redirect',
      );
      // The downloaded model equals the local folder's int8 model.
      const local = await loadModel(fixture('tiny-bert'), {}, { dtype: 'int8' });
      const rows = rowsOf(golden('tiny-bert').cases[0]);
      const req = { mlmPositions: [rows[0].ids.map((_, i) => i)], attentionLayers: [1] };
      const [a] = await m.run(rows, req);
      const [b] = await local.run(rows, req);
      assert.equal(maxAbsDiff(a.mlmLogits!, b.mlmLogits!), 0);
      await local.dispose();
    } finally {
      await m.dispose();
    }
    hub.requests.length = 0;
    const again = await loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint, offline: true });
    assert.equal(again.info.dtype, 'int8');
    await again.dispose();
    const online = await resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint });
    assert.equal(online.dir, path.join(cacheDir, ID));
    assert.equal(hub.requests.length, 0, 'a cached model is used without any request');
    const listed = await listModels({ cacheDir, modelsDir: tempDir('bert-lens-empty-') });
    assert.deepEqual(
      listed.map((x) => [x.id, x.source, x.dtypes]),
      [[ID, 'hub', ['int8']]],
    );
    assert.equal(
      listed[0].bytes,
      files(listed[0].dir).reduce((n, f) => n + fs.statSync(path.join(listed[0].dir, f)).size, 0),
    );
  });

  it('the cache is transformers.js-compatible: its FileCache loads our download with no network', async () => {
    const m = await loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint });
    const tj = await import('@huggingface/transformers');
    const saved = { ...tj.env };
    // Local lookup points at an empty folder, so only the FileCache (cacheDir) can answer.
    Object.assign(tj.env, {
      cacheDir,
      useFSCache: true,
      allowRemoteModels: false,
      allowLocalModels: true,
      localModelPath: tempDir('bert-lens-nolocal-'),
    });
    hub.requests.length = 0;
    try {
      const tok = await tj.AutoTokenizer.from_pretrained(ID);
      const peer = await tj.AutoModelForMaskedLM.from_pretrained(ID, { dtype: 'q8' });
      const enc = tok('the cat sat');
      const ids = Array.from(enc.input_ids.data as BigInt64Array, Number);
      const theirs = (await peer(enc)).logits.data as Float32Array;
      const [ours] = await m.run([{ ids }], { mlmPositions: [ids.map((_, i) => i)] });
      assert.ok(maxAbsDiff(ours.mlmLogits!, theirs) <= 1e-5);
      await peer.dispose();
      assert.equal(hub.requests.length, 0);
    } finally {
      Object.assign(tj.env, saved);
      await m.dispose();
    }
  });

  it('external data in chunks (model.onnx_data, _1, _2) is downloaded with the graph and loads', async () => {
    const m = await loadModel(EXT, { cacheDir, hubEndpoint: hub.endpoint });
    try {
      assert.deepEqual(files(path.join(m.info.dir, 'onnx')), ['model.onnx', 'model.onnx_data', 'model.onnx_data_1', 'model.onnx_data_2']);
      const local = await loadModel(fixture('tiny-bert'), {}, { dtype: 'fp32' });
      const rows = rowsOf(golden('tiny-bert').cases[0]);
      const [a] = await m.run(rows, { attentionLayers: [2], nsp: true });
      const [b] = await local.run(rows, { attentionLayers: [2], nsp: true });
      assert.ok(maxAbsDiff(a.attention[2], b.attention[2]) <= 1e-6);
      assert.ok(maxAbsDiff(a.nspLogits!, b.nspLogits!) <= 1e-5);
      await local.dispose();
    } finally {
      await m.dispose();
    }
  });

  it('a downloaded model runs with its weights mapped from the file: the outputs of a load from bytes, no graph file left', async () => {
    // A graph file left by a process that died before loading it is removed; one of a live process is not.
    const onnxDir = path.join(cacheDir, ID, 'onnx');
    await loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint }).then((m) => m.dispose());
    const dead = path.join(onnxDir, '.bert-lens-graph-999999999-1.onnx'); // beyond any pid_max
    const live = path.join(onnxDir, `.bert-lens-graph-${process.ppid}-1.onnx`);
    for (const f of [dead, live]) fs.writeFileSync(f, 'x');
    for (const dtype of ['int8', 'fp32'] as const) {
      const before = mappedStats.sessions;
      const m = await loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint }, { dtype });
      // The same files as an embedded model, which loads from bytes.
      const local = await loadModel('tiny-bert', { modelsDir: path.dirname(fixture('tiny-bert')) }, { dtype });
      try {
        assert.equal(local.info.source, 'embedded');
        assert.equal(mappedStats.sessions, before + 1, 'the encoder was made from a graph file beside the model');
        const rows = rowsOf(golden('tiny-bert').cases[0]);
        // Attention swaps in the tapped session: written and mapped the same way.
        const req = { hiddenLayers: [0, 2], attentionLayers: [1, 2], mlmPositions: rows.map(() => [1, 2]), nsp: true };
        const [a] = await m.run(rows, req);
        const [b] = await local.run(rows, req);
        assert.equal(mappedStats.sessions, before + 2, 'the tapped session too');
        for (const l of [0, 2]) assert.equal(maxAbsDiff(a.hidden[l], b.hidden[l]), 0, `${dtype} hidden ${l}`);
        for (const l of [1, 2]) assert.equal(maxAbsDiff(a.attention[l], b.attention[l]), 0, `${dtype} attention ${l}`);
        assert.equal(maxAbsDiff(a.mlmLogits!, b.mlmLogits!), 0);
        assert.equal(maxAbsDiff(a.nspLogits!, b.nspLogits!), 0);
        assert.deepEqual(
          files(m.info.dir).filter((f) => /bert-lens-graph/.test(f)),
          [path.relative(m.info.dir, live)],
        );
      } finally {
        await m.dispose();
        await local.dispose();
      }
    }
  });

  it('the graph written for a mapped load holds references, not weights, and loads beside the model file', async () => {
    const dir = tempDir('bert-lens-mapped-');
    const file = path.join(dir, 'model.onnx');
    fs.copyFileSync(path.join(fixture('tiny-bert'), 'onnx', 'model.onnx'), file);
    const g = indexModel(fs.readFileSync(file));
    const plain = pruneOutputs(g, [], []);
    g.external = 'model.onnx';
    const referenced = pruneOutputs(g, [], []);
    assert.ok(referenced.length < plain.length / 4, `${referenced.length} of ${plain.length} bytes`);
    const graphFile = path.join(dir, 'graph.onnx');
    fs.writeFileSync(graphFile, referenced);
    const feeds = (s: ort.InferenceSession) => {
      const t = (v: number) => new ort.Tensor('int64', BigInt64Array.from([2n, 7n, 9n, 3n].map((x) => (v < 0 ? x : BigInt(v)))), [1, 4]);
      return Object.fromEntries(s.inputNames.map((n) => [n, n === 'input_ids' ? t(-1) : n === 'attention_mask' ? t(1) : t(0)]));
    };
    const [x, y] = [await ort.InferenceSession.create(plain), await ort.InferenceSession.create(graphFile)];
    const [ox, oy] = [await x.run(feeds(x)), await y.run(feeds(y))];
    for (const k of x.outputNames) assert.equal(maxAbsDiff(ox[k].data as Float32Array, oy[k].data as Float32Array), 0, k);
    await x.release();
    await y.release();
  });

  it('dtype fp32 fetches onnx/model.onnx', async () => {
    const r = await resolveModel(QA, { cacheDir, hubEndpoint: hub.endpoint, dtype: 'fp32' });
    assert.equal(r.dtype, 'fp32');
    assert.ok(files(r.dir).includes('onnx/model.onnx'));
    assert.ok(!files(r.dir).includes('onnx/model_quantized.onnx'));
  });

  it('auto falls back to fp32 when the quantized file is missing (404)', async () => {
    hub.faults.notFound = new Set(['onnx/model_quantized.onnx']);
    const r = await resolveModel(QA, { cacheDir, hubEndpoint: hub.endpoint });
    assert.equal(r.dtype, 'fp32');
  });

  it('int8 asked but not published → DOWNLOAD_FAILED naming the file and suggesting fp32', async () => {
    hub.faults.notFound = new Set(['onnx/model_quantized.onnx']);
    const e = await loadModel(QA, { cacheDir, hubEndpoint: hub.endpoint }, { dtype: 'int8' }).catch((x: unknown) => x);
    isErr(
      'DOWNLOAD_FAILED',
      `Could not download onnx/model_quantized.onnx for ${QA} from ${hub.endpoint}: HTTP 404`,
      'use the fp32 file',
    )(e);
    assert.deepEqual((e as BertLensError).details.fix, [{ option: 'dtype', value: 'fp32' }, { option: 'model' }]);
  });

  it('server down → DOWNLOAD_FAILED naming model, file and remedy', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const e = await loadModel(ID, { cacheDir, hubEndpoint: endpoint, ...FAST }).catch((x: unknown) => x);
    isErr(
      'DOWNLOAD_FAILED',
      `for ${ID} from ${endpoint}`,
      'onnx/model_quantized.onnx',
      'connection refused',
      'mirror',
      'offline',
      '(4 attempts)',
    )(e);
    assert.deepEqual((e as BertLensError).details.fix, [{ option: 'hubEndpoint' }, { option: 'offline', value: true }]);
    assert.deepEqual(files(cacheDir), []);
  });

  it('404 for one file → the error names that file', async () => {
    hub.faults.notFound = new Set(['tokenizer.json']);
    await assert.rejects(
      loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint }),
      isErr('DOWNLOAD_FAILED', 'Could not download tokenizer.json', 'HTTP 404', 'Check the model id'),
    );
  });

  it('a connection cut on every attempt → DOWNLOAD_FAILED after the retries, nothing half-written, a later try succeeds', async () => {
    hub.faults.dropAfterHalf = new Set(['onnx/model_quantized.onnx']);
    await assert.rejects(
      loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint, ...FAST }),
      isErr(
        'DOWNLOAD_FAILED',
        'onnx/model_quantized.onnx',
        /broke after \d+ of \d+ bytes|sent \d+ of \d+ bytes/,
        'nothing partial was kept',
        '(4 attempts)',
      ),
    );
    // Each retry asked only for the rest: Range bytes=N- with N never going back (bytes still in flight when the
    // connection drops may be lost, so N need not grow every time).
    const resumes = hub.requests
      .filter((r) => r.url.startsWith('/__cdn/') && /^bytes=[1-9]\d*-$/.test(r.range ?? ''))
      .map((r) => Number(/\d+/.exec(r.range!)![0]));
    assert.equal(resumes.length, 3, JSON.stringify(hub.requests));
    assert.ok(
      resumes.every((n, i) => i === 0 || n >= resumes[i - 1]),
      `${resumes}`,
    );
    const left = files(path.join(cacheDir, ID));
    assert.ok(!left.some((f) => f.includes('onnx')), `left: ${left}`);
    await assert.rejects(loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint, offline: true }), isErr('OFFLINE'));
    hub.faults.dropAfterHalf = undefined;
    const m = await loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint });
    assert.equal(m.info.dtype, 'int8');
    await m.dispose();
  });

  it('a cut .onnx served with a matching length → CORRUPT_MODEL and not cached', async () => {
    hub.faults.cutFile = new Set(['onnx/model_quantized.onnx']);
    await assert.rejects(
      loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint }),
      isErr('CORRUPT_MODEL', 'onnx/model_quantized.onnx', ID, 'nothing was kept'),
    );
    assert.ok(!files(path.join(cacheDir, ID)).some((f) => f.includes('onnx')));
  });

  it('an unwritable cache → DOWNLOAD_FAILED saying so', async () => {
    const notADir = path.join(tempDir('bert-lens-file-'), 'cache');
    fs.writeFileSync(notADir, 'a file, not a folder');
    await assert.rejects(
      loadModel(ID, { cacheDir: notADir, hubEndpoint: hub.endpoint }),
      isErr('DOWNLOAD_FAILED', 'Cannot write', 'Free some disk space'),
    );
  });

  it('a server that gzips files anyway still gives byte-exact files', async () => {
    hub.faults.gzip = new Set(['tokenizer.json', 'config.json']);
    const r = await resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint });
    for (const f of ['tokenizer.json', 'config.json']) {
      assert.ok(fs.readFileSync(path.join(r.dir, f)).equals(fs.readFileSync(path.join(fixture('tiny-bert'), f))), f);
    }
  });

  it('a server that never answers, or stops sending, fails after the idle timeout; nothing partial is kept', async () => {
    const idle = { cacheDir, hubEndpoint: hub.endpoint, downloadIdleTimeoutMs: 400, ...FAST };
    hub.faults.silent = new Set(['config.json']);
    const t0 = Date.now();
    await assert.rejects(
      resolveModel(ID, idle),
      isErr(
        'DOWNLOAD_FAILED',
        'Could not download config.json',
        'the server did not answer within 0.4 s',
        'hub endpoint to a mirror',
        '(4 attempts)',
      ),
    );
    hub.faults.silent = undefined;
    hub.faults.stall = new Set(['onnx/model_quantized.onnx']);
    await assert.rejects(
      resolveModel(ID, idle),
      isErr(
        'DOWNLOAD_FAILED',
        'onnx/model_quantized.onnx',
        /no data arrived for 0\.4 s after 400 of \d+ bytes/,
        'Nothing partial was kept',
        '(4 attempts)',
      ),
    );
    assert.ok(Date.now() - t0 < 20_000, 'bounded by the idle timeout, not by the server');
    assert.ok(!files(cacheDir).some((f) => f.includes('.part-') || f.endsWith('.onnx')), files(cacheDir).join(', '));
  });

  it('a body longer than the announced size is cut off, not written on', async () => {
    hub.faults.oversize = new Set(['onnx/model_quantized.onnx']);
    await assert.rejects(
      resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint }),
      isErr('DOWNLOAD_FAILED', 'onnx/model_quantized.onnx', /the server sent more than the announced \d+ bytes/),
    );
    assert.ok(!files(cacheDir).some((f) => f.includes('.part-') || f.endsWith('.onnx')), files(cacheDir).join(', '));
  });

  it('a compressed binary (a gzip bomb in the making) is refused before inflating', async () => {
    hub.faults.gzip = new Set(['onnx/model_quantized.onnx']);
    await assert.rejects(
      resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint }),
      isErr('DOWNLOAD_FAILED', 'onnx/model_quantized.onnx', 'sent it compressed (Content-Encoding: gzip)', 'serves files unmodified'),
    );
    assert.ok(!files(cacheDir).some((f) => f.includes('.part-') || f.endsWith('.onnx')));
  });

  it('a connection cut once is resumed with Range: the file is byte-exact and checked against the SHA-256', async () => {
    hub.faults.dropOnce = new Set(['onnx/model_quantized.onnx']);
    const events: DownloadProgress[] = [];
    const m = await loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint, ...FAST }, { onProgress: (p) => events.push(p) });
    await m.dispose();
    const want = path.join(fixture('tiny-bert'), 'onnx/model_quantized.onnx');
    assert.ok(fs.readFileSync(path.join(cacheDir, ID, 'onnx/model_quantized.onnx')).equals(fs.readFileSync(want)));
    const half = fs.statSync(want).size >> 1;
    const resumedAt = hub.requests
      .filter((q) => q.url.startsWith('/__cdn/'))
      .map((q) => Number(/^bytes=(\d+)-$/.exec(q.range ?? '')?.[1] ?? 0))
      .filter((n) => n > 0);
    assert.ok(resumedAt.length === 1 && resumedAt[0] <= half, `asked for the rest from byte ${resumedAt} (half: ${half})`);
    const onnx = events.filter((e) => e.file === 'onnx/model_quantized.onnx').map((e) => e.loaded);
    assert.ok(
      onnx.every((n, i) => i === 0 || n >= onnx[i - 1]),
      'progress never goes back on a resume',
    );
    assert.equal((await verifyModel(ID, { cacheDir, offline: true })).ok, true);
  });

  it('a server that ignores Range on the resume: the download starts over and is still byte-exact', async () => {
    hub.faults.dropOnce = new Set(['onnx/model_quantized.onnx']);
    hub.faults.ignoreRange = new Set(['onnx/model_quantized.onnx']);
    const r = await resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint, ...FAST });
    assert.ok(fs.readFileSync(r.modelFile).equals(fs.readFileSync(path.join(fixture('tiny-bert'), 'onnx/model_quantized.onnx'))));
  });

  it('HTTP 500 is retried with backoff; a server that keeps failing → DOWNLOAD_FAILED after 4 attempts', async () => {
    hub.faults.error500 = new Map([['tokenizer.json', 2]]);
    const r = await resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint, ...FAST });
    assert.ok(fs.existsSync(path.join(r.dir, 'tokenizer.json')));
    assert.equal(hub.requests.filter((q) => q.url.endsWith('/tokenizer.json') && !q.range).length, 3, 'two 500s, then the file');
    hub.faults.error500 = new Map([['config.json', 99]]);
    await assert.rejects(
      resolveModel(ID, { cacheDir: tempDir('bert-lens-cache-'), hubEndpoint: hub.endpoint, ...FAST }),
      isErr('DOWNLOAD_FAILED', 'config.json', 'HTTP 500', '(4 attempts)'),
    );
  });

  it('a file that does not match the SHA-256 the hub announced → CORRUPT_MODEL, nothing kept', async () => {
    hub.faults.wrongSha = new Set(['onnx/model_quantized.onnx']);
    await assert.rejects(
      resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint, ...FAST }),
      isErr('CORRUPT_MODEL', 'onnx/model_quantized.onnx', 'does not match the checksum', 'nothing was kept'),
    );
    assert.ok(!files(cacheDir).some((f) => f.includes('.part-') || f.endsWith('.onnx')), files(cacheDir).join(', '));
  });

  it('models verify finds a downloaded file that changed on disk (its SHA-256 no longer matches the record)', async () => {
    const r = await resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint });
    const tok = path.join(r.dir, 'tokenizer_config.json');
    fs.writeFileSync(tok, fs.readFileSync(tok, 'utf8').replace('{', '{ '));
    const v = await verifyModel(ID, { cacheDir, offline: true });
    assert.equal(v.ok, false);
    assert.ok(
      v.problems.some((p) => /tokenizer_config\.json has \d+ bytes but was downloaded with \d+/.test(p)),
      v.problems.join('\n'),
    );
  });

  it('models list shows an incomplete download and unfinished .part files', async () => {
    hub.faults.dropAfterHalf = new Set(['onnx/model_quantized.onnx']);
    await assert.rejects(resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint, downloadRetries: 0 }));
    const part = path.join(cacheDir, ID, 'onnx', `model_quantized.onnx.part-${process.pid}-1700000000000`);
    fs.writeFileSync(part, 'in progress');
    const [m] = await listModels({ cacheDir, modelsDir: tempDir('bert-lens-empty-') });
    assert.equal(m.id, ID);
    assert.deepEqual(m.dtypes, []);
    assert.deepEqual(m.partial, { parts: [path.relative(path.join(cacheDir, ID), part)], missing: ['onnx/*.onnx'] });
    fs.rmSync(part);
    hub.faults.dropAfterHalf = undefined;
    await resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint });
    const [done] = await listModels({ cacheDir, modelsDir: tempDir('bert-lens-empty-') });
    assert.equal(done.partial, undefined);
  });

  it('partial files left by a killed process are removed before the next download', async () => {
    const dir = path.join(cacheDir, ID, 'onnx');
    fs.mkdirSync(dir, { recursive: true });
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max: no such process
    fs.writeFileSync(path.join(dir, `model_quantized.onnx.part-${deadPid}-1700000000000`), 'half a file');
    const r = await resolveModel(ID, { cacheDir, hubEndpoint: hub.endpoint });
    assert.ok(fs.existsSync(r.modelFile));
    assert.ok(!files(cacheDir).some((f) => f.includes('.part-')), files(cacheDir).join(', '));
  });

  it('offline with an empty cache → OFFLINE, and no request is made', async () => {
    await assert.rejects(
      loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint, offline: true }),
      isErr('OFFLINE', ID, 'offline mode', cacheDir),
    );
    assert.equal(hub.requests.length, 0);
  });

  it('cancellation via AbortSignal', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint }, { signal: ac.signal }), isErr('ABORTED'));
    const ac2 = new AbortController();
    const p = loadModel(ID, { cacheDir, hubEndpoint: hub.endpoint }, { signal: ac2.signal, onProgress: () => ac2.abort() });
    await assert.rejects(p, isErr('ABORTED'));
    assert.ok(!files(cacheDir).some((f) => f.includes('.part-')));
  });
});

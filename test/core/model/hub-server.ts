// A tiny Hugging Face-like file server on 127.0.0.1 for download tests: /{org}/{name}/resolve/{rev}/{file},
// Range bytes=N- → 206 + Content-Range, HEAD, .onnx files redirected (302, with the file's SHA-256 as X-Linked-Etag)
// to a "CDN" path like the Hub does for LFS files, and switchable faults (404, 500, cut connection, cut file, …).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface Faults {
  notFound?: Set<string>; // files answered with 404
  dropAfterHalf?: Set<string>; // full Content-Length header, then the socket closes halfway
  cutFile?: Set<string>; // serves the first half with an honest (short) Content-Length
  gzip?: Set<string>; // gzip-encoded body whatever the client asked for
  silent?: Set<string>; // the request is accepted and never answered
  stall?: Set<string>; // headers and the first 100 bytes, then nothing (connection left open)
  oversize?: Set<string>; // the file, then 1 MiB more, chunked (no Content-Length to stop the client)
  dropOnce?: Set<string>; // like dropAfterHalf, for the first full GET of the file only
  error500?: Map<string, number>; // HTTP 500 for the next n GETs of the file
  wrongSha?: Set<string>; // the redirect announces a SHA-256 that is not the file's
  ignoreRange?: Set<string>; // answers a resume (Range bytes=N-) with the whole file (200)
}

export interface FakeHub {
  endpoint: string;
  requests: Array<{ method: string; url: string; range?: string }>;
  faults: Faults;
  close(): Promise<void>;
}

export async function startHub(repos: Record<string, string>): Promise<FakeHub> {
  const requests: FakeHub['requests'] = [];
  const faults: Faults = {};
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '', range: req.headers.range });
    const url = decodeURI(req.url ?? '');
    const m = /^\/(?:__cdn\/)?([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url);
    const dir = m ? repos[m[1]] : undefined;
    const file = m?.[3] ?? '';
    const p = dir ? path.join(dir, file) : '';
    const found = !!dir && !faults.notFound?.has(file) && fs.existsSync(p) && fs.statSync(p).isFile();
    if (m && !url.startsWith('/__cdn/') && file.endsWith('.onnx') && found) {
      const sha = faults.wrongSha?.has(file) ? '0'.repeat(64) : createHash('sha256').update(fs.readFileSync(p)).digest('hex');
      res.writeHead(302, { Location: `/__cdn${url}`, 'X-Linked-Etag': `"${sha}"` }).end();
      return;
    }
    if (!found) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Entry not found');
      return;
    }
    if (faults.silent?.has(file)) return; // never answered; closeAllConnections() ends it
    let body = fs.readFileSync(p);
    if (faults.cutFile?.has(file)) body = body.subarray(0, body.length >> 1);
    if (req.headers.range === 'bytes=0-0') {
      res.writeHead(206, { 'Content-Range': `bytes 0-0/${body.length}`, 'Content-Length': '1' });
      res.end(req.method === 'HEAD' ? undefined : body.subarray(0, 1));
      return;
    }
    const fails = faults.error500?.get(file) ?? 0;
    if (fails > 0) {
      faults.error500!.set(file, fails - 1);
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    // A resume (Range bytes=N-) gets the rest with 206; the faults below apply to whatever part is sent.
    const from = faults.ignoreRange?.has(file) ? 0 : Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const head = (extra: Record<string, string> = {}) =>
      from > 0
        ? { 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}`, 'Content-Length': String(body.length - from), ...extra }
        : { 'Content-Length': String(body.length), ...extra };
    const status = from > 0 ? 206 : 200;
    const part = body.subarray(from);
    if (faults.dropOnce?.has(file)) {
      faults.dropOnce.delete(file);
      res.writeHead(status, head());
      res.write(part.subarray(0, part.length >> 1), () => res.socket?.end()); // FIN, not RST: the half arrives
      return;
    }
    if (faults.stall?.has(file)) {
      res.writeHead(status, head());
      res.write(part.subarray(0, 100));
      return;
    }
    if (faults.oversize?.has(file)) {
      res.writeHead(status, { 'Content-Type': 'application/octet-stream' });
      res.write(part);
      res.end(Buffer.alloc(2 ** 20));
      return;
    }
    if (faults.gzip?.has(file)) {
      const z = zlib.gzipSync(body);
      res.writeHead(200, { 'Content-Length': String(z.length), 'Content-Encoding': 'gzip' }).end(z);
      return;
    }
    res.writeHead(status, head({ 'Content-Type': 'application/octet-stream' }));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (faults.dropAfterHalf?.has(file)) {
      res.write(part.subarray(0, part.length >> 1), () => res.socket?.end()); // FIN, not RST: the half arrives
      return;
    }
    res.end(part);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// A tiny Hugging Face-like file server on 127.0.0.1 for download tests: /{org}/{name}/resolve/{rev}/{file},
// Range bytes=0-0 → 206 + Content-Range, HEAD, .onnx files redirected (302) to a "CDN" path like the Hub does for
// LFS files, and switchable faults (404, cut connection, cut file).
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
    if (m && !url.startsWith('/__cdn/') && m[3].endsWith('.onnx') && !faults.notFound?.has(m[3])) {
      res.writeHead(302, { Location: `/__cdn${url}` }).end();
      return;
    }
    const dir = m ? repos[m[1]] : undefined;
    const file = m?.[3] ?? '';
    const p = dir ? path.join(dir, file) : '';
    if (!dir || faults.notFound?.has(file) || !fs.existsSync(p) || !fs.statSync(p).isFile()) {
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
    if (faults.stall?.has(file)) {
      res.writeHead(200, { 'Content-Length': String(body.length) });
      res.write(body.subarray(0, 100));
      return;
    }
    if (faults.oversize?.has(file)) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.write(body);
      res.end(Buffer.alloc(2 ** 20));
      return;
    }
    if (faults.gzip?.has(file)) {
      const z = zlib.gzipSync(body);
      res.writeHead(200, { 'Content-Length': String(z.length), 'Content-Encoding': 'gzip' }).end(z);
      return;
    }
    res.writeHead(200, { 'Content-Length': String(body.length), 'Content-Type': 'application/octet-stream' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (faults.dropAfterHalf?.has(file)) {
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(body);
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

// The extension's side of a 10 MB document: the real worker (dist/worker.js) started as src/extension/client.ts
// starts it (same resourceLimits), encoding the whole document through the protocol, then one hover (inspect) at
// its middle, while this thread's event-loop delay is sampled — this thread stands in for the extension host.
// Prints one JSON line. Usage: node --import tsx scripts/memory/worker-probe.ts FILE [model]
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startWorker } from './start-worker';

async function main(): Promise<void> {
  const [file, model = 'auto'] = process.argv.slice(2);
  const text = readFileSync(file, 'utf8');
  const client = await startWorker({
    model,
    qaModel: model === 'auto' ? 'auto' : '',
    language: /[\u4e00-\u9fff]/.test(text.slice(0, 1000)) ? 'zh' : 'en',
  });
  // The same thread idle for 5 s first: on a shared machine the scheduler alone delays timers; that is the floor.
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 5000));
  idle.disable();
  const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  const rssLoaded = mb(); // the models loaded, no document yet: the baseline of the worker's growth (issue 13)
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const doc = { uri: 'file:///memory.txt', version: 1, text };
  const t0 = performance.now();
  const enc = await client.call.encode(doc, null, 'last', null);
  const encodeMs = performance.now() - t0;
  const t1 = performance.now();
  const hover = await client.call.inspect(doc, text.length >> 1, 'last', 5).then(
    () => 'ok',
    (e: Error) => e.message,
  );
  const hoverMs = performance.now() - t1;
  h.disable();
  const rssAfter = mb();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  const stall = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
  const times = { encodeMs: Math.round(encodeMs), hoverMs: Math.round(hoverMs) };
  console.log(
    JSON.stringify({
      words: enc.words,
      windows: enc.windows,
      ...times,
      hover,
      rss: { loaded: rssLoaded, after: rssAfter },
      stall,
      idle: { p99: ms(idle.percentile(99)), max: ms(idle.max) },
    }),
  );
  await client.dispose();
}

void main();

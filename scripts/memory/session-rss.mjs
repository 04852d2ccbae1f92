// RSS of one plain onnxruntime-node session, shared by raw-ort.mjs and external-probe.mjs: growth over the process's
// state before `create` — once loaded, its peak while loading (VmHWM, reset through /proc/self/clear_refs) and after
// one 512-token run — in bytes.
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

// Before the first session, also for raw-ort.mjs and external-probe.mjs, which import this: src/core/model/telemetry.ts.
process.env.ORT_DISABLE_TELEMETRY ||= '1';

const rss = () => process.memoryUsage().rss;
const hwm = () => 1024 * Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);

/** The engine's session options (2 threads, sequential, all optimizations); `prepack` false disables prepacking. */
export function probeOptions(prepack = true) {
  const options = { intraOpNumThreads: 2, executionMode: 'sequential', graphOptimizationLevel: 'all' };
  if (!prepack) options.extra = { session: { disable_prepacking: '1' } };
  return options;
}

export async function sessionRss(create) {
  global.gc?.();
  writeFileSync('/proc/self/clear_refs', '5'); // VmHWM := current RSS
  const base = rss();
  const session = await create();
  const peak = hwm() - base;
  global.gc?.();
  const loaded = rss() - base;
  const T = 512;
  const ids = (v) => new ort.Tensor('int64', new BigInt64Array(T).fill(v), [1, T]);
  const feeds = { input_ids: ids(5n), attention_mask: ids(1n) };
  if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = ids(0n);
  const out = await session.run(feeds, [session.outputNames[0]]);
  return { loaded, peak, after: rss() - base, first: out[session.outputNames[0]].data[0] };
}

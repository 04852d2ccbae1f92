// Preloaded (node --require) into each measured process: at exit, appends its peak RSS (VmHWM) and wall time as one
// JSON line to $BERT_LENS_PEAK_FILE. Reads /proc first (exact high-water mark); resourceUsage elsewhere.
const fs = require('node:fs');
const t0 = Date.now();
process.on('exit', (code) => {
  let kb = process.resourceUsage().maxRSS;
  try {
    kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    // not Linux: maxRSS from getrusage
  }
  const file = process.env.BERT_LENS_PEAK_FILE;
  if (file) fs.appendFileSync(file, JSON.stringify({ pid: process.pid, peakMb: Math.round(kb / 1024), ms: Date.now() - t0, code }) + '\n');
});

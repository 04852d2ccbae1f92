#!/usr/bin/env node
// The main flow as one animated GIF (issue 14): screenshots the e2e suite took in a real VS Code, in the order a new
// user meets them, scaled down (area average) and quantised per frame. test/e2e/run.sh calls it after a run;
// `node scripts/flow-gif.mjs [artifacts-dir] [out.gif]` rebuilds it from existing screenshots.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as gifenc from 'gifenc';
import { PNG } from 'pngjs';

// gifenc is CommonJS: its functions are named exports under tsx, under `default` in plain Node.
const { GIFEncoder, quantize, applyPalette } = gifenc.GIFEncoder ? gifenc : gifenc.default;

/** Screenshot names (test/e2e/artifacts/<name>.png), in flow order; README "The main flow" describes each. */
export const FLOW = [
  '02-hover', // static vs contextual vector, nearest words, what BERT would write
  '03-attention', // attention from "it" overlaid on the paragraph
  '04-predict', // Predict Word on [MASK]
  '05-qa-answers', // a question over the document, answers listed
  'occlusion-qa-editor', // the picked answer explained by occlusion
  'panel-head', // the panel's head view
  'panel-explainer', // Q·K/√d with the model's real vectors
  'zh-hover', // the same in Chinese
];

/** RGBA `src` (w × h) scaled to `width` by averaging each destination pixel's source rectangle. */
export function downscale(src, w, h, width) {
  const scale = w / width;
  const height = Math.round(h / scale);
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * scale),
      y1 = Math.max(y0 + 1, Math.min(h, Math.floor((y + 1) * scale)));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * scale),
        x1 = Math.max(x0 + 1, Math.min(w, Math.floor((x + 1) * scale)));
      const sum = [0, 0, 0, 0];
      for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) for (let c = 0; c < 4; c++) sum[c] += src[(sy * w + sx) * 4 + c];
      const n = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 4; c++) out[(y * width + x) * 4 + c] = Math.round(sum[c] / n);
    }
  }
  return { data: out, width, height };
}

/** The GIF bytes of `pngs` (PNG file buffers), each shown `delayMs`, scaled to `width`; looping forever. */
export function flowGif(pngs, { width = 840, delayMs = 2500 } = {}) {
  const gif = GIFEncoder();
  let size;
  for (const buf of pngs) {
    const png = PNG.sync.read(buf);
    let frame = downscale(png.data, png.width, png.height, width);
    // Every frame must have the first frame's size (screenshots of one session share the window size; crop or pad).
    if (size && frame.height !== size.height) frame = fitHeight(frame, size.height);
    size ??= frame;
    const palette = quantize(frame.data, 256);
    gif.writeFrame(applyPalette(frame.data, palette), frame.width, frame.height, { palette, delay: delayMs, repeat: 0 });
  }
  gif.finish();
  return gif.bytes();
}

function fitHeight(f, height) {
  const data = new Uint8Array(f.width * height * 4).fill(255);
  data.set(f.data.subarray(0, Math.min(f.data.length, data.length)));
  return { data, width: f.width, height };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? 'test/e2e/artifacts';
  const out = process.argv[3] ?? 'docs/img/main-flow.gif';
  const files = FLOW.map((n) => path.join(dir, `${n}.png`));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    console.error(`flow-gif: missing screenshots (run npm run test:e2e first): ${missing.join(', ')}`);
    process.exit(1);
  }
  const bytes = flowGif(files.map((f) => readFileSync(f)));
  writeFileSync(out, bytes);
  console.log(`flow-gif: ${FLOW.length} frames → ${out} (${(bytes.length / 1024).toFixed(0)} KiB)`);
}

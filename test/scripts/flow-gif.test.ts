// The main-flow GIF (scripts/flow-gif.mjs): real PNGs in, a real GIF out — checked by walking its blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
// @ts-expect-error a plain ESM script without types
import { downscale, flowGif, FLOW } from '../../scripts/flow-gif.mjs';

function png(w: number, h: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.data.set([...rgb(x, y), 255], (y * w + x) * 4);
  return PNG.sync.write(p);
}

/** The GIF's logical size, its frames (image descriptors) and their delays, and whether it loops (NETSCAPE2.0). */
function walk(b: Uint8Array) {
  assert.equal(Buffer.from(b.subarray(0, 6)).toString('latin1'), 'GIF89a');
  const width = b[6] | (b[7] << 8),
    height = b[8] | (b[9] << 8);
  let i = 13 + (b[10] & 0x80 ? 3 * 2 ** ((b[10] & 7) + 1) : 0);
  const delays: number[] = [];
  let frames = 0,
    loops = false;
  const skipSubBlocks = () => {
    while (b[i]) i += b[i] + 1;
    i++;
  };
  for (;;) {
    const t = b[i++];
    if (t === 0x3b) break; // trailer
    if (t === 0x21) {
      const label = b[i++];
      if (label === 0xf9) delays.push((b[i + 2] | (b[i + 3] << 8)) * 10);
      if (label === 0xff && Buffer.from(b.subarray(i + 1, i + 12)).toString('latin1') === 'NETSCAPE2.0') loops = true;
      skipSubBlocks();
    } else if (t === 0x2c) {
      frames++;
      const packed = b[i + 8];
      i += 9 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
      i++; // LZW minimum code size
      skipSubBlocks();
    } else throw new Error(`unexpected block 0x${t?.toString(16)} at ${i - 1}`);
  }
  return { width, height, frames, delays, loops };
}

test('flowGif: one frame per screenshot, scaled to the width, each shown delayMs, looping', () => {
  const red = png(40, 20, () => [200, 30, 30]);
  const grad = png(40, 20, (x) => [x * 6, 100, 255 - x * 6]);
  const g = walk(flowGif([red, grad, red], { width: 20, delayMs: 1500 }));
  assert.deepEqual(g, { width: 20, height: 10, frames: 3, delays: [1500, 1500, 1500], loops: true });
});

test('downscale averages each source rectangle', () => {
  // 4×2 → 2×1: left half black/white (mean 127.5 → 128), right half all 90.
  const src = new Uint8Array([
    0, 0, 0, 255, 255, 255, 255, 255, 90, 90, 90, 255, 90, 90, 90, 255, 255, 255, 255, 255, 0, 0, 0, 255, 90, 90, 90, 255, 90, 90, 90, 255,
  ]);
  const f = downscale(src, 4, 2, 2);
  assert.deepEqual([f.width, f.height], [2, 1]);
  assert.deepEqual([...f.data], [128, 128, 128, 255, 90, 90, 90, 255]);
});

test('the flow names screenshots the e2e suite takes', async () => {
  const { readFileSync, readdirSync } = await import('node:fs');
  const specs = readdirSync('test/e2e')
    .filter((f) => f.endsWith('.spec.ts'))
    .map((f) => readFileSync(`test/e2e/${f}`, 'utf8'))
    .join('\n');
  for (const name of FLOW as string[]) assert.ok(specs.includes(`'${name}'`), `no spec takes the screenshot ${name}`);
});

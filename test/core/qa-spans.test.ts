// SpanPool (core/qa-spans.ts) against a brute-force softmax over every span, with spans settled as windows advance.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SpanPool } from '../../src/core/qa-spans';

describe('QA span pool', () => {
  it('keeps the best spans and their exact softmax shares however early spans are settled', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (const top of [1, 3, 50]) {
      const pool = new SpanPool(top);
      const best = new Map<string, number>();
      // 200 overlapping "windows" moving right; each sees 30 spans near its offset, some seen again by the next ones.
      for (let w = 0; w < 200; w++) {
        for (let k = 0; k < 30; k++) {
          const start = w * 5 + Math.floor((rand() + 1) * 10);
          const end = start + Math.floor((rand() + 1) * 4);
          const logit = rand() * 20;
          pool.add(start, end, logit);
          const key = `${start}:${end}`;
          best.set(key, Math.max(best.get(key) ?? -Infinity, logit));
        }
        pool.settle((w + 1) * 5); // the next window's spans start at or after this offset
      }
      const nullLogit = 3;
      const { spans, nullShare } = pool.finish(nullLogit);
      const all = [...best.entries()].map(([k, l]) => ({ k, l })).sort((a, b) => b.l - a.l);
      const z = all.reduce((s, x) => s + Math.exp(x.l), Math.exp(nullLogit));
      assert.equal(spans.length, top);
      spans.forEach((s, i) => {
        assert.equal(`${s.start}:${s.end}`, all[i].k);
        assert.ok(Math.abs(s.share - Math.exp(all[i].l) / z) < 1e-12);
      });
      assert.ok(Math.abs(nullShare - Math.exp(nullLogit) / z) < 1e-12);
    }
  });

  it('a span seen again after it was settled would be counted twice: settle only spans before the next window', () => {
    const pool = new SpanPool(2);
    pool.add(0, 3, 1);
    pool.add(5, 8, 2);
    pool.settle(5); // keeps 5:8 open
    pool.add(5, 8, 4); // the next window sees it again, better
    const { spans } = pool.finish(-Infinity);
    assert.deepEqual(
      spans.map((s) => [s.start, s.end, s.logit]),
      [
        [5, 8, 4],
        [0, 3, 1],
      ],
    );
    assert.ok(Math.abs(spans[0].share + spans[1].share - 1) < 1e-12);
  });
});

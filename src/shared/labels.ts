// Sense-map labels: cut only between words, and placed so that no two overlap, none covers a point and none leaves
// the plot — beside the point where there is room, further out with a leader line where not, else not at all (the
// point's tooltip and the list under the plot still name it). Pure, so tested in plain Node.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface Placed {
  x: number; // text anchor point (SVG <text> x, y: baseline)
  y: number;
  anchor: 'start' | 'end';
  box: Box; // the space the text takes
  leader?: { x1: number; y1: number; x2: number; y2: number };
}

/**
 * Whole words of `s` up to `max` characters, grown outwards from the first word containing `focus` (else from the
 * start), with "…" where words were left out. The focus word is kept whole even when longer than `max`.
 */
export function clipWords(s: string, max: number, focus = ''): string {
  const words = s.replace(/…/g, ' ').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '';
  const f = focus.toLowerCase();
  let lo = Math.max(0, f ? words.findIndex((w) => w.toLowerCase().includes(f)) : 0),
    hi = lo + 1;
  let len = words[lo].length;
  for (let grew = true; grew;) {
    grew = false;
    for (const side of ['right', 'left'] as const) {
      const w = side === 'right' ? words[hi] : words[lo - 1];
      if (w === undefined || len + 1 + w.length > max) continue;
      len += 1 + w.length;
      if (side === 'right') hi++;
      else lo--;
      grew = true;
    }
  }
  return `${lo > 0 ? '…' : ''}${words.slice(lo, hi).join(' ')}${hi < words.length ? '…' : ''}`;
}

/** Width of `s` at `fontSize` px in a sans-serif font, erring wide (CJK and other wide characters count double). */
export function textWidth(s: string, fontSize: number): number {
  let units = 0;
  for (const ch of s)
    units += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 1
      : /[A-Z@%&MWmw]/.test(ch)
        ? 0.72
        : 0.56;
  return units * fontSize + 2;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (a: Box, b: Box) => a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;

/**
 * Places one label per point (in order: earlier points win), greedily: eight spots around the point, then the same
 * eight twice further out with a leader line. `null` where nothing fits.
 */
export function placeLabels(
  points: Array<{ x: number; y: number }>,
  widths: number[],
  bounds: Box,
  o: { fontSize?: number; radius?: number } = {},
): Array<Placed | null> {
  const fs = o.fontSize ?? 10,
    r = o.radius ?? 5;
  const h = fs + 2;
  const taken: Box[] = points.map((p) => ({ x: p.x - r, y: p.y - r, w: 2 * r, h: 2 * r }));
  return points.map((p, i) => {
    const w = widths[i];
    for (const dist of [r + 2, r + 16, r + 32]) {
      const d = dist * Math.SQRT1_2 + 2; // diagonal spots clear the point's own circle too
      // [dx, dy] from the point to the label box's anchor side; right-hand spots first (reading order).
      const spots: Array<[number, number, 'start' | 'end']> = [
        [dist, 0, 'start'],
        [-dist, 0, 'end'],
        [d, -d, 'start'],
        [d, d, 'start'],
        [-d, -d, 'end'],
        [-d, d, 'end'],
        [0, -dist - h / 2, 'start'],
        [0, dist + h / 2, 'start'],
      ];
      for (const [dx, dy, anchor] of spots) {
        const ax = p.x + dx,
          cy = p.y + dy;
        const box: Box = { x: anchor === 'start' ? ax : ax - w, y: cy - h / 2, w, h };
        if (!inside(box, bounds)) continue;
        if (taken.some((t) => overlaps(t, box))) continue;
        taken.push(box);
        const leader = dist > r + 2 ? { x1: p.x, y1: p.y, x2: anchor === 'start' ? box.x : box.x + box.w, y2: cy } : undefined;
        return { x: ax, y: cy + fs * 0.35, anchor, box, ...(leader ? { leader } : {}) };
      }
    }
    return null;
  });
}

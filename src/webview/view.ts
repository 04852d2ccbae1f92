// The shape every panel section implements, so main.ts can route requests, answers, errors and exports uniformly.
import type { Request } from '../shared/panel-protocol';

export interface View<D> {
  readonly root: HTMLElement;
  /** What to ask the host for now; null when there is nothing to ask (e.g. QA without a question). */
  request(): Request | null;
  render(data: D): void;
  /** The current picture as standalone SVG markup, for SVG/PNG export; null when the view has none yet. */
  svg?(): string | null;
  /** Host-side exports this view offers. */
  dataExports?: Array<'tsv' | 'html' | 'json' | 'npy'>;
  /** Called when the model changes (layer/head counts). */
  onModel?(): void;
  /** Redraw the last data (the theme changed: exported SVG colours are resolved at draw time). */
  redraw?(): void;
  /** The line above the view when it reads something other than the cursor word (a typed word, two sentences). */
  heading?(fileName: string): string | null;
}

/** Layer <select>: 1..layers, optionally preceded by extra options (value → label). */
export function layerOptions(select: HTMLSelectElement, layers: number, current: number, extra: Array<[number, string]> = []): void {
  while (select.firstChild) select.removeChild(select.firstChild);
  for (const [v, label] of extra) select.append(new Option(label, String(v), false, v === current));
  for (let l = 1; l <= layers; l++) select.append(new Option(String(l), String(l), false, l === current));
}

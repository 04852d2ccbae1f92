// The one context that owns every lifetime: worker client, config, output channel, status bar and views.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Language } from '../core/auto';
import type { ModelsStatus, WorkerConfig } from '../worker/protocol';
import { errorText } from './advice';
import { AutoModels } from './auto';
import { WorkerClient, WorkerError, workerLimits } from './client';
import { readConfig, reactionTo, threadsFor, type BertLensConfig, type ConfigKey } from './config';
import { Documents } from './documents';
import { WorkerKillers } from './killers';
import { StatusBar } from './statusbar';

export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly client: WorkerClient;
  readonly docs: Documents;
  readonly status: StatusBar;
  readonly auto: AutoModels;
  config: BertLensConfig;
  /** The active document's language: which embedded models the `auto` settings keep loaded (AutoModels updates it). */
  language: Language = 'en';
  models: ModelsStatus | undefined;
  /** Document versions a background request killed the worker on: background work skips them (killers.ts). */
  readonly killers = new WorkerKillers();
  private readonly subs: vscode.Disposable[] = [];
  private readonly renderers = new Set<() => void>();
  private loading: Thenable<unknown> | undefined;

  constructor(readonly ext: vscode.ExtensionContext) {
    this.log = this.push(vscode.window.createOutputChannel('BERT Lens', { log: true }));
    this.config = this.readConfig();
    this.client = new WorkerClient({
      script: path.join(ext.extensionPath, 'dist', 'worker.js'),
      resourceLimits: workerLimits(),
      log: (level, msg) => (level === 'error' ? this.log.error(msg) : this.log.info(msg)),
    });
    this.push({ dispose: () => void this.client.dispose() });
    this.docs = new Documents(
      () => this.config,
      () => this.status?.update(),
    );
    this.status = this.push(new StatusBar(this));
    this.push(this.client.onStatus((s) => this.onModels(s)));
    // One notification per worker death; the calls it failed (WORKER_DIED) stay quiet in error().
    this.push(
      this.client.onDeath((d) => {
        const show = vscode.l10n.t('Show Log');
        void vscode.window.showWarningMessage(`BERT Lens: ${d.message}`, show).then((a) => a === show && this.log.show(true));
      }),
    );
    this.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('bertLens')) this.onConfigChanged();
      }),
    );
    this.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.onConfigChanged()));
    this.push(
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.docs.forget(d.uri.toString());
        this.client.forget(d.uri.toString());
      }),
    );
    this.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        this.docs.follow(e); // first: the views' own listeners below may read the document at once
        this.client.noteVersion(e.document.uri.toString(), e.document.version);
      }),
    );
    this.auto = this.push(new AutoModels(this));
  }

  /** Registers a disposable for the lifetime of the extension and returns it. */
  push<T extends vscode.Disposable>(d: T): T {
    this.subs.push(d);
    return d;
  }

  /** Views that must redraw when a render-only setting or the models change. */
  onRerender(fn: () => void): vscode.Disposable {
    this.renderers.add(fn);
    return { dispose: () => this.renderers.delete(fn) };
  }

  private readConfig(): BertLensConfig {
    const c = vscode.workspace.getConfiguration('bertLens');
    return readConfig((k: ConfigKey) => c.inspect(k), vscode.workspace.isTrusted);
  }

  workerConfig(): WorkerConfig {
    const c = this.config;
    return {
      model: c.model,
      qaModel: c.qaModel,
      staticVectors: c.staticVectors,
      language: this.language,
      hubEndpoint: c.hubEndpoint,
      offline: c.offline,
      threads: threadsFor(c, os.cpus().length),
      dtype: c.dtype,
      modelsDir: path.join(this.ext.extensionPath, 'models'),
      cacheDir: path.join(this.ext.globalStorageUri.fsPath, 'models'),
    };
  }

  /** Loads (or reloads) the configured models in the worker, with a window progress indicator. */
  loadModels(): Thenable<unknown> {
    const run = vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('BERT Lens: loading models…') },
      async () => {
        const t0 = Date.now();
        try {
          const s = await this.client.configure(this.workerConfig());
          this.onModels(s);
          this.log.info(
            `Models configured in ${Date.now() - t0} ms: encoder=${s.encoder.state}, qa=${s.qa.state}, static=${s.static.state}`,
          );
          const failed = [s.encoder, s.qa, s.static].filter((x) => x.state === 'error');
          if (failed.length) {
            const pick = vscode.l10n.t('Select Model…');
            const msg = failed.map((f) => (f.error ? errorText(f.error, vscode.l10n) : f.id)).join(' ');
            void vscode.window
              .showErrorMessage(vscode.l10n.t('BERT Lens could not load a model: {0}', msg), pick)
              .then((a) => a === pick && vscode.commands.executeCommand('bertLens.selectModel'));
          }
        } catch (e) {
          this.error('Loading models', e);
        }
      },
    );
    this.loading = run;
    return run;
  }

  /**
   * Resolves once the encoder is not loading (a restarted worker loads its models again before it answers), when
   * `signal` aborts, or after `maxMs` (a worker that died while loading sends no status): a hover made meanwhile waits
   * for the model instead of showing nothing.
   */
  encoderSettled(signal?: AbortSignal, maxMs = 60_000): Promise<void> {
    const settled = () => this.models?.encoder.state !== 'loading' || signal?.aborted === true;
    if (settled()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), maxMs);
      const done = () => {
        clearTimeout(timer);
        sub.dispose();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // After onModels has stored the status (its listener was registered first).
      const sub = this.client.onStatus(() => settled() && done());
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Resolves once the current model load (if any) has finished. */
  async ready(): Promise<void> {
    await this.loading;
  }

  private onModels(s: ModelsStatus): void {
    this.models = s;
    void vscode.commands.executeCommand('setContext', 'bertLens.ready', s.encoder.state === 'ready');
    this.status.update();
    this.rerender();
  }

  private onConfigChanged(): void {
    const before = this.config;
    this.config = this.readConfig();
    const r = reactionTo(before, this.config);
    if (r.changed.length) this.log.info(`Settings changed: ${r.changed.join(', ')}${r.reload ? ' → reloading models' : ''}`);
    if (r.reload) {
      this.docs.clear();
      void this.loadModels();
    } else if (r.rerender) this.rerender();
  }

  rerender(): void {
    this.status.update();
    for (const fn of this.renderers) {
      try {
        fn();
      } catch (e) {
        this.log.error(`Re-render failed: ${String(e)}`);
      }
    }
  }

  /** Logs an error and tells the user what happened; cancellations and stale answers stay quiet. */
  error(what: string, e: unknown): void {
    if (e instanceof WorkerError && (e.code === 'CANCELLED' || e.code === 'STALE')) return;
    if (e instanceof WorkerError && e.code === 'WORKER_DIED') return void this.log.error(`${what}: ${e.message}`); // onDeath told the user
    const message = errorText(e, vscode.l10n);
    this.log.error(`${what}: ${e instanceof WorkerError ? `[${e.code}] ` : ''}${message}`);
    const show = vscode.l10n.t('Show Log');
    void vscode.window.showErrorMessage(`BERT Lens — ${what}: ${message}`, show).then((a) => a === show && this.log.show(true));
  }

  dispose(): void {
    for (const d of this.subs.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // keep disposing the rest
      }
    }
  }
}

export const isCancel = (e: unknown) => e instanceof WorkerError && (e.code === 'CANCELLED' || e.code === 'STALE');

/** CancellationToken → AbortSignal, the worker client's currency. */
export function toSignal(token: vscode.CancellationToken | undefined): AbortSignal | undefined {
  if (!token) return undefined;
  const c = new AbortController();
  if (token.isCancellationRequested) c.abort();
  else token.onCancellationRequested(() => c.abort());
  return c.signal;
}

// `auto` on the host: the active document's language picks the models the worker keeps loaded (and the status bar
// names), and a notice says once per model and document when a model reads most of the document as [UNK].
import * as vscode from 'vscode';
import { isAuto, unknownAdvice, type Coverage, type Offer } from '../core/auto';
import type { Used } from '../worker/protocol';
import { WorkerError } from './client';
import type { Ctx } from './ctx';
import { setSetting, useHubModel } from './models';

/** "bert-lens-zh (auto: this paragraph is mostly Chinese)": which model answered, and why when auto chose it. */
export function usedText(u: Used): string {
  if (!u.auto) return u.model;
  if (u.auto.language === 'en') return vscode.l10n.t('{0} (auto)', u.model);
  return u.auto.scope === 'paragraph'
    ? vscode.l10n.t('{0} (auto: this paragraph is mostly Chinese)', u.model)
    : vscode.l10n.t('{0} (auto: this document is mostly Chinese)', u.model);
}

export class AutoModels implements vscode.Disposable {
  private readonly subs: vscode.Disposable[] = [];
  private readonly told = new Set<string>(); // model + uri: one notice each
  private readonly checked = new Set<string>(); // kind + model setting + uri + version: coverage already asked
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: Ctx) {
    const ed = vscode.window.activeTextEditor;
    if (ed && ctx.docs.supports(ed.document)) ctx.language = ctx.docs.language(ed.document).language;
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(150)),
      // Typing can turn an empty (English by default) document Chinese: look again once the typing pauses.
      vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && this.schedule(1500)),
      ctx.client.onStatus((s) => s.encoder.state === 'ready' && this.schedule(300)),
    );
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update().catch((e) => this.ctx.log.warn(`auto: ${String(e)}`)), ms);
  }

  /** Reloads the `auto` slots when the active document's language changed, then checks its [UNK] share. */
  private async update(): Promise<void> {
    const ed = vscode.window.activeTextEditor;
    if (!ed || !this.ctx.docs.supports(ed.document)) return;
    const language = this.ctx.docs.language(ed.document).language;
    const c = this.ctx.config;
    if (language !== this.ctx.language) {
      this.ctx.language = language;
      if ([c.model, c.qaModel, c.staticVectors].some(isAuto)) {
        this.ctx.log.info(`auto: the active document is ${language === 'zh' ? 'mostly Chinese' : 'not mostly Chinese'} → reloading models`);
        await this.ctx.loadModels();
      }
    }
    await this.check(ed.document, 'encoder');
  }

  /** Tells once per model and document when the model reads most of the document as [UNK], offering what fits. */
  check(doc: vscode.TextDocument, kind: 'encoder' | 'qa'): Promise<void> {
    // A notice is a courtesy: whatever goes wrong here goes to the log, never in the way of the task that asked.
    return this.checkNow(doc, kind).catch((e) => this.ctx.log.warn(`[UNK] check: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async checkNow(doc: vscode.TextDocument, kind: 'encoder' | 'qa'): Promise<void> {
    await this.ctx.ready();
    if (this.ctx.models?.[kind].state !== 'ready') return;
    const setting = kind === 'encoder' ? this.ctx.config.model : this.ctx.config.qaModel;
    const key = `${kind}\u0000${setting}\u0000${this.ctx.models[kind].id}\u0000${doc.uri.toString()}\u0000${doc.version}`;
    if (this.checked.has(key)) return;
    this.checked.add(key);
    const { input } = this.ctx.docs.prepare(doc);
    if (this.ctx.killers.has(input)) return;
    let list: Coverage[];
    try {
      list = await this.ctx.client.call.coverage(input, kind);
    } catch (e) {
      // Stale or cancelled: the next check asks again. If the worker died on this text, background work leaves it be.
      if (e instanceof WorkerError && e.code === 'WORKER_DIED') this.ctx.killers.add(input);
      return;
    }
    for (const c of list) {
      const advice = unknownAdvice(c, setting);
      const once = `${c.model}\u0000${doc.uri.toString()}`;
      if (!advice || this.told.has(once)) continue;
      this.told.add(once);
      void this.tell(c, advice.share, advice.offers);
    }
  }

  private async tell(c: Coverage, share: number, offers: Offer[]): Promise<void> {
    const l = vscode.l10n;
    const what = l.t(
      'BERT Lens: {0} reads {1}% of this document as [UNK] (tokens missing from its vocabulary), so its predictions, vectors and attention here say little.',
      c.model,
      Math.round(share * 100),
    );
    const todo = offers.length
      ? l.t('Switch to a model that covers this text:')
      : l.t('Pick a model whose vocabulary covers this language with "BERT Lens: Select Model…".');
    const label = (o: Offer) =>
      o.kind === 'model' ? l.t('Use {0}', o.id) : o.kind === 'auto' ? l.t('Choose Automatically') : l.t('Download {0}', o.id);
    const buttons = offers.length ? offers.map(label) : [l.t('Select Model…')];
    const pick = await vscode.window.showWarningMessage(`${what} ${todo}`, ...buttons);
    if (!pick) return;
    const offer = offers.find((o) => label(o) === pick);
    const key = c.kind === 'encoder' ? 'model' : 'qaModel';
    if (!offer) return void vscode.commands.executeCommand('bertLens.selectModel');
    if (offer.kind === 'hub') return useHubModel(this.ctx, c.kind, offer.id);
    await setSetting(key, offer.kind === 'auto' ? 'auto' : offer.id);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.subs) d.dispose();
  }
}

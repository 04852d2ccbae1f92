// Background encoding of the active document (debounced after edits) so hovers answer from the worker's cache.
import * as vscode from 'vscode';
import { WorkerError } from './client';
import { isCancel, type Ctx } from './ctx';
import { Debouncer } from './staleness';
import { readParts } from '../worker/protocol';

export class Warmup implements vscode.Disposable {
  private readonly debounce = new Debouncer(1200, () => void this.run());
  private ctrl: AbortController | undefined;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly ctx: Ctx) {
    this.subs = [
      vscode.window.onDidChangeActiveTextEditor(() => this.debounce.trigger()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document && e.contentChanges.length) {
          this.ctrl?.abort(); // the text it was encoding is gone
          this.debounce.trigger();
        }
      }),
      ctx.onRerender(() => this.debounce.trigger()),
    ];
    this.debounce.trigger();
  }

  private async run(): Promise<void> {
    const ctx = this.ctx;
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !ctx.docs.supports(doc) || !ctx.config.hoverEnabled || ctx.models?.encoder.state !== 'ready') return;
    this.ctrl?.abort();
    const ctrl = (this.ctrl = new AbortController());
    const { input } = ctx.docs.prepare(doc);
    if (!readParts(input).some((p) => /\p{L}/u.test(p.text))) return;
    // A document version whose background work killed the worker is not tried again on its own (that would kill the
    // restarted worker too, in a loop); an edit, or a request the user makes, tries again.
    if (ctx.killers.has(input)) return;
    try {
      const r = await ctx.client.call.encode(input, null, ctx.config.layer, null, { signal: ctrl.signal });
      if (r.ms > 200) ctx.log.info(`Encoded ${doc.uri.path.split('/').pop()} (${r.words} words, ${r.windows} windows) in ${r.ms} ms`);
    } catch (e) {
      if (e instanceof WorkerError && e.code === 'WORKER_DIED') ctx.killers.add(input);
      if (!isCancel(e)) ctx.log.warn(`Background encoding failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    this.debounce.cancel();
    this.ctrl?.abort();
    for (const s of this.subs) s.dispose();
  }
}

// Extension entry point: builds the one context, registers hover, overlay, tasks and the command table.
import * as vscode from 'vscode';
import { commandTable, registerCommands } from './commands';
import { Ctx } from './ctx';
import { HoverProvider } from './hover';
import { AttentionOverlay } from './overlay';
import { registerPanel } from './panel/index';
import { Continuity, QuestionAnswering } from './tasks';
import { Warmup } from './warmup';

let current: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): { ctx: Ctx } {
  const ctx = new Ctx(context);
  current = ctx;
  context.subscriptions.push(ctx);
  void vscode.commands.executeCommand('setContext', 'bertLens.ready', false);
  const views = {
    overlay: ctx.push(new AttentionOverlay(ctx)),
    continuity: ctx.push(new Continuity(ctx)),
    qa: ctx.push(new QuestionAnswering(ctx)),
  };
  registerCommands(ctx, commandTable(ctx, views));
  // Language-agnostic: prose is read whole, code files only in comments and strings (see segments.ts).
  ctx.push(vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], new HoverProvider(ctx)));
  // The sidebar panel (src/extension/panel) shares the worker client and the same analysed-text view of documents.
  ctx.push(registerPanel(context, {
    client: ctx.client,
    log: (m) => ctx.log.info(m),
    docInput: (doc, offset) => ctx.docs.prepare(doc, offset).input,
  }));
  void ctx.loadModels().then(() => ctx.push(new Warmup(ctx)));
  ctx.log.info(`BERT Lens activated (${context.extensionMode === vscode.ExtensionMode.Production ? 'production' : 'development'}), workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'}`);
  return { ctx };
}

export async function deactivate(): Promise<void> {
  const ctx = current;
  current = undefined;
  if (ctx) await ctx.client.dispose();
}

// Extension entry point: builds the one context, registers hover, overlay, tasks and the command table.
import * as vscode from 'vscode';
import { commandTable, registerCommands } from './commands';
import { Ctx } from './ctx';
import { HoverProvider } from './hover';
import { AttentionOverlay } from './overlay';
import { Continuity, QuestionAnswering } from './tasks';

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
  void ctx.loadModels();
  ctx.log.info(`BERT Lens activated (${context.extensionMode === vscode.ExtensionMode.Production ? 'production' : 'development'}), workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'}`);
  return { ctx };
}

export async function deactivate(): Promise<void> {
  const ctx = current;
  current = undefined;
  if (ctx) await ctx.client.dispose();
}

// Extension entry point: builds the one context, registers hover, overlay, tasks and the command table.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { commandTable, registerCommands } from './commands';
import { Ctx } from './ctx';
import { EncodingNotice } from './encoding';
import { HoverProvider } from './hover';
import { OcclusionOverlay } from './occlusion';
import { AttentionOverlay } from './overlay';
import { registerPanel } from './panel/index';
import { runtimeSupport, TARGETS, type RuntimeSupport } from './platform';
import { Continuity, QuestionAnswering } from './tasks';
import { Tour } from './tour';
import { Warmup } from './warmup';

let current: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): { ctx: Ctx } | undefined {
  const ortDirs = ['dist/node_modules/onnxruntime-node', 'node_modules/onnxruntime-node'].map((d) => path.join(context.extensionPath, d));
  const support = runtimeSupport(process.platform, process.arch, ortDirs, existsSync);
  if (support.kind !== 'ok') {
    explainUnsupported(context, support);
    return undefined;
  }
  const ctx = new Ctx(context);
  current = ctx;
  context.subscriptions.push(ctx);
  void vscode.commands.executeCommand('setContext', 'bertLens.ready', false);
  const views = {
    overlay: ctx.push(new AttentionOverlay(ctx)),
    occlusion: ctx.push(new OcclusionOverlay(ctx)),
    continuity: ctx.push(new Continuity(ctx)),
    qa: ctx.push(new QuestionAnswering(ctx)),
    tour: ctx.push(new Tour(ctx)),
  };
  registerCommands(ctx, commandTable(ctx, views));
  ctx.push(new EncodingNotice(ctx));
  // Language-agnostic: prose is read whole, code files only in comments and strings (see core/text/segments.ts).
  ctx.push(vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], new HoverProvider(ctx)));
  // The sidebar panel (src/extension/panel) shares the worker client and the same analysed-text view of documents.
  ctx.push(
    registerPanel(context, {
      client: ctx.client,
      log: (m) => ctx.log.info(m),
      config: () => ctx.config,
      docInput: (doc, offset) => ctx.docs.prepare(doc, offset).input,
    }),
  );
  void ctx.loadModels().then(() => ctx.push(new Warmup(ctx)));
  ctx.log.info(
    `BERT Lens activated (${context.extensionMode === vscode.ExtensionMode.Production ? 'production' : 'development'}), workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'}`,
  );
  return { ctx };
}

/** No worker on a machine the package cannot run on: every command says why, once shown at activation. */
function explainUnsupported(context: vscode.ExtensionContext, s: Exclude<RuntimeSupport, { kind: 'ok' }>): void {
  const message =
    s.kind === 'unsupported'
      ? vscode.l10n.t(
          'BERT Lens cannot run on {0}: onnxruntime-node has no binary for it (supported: {1}). Open the folder through Remote - SSH, WSL or a Dev Container on a supported machine; the extension then runs there.',
          s.target,
          TARGETS.join(', '),
        )
      : vscode.l10n.t(
          'This BERT Lens package was built for {0}, not for this machine ({1}). Install bert-lens-{1}.vsix (npm run package:all builds it), or the Marketplace version, which picks the right one.',
          s.packaged ?? '?',
          s.target,
        );
  const show = () => void vscode.window.showErrorMessage(message);
  show();
  const pkg = context.extension.packageJSON as { contributes?: { commands?: Array<{ command: string }> } };
  const commands = pkg.contributes?.commands ?? [];
  for (const c of commands) context.subscriptions.push(vscode.commands.registerCommand(c.command, show));
}

export async function deactivate(): Promise<void> {
  const ctx = current;
  current = undefined;
  if (ctx) await ctx.client.dispose();
}

// The BERT Lens sidebar panel: registers the webview view and the panel commands, and wires the editor ↔ panel
// link (cursor word drives the panel; clicks in the panel select in the editor). Requests go to PanelHost.
import * as vscode from 'vscode';
import type { WorkerClient } from '../client';
import type { BertLensConfig } from '../config';
import { panelHtml, newNonce } from './html';
import { PanelHost, type DocSource } from './host';

export const VIEW_ID = 'bertLens.panel';

export interface PanelDeps {
  client: WorkerClient;
  log: (msg: string) => void;
  /** The typed settings (src/extension/config.ts): the panel reads topK and layer from them, never raw settings. */
  config: () => BertLensConfig;
  /** How the extension turns a document into the worker's DocInput (analysed text); a default is used if absent. */
  docInput?: DocSource;
}

export function registerPanel(context: vscode.ExtensionContext, deps: PanelDeps): vscode.Disposable {
  const host = new PanelHost(deps.client, deps.log, deps.config, deps.docInput);
  const mediaRoot = vscode.Uri.joinPath(context.extensionUri, 'media');
  const provider: vscode.WebviewViewProvider = {
    resolveWebviewView(view) {
      const webview = view.webview;
      webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [mediaRoot] };
      webview.html = panelHtml({
        cspSource: webview.cspSource,
        nonce: newNonce(),
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'panel.js')).toString(),
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'panel.css')).toString(),
        lang: vscode.env.language,
      });
      host.attach(view);
    },
  };
  // bertLens.openPanel is registered by the extension's command table (it opens the view container); registering
  // it here too would make activation fail with "command already exists".
  const disposables: vscode.Disposable[] = [
    host,
    vscode.window.registerWebviewViewProvider(VIEW_ID, provider),
    vscode.commands.registerCommand(
      'bertLens.showInPanel',
      async (args?: { uri?: string | vscode.Uri; offset?: number; section?: string }) => {
        await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
        if (args?.uri !== undefined && Number.isInteger(args.offset)) {
          const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
          await host.focusAt(uri, args.offset as number);
        }
        // true once the panel shows the section (the walkthrough ticks its step on it)
        return args?.section ? host.show(args.section) : true;
      },
    ),
  ];
  const all = vscode.Disposable.from(...disposables);
  context.subscriptions.push(all);
  return all;
}

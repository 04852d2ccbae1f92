// A document opened in the wrong encoding (VS Code reads files as UTF-8 unless told otherwise, so an older Chinese
// GBK file shows as replacement characters) gets one notice per document with VS Code's "Reopen with Encoding":
// otherwise BERT Lens silently reads only its ASCII words, as the tokenizer drops U+FFFD.
import * as vscode from 'vscode';
import { misdecodedCount } from '../core/text/decode';
import type { Ctx } from './ctx';

export class EncodingNotice implements vscode.Disposable {
  private readonly seen = new Set<string>(); // one look per document: decoding happens when it is opened
  private readonly sub: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    this.sub = vscode.window.onDidChangeActiveTextEditor((ed) => ed && this.look(ed.document));
    const ed = vscode.window.activeTextEditor;
    if (ed) this.look(ed.document);
  }

  private look(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (doc.uri.scheme !== 'file' || this.seen.has(key)) return; // only a file on disk has bytes to misread
    this.seen.add(key);
    const n = misdecodedCount(doc.getText());
    if (!n) return;
    this.ctx.log.info(`${key}: ${n} replacement characters (U+FFFD) — not decoded as UTF-8`);
    const reopen = vscode.l10n.t('Reopen with Encoding');
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t(
          'BERT Lens: this file shows {0} replacement characters (�): its bytes are probably not UTF-8 (older Chinese files are often GBK / GB18030). BERT Lens skips them and reads only the rest. Reopen it with its encoding to read it all.',
          n,
        ),
        reopen,
      )
      .then((a) => a === reopen && vscode.commands.executeCommand('workbench.action.editor.changeEncoding'));
  }

  dispose(): void {
    this.sub.dispose();
  }
}

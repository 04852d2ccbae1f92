// "Export Tensors…": the word-level attention, hidden states and head census of the selection (or of the paragraph
// around the cursor) written as .npy arrays + tensors.json to a folder the user picks — the files `bert-lens export`
// writes (shared/tensors.ts), for notebooks.
import * as vscode from 'vscode';
import { paragraphAround } from '../core/text/segments';
import { TENSOR_KINDS, tensorFiles, type TensorKind } from '../shared/tensors';
import { isCancel, toSignal, type Ctx } from './ctx';

export async function exportTensors(ctx: Ctx): Promise<void> {
  const ed = vscode.window.activeTextEditor;
  if (!ed)
    return void vscode.window.showInformationMessage(
      vscode.l10n.t('BERT Lens: open a text editor and select some text (or put the cursor in a paragraph) first.'),
    );
  const doc = ed.document;
  const sel = ed.selection;
  const cursor = doc.offsetAt(sel.active);
  const range = sel.isEmpty ? paragraphAround(doc.getText(), cursor) : { start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end) };
  const labels: Record<TensorKind, string> = {
    attention: vscode.l10n.t('Attention (layers × heads × words × words)'),
    hidden: vscode.l10n.t('Hidden states (layers + 1 × words × hidden size)'),
    census: vscode.l10n.t('Head census (layers × heads × 8 measures, with labels)'),
  };
  const picked = await vscode.window.showQuickPick(
    TENSOR_KINDS.map((k) => ({ label: labels[k], tensor: k, picked: true })),
    {
      canPickMany: true,
      title: vscode.l10n.t('BERT Lens: what to export as .npy'),
    },
  );
  if (!picked?.length) return;
  const folder = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Export Here'),
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  if (!folder?.[0]) return;
  await ctx.ready();
  const { input } = ctx.docs.prepare(doc, range.start);
  const what = picked.map((p) => p.tensor);
  const bundle = await vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('BERT Lens: computing tensors…'), cancellable: true },
      (_p, token) => ctx.client.call.tensors(input, range, what, { signal: toSignal(token) }),
    )
    .then(
      (x) => x,
      (e) => (isCancel(e) ? undefined : ctx.error(vscode.l10n.t('Export Tensors'), e)),
    );
  if (!bundle) return;
  const files = tensorFiles(bundle);
  for (const f of files) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder[0], f.name), f.bytes);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('BERT Lens: wrote {0} for {1} words to {2}.', files.map((f) => f.name).join(', '), bundle.words.length, folder[0].fsPath),
  );
}

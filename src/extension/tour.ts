// The walkthrough's buttons. When one is clicked the walkthrough page is the active editor, so each step acts on the
// sample document it opened (or the last text editor), shown beside the page; a step completes only when its action
// succeeded: the action sets the step's context key (markTourDone), which its completionEvents wait for.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { doneKey, isTourStep, sampleAnchor, sampleFor, tourTarget, type TourStep } from './tour-logic';

export function markTourDone(step: TourStep): void {
  void vscode.commands.executeCommand('setContext', doneKey(step), true);
}

export class Tour implements vscode.Disposable {
  private sample: vscode.TextDocument | undefined;
  private last: vscode.TextDocument | undefined;
  private readonly sub: vscode.Disposable;
  private runs = 0; // buttons clicked so far: a step's late work yields to a newer step
  private cardAskedAt = 0; // when the hover step last showed its card (Date.now())

  constructor(private readonly ctx: Ctx) {
    const note = (e: vscode.TextEditor | undefined) => {
      if (e && ctx.docs.supports(e.document)) this.last = e.document;
    };
    note(vscode.window.activeTextEditor);
    this.sub = vscode.window.onDidChangeActiveTextEditor(note);
  }

  /**
   * "Open Sample": a copy of the sample in the extension's storage (the extension folder may be read-only), beside the
   * walkthrough if it is open; the Chinese sample when the UI is Chinese. A file, not an untitled document: a dirty
   * untitled document with no editor yet opens in a background tab of the active group (the walkthrough's), and one
   * created empty then filled is emptied again by the first Ctrl+Z. A copy that exists (open, or saved with the
   * user's edits) is shown as is: never overwritten.
   */
  async openSample(): Promise<vscode.TextEditor> {
    const { file } = sampleFor(vscode.env.language);
    const copy = vscode.Uri.joinPath(this.ctx.ext.globalStorageUri, 'samples', file);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === copy.toString());
    const exists =
      open !== undefined ||
      (await vscode.workspace.fs.stat(copy).then(
        () => true,
        () => false,
      ));
    if (!exists) {
      const text = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.ctx.ext.extensionUri, 'samples', file));
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(copy, '..'));
      await vscode.workspace.fs.writeFile(copy, text);
    }
    const doc = open ?? (await vscode.workspace.openTextDocument(copy));
    const ed = await vscode.window.showTextDocument(
      doc,
      columnOf(doc) ?? (besidePage() ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active),
    );
    if (!open) ed.selection = new vscode.Selection(0, 0, 0, 0);
    this.sample = doc;
    markTourDone('open');
    return ed;
  }

  /** A walkthrough button: `step` arrives from the link's JSON arguments. */
  async run(step: unknown): Promise<void> {
    if (!isTourStep(step)) return;
    // First, before any await: the e2e test tells a click VS Code never delivered from a step that stalled.
    this.ctx.log.info(`Walkthrough button "${step}"`);
    const run = ++this.runs;
    if (step === 'open') return void (await this.openSample());
    const open = (d: vscode.TextDocument | undefined) => (d && !d.isClosed ? d : undefined);
    const target = tourTarget(open(this.sample), open(this.last));
    const ed = target
      ? await vscode.window.showTextDocument(target.editor, { viewColumn: columnOf(target.editor) ?? vscode.ViewColumn.Beside })
      : await this.openSample();
    // The hover step's card stays open until the mouse moves; it would cover what the later steps show. hideHover acts
    // on the focused editor, and the click left focus on the walkthrough page: focus the editor first. A step never
    // waits more than half a second on the hover. The card still stayed in some e2e runs (about one in three: the
    // hover step showing it again around the hide, or the panel holding the focus then): shortly after the hover step,
    // it is hidden twice more, unless a newer step runs by then.
    if (step !== 'hover') {
      await focusEditor(ed);
      const hide = () => Promise.resolve(vscode.commands.executeCommand('editor.action.hideHover')).catch(() => undefined);
      await Promise.race([hide(), new Promise((resolve) => setTimeout(resolve, 500))]);
      if (Date.now() - this.cardAskedAt < 10_000) for (const ms of [500, 1500]) setTimeout(() => run === this.runs && void hide(), ms);
    }
    this.ctx.log.info(`Walkthrough step "${step}" on ${target?.isSample === false ? 'the last text editor' : 'the sample'}`);
    const anchor = !target || target.isSample ? sampleAnchor(step, ed.document.getText()) : undefined;
    if (anchor !== undefined) {
      const pos = ed.document.positionAt(anchor);
      ed.selection = new vscode.Selection(pos, pos);
      ed.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    switch (step) {
      case 'attention':
        return void (await vscode.commands.executeCommand('bertLens.showAttention'));
      case 'qkv': {
        const offset = ed.document.offsetAt(ed.selection.active);
        const shown = await vscode.commands.executeCommand<boolean>('bertLens.showInPanel', {
          uri: ed.document.uri.toString(),
          offset,
          section: 'explain',
        });
        if (shown) markTourDone('qkv');
        return;
      }
      case 'hover': {
        // showHover acts on the focused editor; the click left focus on the walkthrough page in some runs, and the
        // panel the previous step opened can take focus once its view loads, which closes the card: shown again after
        // a moment if that happened (showing an open card again changes nothing) — unless another button was clicked
        // meanwhile, whose list or box must keep the focus.
        await focusEditor(ed);
        this.cardAskedAt = Date.now();
        await vscode.commands.executeCommand('editor.action.showHover');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        if (run !== this.runs) return;
        await focusEditor(ed);
        this.cardAskedAt = Date.now();
        this.ctx.log.info('Walkthrough: the hover card shown again');
        return void (await vscode.commands.executeCommand('editor.action.showHover'));
      }
      case 'mask':
        return void (await vscode.commands.executeCommand('bertLens.predictWord', { keepOpen: true, uri: ed.document.uri.toString() }));
      case 'qa':
        return void (await vscode.commands.executeCommand(
          'bertLens.askQuestion',
          !target || target.isSample ? sampleFor(vscode.env.language).question : undefined,
          ed.document.uri.toString(),
        ));
    }
  }

  dispose(): void {
    this.sub.dispose();
  }
}

/** Keyboard focus to `ed` (editor commands such as showHover and hideHover act on the focused editor). */
async function focusEditor(ed: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(ed.document, { viewColumn: ed.viewColumn, preserveFocus: false });
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
}

/** Whether the active group shows a page that is not a text editor (the walkthrough): then open beside it. */
function besidePage(): boolean {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  return tab !== undefined && !(tab.input instanceof vscode.TabInputText);
}

/** The column already showing `doc` (visible first, else any group with a tab for it), so it is not opened twice. */
function columnOf(doc: vscode.TextDocument): vscode.ViewColumn | undefined {
  const uri = doc.uri.toString();
  return (
    vscode.window.visibleTextEditors.find((e) => e.document === doc)?.viewColumn ??
    vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri))
      ?.viewColumn
  );
}

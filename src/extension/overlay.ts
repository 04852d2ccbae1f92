// Attention overlay: every word of the window gets a background whose intensity is its attention weight from the
// word at the cursor (bucketed on contributed theme colours); "Follow Cursor" re-renders as the cursor moves.
import * as vscode from 'vscode';
import { blankOutside, type AttentionView } from '../worker/protocol';
import { BUCKETS, bucketize } from './buckets';
import { LABEL_CSS, LABELLED, labelText, labelledWords } from './overlay-labels';
import { isCancel, type Ctx } from './ctx';
import { scopeText } from './scope';
import { Debouncer, RenderGate } from './staleness';
import { markTourDone } from './tour';

export class AttentionOverlay implements vscode.Disposable {
  private readonly types: vscode.TextEditorDecorationType[];
  private readonly focusType: vscode.TextEditorDecorationType;
  private readonly gate = new RenderGate();
  private readonly debounce: Debouncer;
  private shownIn: vscode.TextEditor | undefined;
  private anchor: { uri: string; offset: number } | undefined;
  private ctrl: AbortController | undefined;
  private following = false;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    this.types = Array.from({ length: BUCKETS }, (_, b) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`bertLens.attention${b + 1}`),
        borderRadius: '3px',
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.focusType = vscode.window.createTextEditorDecorationType({
      border: '1px solid',
      borderColor: new vscode.ThemeColor('bertLens.attentionFocusBorder'),
      borderRadius: '3px',
      fontWeight: 'bold',
    });
    this.debounce = new Debouncer(250, () => void this.renderAtCursor());
    this.subs.push(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (this.following && e.textEditor === vscode.window.activeTextEditor) this.debounce.trigger();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.shownIn?.document !== e.document) return;
        this.clearDecorations(); // weights for the old text would be wrong: never show them
        if (this.following) this.debounce.trigger();
      }),
      ctx.onRerender(() => {
        if (this.shownIn) void this.render(this.shownIn, this.anchor?.offset);
      }),
    );
  }

  /** "Show Attention from Cursor". */
  async show(): Promise<void> {
    await this.renderAtCursor(true);
  }

  toggleFollow(): boolean {
    this.following = !this.following;
    this.ctx.status.following = this.following;
    void vscode.commands.executeCommand('setContext', 'bertLens.followCursor', this.following);
    if (this.following) void this.renderAtCursor(true);
    else this.ctx.status.update();
    return this.following;
  }

  clear(): void {
    this.following = false;
    this.ctx.status.following = false;
    void vscode.commands.executeCommand('setContext', 'bertLens.followCursor', false);
    this.debounce.cancel();
    this.ctrl?.abort();
    this.gate.end('attention');
    this.clearDecorations();
    this.shownIn = undefined;
    this.anchor = undefined;
    this.ctx.status.attentionShown = false;
    this.ctx.status.update();
    void vscode.commands.executeCommand('setContext', 'bertLens.attentionShown', false);
  }

  private clearDecorations(): void {
    const ed = this.shownIn;
    if (!ed) return;
    for (const t of this.types) ed.setDecorations(t, []);
    ed.setDecorations(this.focusType, []);
  }

  private async renderAtCursor(explicit = false): Promise<void> {
    const ed = vscode.window.activeTextEditor;
    if (!ed) {
      if (explicit)
        void vscode.window.showInformationMessage(vscode.l10n.t('BERT Lens: open a text editor and put the cursor on a word first.'));
      return;
    }
    await this.render(ed, ed.document.offsetAt(ed.selection.active), explicit);
  }

  private async render(ed: vscode.TextEditor, offset: number | undefined, explicit = false): Promise<void> {
    const ctx = this.ctx;
    const doc = ed.document;
    if (offset === undefined) return;
    if (!ctx.docs.analysedAt(doc, offset) && !ctx.docs.analysedAt(doc, offset - 1)) {
      if (explicit)
        void vscode.window.showInformationMessage(
          vscode.l10n.t('BERT Lens: put the cursor on a word (in code files, inside a comment or string).'),
        );
      return;
    }
    await ctx.ready();
    const { input: prepared, limited } = ctx.docs.prepare(doc, offset);
    // Paragraph scope: BERT reads only the paragraph around the cursor (as in the classic "it" examples); the rest
    // is blanked, so offsets stay document offsets. Document scope shows the encoder's real window over the document.
    const input = ctx.config.attentionScope === 'paragraph' ? ctx.docs.paragraph(doc, prepared, offset) : prepared;
    const ticket = this.gate.begin('attention', input.uri, input.version);
    this.ctrl?.abort();
    const ctrl = (this.ctrl = new AbortController());
    const c = ctx.config;
    let r: AttentionView;
    try {
      r = await ctx.client.call.attention(input, offset, c.attentionLayer, c.attentionHead, { signal: ctrl.signal });
    } catch (e) {
      if (isCancel(e)) return;
      if (explicit) ctx.error(vscode.l10n.t('Show Attention'), e);
      else ctx.log.warn(`Attention failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!this.gate.isCurrent(ticket, doc.version)) return; // the text or the cursor moved on meanwhile
    if (this.shownIn && this.shownIn !== ed) this.clearDecorations();
    this.shownIn = ed;
    this.anchor = { uri: input.uri, offset };
    this.apply(ed, r);
    const read = { ...r.window, whole: blankOutside(input, r.window.start, r.window.end) };
    ctx.status.attentionScope = scopeText(doc, read, limited, c.attentionScope === 'paragraph' ? 'paragraph' : 'word');
    markTourDone('attention');
    ctx.status.attentionShown = true;
    ctx.status.update();
    void vscode.commands.executeCommand('setContext', 'bertLens.attentionShown', true);
  }

  private apply(ed: vscode.TextEditor, r: AttentionView): void {
    const doc = ed.document;
    const words = r.to.filter((t) => /[\p{L}\p{N}]/u.test(t.text)); // punctuation soaks up weight but means little
    const buckets = bucketize(words, BUCKETS, r.from);
    // Numbers on the strongest words only, drawn out of the line's flow (LABEL_CSS); the rest by colour, whose
    // legend is in the status bar tooltip.
    // Only the stretch the words lie in (one window), not the whole document, is read per view.
    const lo = words.length ? Math.min(...words.map((t) => t.start)) : 0;
    const hi = words.length ? Math.max(...words.map((t) => t.end)) + 1 : 0;
    const stretch = doc.getText(new vscode.Range(doc.positionAt(lo), doc.positionAt(hi)));
    const top = labelledWords(words, r.from, stretch, LABELLED, lo);
    const max = Math.max(0, ...words.filter((t) => t.start !== r.from.start).map((t) => t.weight));
    this.ctx.status.legend = { from: r.from.text, max };
    const where = r.layer === 'rollout' ? vscode.l10n.t('rollout') : vscode.l10n.t('layer {0}', r.layer);
    const head = r.head === 'mean' ? vscode.l10n.t('mean of heads') : vscode.l10n.t('head {0}', r.head);
    buckets.forEach((items, b) => {
      ed.setDecorations(
        this.types[b],
        items.map((t) => ({
          range: new vscode.Range(doc.positionAt(t.start), doc.positionAt(t.end)),
          hoverMessage: new vscode.MarkdownString(
            vscode.l10n.t('Attention from **{0}** to **{1}**: {2} ({3}, {4})', r.from.text, t.text, t.weight.toFixed(3), where, head),
          ),
          renderOptions: top.has(t)
            ? {
                after: {
                  contentText: labelText(t.weight),
                  color: new vscode.ThemeColor('bertLens.attentionWeightForeground'),
                  backgroundColor: new vscode.ThemeColor('editor.background'),
                  textDecoration: LABEL_CSS,
                },
              }
            : undefined,
        })),
      );
    });
    ed.setDecorations(this.focusType, [
      {
        range: new vscode.Range(doc.positionAt(r.from.start), doc.positionAt(r.from.end)),
        hoverMessage: vscode.l10n.t('Attention is shown from this word ({0}, {1})', where, head),
      },
    ]);
  }

  dispose(): void {
    this.clear();
    this.debounce.cancel();
    for (const s of this.subs) s.dispose();
    for (const t of this.types) t.dispose();
    this.focusType.dispose();
  }
}

// Occlusion overlay: "Explain Prediction by Occlusion" colours every other word of the paragraph by how much the
// prediction at the cursor (the word there, or a literal [MASK]) loses when that word is masked too — blue where it
// supports the prediction, red where it works against it, on the one diverging scale (shared/diverging.ts).
// "Explain Answer by Occlusion" does the same for a shown QA answer: every word of the answer's passage, masked in
// turn, against the answer's span probability.
// Cleared by Escape, the Clear command, or any edit of the document (the numbers belong to the old text).
import * as vscode from 'vscode';
import type { OcclusionResult, QaAnswer } from '../core/api';
import { DIVERGING_STEPS, stepColor } from '../shared/diverging';
import { usedText } from './auto';
import { isCancel, type Ctx } from './ctx';
import { effectText, paintOcclusion } from './occlusion-logic';
import { LABEL_CSS } from './overlay-labels';
import { scopeText } from './scope';
import { RenderGate } from './staleness';
import { cursorWord } from './tasks';
import type { DocInput, Result } from '../worker/protocol';

type Occlusion = Awaited<Result<'occlude'>>;

export class OcclusionOverlay implements vscode.Disposable {
  private readonly types: vscode.TextEditorDecorationType[];
  private readonly targetType: vscode.TextEditorDecorationType;
  private readonly gate = new RenderGate();
  private shownIn: vscode.TextEditor | undefined;
  private ctrl: AbortController | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    // Supports (blue) 1..steps, then works against (red) 1..steps: the order shadeIndex() uses.
    const steps = [
      ...Array.from({ length: DIVERGING_STEPS }, (_, i) => i + 1),
      ...Array.from({ length: DIVERGING_STEPS }, (_, i) => -(i + 1)),
    ];
    this.types = steps.map((s) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: stepColor(s),
        borderRadius: '3px',
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.targetType = vscode.window.createTextEditorDecorationType({
      border: '1px solid',
      borderColor: new vscode.ThemeColor('bertLens.attentionFocusBorder'),
      borderRadius: '3px',
      fontWeight: 'bold',
    });
    this.subs.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.shownIn?.document === e.document && e.contentChanges.length) this.clear();
      }),
    );
  }

  /** "Explain Prediction by Occlusion": the word (or [MASK]) at the cursor. */
  async show(): Promise<void> {
    const at = cursorWord(this.ctx);
    if (!at) return;
    await this.run(at.ed, at.offset, vscode.l10n.t('Explain Prediction by Occlusion'), (input, signal) =>
      this.ctx.client.call.occlude(input, at.offset, 'mask', '', null, { signal }),
    );
  }

  /** "Explain Answer by Occlusion": a shown answer (tasks.ts QuestionAnswering.answerToExplain); true once shown. */
  async showAnswer(ed: vscode.TextEditor, question: string, answer: QaAnswer): Promise<boolean> {
    const span = { start: answer.start, end: answer.end };
    return this.run(ed, answer.start, vscode.l10n.t('Explain Answer by Occlusion'), (input, signal) =>
      this.ctx.client.call.occlude(input, answer.start, 'qa', question, span, { signal }),
    );
  }

  private async run(
    ed: vscode.TextEditor,
    offset: number,
    what: string,
    call: (input: DocInput, signal: AbortSignal) => Promise<Occlusion>,
  ): Promise<boolean> {
    const ctx = this.ctx;
    const doc = ed.document;
    await ctx.ready();
    const { input, limited } = ctx.docs.prepare(doc, offset);
    const ticket = this.gate.begin('occlusion', input.uri, input.version);
    this.ctrl?.abort();
    const ctrl = (this.ctrl = new AbortController());
    const r = await vscode.window
      .withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('BERT Lens: masking each word in turn…'), cancellable: true },
        (_p, token) => {
          token.onCancellationRequested(() => ctrl.abort());
          return call(input, ctrl.signal);
        },
      )
      .then(
        (x) => x,
        (e) => (isCancel(e) ? undefined : ctx.error(what, e)),
      );
    if (!r || !this.gate.isCurrent(ticket, doc.version)) return false;
    if (this.shownIn && this.shownIn !== ed) this.clearDecorations();
    this.shownIn = ed;
    const read = { ...r.read, whole: false };
    this.apply(ed, r, scopeText(doc, read, limited, r.task === 'qa' ? 'answer' : 'paragraph'), usedText(r));
    void vscode.commands.executeCommand('setContext', 'bertLens.occlusionShown', true);
    return true;
  }

  private apply(ed: vscode.TextEditor, r: OcclusionResult, scope: string, used: string): void {
    const doc = ed.document;
    const paint = paintOcclusion(r.words, doc.getText());
    const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
    paint.shades.forEach((items, i) => {
      ed.setDecorations(
        this.types[i],
        items.map((w) => ({
          range: new vscode.Range(doc.positionAt(w.start), doc.positionAt(w.end)),
          hoverMessage: new vscode.MarkdownString(effectHover(r, w, pct)),
          renderOptions: paint.labelled.has(w)
            ? {
                after: {
                  contentText: effectText(w.delta),
                  color: new vscode.ThemeColor('bertLens.attentionWeightForeground'),
                  backgroundColor: new vscode.ThemeColor('editor.background'),
                  textDecoration: LABEL_CSS,
                },
              }
            : undefined,
        })),
      );
    });
    ed.setDecorations(this.targetType, [
      {
        range: new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end)),
        hoverMessage:
          r.task === 'qa'
            ? vscode.l10n.t('Occlusion explains the answer “{0}” (span probability {1}: P(start) × P(end)).', r.target, pct(r.base))
            : vscode.l10n.t('Occlusion explains the prediction “{0}” here (probability {1}).', r.target, pct(r.base)),
      },
    ]);
    this.ctx.status.occlusion = { task: r.task, target: r.target, base: r.base, max: paint.max, scope, used };
    this.ctx.status.update();
  }

  clear(): void {
    this.ctrl?.abort();
    this.gate.end('occlusion');
    this.clearDecorations();
    this.shownIn = undefined;
    this.ctx.status.occlusion = undefined;
    this.ctx.status.update();
    void vscode.commands.executeCommand('setContext', 'bertLens.occlusionShown', false);
  }

  private clearDecorations(): void {
    const ed = this.shownIn;
    if (!ed) return;
    for (const t of this.types) ed.setDecorations(t, []);
    ed.setDecorations(this.targetType, []);
  }

  dispose(): void {
    this.clear();
    for (const s of this.subs) s.dispose();
    for (const t of this.types) t.dispose();
    this.targetType.dispose();
  }
}

/** A word's hover: what masking it does to the prediction (masked word) or to the answer (QA). */
function effectHover(r: OcclusionResult, w: OcclusionResult['words'][number], pct: (p: number) => string): string {
  const args = [w.word, r.target, pct(r.base), pct(w.score), effectText(w.delta)] as const;
  if (r.task === 'qa') {
    return w.delta >= 0
      ? vscode.l10n.t(
          'Masking **{0}** lowers the probability of the answer **{1}** from {2} to {3} ({4}): it supports the answer.',
          ...args,
        )
      : vscode.l10n.t(
          'Masking **{0}** raises the probability of the answer **{1}** from {2} to {3} ({4}): it works against the answer.',
          ...args,
        );
  }
  return w.delta >= 0
    ? vscode.l10n.t('Masking **{0}** lowers P(**{1}**) from {2} to {3} ({4}): it supports the prediction.', ...args)
    : vscode.l10n.t('Masking **{0}** raises P(**{1}**) from {2} to {3} ({4}): it works against the prediction.', ...args);
}

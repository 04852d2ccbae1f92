// Editor tasks on the worker: predict a masked word, check sentence continuity (NSP), answer a question (QA).
import * as vscode from 'vscode';
import type { QaAnswer } from '../core/api';
import { usedText } from './auto';
import { isCancel, toSignal, type Ctx } from './ctx';
import { scopeText } from './scope';
import { answerToExplain, fmtScore, maskLiteralAt, masksInParagraph, matchCase } from './tasks-logic';
import { markTourDone } from './tour';

/**
 * The word (or literal [MASK]) at the cursor of the active editor, for commands that predict or explain it; tells
 * the user what to do and returns undefined when there is none. A cursor just after a word counts as on it.
 */
export function cursorWord(
  ctx: Ctx,
  target?: vscode.TextEditor,
): { ed: vscode.TextEditor; offset: number; lit: ReturnType<typeof maskLiteralAt> } | undefined {
  const ed = target ?? vscode.window.activeTextEditor;
  if (!ed)
    return void vscode.window.showInformationMessage(
      vscode.l10n.t('BERT Lens: open a text editor and put the cursor on a word or on [MASK].'),
    );
  const doc = ed.document;
  let offset = doc.offsetAt(ed.selection.active);
  const lit = maskLiteralAt(doc.getText(), offset);
  if (lit) offset = lit.start + 1;
  else if (!ctx.docs.analysedAt(doc, offset) && ctx.docs.analysedAt(doc, offset - 1)) offset -= 1;
  else if (!ctx.docs.analysedAt(doc, offset)) {
    return void vscode.window.showInformationMessage(
      vscode.l10n.t('BERT Lens: put the cursor on a word (in code files, inside a comment or string) or on [MASK].'),
    );
  }
  return { ed, offset, lit };
}

/** The visible editor of `uri` (a caller that names its document), else undefined: the active editor is used. */
export function editorOf(uri: string | undefined): vscode.TextEditor | undefined {
  return uri === undefined ? undefined : vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
}

/**
 * `keepOpen`: the list stays when focus moves away; `uri`: the editor to read (the walkthrough's button names its
 * sample: right after its click, focus can still be on the walkthrough page or a closing hover, with no active text
 * editor — the list then never showed).
 */
export async function predictWord(ctx: Ctx, opts: { keepOpen?: boolean; uri?: string } = {}): Promise<void> {
  const at = cursorWord(ctx, editorOf(opts.uri));
  if (!at) return void ctx.log.trace(`Predict Word: no word at the cursor (editor named: ${opts.uri !== undefined})`);
  const { ed, offset, lit } = at;
  const doc = ed.document;
  await ctx.ready();
  const { input, limited } = ctx.docs.prepare(doc, offset);
  if (lit && masksInParagraph(doc.getText(), offset) > 1) return fillMasks(ctx, ed, input, offset, opts.keepOpen);
  const r = await vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('BERT Lens: predicting…'), cancellable: true },
      (_p, token) => ctx.client.call.mask(input, offset, Math.max(ctx.config.topK, 10), { signal: toSignal(token) }),
    )
    .then(
      (x) => x,
      (e) => (isCancel(e) ? undefined : ctx.error(vscode.l10n.t('Predict Word'), e)),
    );
  if (!r || doc.version !== input.version) return void ctx.log.trace(`Predict Word: ${r ? 'the document changed meanwhile' : 'no result'}`);
  const original = doc.getText().slice(r.start, r.end);
  const items = r.predictions.map((p) => ({
    label: matchCase(original, p.word),
    description: `${(p.score * 100).toFixed(1)}%`,
    detail: p.word.toLowerCase() === original.toLowerCase() ? vscode.l10n.t('the word already here') : undefined,
  }));
  markTourDone('mask');
  ctx.log.trace(`Predict Word: showing ${items.length} words for "${original}"`);
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('BERT Lens: what BERT would write instead of “{0}”', original),
    placeHolder: vscode.l10n.t('Pick a word to replace it · {0} · read: {1}', usedText(r), scopeText(doc, r.read, limited)),
    ignoreFocusOut: opts.keepOpen,
  });
  ctx.log.trace(`Predict Word: the list closed (${pick ? `picked "${pick.label}"` : 'nothing picked'})`);
  if (!pick || doc.version !== input.version) return;
  await ed.edit((e) => e.replace(new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end)), pick.label));
}

/**
 * Several [MASK]s in the paragraph: fill them jointly (each later one seeing the words chosen before it). The first
 * item fills every mask; the others are the candidates for the [MASK] under the cursor at the step it was filled.
 */
async function fillMasks(
  ctx: Ctx,
  ed: vscode.TextEditor,
  input: Parameters<Ctx['client']['call']['fillMasks']>[0],
  offset: number,
  keepOpen?: boolean,
): Promise<void> {
  const doc = ed.document;
  const r = await vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('BERT Lens: predicting…'), cancellable: true },
      (_p, token) => ctx.client.call.fillMasks(input, offset, Math.max(ctx.config.topK, 10), { signal: toSignal(token) }),
    )
    .then(
      (x) => x,
      (e) => (isCancel(e) ? undefined : ctx.error(vscode.l10n.t('Predict Word'), e)),
    );
  if (!r || doc.version !== input.version) return;
  markTourDone('mask');
  const here = r.masks.find((m) => m.start <= offset && offset <= m.end) ?? r.masks[0];
  type Item = vscode.QuickPickItem & { fill: Array<{ start: number; end: number; word: string }> };
  const all: Item = {
    label: `$(sparkle) ${vscode.l10n.t('Fill all {0} [MASK]s together', r.masks.length)}`,
    description: r.masks.map((m) => m.word).join(' · '),
    detail: vscode.l10n.t(
      'Most confident first, each later [MASK] sees the words chosen before it; joint probability {0}',
      fmtScore(r.score),
    ),
    fill: r.masks,
  };
  const one: Item[] = here.predictions.map((p) => ({
    label: p.word,
    description: `${(p.score * 100).toFixed(1)}%`,
    detail: vscode.l10n.t('this [MASK] only (filled at step {0} of {1})', here.step, r.masks.length),
    fill: [{ start: here.start, end: here.end, word: p.word }],
  }));
  const pick = await vscode.window.showQuickPick([all, { label: '', kind: vscode.QuickPickItemKind.Separator, fill: [] }, ...one], {
    title: vscode.l10n.t('BERT Lens: {0} [MASK]s in this paragraph', r.masks.length),
    placeHolder: vscode.l10n.t('Pick to write the words in · {0}', usedText(r)),
    ignoreFocusOut: keepOpen,
  });
  if (!pick?.fill.length || doc.version !== input.version) return;
  await ed.edit((e) => {
    for (const f of pick.fill) e.replace(new vscode.Range(doc.positionAt(f.start), doc.positionAt(f.end)), f.word);
  });
}

export class Continuity implements vscode.Disposable {
  private readonly diags = vscode.languages.createDiagnosticCollection('bertLens');
  private readonly sub: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    // Probabilities belong to the text they were computed on: drop them on the first edit.
    this.sub = vscode.workspace.onDidChangeTextDocument((e) => this.diags.delete(e.document.uri));
  }

  async check(): Promise<void> {
    const ed = vscode.window.activeTextEditor;
    if (!ed) return;
    const doc = ed.document;
    await this.ctx.ready();
    const { input } = this.ctx.docs.prepare(doc);
    const pairs = await vscode.window
      .withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('BERT Lens: checking sentence continuity'),
          cancellable: true,
        },
        (progress, token) => {
          let last = 0;
          return this.ctx.client.call.nsp(input, {
            signal: toSignal(token),
            onProgress: (p) => {
              if (!('done' in p) || !p.total) return;
              progress.report({ increment: ((p.done - last) / p.total) * 100, message: `${p.done}/${p.total}` });
              last = p.done;
            },
          });
        },
      )
      .then(
        (x) => x,
        (e) => (isCancel(e) ? undefined : this.ctx.error(vscode.l10n.t('Check Sentence Continuity'), e)),
      );
    if (!pairs || doc.version !== input.version) return;
    const threshold = this.ctx.config.nspThreshold;
    const low = pairs.filter((p) => p.isNext < threshold);
    this.diags.set(
      doc.uri,
      low.map((p) => {
        const verdict = vscode.l10n.t(
          'This sentence may not follow the previous one: next-sentence probability {0} (threshold {1}).',
          p.isNext.toFixed(2),
          threshold.toFixed(2),
        );
        const cut = p.cut ? ` ${vscode.l10n.t('The two sentences are too long for the model together: it read the start of each.')}` : '';
        const d = new vscode.Diagnostic(
          new vscode.Range(doc.positionAt(p.b.start), doc.positionAt(p.b.end)),
          verdict + cut,
          vscode.DiagnosticSeverity.Information,
        );
        d.source = 'BERT Lens';
        d.relatedInformation = [
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(doc.uri, new vscode.Range(doc.positionAt(p.a.start), doc.positionAt(p.a.end))),
            vscode.l10n.t('previous sentence'),
          ),
        ];
        return d;
      }),
    );
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'BERT Lens: {0} of {1} sentence pairs look discontinuous (next-sentence probability below {2}).',
        low.length,
        pairs.length,
        threshold.toFixed(2),
      ),
    );
  }

  dispose(): void {
    this.sub.dispose();
    this.diags.dispose();
  }
}

export class QuestionAnswering implements vscode.Disposable {
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('bertLens.answerBackground'),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('bertLens.answerBorder'),
    borderRadius: '3px',
  });
  private highlighted: vscode.TextEditor | undefined;
  private lastQuestion = '';
  /** The answers on show, for "Explain Answer by Occlusion"; cleared with the highlight. */
  private shown: { ed: vscode.TextEditor; version: number; question: string; answers: QaAnswer[] } | undefined;

  constructor(private readonly ctx: Ctx) {}

  /**
   * @param suggested the walkthrough's sample question, offered (editable) instead of the last one; the box then stays
   * when focus moves away (the panel the walkthrough opened can take focus once its view loads)
   * @param uri the document to ask about (the walkthrough's sample), else the active editor's
   */
  async ask(suggested?: string, uri?: string): Promise<void> {
    const ed = editorOf(uri) ?? vscode.window.activeTextEditor;
    if (!ed) return void vscode.window.showInformationMessage(vscode.l10n.t('BERT Lens: open the document you want to ask about first.'));
    const doc = ed.document;
    const question = await vscode.window.showInputBox({
      title: vscode.l10n.t('BERT Lens: ask a question about this document'),
      prompt: vscode.l10n.t('The answer is a span of the document, found by the question-answering model.'),
      placeHolder: vscode.l10n.t('e.g. Under what force does precipitation fall?'),
      value: suggested ?? this.lastQuestion,
      ignoreFocusOut: suggested !== undefined,
    });
    if (!question?.trim()) return void this.ctx.log.trace('Ask: the question box closed without a question');
    this.lastQuestion = question;
    this.ctx.log.trace(`Ask: "${question}"`);
    void this.ctx.auto.check(doc, 'qa');
    await this.answer(ed, question, false, suggested !== undefined);
  }

  /**
   * Answers from the document — in a large one only near the view, unless `whole` — and lists the answers under the
   * scope they come from, offering "Search the whole document" (with progress and cancel) when that was partial.
   */
  private async answer(ed: vscode.TextEditor, question: string, whole: boolean, keepOpen = false): Promise<void> {
    const doc = ed.document;
    await this.ctx.ready();
    const { input, limited } = this.ctx.docs.prepare(doc, undefined, whole);
    // No ellipsis: VS Code shows "title: message" ("… reading the document: passage 3 of 12").
    const title = whole ? vscode.l10n.t('BERT Lens: reading the whole document') : vscode.l10n.t('BERT Lens: reading the document');
    const r = await vscode.window
      .withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        let shown = 0;
        const onProgress = (p: { done: number; total: number } | object) => {
          if (!('done' in p) || !p.total) return;
          const pct = (100 * p.done) / p.total;
          progress.report({ increment: pct - shown, message: vscode.l10n.t('passage {0} of {1}', p.done, p.total) });
          shown = pct;
        };
        return this.ctx.client.call.qa(input, question, 5, false, { signal: toSignal(token), onProgress });
      })
      .then(
        (x) => x,
        (e) => (isCancel(e) ? undefined : this.ctx.error(vscode.l10n.t('Ask a Question'), e)),
      );
    if (!r || doc.version !== input.version) {
      return void this.ctx.log.trace(`Ask: ${r ? 'the document changed meanwhile' : 'no result'}`);
    }
    if (r.questionCut) {
      const { kept, of } = r.questionCut;
      void vscode.window.showWarningMessage(
        vscode.l10n.t('BERT Lens: the question is {0} tokens long; the model read only its first {1}. Ask a shorter question.', of, kept),
      );
    }
    const scope = limited ? vscode.l10n.t('the visible part and the text near the cursor') : vscode.l10n.t('the whole document');
    const searchAll = vscode.l10n.t('Search the whole document');
    if (!r.answers.length) {
      const msg = vscode.l10n.t('BERT Lens found no answer to “{0}” in {1} ({2}).', question, scope, usedText(r));
      const a = await (limited ? vscode.window.showInformationMessage(msg, searchAll) : vscode.window.showInformationMessage(msg));
      if (a === searchAll) await this.answer(ed, question, true);
      return;
    }
    this.show(ed, r.answers, question, input.version);
    markTourDone('qa');
    type Item = vscode.QuickPickItem & { answer?: QaAnswer };
    const items: Item[] = r.answers.map((a) => {
      const line = doc.positionAt(a.start).line;
      return {
        label: a.text.replace(/\s+/g, ' '),
        description: vscode.l10n.t('score {0}', fmtScore(a.score)),
        detail: vscode.l10n.t('line {0}: {1}', line + 1, doc.lineAt(line).text.trim().slice(0, 120)),
        answer: a,
      };
    });
    if (limited) {
      items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
      items.push({
        label: `$(search) ${searchAll}`,
        detail: vscode.l10n.t('Reads all {0} characters, with progress; cancellable.', doc.getText().length),
      });
    }
    const reveal = (a: QaAnswer) => {
      const sel = new vscode.Selection(doc.positionAt(a.start), doc.positionAt(a.end));
      ed.selection = sel;
      ed.revealRange(sel, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    };
    const qp = vscode.window.createQuickPick<Item>();
    const none = r.noAnswerScore === undefined ? '' : ` · ${vscode.l10n.t('no-answer score {0}', fmtScore(r.noAnswerScore))}`;
    qp.title = vscode.l10n.t('BERT Lens: answers to “{0}” from {1} — {2}', question, scope, usedText(r)) + none;
    qp.items = items;
    qp.matchOnDescription = true;
    qp.ignoreFocusOut = keepOpen; // from the walkthrough: its panel can take focus once its view loads
    let again = false;
    let closed = false;
    const done = new Promise<void>((resolve) => {
      qp.onDidChangeActive((a) => a[0]?.answer && reveal(a[0].answer));
      qp.onDidAccept(() => {
        const a = qp.selectedItems[0] ?? qp.activeItems[0];
        if (a?.answer) reveal(a.answer);
        else if (a) again = true;
        qp.hide();
      });
      qp.onDidHide(() => {
        if (closed) return; // dispose() fires it again
        closed = true;
        this.ctx.log.trace('Ask: the answers list closed');
        qp.dispose();
        resolve();
      });
    });
    qp.show();
    this.ctx.log.trace(`Ask: showing ${r.answers.length} answers`);
    await done;
    if (vscode.window.activeTextEditor !== ed) await vscode.window.showTextDocument(doc, ed.viewColumn);
    if (again) await this.answer(ed, question, true);
  }

  private show(ed: vscode.TextEditor, answers: QaAnswer[], question: string, version: number): void {
    this.clear();
    const doc = ed.document;
    ed.setDecorations(
      this.highlight,
      answers.map((a, i) => {
        const hover = new vscode.MarkdownString(
          vscode.l10n.t(
            'BERT Lens answer #{0} (score {1}). Run "BERT Lens: Clear Answers" or press Escape to dismiss.',
            i + 1,
            fmtScore(a.score),
          ),
        );
        // One trusted command: the link explains this answer (its index in the list shown).
        hover.isTrusted = { enabledCommands: ['bertLens.explainAnswer'] };
        hover.appendMarkdown(
          `\n\n[${vscode.l10n.t('Explain this answer by occlusion')}](command:bertLens.explainAnswer?${encodeURIComponent(JSON.stringify([i]))})`,
        );
        return { range: new vscode.Range(doc.positionAt(a.start), doc.positionAt(a.end)), hoverMessage: hover };
      }),
    );
    this.highlighted = ed;
    this.shown = { ed, version, question, answers };
    void vscode.commands.executeCommand('setContext', 'bertLens.answersShown', true);
  }

  /** The shown answer to explain (answerToExplain), with its question and editor; a message when there is none. */
  answerToExplain(index?: number): { ed: vscode.TextEditor; question: string; answer: QaAnswer } | undefined {
    const s = this.shown;
    const ed = vscode.window.activeTextEditor;
    if (!s || !ed || ed.document !== s.ed.document) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('BERT Lens: ask a question first (BERT Lens: Ask a Question About This Document), then explain one of its answers.'),
      );
      return undefined;
    }
    if (ed.document.version !== s.version) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('BERT Lens: the document changed since the answers were found; ask the question again.'),
      );
      return undefined;
    }
    const doc = ed.document;
    const answer = answerToExplain(s.answers, { start: doc.offsetAt(ed.selection.start), end: doc.offsetAt(ed.selection.end) }, index);
    return answer && { ed, question: s.question, answer };
  }

  clear(): void {
    this.highlighted?.setDecorations(this.highlight, []);
    this.highlighted = undefined;
    this.shown = undefined;
    void vscode.commands.executeCommand('setContext', 'bertLens.answersShown', false);
  }

  dispose(): void {
    this.clear();
    this.highlight.dispose();
  }
}

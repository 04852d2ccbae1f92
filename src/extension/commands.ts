// Commands as a table: id (without the `bertLens.` prefix) → handler. The manifest lists the same ids.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { revealOccurrence } from './hover';
import { selectLayerHead, selectModel } from './models';
import type { OcclusionOverlay } from './occlusion';
import type { AttentionOverlay } from './overlay';
import { exportTensors } from './tensors';
import { predictWord, type Continuity, type QuestionAnswering } from './tasks';
import type { Tour } from './tour';

export interface Views {
  overlay: AttentionOverlay;
  occlusion: OcclusionOverlay;
  continuity: Continuity;
  qa: QuestionAnswering;
  tour: Tour;
}

type Handler = (...args: never[]) => unknown;

export function commandTable(ctx: Ctx, v: Views): Record<string, Handler> {
  return {
    showAttention: () => v.overlay.show(),
    followCursor: () => v.overlay.toggleFollow(),
    clearAttention: () => v.overlay.clear(),
    explainOcclusion: () => v.occlusion.show(),
    clearOcclusion: () => v.occlusion.clear(),
    explainAnswer: async (index?: number) => {
      const a = v.qa.answerToExplain(typeof index === 'number' ? index : undefined);
      // The explained answer keeps a border (the occlusion target); the other answers' boxes would hide the colours.
      if (a && (await v.occlusion.showAnswer(a.ed, a.question, a.answer))) v.qa.clear();
    },
    exportTensors: () => exportTensors(ctx),
    selectLayerHead: () => selectLayerHead(ctx),
    // The walkthrough passes { keepOpen: true, uri }; a context-menu click passes the document's Uri object.
    predictWord: (o?: unknown) => {
      const a = (o ?? {}) as { keepOpen?: unknown; uri?: unknown };
      return predictWord(ctx, { keepOpen: a.keepOpen === true, uri: typeof a.uri === 'string' ? a.uri : undefined });
    },
    checkContinuity: () => v.continuity.check(),
    // The panel's Sentences view: the sentence at the cursor and the next, or the editor's first two selections.
    compareSentences: () => vscode.commands.executeCommand('bertLens.showInPanel', { section: 'sentences' }),
    askQuestion: (question?: unknown, uri?: unknown) =>
      v.qa.ask(typeof question === 'string' ? question : undefined, typeof uri === 'string' ? uri : undefined),
    clearAnswers: () => v.qa.clear(),
    selectModel: () => selectModel(ctx),
    toggleHover: async () => {
      const on = !ctx.config.hoverEnabled;
      await vscode.workspace.getConfiguration('bertLens').update('hover.enabled', on, vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage(on ? vscode.l10n.t('BERT Lens hover is on.') : vscode.l10n.t('BERT Lens hover is off.'));
    },
    openPanel: () => vscode.commands.executeCommand('workbench.view.extension.bertLens'),
    showLog: () => ctx.log.show(),
    openSample: () => v.tour.openSample(),
    tour: (step: unknown) => v.tour.run(step),
    revealOccurrence: (uri: string, start: number, end: number) => revealOccurrence(uri, start, end),
  };
}

/** Registers every command of the table under the `bertLens.` prefix. */
export function registerCommands(ctx: Ctx, table: Record<string, Handler>): void {
  for (const [name, fn] of Object.entries(table)) {
    ctx.push(
      vscode.commands.registerCommand(`bertLens.${name}`, async (...args: unknown[]) => {
        try {
          return await (fn as (...a: unknown[]) => unknown)(...args);
        } catch (e) {
          ctx.error(name, e);
        }
      }),
    );
  }
}

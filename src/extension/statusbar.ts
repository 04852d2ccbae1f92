// Status bar: the active models (click → Select Model…) and, while the overlay is on, attention layer/head.
import * as vscode from 'vscode';
import type { ModelSlot } from '../worker/protocol';
import type { Ctx } from './ctx';
import { errorText } from './advice';
import { LABELLED, labelText, legend } from './overlay-labels';
import { signedLabel } from '../shared/diverging';

export class StatusBar implements vscode.Disposable {
  private readonly models: vscode.StatusBarItem;
  private readonly attention: vscode.StatusBarItem;
  attentionShown = false;
  following = false;
  /** What the overlay's colours mean: attention from this word, relative to the strongest weight shown. */
  legend: { from: string; max: number } | undefined;
  /** What text the shown attention was computed on (scope.ts). */
  attentionScope: string | undefined;
  /** The occlusion overlay's target, its probability, the strongest effect shown, the text read and the model. */
  occlusion: { task: 'mask' | 'qa'; target: string; base: number; max: number; scope: string; used: string } | undefined;
  private readonly occlusionItem: vscode.StatusBarItem;

  constructor(private readonly ctx: Ctx) {
    this.models = vscode.window.createStatusBarItem('bertLens.models', vscode.StatusBarAlignment.Right, 100);
    this.models.name = vscode.l10n.t('BERT Lens Models');
    this.models.command = 'bertLens.selectModel';
    this.attention = vscode.window.createStatusBarItem('bertLens.attention', vscode.StatusBarAlignment.Right, 99);
    this.attention.name = vscode.l10n.t('BERT Lens Attention');
    this.attention.command = 'bertLens.selectLayerHead';
    this.occlusionItem = vscode.window.createStatusBarItem('bertLens.occlusion', vscode.StatusBarAlignment.Right, 98);
    this.occlusionItem.name = vscode.l10n.t('BERT Lens Occlusion');
    this.occlusionItem.command = 'bertLens.clearOcclusion';
    this.update();
    this.models.show();
  }

  update(): void {
    const s = this.ctx.models;
    const enc = s?.encoder;
    const state = enc?.state ?? 'loading';
    const icon = state === 'ready' ? '$(telescope)' : state === 'error' ? '$(error)' : '$(sync~spin)';
    const name = `${enc?.id || this.ctx.config.model}${enc?.auto ? ' (auto)' : ''}`;
    const otherFailed = s && (s.qa.state === 'error' || s.static.state === 'error') ? ' $(warning)' : '';
    this.models.text = `${icon} BERT Lens: ${name}${otherFailed}${this.ctx.docs.limitedNow ? ' $(eye-closed)' : ''}`;
    this.models.backgroundColor = state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**BERT Lens**\n\n`);
    const row = (label: string, x: ModelSlot | undefined, fallback: string) => {
      const id = x?.id || fallback || vscode.l10n.t('none');
      const detail = x?.info
        ? ` — ${x.info.architecture}, ${x.info.layers}×${x.info.heads}, ${x.info.hidden}d, ${x.info.dtype}`
        : x?.staticInfo
          ? ` — ${x.staticInfo.size.toLocaleString()} × ${x.staticInfo.dims}d`
          : '';
      const st =
        x?.state === 'error'
          ? ` $(error) ${x.error ? errorText(x.error, vscode.l10n) : ''}`
          : x?.state === 'loading'
            ? ' $(sync~spin)'
            : '';
      md.appendMarkdown(`- ${label}: \`${id}\`${x?.auto ? ' (auto)' : ''}${detail}${st}\n`);
    };
    row(vscode.l10n.t('Encoder'), s?.encoder, this.ctx.config.model);
    row(vscode.l10n.t('Question answering'), s?.qa, this.ctx.config.qaModel);
    row(vscode.l10n.t('Static vectors'), s?.static, this.ctx.config.staticVectors);
    if (s && [s.encoder, s.qa, s.static].some((x) => x.auto)) {
      md.appendMarkdown(
        `\n${
          this.ctx.language === 'zh'
            ? vscode.l10n.t(
                'auto: this document is mostly Chinese, so the Chinese models are used; a paragraph that is not uses the English ones.',
              )
            : vscode.l10n.t(
                'auto: this document is not mostly Chinese, so the English models are used; a mostly Chinese paragraph uses the Chinese ones.',
              )
        }\n`,
      );
    }
    if (this.ctx.docs.limitedNow) {
      md.appendMarkdown(
        `\n${vscode.l10n.t('This document is larger than bertLens.maxDocumentChars: only the visible range and the text around the cursor are analysed.')}\n`,
      );
    }
    md.appendMarkdown(`\n${vscode.l10n.t('Click to select a model.')}`);
    this.models.tooltip = md;

    if (this.attentionShown) {
      const c = this.ctx.config;
      const layer =
        c.attentionLayer === 'rollout'
          ? vscode.l10n.t('rollout')
          : c.attentionLayer === 'last'
            ? `L${s?.encoder.info?.layers ?? '?'}`
            : `L${c.attentionLayer}`;
      const head =
        c.attentionLayer === 'rollout'
          ? ''
          : c.attentionHead === 'mean'
            ? ` · ${vscode.l10n.t('mean of heads')}`
            : ` · H${c.attentionHead}`;
      this.attention.text = `$(eye) ${layer}${head}${this.following ? ' $(debug-step-into)' : ''}`;
      const tip = new vscode.MarkdownString(vscode.l10n.t('BERT Lens attention: click to change the layer and head'));
      if (this.legend) {
        const ranges = legend(this.legend.max).map((b) => `${labelText(b.from)}–${labelText(b.to)}`);
        tip.appendMarkdown(
          `\n\n${vscode.l10n.t('Colour = attention from **{0}**, six shades from light ({1}) to dark ({2}); weaker words stay uncoloured. The {3} strongest words carry their weight as a number; hover a word for its exact weight.', this.legend.from, ranges[0], ranges[ranges.length - 1], LABELLED)}`,
        );
      }
      if (this.attentionScope) tip.appendMarkdown(`\n\n${vscode.l10n.t('BERT read: {0}.', this.attentionScope)}`);
      this.attention.tooltip = tip;
      this.attention.show();
    } else this.attention.hide();
    this.updateOcclusion();
  }

  /** The occlusion legend: what is explained, on what text, and what blue and red mean. */
  private updateOcclusion(): void {
    const o = this.occlusion;
    if (!o) return void this.occlusionItem.hide();
    const target = o.target.length > 32 ? `${o.target.slice(0, 31)}…` : o.target; // a long answer would push the rest off
    this.occlusionItem.text = `$(symbol-color) ${vscode.l10n.t('occlusion: “{0}” {1}', target, `${(o.base * 100).toFixed(1)}%`)}`;
    const pct = `${(o.base * 100).toFixed(1)}%`;
    const tip = new vscode.MarkdownString(
      o.task === 'qa'
        ? vscode.l10n.t('BERT Lens occlusion of the answer **{0}** (span probability {1}, {2}).', o.target, pct, o.used)
        : vscode.l10n.t('BERT Lens occlusion of the prediction **{0}** (probability {1}, {2}).', o.target, pct, o.used),
    );
    tip.appendMarkdown(
      `\n\n${
        o.task === 'qa'
          ? vscode.l10n.t(
              "Each word is coloured by how much the answer's probability changes when that word is masked: blue supports the answer (it drops without the word), red works against it; the darkest shade is the strongest effect ({0}). Hover a word for its number.",
              signedLabel(o.max),
            )
          : vscode.l10n.t(
              'Each word is coloured by how much the probability changes when that word is masked too: blue supports the prediction (it drops without the word), red works against it; the darkest shade is the strongest effect ({0}). Hover a word for its number.',
              signedLabel(o.max),
            )
      }`,
    );
    tip.appendMarkdown(`\n\n${vscode.l10n.t('BERT read: {0}.', o.scope)}`);
    tip.appendMarkdown(`\n\n${vscode.l10n.t('Click or press Escape to clear.')}`);
    this.occlusionItem.tooltip = tip;
    this.occlusionItem.show();
  }

  dispose(): void {
    this.models.dispose();
    this.attention.dispose();
    this.occlusionItem.dispose();
  }
}

// Hover: static (word2vec) vs contextual (BERT) meaning of the word under the mouse, and its other occurrences.
import * as vscode from 'vscode';
import { nearestOccurrences } from '../core/nearest';
import type { InspectResult } from '../worker/protocol';
import { usedText } from './auto';
import { isCancel, toSignal, type Ctx } from './ctx';
import { lineColumn, snippet } from './hover-logic';
import { markTourDone } from './tour';

export const REVEAL_OCCURRENCE = 'bertLens.revealOccurrence';
export const SHOW_IN_PANEL = 'bertLens.showInPanel';

export class HoverProvider implements vscode.HoverProvider {
  constructor(private readonly ctx: Ctx) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const ctx = this.ctx;
    const offset = doc.offsetAt(pos);
    const signal = toSignal(token);
    // While the models load (at start-up, after a settings change, in a worker restarted after a crash), VS Code shows
    // "Loading…" and the hover answers once they are ready, instead of nothing.
    if (ctx.config.hoverEnabled && ctx.docs.supports(doc)) await ctx.encoderSettled(signal);
    const off = !ctx.config.hoverEnabled
      ? 'bertLens.hover.enabled is off'
      : !ctx.docs.supports(doc)
        ? `unsupported document ${doc.uri.scheme}:${doc.languageId}`
        : token.isCancellationRequested
          ? 'cancelled while the models loaded'
          : ctx.models?.encoder.state !== 'ready'
            ? `encoder ${ctx.models?.encoder.state ?? 'not configured'}`
            : !ctx.docs.analysedAt(doc, offset)
              ? 'outside the analysed range'
              : '';
    // Why a hover shows nothing, for "Developer: Set Log Level… → Trace" when a user reports silent hovers.
    if (off) return void ctx.log.trace(`No hover: ${off}`);
    const { input, limited } = ctx.docs.prepare(doc, offset);
    try {
      const r = await ctx.client.call.inspect(input, offset, ctx.config.layer, ctx.config.topK, { signal });
      if (token.isCancellationRequested || doc.version !== input.version)
        return void ctx.log.trace('No hover: cancelled, or the document changed, while it was computed');
      if (r.partial) {
        // Answered from the window around the word; encode the rest in the background so the next hover is complete.
        void ctx.client.call.encode(input, null, ctx.config.layer, offset).catch(() => undefined);
      }
      const range = new vscode.Range(doc.positionAt(r.word.start), doc.positionAt(r.word.end));
      markTourDone('hover');
      ctx.log.trace(`Hover on "${r.word.text}"`);
      return new vscode.Hover(render(r, doc, ctx.models?.encoder.info?.layers, limited), range);
    } catch (e) {
      // A failed hover shows nothing (never an exception); real errors go to the log.
      if (!isCancel(e)) ctx.log.warn(`Hover failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
}

const fmt = (x: number) => x.toFixed(2);
const HOVER_OCCURRENCES = 5; // a hover taller than the space above the line gets a scroll bar
const esc = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);

function commandLink(label: string, command: string, args: unknown[], title: string): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify(args))} "${title.replace(/"/g, "'")}")`;
}

/** The hover's Markdown; exported for tests in a real VS Code only (it needs MarkdownString). */
export function render(r: InspectResult, doc: vscode.TextDocument, layers: number | undefined, limited = false): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [REVEAL_OCCURRENCE, SHOW_IN_PANEL] };
  md.supportHtml = false;
  const layerName = r.layer === 'last' ? String(layers ?? 'last') : r.layer === 'last4' ? vscode.l10n.t('mean of last 4') : String(r.layer);
  const staticHead = vscode.l10n.t('Static (word2vec)');
  const ctxHead = vscode.l10n.t('Contextual (BERT, layer {0})', layerName);
  const st = r.static;
  const staticCells: string[] = !st
    ? [`*${vscode.l10n.t('no static vectors loaded')}*`]
    : !st.inVocabulary
      ? [`*${vscode.l10n.t('not in the word2vec vocabulary')}*`]
      : st.neighbours.map((n) => `${esc(n.word)} ${fmt(n.score)}`);
  const pct = (x: number) => (x >= 0.1 ? `${(x * 100).toFixed(0)}%` : `${(x * 100).toFixed(1)}%`);
  const subs = r.substitutes.map((p) => `${esc(p.word)} ${pct(p.score)}`);
  const near = r.neighbours.map((n) => `${esc(n.word)} ${fmt(n.score)}`);
  const rows = Math.max(staticCells.length, subs.length, near.length);
  // Compact on purpose: a hover taller than the space above the line gets a scroll bar.
  md.appendMarkdown(`| **${esc(r.word.text)}** · ${staticHead} | ${ctxHead} | |\n|:--|:--|:--|\n`);
  md.appendMarkdown(
    `| *${vscode.l10n.t('same for every occurrence')}* | *${vscode.l10n.t('BERT would write here')}* | *${vscode.l10n.t('nearest in this document')}* |\n`,
  );
  for (let i = 0; i < rows; i++) md.appendMarkdown(`| ${staticCells[i] ?? ''} | ${subs[i] ?? ''} | ${near[i] ?? ''} |\n`);
  md.appendMarkdown('\n');

  const uri = doc.uri.toString();
  const panel = `$(preview) ${commandLink(vscode.l10n.t('Open in the BERT Lens panel'), SHOW_IN_PANEL, [{ uri, offset: r.word.start }], vscode.l10n.t('Explore this word in the panel'))}`;
  const corpus = `$(search) ${commandLink(vscode.l10n.t('In a corpus'), SHOW_IN_PANEL, [{ uri, offset: r.word.start, section: 'reference' }], vscode.l10n.t('This word beside the nearest words of a reference corpus (the panel’s Corpus view)'))}`;
  if (r.occurrences.length) {
    // Line:column and the words around each occurrence: several on one line must still read differently. The
    // snippet stays on its line, so only that line is read (not the whole document, per hover).
    const lineSnippet = (start: number, end: number) => {
      const line = doc.lineAt(doc.positionAt(start).line);
      const base = doc.offsetAt(line.range.start);
      return snippet(line.text, start - base, Math.min(end, base + line.text.length) - base);
    };
    // The ones nearest the hovered word, in document order.
    const near = new Set(
      nearestOccurrences(
        r.occurrences.map((o) => o.start),
        r.word.start,
        HOVER_OCCURRENCES,
      ),
    );
    const links = r.occurrences
      .filter((o) => near.has(o.start))
      .map((o) => {
        const where = lineColumn(doc.positionAt(o.start));
        const link = commandLink(where, REVEAL_OCCURRENCE, [uri, o.start, o.end], vscode.l10n.t('Go to this occurrence'));
        return `- ${link} ${fmt(o.similarity)} — ${esc(lineSnippet(o.start, o.end))}`;
      });
    const more = r.occurrencesTotal > HOVER_OCCURRENCES ? `\n- …\n` : '\n';
    const head =
      r.occurrencesTotal === 1
        ? vscode.l10n.t('vs the other occurrence (contextual cosine; static always 1.00):')
        : vscode.l10n.t('vs the other {0} occurrences (contextual cosine; static always 1.00):', r.occurrencesTotal);
    md.appendMarkdown(`${head}\n\n${links.join('\n')}${more}\n`);
  } else {
    md.appendMarkdown(`*${vscode.l10n.t('The only occurrence of this word in the document.')}*\n\n`);
  }
  if (limited)
    md.appendMarkdown(
      `*${vscode.l10n.t('Large document: neighbours and occurrences come from the visible part and the text near the cursor.')}*\n\n`,
    );
  if (r.partial)
    md.appendMarkdown(`*${vscode.l10n.t('Only the passage around this word is encoded yet; hover again for the whole document.')}*\n\n`);
  md.appendMarkdown(`${panel} · ${corpus} · BERT Lens · ${esc(usedText(r))}`);
  return md;
}

/** Jumps to an occurrence from a hover link. */
export async function revealOccurrence(uri: string, start: number, end: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const editor = await vscode.window.showTextDocument(doc, { preserveFocus: false });
  const sel = new vscode.Selection(doc.positionAt(start), doc.positionAt(end));
  editor.selection = sel;
  editor.revealRange(sel, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

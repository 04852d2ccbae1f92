// TextDocument → the worker's DocInput: prose whole, code files as comments + strings, huge files near the view.
import * as vscode from 'vscode';
import { documentChoice, type AutoChoice } from '../core/auto';
import { analyse, applyChanges, type Analysis, type Change } from '../core/text/analysis';
import { keptDocInput, type DocInput } from '../worker/protocol';
import type { BertLensConfig } from './config';
import { isAnalysed, paragraphAround } from '../core/text/segments';
import { KeptTexts, keptRanges } from '../core/text/kept';

const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-userdata']);

export interface Prepared {
  input: DocInput;
  limited: boolean; // only the visible range + cursor neighbourhood is analysed
  code: boolean; // only comments and strings are analysed
}

interface Analysed {
  version: number;
  analysis: Analysis; // analysis.text: the analysed text; analysis.code: only comments and strings are read
  kept: KeptTexts; // the text with only some ranges kept, remembered (documents over maxDocumentChars, the overlay)
}

/** Edits held per document before they are applied (past this, the document is read again instead). */
const MAX_PENDING = 4096;

export class Documents {
  private readonly analysed = new Map<string, Analysed>();
  // Edits since the analysed version, from the editor's change events, applied when the document is next read;
  // `changes` undefined: too many held, the document is read whole next time.
  private readonly pending = new Map<string, { version: number; changes?: Change[] }>();
  private readonly toldLimited = new Set<string>();
  limitedNow = false;

  constructor(
    private readonly config: () => BertLensConfig,
    private readonly onLimitedChange: () => void = () => undefined,
  ) {}

  supports(doc: vscode.TextDocument): boolean {
    return SCHEMES.has(doc.uri.scheme);
  }

  /**
   * Notes an edit of a document (every change event, in order, from activation on: ctx.ts). Only remembered: the
   * edits are applied when the document is next read, so typing costs nothing here.
   */
  follow(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    const hit = this.analysed.get(key);
    if (!hit || e.contentChanges.length === 0 || e.document.version <= hit.version) return;
    const p = this.pending.get(key) ?? { version: hit.version, changes: [] };
    p.changes?.push(...e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })));
    if (p.changes && p.changes.length > MAX_PENDING) p.changes = undefined;
    p.version = e.document.version;
    this.pending.set(key, p);
  }

  /** The analysed text (segments) of a document, cached per version; a new version is made from the previous one's
   * and the edits between them (core/text/analysis.ts: an edit costs its neighbourhood and one copy of the text, not
   * reading the document and passes over it). */
  private base(doc: vscode.TextDocument): Analysed {
    const key = doc.uri.toString();
    const hit = this.analysed.get(key);
    if (hit && hit.version === doc.version && hit.analysis.languageId === doc.languageId) return hit;
    const a = (hit && this.edited(doc, hit)) ?? analyse(doc.getText(), doc.languageId, hit?.analysis);
    this.pending.delete(key);
    const v: Analysed = { version: doc.version, analysis: a, kept: new KeptTexts(a.text) };
    this.analysed.set(key, v);
    return v;
  }

  /** `doc` now, from its analysed version `hit` and the edits since; undefined unless they give exactly this version. */
  private edited(doc: vscode.TextDocument, hit: Analysed): Analysis | undefined {
    const p = this.pending.get(doc.uri.toString());
    if (!p?.changes || p.version !== doc.version || hit.analysis.languageId !== doc.languageId) return undefined;
    const next = applyChanges(hit.analysis.source, p.changes);
    const last = doc.lineAt(doc.lineCount - 1).range.end;
    if (!next || next.source.length !== doc.offsetAt(last)) return undefined; // out of step: read it whole
    return analyse(next.source, doc.languageId, hit.analysis, next.edit);
  }

  /**
   * DocInput for the worker; `offset` (the cursor or hovered word) is always inside the analysed part. `whole`: the
   * whole document even when it is larger than maxDocumentChars (an explicit request, e.g. QA's "Search the whole document").
   */
  prepare(doc: vscode.TextDocument, offset?: number, whole = false): Prepared {
    const {
      analysis: { text, code },
      kept,
    } = this.base(doc);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const visible = (editor?.visibleRanges ?? []).map((r) => ({ start: doc.offsetAt(r.start), end: doc.offsetAt(r.end) }));
    const cursor = offset ?? (editor ? doc.offsetAt(editor.selection.active) : 0);
    const [uri, version] = [doc.uri.toString(), doc.version];
    if (whole) return { input: { uri, version, text }, limited: false, code };
    const ranges = keptRanges(text, this.config().maxDocumentChars, visible, cursor);
    if (this.limitedNow !== !!ranges) {
      this.limitedNow = !!ranges;
      this.onLimitedChange(); // the status bar marks partial analysis
    }
    if (!ranges) return { input: { uri, version, text }, limited: false, code };
    this.tellLimited(doc);
    return { input: keptDocInput(uri, version, kept, ranges), limited: true, code };
  }

  /**
   * `input` (from prepare) reading only the paragraph around `offset` — inside the part `input` reads, so a large
   * document is searched only there —, for the attention overlay's paragraph scope: only that paragraph crosses to the
   * worker.
   */
  paragraph(doc: vscode.TextDocument, input: DocInput, offset: number): DocInput {
    const {
      analysis: { text },
      kept,
    } = this.base(doc);
    const r = input.kept?.ranges.find((x) => offset >= x.start && offset <= x.end) ?? { start: 0, end: text.length };
    const p = paragraphAround(text.slice(r.start, r.end), offset - r.start);
    return keptDocInput(input.uri, input.version, kept, [{ start: r.start + p.start, end: r.start + p.end }]);
  }

  /** The language `auto` reads the document's analysed text in (its majority; cached with the text per version). */
  language(doc: vscode.TextDocument): AutoChoice {
    const { analysis } = this.base(doc);
    return documentChoice(analysis.units, analysis.han);
  }

  /** True when the character at `offset` is analysed text (not code, not blank). */
  analysedAt(doc: vscode.TextDocument, offset: number): boolean {
    return isAnalysed(this.base(doc).analysis.text, offset);
  }

  private tellLimited(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (this.toldLimited.has(key)) return;
    this.toldLimited.add(key);
    // No "raise the limit" button: hovers over a whole large document take many seconds; the one task that needs the
    // whole text (QA) offers it on request, with progress and cancel.
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'BERT Lens: this document has {0} characters, more than bertLens.maxDocumentChars ({1}). Only the visible part and the text around the cursor are analysed; "Ask a Question" can still search the whole document.',
        doc.getText().length,
        this.config().maxDocumentChars,
      ),
    );
  }

  forget(uri: string): void {
    this.analysed.delete(uri);
    this.pending.delete(uri);
  }

  clear(): void {
    this.analysed.clear();
    this.pending.clear();
  }
}

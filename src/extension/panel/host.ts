// Host side of the panel: follows the editor's cursor word, answers the webview's typed requests through the
// worker client (only what the active view needs), reveals clicked items in the editor and writes exports.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { errorText } from '../advice';
import { WorkerError, type WorkerClient } from '../client';
import type { AttentionMatrix, DocInput, ModelsStatus, SenseVectors } from '../../worker/protocol';
import {
  SECTIONS,
  validateWebviewMessage,
  type Focus,
  type HostMessage,
  type ModelSummary,
  type OccludeData,
  type Request,
  type Section,
  type SenseData,
  type ModelGridData,
} from '../../shared/panel-protocol';
import { analysisText } from '../../core/text/segments';
import type { BertLensConfig } from '../config';
import { layerRows, rolloutRow } from './attention-rows';
import { occlusionJson, occlusionTsv, projectorTsv, standaloneHeadHtml } from './export-formats';
import { Readiness } from './readiness';
import { sentencePair } from './sentence-pair';
import * as shape from './shape';

/** TextDocument (+ the offset that must stay analysed) → the worker's DocInput; the extension passes its own. */
export type DocSource = (doc: vscode.TextDocument, offset?: number) => DocInput;

const defaultDocInput: DocSource = (d) => ({
  uri: d.uri.toString(),
  version: d.version,
  text: analysisText(d.getText(), d.languageId).text,
});
/** Matches the Corpus view lists (exBERT shows a page of them; more would need scrolling past the word counts). */
const REFERENCE_MATCHES = 20;
const TEXT_SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-notebook-cell']);
const isText = (d: vscode.TextDocument) => TEXT_SCHEMES.has(d.uri.scheme);
/** A "word" for the focus line; the worker applies its own tokenizer to the offset (CJK: one character). */
const WORD = /[\p{L}\p{M}\p{N}_]+(?:['’][\p{L}]+)?/u;
const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]/;

export class PanelHost implements vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private editor: vscode.TextEditor | undefined;
  private offset = -1;
  private focus: Focus | null = null;
  private selKey = ''; // the editor's selections when there are two or more (updateFocus)
  private model: ModelSummary | null = null;
  private matrix: { uri: string; version: number; answeredFor: number; m: AttentionMatrix; pooled?: ModelGridData } | undefined;
  private lastHead: { layer: number; focus: number; fileName: string } | undefined;
  private lastSense: { key: string; word: string | null; sv: SenseVectors; clusters: Uint8Array; data: SenseData } | undefined;
  private lastOcclusion: OccludeData | undefined;
  private readonly inflight = new Map<Section, AbortController>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private previewTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly previewDeco = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('focusBorder'),
  });
  private readonly subs: vscode.Disposable[] = [];
  private viewSubs: vscode.Disposable[] = [];
  private readonly readiness = new Readiness();
  private readonly docInput: DocSource;

  constructor(
    private readonly client: WorkerClient,
    private readonly log: (msg: string) => void,
    /** The extension's typed settings (validated, clamped, Restricted Mode applied), read at each request. */
    private readonly config: () => BertLensConfig,
    docInput?: DocSource,
  ) {
    this.docInput = docInput ?? defaultDocInput;
    const active = vscode.window.activeTextEditor;
    if (active && isText(active.document)) this.editor = active;
    this.subs.push(
      this.previewDeco,
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e && isText(e.document)) {
          this.editor = e;
          this.schedule(150);
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (isText(e.textEditor.document)) {
          this.editor = e.textEditor;
          this.schedule(250);
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.editor?.document && e.contentChanges.length) this.schedule(600);
      }),
      client.onStatus((s) => this.setModel(s)),
    );
    client.call.models().then(
      (s) => this.setModel(s),
      () => undefined,
    );
  }

  attach(view: vscode.WebviewView): void {
    for (const d of this.viewSubs) d.dispose(); // VS Code re-resolves the view after it was disposed
    this.view = view;
    this.readiness.reset();
    this.viewSubs = [
      view.webview.onDidReceiveMessage((m) => void this.onMessage(m)),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.readiness.reset();
        }
      }),
    ];
  }

  /** Hover links: put the panel on this document position. */
  async focusAt(uri: vscode.Uri, offset: number): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor =
      vscode.window.visibleTextEditors.find((e) => e.document === doc) ??
      (await vscode.window.showTextDocument(doc, { preserveFocus: true }));
    const pos = doc.positionAt(offset);
    editor.selection = new vscode.Selection(pos, pos);
    this.editor = editor;
    this.updateFocus();
  }

  /**
   * Switch the panel to a section (e.g. a command that opens the explainer). A view opened just now is still loading:
   * sent before its init, the switch was lost, so it waits for the webview. false: unknown name, or never ready.
   */
  async show(section: string): Promise<boolean> {
    if (!(SECTIONS as readonly string[]).includes(section) || !(await this.readiness.wait(30_000))) return false;
    return (await this.view?.webview.postMessage({ type: 'show', section: section as Section })) ?? false;
  }

  private post(m: HostMessage): void {
    void this.view?.webview.postMessage(m);
  }

  private setModel(s: ModelsStatus): void {
    const info = s.encoder.state === 'ready' ? s.encoder.info : undefined;
    const next = info ? { id: info.id, layers: info.layers, heads: info.heads } : null;
    if (JSON.stringify(next) === JSON.stringify(this.model)) return;
    this.model = next;
    this.matrix = undefined;
    this.lastSense = undefined;
    this.sendInit();
  }

  private sendInit(): void {
    this.post({ type: 'init', language: vscode.env.language, model: this.model });
    this.updateFocus(true);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.updateFocus(), ms);
  }

  /** The word at the editor's cursor (or a short selection) becomes the panel's focus. */
  private updateFocus(force = false): void {
    const ed = this.editor;
    if (!ed || ed.document.isClosed) {
      if (force) this.post({ type: 'focus', focus: this.focus });
      return;
    }
    const doc = ed.document;
    const sel = ed.selection;
    let range: vscode.Range | undefined;
    if (!sel.isEmpty && sel.isSingleLine && sel.end.character - sel.start.character <= 64) range = sel;
    else range = doc.getWordRangeAtPosition(sel.active, WORD);
    if (!range) {
      if (force) this.post({ type: 'focus', focus: this.focus });
      return;
    }
    // CJK is one BERT word per character, while the editor's word is the whole run: narrow to the character.
    if (sel.isEmpty && CJK.test(doc.getText(range))) {
      const at = Math.min(doc.offsetAt(sel.active), doc.offsetAt(range.end) - 1);
      range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + 1));
    }
    const start = doc.offsetAt(range.start);
    const focus: Focus = {
      uri: doc.uri.toString(),
      version: doc.version,
      fileName: path.basename(doc.uri.path) || doc.uri.toString(),
      word: { text: doc.getText(range), start, end: doc.offsetAt(range.end) },
    };
    // Two or more selections are the Sentences view's pair: a change there refreshes the panel like a new word.
    const multi = ed.selections.filter((x) => !x.isEmpty);
    const selKey = multi.length >= 2 ? multi.map((x) => `${doc.offsetAt(x.start)}-${doc.offsetAt(x.end)}`).join(',') : '';
    const same =
      selKey === this.selKey &&
      this.focus &&
      this.focus.uri === focus.uri &&
      this.focus.version === focus.version &&
      this.focus.word.start === start &&
      this.focus.word.end === focus.word.end;
    if (same && !force) return;
    this.offset = start;
    this.selKey = selKey;
    this.focus = focus;
    this.post({ type: 'focus', focus });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = validateWebviewMessage(raw);
    if (typeof m === 'string') {
      this.log(`Panel: dropped a malformed message from the webview (${m}).`);
      return;
    }
    try {
      switch (m.type) {
        case 'ready':
          this.sendInit();
          this.readiness.set();
          return;
        case 'request':
          await this.answer(m.seq, m.request);
          return;
        case 'reveal':
          await this.reveal(m.start, m.end);
          return;
        case 'preview':
          this.preview(m.start, m.end);
          return;
        case 'export':
          await this.saveExport(m.name, typeof m.data === 'string' ? Buffer.from(m.data, 'utf8') : m.data, m.format);
          return;
        case 'exportData':
          if (m.format === 'npy') await this.exportTensors();
          else if (m.section === 'occlude') await this.exportOcclusion(m.format === 'json' ? 'json' : 'tsv');
          else await (m.format === 'tsv' ? this.exportTsv() : this.exportHtml());
          return;
        case 'log':
          this.log(`Panel: ${m.message}`);
          return;
        default: {
          const never: never = m;
          void never;
        }
      }
    } catch (e) {
      const msg = errorText(e, vscode.l10n);
      this.log(`Panel: ${msg}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('BERT Lens panel: {0}', msg));
    }
  }

  /** bertLens.referenceCorpus as an absolute path (a relative one is read from the first workspace folder); null: embedded. */
  private referenceCorpus(): string | null {
    const c = this.config().referenceCorpus;
    if (!c) return null;
    return path.resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', c);
  }

  private async answer(seq: number, req: Request): Promise<void> {
    const section = req.section;
    const ed = this.editor;
    if (!ed || ed.document.isClosed) {
      this.post({
        type: 'error',
        section,
        seq,
        message: vscode.l10n.t('No editor is open. Open a text file and put the cursor on a word.'),
      });
      return;
    }
    this.inflight.get(section)?.abort();
    const ac = new AbortController();
    this.inflight.set(section, ac);
    const opts = { signal: ac.signal };
    const offset =
      this.offset >= 0 && this.focus?.uri === ed.document.uri.toString() ? this.offset : ed.document.offsetAt(ed.selection.active);
    const d = this.docInput(ed.document, offset);
    try {
      switch (section) {
        case 'head':
        case 'model': {
          const m = await this.attention(d, offset, opts.signal);
          const c = this.matrix?.m === m ? this.matrix : undefined; // (a concurrent request may have replaced it)
          const focus = shape.focusIn(m, offset, c ? c.answeredFor : -1);
          if (section === 'head') {
            const data = shape.headData(
              m,
              focus,
              req.section === 'head' ? req.layer : 1,
              req.section === 'head' && req.rollout,
              d.text.length,
            );
            this.lastHead = { layer: data.layer, focus, fileName: this.focus?.fileName ?? 'document' };
            this.post({ type: 'head', seq, data });
          } else {
            const data = shape.gridData(m, focus, 24, c?.pooled); // pooling the whole tensor is the slow part: once per matrix
            if (c) c.pooled = data;
            this.post({ type: 'model', seq, data });
          }
          return;
        }
        case 'explain': {
          const e = await this.client.call.explain(d, offset, req.layer, req.head, opts);
          this.post({ type: 'explain', seq, data: shape.explainData(e, this.model?.heads ?? 1) });
          return;
        }
        case 'inspect': {
          const { topK: top, layer } = this.config();
          // The lens runs beside the inspector; a model without an MLM head still gets the rest of the section.
          const [r, lens] = await Promise.all([
            this.client.call.inspect(d, offset, layer, top, opts),
            this.client.call.logitLens(d, offset, top, opts).catch((e: unknown) => {
              if (e instanceof WorkerError && (e.code === 'STALE' || e.code === 'CANCELLED')) throw e;
              return errorText(e, vscode.l10n);
            }),
          ]);
          this.post({ type: 'inspect', seq, data: { ...shape.inspectData(r, d.text), ...shape.lensData(lens) } });
          return;
        }
        case 'sense': {
          const key = `${d.uri}\u0000${d.version}\u0000${req.word}\u0000${req.layer}`;
          let data = this.lastSense?.key === key ? this.lastSense.data : undefined; // same map: no recompute
          if (!data) {
            const sv = await this.client.call.senseVectors(d, req.word, req.layer === 0 ? 'last' : req.layer, opts);
            data = shape.senseData(sv, req.word, req.layer);
            this.lastSense = { key, word: req.word, sv, clusters: data.clusters, data };
          }
          this.post({ type: 'sense', seq, data });
          return;
        }
        case 'masking': {
          if (req.section !== 'masking') return;
          const r = await this.client.call.mlmTask(d, offset, req.seed, opts);
          this.post({ type: 'masking', seq, data: shape.maskingData(r, d.text) });
          return;
        }
        case 'reference': {
          if (req.section !== 'reference') return;
          // The first search at a layer reads the whole corpus (minutes for a large model and a long corpus): said as it goes.
          const onProgress = (p: unknown) => {
            const { done, total } = p as { done: number; total: number };
            this.post({ type: 'progress', section: 'reference', seq, done, total });
          };
          const r = await this.client.call.reference(d, offset, req.layer, REFERENCE_MATCHES, this.referenceCorpus(), {
            ...opts,
            onProgress,
          });
          this.post({ type: 'reference', seq, data: shape.referenceData(r) });
          return;
        }
        case 'positions': {
          const r = await this.client.call.positions(d, opts);
          this.post({ type: 'positions', seq, data: shape.positionsData(r) });
          return;
        }
        case 'qa': {
          const r = await this.client.call.qa(d, req.question, 5, true, opts);
          this.post({ type: 'qa', seq, data: shape.qaData(r, req.question, d.text) });
          return;
        }
        case 'ablate': {
          if (req.section !== 'ablate') return;
          const off = req.off.map(([layer, head]) => ({ layer, head }));
          const r = await this.client.call.ablate(d, offset, req.task, req.question, off, req.importance, opts);
          this.post({ type: 'ablate', seq, data: shape.ablateData(r) });
          return;
        }
        case 'occlude': {
          if (req.section !== 'occlude') return;
          const r = await this.client.call.occlude(d, offset, req.task, req.question, null, opts);
          const data = shape.occludeData(r);
          this.lastOcclusion = data;
          this.post({ type: 'occlude', seq, data });
          return;
        }
        case 'compare': {
          if (req.section !== 'compare') return;
          await this.compare(seq, d, offset, req.against, opts.signal);
          return;
        }
        case 'occurrences': {
          if (req.section !== 'occurrences') return;
          const r = await this.client.call.occurrencePair(d, offset, req.b, this.config().topK, opts);
          this.post({ type: 'occurrences', seq, data: shape.occurrencesData(r, d.text) });
          return;
        }
        case 'sentences': {
          if (req.section !== 'sentences') return;
          await this.sentences(seq, ed, d, offset, req.b, opts.signal);
          return;
        }
        default: {
          const never: never = section;
          void never;
        }
      }
    } catch (e) {
      if (e instanceof WorkerError && (e.code === 'STALE' || e.code === 'CANCELLED')) return; // a newer request follows
      this.post({ type: 'error', section, seq, message: errorText(e, vscode.l10n) });
    } finally {
      if (this.inflight.get(section) === ac) this.inflight.delete(section);
    }
  }

  /**
   * The Compare view: the models to pick from and, once one is picked, the encoder vs it on the word at the cursor.
   * A failed comparison (the model did not load, a word one model cannot read) comes back inside the data, so the
   * view keeps its picker; a newer request (STALE, CANCELLED) still drops it.
   */
  private async compare(seq: number, d: DocInput, offset: number, against: string, signal: AbortSignal): Promise<void> {
    const choices = await this.client.call.listModels({ signal }).then(
      (l) => l.map((m) => m.id),
      () => [],
    );
    if (!against) {
      this.post({ type: 'compare', seq, data: { choices, against, error: null, result: null } });
      return;
    }
    try {
      const r = await this.client.call.compareModels(d, offset, against, this.config().topK, { signal });
      this.post({ type: 'compare', seq, data: shape.compareData(r, choices, against) });
    } catch (e) {
      if (e instanceof WorkerError && (e.code === 'STALE' || e.code === 'CANCELLED')) throw e;
      this.post({ type: 'compare', seq, data: { choices, against, error: errorText(e, vscode.l10n), result: null } });
    }
  }

  /** The Sentences view: the pair (sentence-pair.ts) compared by the worker, cosines per layer and NSP. */
  private async sentences(
    seq: number,
    ed: vscode.TextEditor,
    d: DocInput,
    offset: number,
    bStart: number | null,
    signal: AbortSignal,
  ): Promise<void> {
    const doc = ed.document;
    const sels = ed.selections.filter((x) => !x.isEmpty).map((x) => ({ start: doc.offsetAt(x.start), end: doc.offsetAt(x.end) }));
    const pair = sentencePair(d.text, offset, sels, bStart);
    if (!pair) {
      const message = vscode.l10n.t(
        'Fewer than two sentences around the cursor. Write a second sentence, or select two pieces of text (select one, then hold Alt and drag over the other) to compare them.',
      );
      this.post({ type: 'error', section: 'sentences', seq, message });
      return;
    }
    const r = await this.client.call.similarity(d, pair.a, pair.b, { signal });
    this.post({ type: 'sentences', seq, data: shape.sentencesData(r, pair) });
  }

  /** The window's full attention tensor, reused while the document and the window stay the same. */
  private async attention(d: DocInput, offset: number, signal: AbortSignal): Promise<AttentionMatrix> {
    const c = this.matrix;
    if (c && c.uri === d.uri && c.version === d.version && offset >= c.m.window.start && offset < c.m.window.end) return c.m;
    const m = await this.client.call.attentionMatrix(d, offset, { signal });
    this.matrix = { uri: d.uri, version: d.version, answeredFor: offset, m };
    return m;
  }

  private range(doc: vscode.TextDocument, start: number, end: number): vscode.Range {
    return new vscode.Range(doc.positionAt(start), doc.positionAt(end)); // positionAt clamps to the document
  }

  private async reveal(start: number, end: number): Promise<void> {
    const ed = this.editor;
    if (!ed || ed.document.isClosed) return;
    const r = this.range(ed.document, start, end);
    const shown = await vscode.window.showTextDocument(ed.document, {
      viewColumn: ed.viewColumn,
      selection: new vscode.Selection(r.start, r.end),
      preserveFocus: false,
    });
    shown.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Hover in the panel: highlight in the editor without moving the cursor (that would re-focus the panel). */
  private preview(start: number, end: number): void {
    const ed = this.editor;
    if (!ed || ed.document.isClosed) return;
    const r = this.range(ed.document, start, end);
    ed.setDecorations(this.previewDeco, [r]);
    ed.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => ed.setDecorations(this.previewDeco, []), 1500);
  }

  private async saveExport(name: string, bytes: Uint8Array, format: string, announce = true): Promise<vscode.Uri | undefined> {
    const filters: Record<string, Record<string, string[]>> = {
      svg: { SVG: ['svg'] },
      png: { PNG: ['png'] },
      tsv: { TSV: ['tsv'] },
      html: { HTML: ['html'] },
      json: { JSON: ['json'] },
    };
    const base =
      vscode.workspace.workspaceFolders?.[0]?.uri ?? (this.editor ? vscode.Uri.joinPath(this.editor.document.uri, '..') : undefined);
    const uri = await vscode.window.showSaveDialog({
      defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
      filters: filters[format],
      saveLabel: vscode.l10n.t('Export'),
    });
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, bytes);
    if (announce) this.post({ type: 'saved', path: uri.fsPath || uri.toString() });
    return uri;
  }

  private async exportTsv(): Promise<void> {
    const s = this.lastSense;
    if (!s || s.sv.items.length === 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Draw a sense map first (Senses tab), then export its vectors.'));
      return;
    }
    const { vectors, metadata } = projectorTsv(s.sv.items, s.sv.vectors, s.sv.dims, s.clusters);
    const stem = (s.word ?? 'all-words').replace(/[^\p{L}\p{N}_-]+/gu, '_').slice(0, 40) || 'word';
    const uri = await this.saveExport(`bert-lens-${stem}-vectors.tsv`, Buffer.from(vectors, 'utf8'), 'tsv', false);
    if (!uri) return;
    const p = uri.path.replace(/\.tsv$/i, '');
    const metaPath = (/vectors$/.test(p) ? p.replace(/vectors$/, 'metadata') : `${p}-metadata`) + '.tsv';
    const metaUri = uri.with({ path: metaPath });
    await vscode.workspace.fs.writeFile(metaUri, Buffer.from(metadata, 'utf8'));
    this.post({ type: 'saved', path: `${uri.fsPath || uri.toString()} + ${path.basename(metaPath)}` }); // both written
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Saved {0} and {1}: load both in the Embedding Projector (projector.tensorflow.org → Load).',
        path.basename(uri.path),
        path.basename(metaPath),
      ),
    );
  }

  private async exportOcclusion(format: 'tsv' | 'json'): Promise<void> {
    const d = this.lastOcclusion;
    if (!d) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Run the occlusion (Ablation tab, Words) for a word first, then export it.'));
      return;
    }
    const stem = d.target.replace(/[^\p{L}\p{N}_-]+/gu, '_').slice(0, 40) || 'target';
    const body = format === 'json' ? occlusionJson(d) : occlusionTsv(d);
    await this.saveExport(`bert-lens-occlusion-${stem}.${format}`, Buffer.from(body, 'utf8'), format);
  }

  /** The model view's .npy export: Export Tensors… on the panel's editor (its selection, or the focus paragraph). */
  private async exportTensors(): Promise<void> {
    const ed = this.editor;
    if (!ed || ed.document.isClosed) {
      void vscode.window.showWarningMessage(vscode.l10n.t('No editor is open. Open a text file and put the cursor on a word.'));
      return;
    }
    await vscode.window.showTextDocument(ed.document, { viewColumn: ed.viewColumn, preserveFocus: true });
    await vscode.commands.executeCommand('bertLens.exportTensors');
  }

  private async exportHtml(): Promise<void> {
    const c = this.matrix;
    const h = this.lastHead;
    if (!c || !h) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open the head view for a word first, then export it as HTML.'));
      return;
    }
    const m = c.m;
    const t = { layers: m.layers, heads: m.heads, n: m.words.length, weights: m.weights, rollout: m.rollout };
    const rows = Array.from({ length: m.layers }, (_, l) => layerRows(t, l + 1, h.focus));
    const html = standaloneHeadHtml({
      title: `${h.fileName}: “${m.words[h.focus]?.text ?? ''}”`,
      words: m.words,
      focus: h.focus,
      layers: m.layers,
      heads: m.heads,
      rows,
      rollout: rolloutRow(t, h.focus),
      layer: h.layer,
    });
    await this.saveExport('bert-lens-head-view.html', Buffer.from(html, 'utf8'), 'html');
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.previewTimer);
    for (const a of this.inflight.values()) a.abort();
    for (const d of this.subs) d.dispose();
    for (const d of this.viewSubs) d.dispose();
  }
}

// Panel entry point (bundled to media/panel.js): tabs, routing of validated host messages to the sections,
// requests for the active section only, stale-answer dropping by sequence number.
import { validateHostMessage, type HostMessage, type Section, SECTIONS } from '../shared/panel-protocol';
import { clear, h, log, post } from './dom';
import { fitModel, isLatest, nextSeq, save, session, ui } from './state';
import { setLanguage, t, type StringKey } from './strings';
import type { View } from './view';
import { HeadView } from './headView';
import { ModelView } from './modelView';
import { PositionsView } from './positions';
import { MaskingView } from './masking';
import { ReferenceView } from './reference';
import { Explainer } from './explainer';
import { Inspector } from './inspector';
import { SenseMap } from './senseMap';
import { Qa } from './qa';
import { AblateView } from './ablate';
import { OcclusionView } from './occlude';
import { CompareView } from './compare';
import { SentencesView } from './sentences';
import { OccurrencesView } from './occurrences';
import { tabOf } from './modes';
import { exportBar } from './exports';

const app = document.getElementById('app')!;
// Each section's view renders the data of its own message type, which validateWebviewMessage checked.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let views: Record<Section, View<any>>;
const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
const focusLine = h('div', { class: 'focus-line small' });
const tabs = h('div', { class: 'tabs', role: 'tablist' });
const main = h('div', { class: 'main' });
/** Sections with a tab of their own (occlusion lives in the Ablation tab: modes.ts). */
const TABS = SECTIONS.filter((s) => tabOf(s) === s);

function build(): void {
  clear(app);
  views = {
    head: new HeadView(refresh),
    model: new ModelView((layer, head) => {
      ui.layer = layer;
      ui.head = head;
      ui.rollout = false;
      ui.hidden = Array.from({ length: session.model?.heads ?? 0 }, (_, i) => i).filter((i) => i !== head);
      views.head.onModel?.();
      views.explain.onModel?.();
      select('head');
    }, select),
    positions: new PositionsView(select),
    explain: new Explainer(refresh),
    inspect: new Inspector(select),
    masking: new MaskingView(refresh, select),
    reference: new ReferenceView(refresh, select),
    sense: new SenseMap(refresh),
    qa: new Qa(refresh),
    ablate: new AblateView(refresh, select),
    occlude: new OcclusionView(refresh, select),
    compare: new CompareView(refresh, select),
    occurrences: new OccurrencesView(refresh, select),
    sentences: new SentencesView(refresh, select),
  };
  tabs.setAttribute('aria-label', t('tabs.label'));
  clear(tabs);
  for (const s of TABS) {
    tabs.append(
      h(
        'button',
        { role: 'tab', id: `tab-${s}`, 'data-section': s, 'aria-controls': `panel-${s}`, onclick: () => select(s) },
        t(`tab.${s}` as StringKey),
      ),
    );
  }
  for (const s of SECTIONS) {
    const v = views[s];
    v.root.id = `panel-${s}`;
    v.root.setAttribute('role', 'tabpanel');
    v.root.setAttribute('aria-labelledby', `tab-${tabOf(s)}`);
    if (v.svg || v.dataExports) v.root.append(exportBar(s, v));
  }
  app.append(tabs, focusLine, status, main);
  select(ui.section);
}

// Registered once: build() runs again on every init (model change, language) and re-fills the same tab bar.
tabs.addEventListener('keydown', (e) => {
  const i = TABS.indexOf(tabOf(ui.section));
  const j = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : -99;
  if (j === -99) return;
  e.preventDefault();
  select(TABS[(j + TABS.length) % TABS.length]);
  tabs.querySelector<HTMLElement>(`[data-section="${tabOf(ui.section)}"]`)?.focus();
});

function select(s: Section): void {
  ui.section = s;
  save();
  for (const b of Array.from(tabs.children) as HTMLElement[]) {
    const on = b.dataset.section === tabOf(s);
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  }
  clear(main);
  main.append(views[s].root);
  refresh();
}

/** Ask the host for what the active section needs now (nothing when it has no input yet). */
function refresh(): void {
  renderFocus(); // a tab switch or a new input (a typed word) can change what the view reads
  const s = ui.section;
  const req = views[s].request();
  if (!req) {
    setStatus('');
    return;
  }
  const seq = nextSeq(s);
  setStatus(t('busy'));
  post({ type: 'request', seq, request: req });
}

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

/** What the active view reads: the cursor word, unless the view says otherwise (a typed word, two sentences). */
function renderFocus(): void {
  const f = session.focus;
  const own = f && views ? views[ui.section].heading?.(f.fileName) : null;
  focusLine.textContent = !session.model ? t('model.none') : f ? (own ?? t('focus.word', f.word.text, f.fileName)) : t('focus.none');
}

function onMessage(m: HostMessage): void {
  switch (m.type) {
    case 'init':
      setLanguage(m.language);
      session.model = m.model;
      fitModel(m.model);
      build();
      renderFocus();
      return;
    case 'focus':
      session.focus = m.focus;
      renderFocus();
      refresh();
      return;
    case 'error':
      if (m.section === null || isLatest(m.section, m.seq)) setStatus(t('error.prefix', m.message), true);
      return;
    case 'head':
    case 'model':
    case 'explain':
    case 'inspect':
    case 'sense':
    case 'qa':
    case 'ablate':
    case 'occlude':
    case 'compare':
    case 'occurrences':
    case 'positions':
    case 'masking':
    case 'reference':
    case 'sentences': {
      if (!isLatest(m.type, m.seq)) return; // a newer request is on its way
      setStatus('');
      const t0 = performance.now();
      views[m.type].render(m.data);
      renderFocus();
      const ms = performance.now() - t0;
      document.body.dataset[`render${m.type[0].toUpperCase()}${m.type.slice(1)}`] = ms.toFixed(1);
      if (ms > 100) log(`${m.type} view rendered in ${ms.toFixed(0)} ms`);
      return;
    }
    case 'progress':
      if (isLatest(m.section, m.seq)) setStatus(t('busy.reading', m.total ? Math.floor((100 * m.done) / m.total) : 0));
      return;
    case 'saved':
      setStatus(t('export.saved', m.path));
      return;
    case 'show':
      if (m.layer !== undefined) ui.layer = m.layer;
      if (m.head !== undefined) ui.head = m.head;
      views[m.section].onModel?.();
      select(m.section);
      return;
    default: {
      const never: never = m;
      void never;
    }
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = validateHostMessage(e.data);
  if (typeof m === 'string') {
    log(`dropped a malformed message from the host: ${m}`);
    return;
  }
  onMessage(m);
});

// VS Code switches body classes (vscode-light/-dark/-high-contrast) on a theme change: redraw the SVG views,
// whose colours were resolved from the old theme.
new MutationObserver(() => {
  if (views) for (const s of SECTIONS) views[s].redraw?.();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

post({ type: 'ready' });

// Export formats built from plain data: TSV for the TensorFlow Embedding Projector and a self-contained HTML
// head view (data inlined, no remote content). DOM-free so the host writes them and tests read them.
import type { OccludeData } from '../../shared/panel-protocol';
import { escapeXml, headColor, headSvg, type Palette } from '../../shared/svg';

/** Projector cells may not hold tabs or newlines. */
const cell = (s: string) => s.replace(/[\t\r\n]+/g, ' ').trim();

export interface ProjectorItem {
  text: string;
  context: string;
  start: number;
  end: number;
}

/**
 * vectors.tsv: one row per item, dims tab-separated numbers, no header (the Projector's format).
 * metadata.tsv: a header row (required by the Projector when there is more than one column), then one row per item.
 */
export function projectorTsv(
  items: ProjectorItem[],
  vectors: Float32Array,
  dims: number,
  clusters?: Uint8Array,
): { vectors: string; metadata: string } {
  if (vectors.length !== items.length * dims) throw new Error(`expected ${items.length}×${dims} values, got ${vectors.length}`);
  const rows: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const r: string[] = [];
    for (let j = 0; j < dims; j++) r.push(Number(vectors[i * dims + j].toPrecision(7)).toString());
    rows.push(r.join('\t'));
  }
  const meta = ['word\tcontext\tstart\tend' + (clusters ? '\tcluster' : '')];
  items.forEach((it, i) =>
    meta.push([cell(it.text) || '(empty)', cell(it.context), it.start, it.end, ...(clusters ? [clusters[i]] : [])].join('\t')),
  );
  return { vectors: rows.join('\n') + '\n', metadata: meta.join('\n') + '\n' };
}

const LIGHT: Palette = { fg: '#1f1f1f', bg: '#ffffff', muted: '#6b6b6b', accent: '#0b63c4' };

export interface StandaloneInput {
  title: string;
  words: Array<{ text: string }>;
  focus: number;
  layers: number;
  heads: number;
  rows: Float32Array[]; // per layer (index 0 = layer 1): [heads][n] rows of the focus word
  rollout: Float32Array; // [n]
  layer: number; // initially shown; 0 = rollout
}

/** One pre-rendered SVG per layer (lines under 0.002 left out to keep the file small) + a tiny switcher script. */
export function standaloneHeadHtml(inp: StandaloneInput): string {
  const visible = Array.from({ length: inp.heads }, () => true);
  const views: string[] = [];
  const common = { words: inp.words, focus: inp.focus, heads: inp.heads, visible, width: 520, palette: LIGHT, minWeight: 0.002 };
  inp.rows.forEach((w, i) => {
    const { svg } = headSvg({ ...common, weights: w, rollout: false, title: `${inp.title} — layer ${i + 1}` });
    views.push(`<div class="view" data-layer="${i + 1}"${inp.layer === i + 1 ? '' : ' hidden'}>${svg}</div>`);
  });
  const { svg } = headSvg({ ...common, weights: inp.rollout, rollout: true, title: `${inp.title} — attention rollout` });
  views.push(`<div class="view" data-layer="0"${inp.layer === 0 ? '' : ' hidden'}>${svg}</div>`);
  const options =
    inp.rows.map((_, i) => `<option value="${i + 1}"${inp.layer === i + 1 ? ' selected' : ''}>Layer ${i + 1}</option>`).join('') +
    `<option value="0"${inp.layer === 0 ? ' selected' : ''}>Rollout</option>`;
  const chips = Array.from(
    { length: inp.heads },
    (_, h) => `<label style="border-color:${headColor(h, inp.heads)}"><input type="checkbox" data-h="${h}" checked> ${h + 1}</label>`,
  ).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeXml(inp.title)}</title>
<style>body{font-family:sans-serif;margin:16px;color:#1f1f1f}label{display:inline-block;border:2px solid;border-radius:4px;padding:0 4px;margin:2px;font-size:12px}
</style></head>
<body><h1 style="font-size:16px">${escapeXml(inp.title)}</h1>
<p style="font-size:12px">Attention from <b>${escapeXml(inp.words[inp.focus]?.text ?? '')}</b> to every word of the window; line opacity = weight relative to the strongest line of that head. Exported by BERT Lens.</p>
<select id="layer" aria-label="Layer">${options}</select><div id="heads">${chips}</div>
${views.join('\n')}
<script>
(function(){var sel=document.getElementById('layer');
sel.addEventListener('change',function(){document.querySelectorAll('.view').forEach(function(v){v.hidden=v.getAttribute('data-layer')!==sel.value;});});
document.querySelectorAll('#heads input').forEach(function(c){c.addEventListener('change',function(){var h=c.getAttribute('data-h');
document.querySelectorAll('.view[data-layer]:not([data-layer="0"]) g.head[data-h="'+h+'"]').forEach(function(g){if(c.checked)g.removeAttribute('display');else g.setAttribute('display','none');});});});})();
</script></body></html>
`;
}

/** Occlusion as a table: one row per word in text order (delta = base − score: positive supports the target). */
export function occlusionTsv(d: OccludeData): string {
  const rows = ['word\tstart\tend\tscore\tdelta'];
  for (const w of d.words) rows.push([cell(w.word) || '(empty)', w.start, w.end, w.score, w.delta].join('\t'));
  return rows.join('\n') + '\n';
}

/** Occlusion as JSON: the fields of `bert-lens occlude --json`, plus the model and the characters read. */
export function occlusionJson(d: OccludeData): string {
  const { task, target, start, end, base, words, model, read } = d;
  return JSON.stringify({ task, target, start, end, base, words, model, read }, null, 2) + '\n';
}

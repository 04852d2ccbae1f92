// Section 7: exports. SVG = the view's own markup; PNG = that SVG rasterised on a canvas; TSV and standalone
// HTML are built by the host from the data it already holds. Every file is written by the host (save dialog).
import type { Section } from '../shared/panel-protocol';
import { h, log, post } from './dom';
import { t } from './strings';
import type { View } from './view';

/** Rasterises SVG markup to PNG bytes at `scale`, keeping the canvas under browser limits. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const w = img.naturalWidth || 300;
  const hgt = img.naturalHeight || 150;
  const s = Math.min(scale, Math.sqrt(60e6 / (w * hgt)), 16000 / Math.max(w, hgt));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(w * s));
  canvas.height = Math.max(1, Math.round(hgt * s));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.scale(s, s);
  ctx.drawImage(img, 0, 0, w, hgt);
  const blob = await new Promise<Blob | null>((res) => canvas.toBlob(res, 'image/png'));
  if (!blob) throw new Error('the canvas produced no PNG');
  return new Uint8Array(await blob.arrayBuffer());
}

/** The export toolbar under a view; buttons appear only for the formats the view supports. */
export function exportBar(section: Section, view: View<unknown>): HTMLElement {
  const bar = h(
    'div',
    { class: 'toolbar exports', role: 'group', 'aria-label': t('export.label') },
    h('span', { class: 'muted small' }, t('export.label')),
  );
  const name = `bert-lens-${section}`;
  if (view.svg) {
    bar.append(
      h(
        'button',
        {
          onclick: () => {
            const svg = view.svg?.();
            if (svg) post({ type: 'export', format: 'svg', name: `${name}.svg`, data: svg });
          },
        },
        t('export.svg'),
      ),
      h(
        'button',
        {
          onclick: () =>
            void (async () => {
              const svg = view.svg?.();
              if (!svg) return;
              try {
                post({ type: 'export', format: 'png', name: `${name}.png`, data: await svgToPng(svg) });
              } catch (e) {
                log(`PNG export failed: ${(e as Error).message}`);
              }
            })(),
        },
        t('export.png'),
      ),
    );
  }
  for (const f of view.dataExports ?? []) {
    // The sense map's TSV is the Embedding Projector's pair of files; other sections' TSV is a plain table.
    const label =
      f === 'npy'
        ? 'export.npy'
        : f === 'json'
          ? 'export.json'
          : f === 'html'
            ? 'export.html'
            : section === 'sense'
              ? 'export.tsv'
              : 'export.table';
    bar.append(h('button', { onclick: () => post({ type: 'exportData', format: f, section }) }, t(label)));
  }
  return bar;
}

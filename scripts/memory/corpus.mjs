// Realistic large documents for the memory figures, built from the repository's own prose (deterministic, seeded):
// English from the docs and model cards, Chinese from the zh-CN strings and sample. Sentences are reshuffled into
// new paragraphs so that windows rarely repeat (the window cache would otherwise make a repeated text look cheap).
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const read = (f) => fs.readFileSync(path.join(ROOT, f), 'utf8');

/** Prose lines of Markdown: no code fences, tables, headings or link-only lines. */
function prose(md) {
  let fence = false;
  return md
    .split('\n')
    .filter((l) => {
      if (l.startsWith('```')) fence = !fence;
      return !fence && l.trim() && !/^\s*[|#<!>-]/.test(l) && !l.startsWith('```');
    })
    .join(' ')
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
}

function sentences(text, zh) {
  const re = zh ? /[^。！？]+[。！？]/g : /[^.!?]+[.!?](?=\s)/g;
  return [...text.matchAll(re)].map((m) => m[0].trim()).filter((s) => s.length > (zh ? 6 : 20) && s.length < 400);
}

function pool(zh) {
  if (!zh) {
    const files = [
      'README.md',
      'docs/ARCHITECTURE.md',
      'docs/CLI.md',
      'docs/PANEL.md',
      'docs/TECH-NOTES.md',
      'models/bert-lens-mini/README.md',
      'samples/walkthrough.md',
      'samples/precipitation.txt',
    ];
    return sentences(files.map((f) => prose(read(f))).join(' '), false);
  }
  const strings = (f) =>
    Object.values(JSON.parse(read(f)))
      .filter((v) => typeof v === 'string')
      .join('');
  return sentences(
    strings('l10n/bundle.l10n.zh-cn.json') + strings('package.nls.zh-cn.json') + prose(read('samples/walkthrough.zh-cn.md')),
    true,
  );
}

/** A document of about `chars` UTF-16 units: paragraphs of 3–8 random sentences, blank lines between them. */
export function makeDocument(chars, { zh = false, seed = 12 } = {}) {
  const s = pool(zh);
  let x = seed >>> 0;
  const rand = () => (x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const parts = [];
  let n = 0;
  while (n < chars) {
    const k = 3 + Math.floor(rand() * 6);
    const p = Array.from({ length: k }, () => s[Math.floor(rand() * s.length)]).join(zh ? '' : ' ') + '\n\n';
    parts.push(p);
    n += p.length;
  }
  return parts.join('').slice(0, chars);
}

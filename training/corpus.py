"""Builds the pretraining corpus: Gutenberg books + Debian texts + modern English ($SHARED_CORPUS/open) -> cleaned,
deduplicated documents of sentences, 1% of documents held out. Writes <out>/{train,heldout}.txt (one sentence per
line, blank line between documents) and <out>/stats.json (with words per source for the model card).
Modern English documents are written MODERN_REPEAT times into train.txt (it is the smaller part of the text but
the register users bring).
Usage: python3 -m training.corpus GUTENBERG_DIR DEBIAN_DIR OPEN_DIR OUT_DIR      (English)
       python3 -m training.corpus --lang zh OPEN_DIR OUT_DIR                       (Chinese, training/open_data.py)"""
import json
import os
import random
import re
import sys
import unicodedata

from .open_data import chinese_docs, english_docs

MODERN_REPEAT = 3

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and an opening capital/quote.
_SENT = re.compile(r'(?<=[.!?])[\'"’”)\]]*\s+(?=[\'"‘“(\[]?[A-Z0-9])')
_ABBR = re.compile(r'\b(Mr|Mrs|Ms|Dr|St|Mt|Jr|Sr|Prof|Capt|Col|Gen|Lt|Rev|vs|etc|e\.g|i\.e|No|Vol|Ch|Fig|viz)\.$', re.I)


def split_sentences(par):
    out, buf = [], ''
    pos = 0
    for m in _SENT.finditer(par):
        piece = par[pos:m.start()] + par[m.start():m.end()].rstrip()
        pos = m.end()
        buf = (buf + ' ' + piece).strip() if buf else piece.strip()
        if _ABBR.search(buf) or len(buf.split()) < 2:
            continue  # "Mr." or a one-word fragment: keep accumulating
        out.append(buf)
        buf = ''
    rest = par[pos:].strip()
    buf = (buf + ' ' + rest).strip() if buf else rest
    if buf:
        out.append(buf)
    return out


# Chinese: a sentence ends at 。！？!?； (plus closing quotes/brackets).
_ZH_SENT = re.compile(r'(?<=[。！？!?；])[”’」』）)]*')


def split_sentences_zh(par):
    out, pos = [], 0
    for m in _ZH_SENT.finditer(par):
        if m.end() > pos:
            out.append(par[pos:m.end()].strip())
            pos = m.end()
    out.append(par[pos:].strip())
    return [x for x in out if x]


def clean(par):
    par = unicodedata.normalize('NFC', par)
    par = par.replace('_', '').replace('--', ' -- ')
    return ' '.join(par.split())


def usable(par):
    words = par.split()
    if len(words) < 4:
        return False  # headings, chapter numbers, short fragments
    letters = [c for c in par if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) > 0.6 * len(letters):
        return False  # ALL-CAPS title pages and headings
    return sum(c.isalpha() or c.isspace() for c in par) > 0.75 * len(par)  # tables, numbers, code remnants


def blocks(path):
    """Paragraphs: blank-line separated blocks, lines joined."""
    text = open(path, encoding='utf-8', errors='replace').read()
    for b in re.split(r'\n\s*\n', text):
        b = clean(b.replace('\n', ' '))
        if b:
            yield b


def gutenberg_docs(folder, paras_per_doc=30):
    # A book is split into chunks of consecutive paragraphs so that 1% of documents is a meaningful hold-out.
    for name in sorted(os.listdir(folder)):
        if not name.endswith('.txt'):
            continue
        paras = [p for p in blocks(os.path.join(folder, name)) if usable(p)]
        for i in range(0, len(paras), paras_per_doc):
            yield f'gutenberg/{name}#{i // paras_per_doc}', 'Project Gutenberg', paras[i:i + paras_per_doc]


DEBIAN_NAMES = {'wordnet': 'WordNet glosses', 'gcide': 'GCIDE', 'foldoc': 'FOLDOC', 'jargon': 'Jargon File',
                'devil': "The Devil's Dictionary", 'kjv': 'King James Bible', 'pydoc': 'Python 3.11 docs'}


def debian_docs(folder, entries_per_doc=25):
    for name in ('wordnet', 'gcide', 'foldoc', 'jargon', 'devil', 'kjv', 'pydoc'):
        path = os.path.join(folder, name + '.txt')
        text = open(path, encoding='utf-8', errors='replace').read()
        units = [u for u in re.split(r'\n\s*\n', text) if u.strip()]
        if name in ('kjv', 'pydoc'):
            groups = [units[i:i + 1] for i in range(len(units))]  # a chapter / a page is a document
        else:
            groups = [units[i:i + entries_per_doc] for i in range(0, len(units), entries_per_doc)]
        for gi, g in enumerate(groups):
            paras = []
            for u in g:
                for line in u.split('\n'):
                    line = clean(line)
                    if len(line.split()) >= 3:
                        paras.append(line)
            if paras:
                yield f'debian/{name}#{gi}', f'Debian: {DEBIAN_NAMES[name]}', paras


def main(gut, deb, open_dir, out):
    modern = list(english_docs(open_dir))
    write_corpus(list(gutenberg_docs(gut)) + list(debian_docs(deb)) + modern, out, split_sentences,
                 {src for _, src, _ in modern}, MODERN_REPEAT)


def main_zh(open_dir, out):
    write_corpus(list(chinese_docs(open_dir)), out, split_sentences_zh, set(), 1, zh=True)


def write_corpus(all_docs, out, splitter, modern_sources, repeat, zh=False):
    """Dedupe paragraphs, split sentences, hold out 1% of documents, write train/heldout + stats (words per source;
    for Chinese the 'words' are characters)."""
    os.makedirs(out, exist_ok=True)
    seen = set()
    docs = []
    dup = 0
    for doc_id, source, paras in all_docs:
        sents = []
        for p in paras:
            p = clean(p) if not zh else ' '.join(unicodedata.normalize('NFC', p).split())
            key = ' '.join(p.lower().split())
            if key in seen and len(key) > 30:
                dup += 1
                continue
            seen.add(key)
            sents.extend(s for s in splitter(p) if s)
        if len(sents) >= 2:
            docs.append((doc_id, source, sents))
    rng = random.Random(1234)
    order = list(range(len(docs)))
    rng.shuffle(order)
    held = set(order[:max(1, len(docs) // 100)])
    stats = {'train': {'documents': 0, 'sentences': 0, 'words': 0}, 'heldout': {'documents': 0, 'sentences': 0,
             'words': 0}, 'duplicate_paragraphs_dropped': dup, 'modern_repeat': repeat, 'sources': {},
             'unit': 'characters' if zh else 'words'}
    files = {k: open(os.path.join(out, k + '.txt'), 'w', encoding='utf-8') for k in ('train', 'heldout')}
    for i, (doc_id, source, sents) in enumerate(docs):
        k = 'heldout' if i in held else 'train'
        reps = repeat if k == 'train' and source in modern_sources else 1
        files[k].write(('\n'.join(sents) + '\n\n') * reps)
        s = stats[k]
        words = sum(len(x.replace(' ', '')) if zh else len(x.split()) for x in sents)
        s['documents'] += 1
        s['sentences'] += len(sents)
        s['words'] += words
        src = stats['sources'].setdefault(source, {'documents': 0, 'words': 0, 'modern': source in modern_sources})
        src['documents'] += 1
        src['words'] += words
    for f in files.values():
        f.close()
    # Document ids in file order (which source each document of train/heldout.txt comes from)
    with open(os.path.join(out, 'heldout-ids.txt'), 'w') as f:
        f.write('\n'.join(docs[i][0] for i in sorted(held)) + '\n')
    with open(os.path.join(out, 'train-ids.txt'), 'w') as f:
        f.write('\n'.join(d[0] for i, d in enumerate(docs) if i not in held) + '\n')
    json.dump(stats, open(os.path.join(out, 'stats.json'), 'w'), indent=1)
    print(json.dumps(stats))


if __name__ == '__main__':
    if sys.argv[1] == '--lang' and sys.argv[2] == 'zh':
        main_zh(*sys.argv[3:5])
    else:
        main(*sys.argv[1:5])

"""Extracts the Debian-package texts (recipes of $SHARED_CORPUS/README.md §2) into <out>/<name>.txt.

Needs: apt-get install -y --no-install-recommends wordnet-base dict-gcide dict-foldoc dict-jargon dict-devil
bible-kjv-text bible-kjv python3.11-doc. Usage: python3 -m training.corpus_debian OUT_DIR"""
import gzip
import os
import pathlib
import re
import subprocess
import sys


def wordnet(out):
    with open(out, 'w', encoding='utf-8') as f:
        for pos in ('noun', 'verb', 'adj', 'adv'):
            for line in open(f'/usr/share/wordnet/data.{pos}', encoding='utf-8', errors='replace'):
                if line.startswith('  ') or ' | ' not in line:
                    continue
                head, gloss = line.rstrip().split(' | ', 1)
                fl = head.split()
                n = int(fl[3], 16)
                words = [re.sub(r'\(\w+\)$', '', fl[4 + 2 * i]).replace('_', ' ') for i in range(n)]
                parts = [p.strip() for p in re.split(r';\s*(?=")|(?<=");\s*', gloss)]
                defs = '; '.join(p for p in parts if p and not p.startswith('"'))
                exs = [p.strip('"').strip() for p in parts if p.startswith('"')]
                print(f"{', '.join(words)}: {defs}.", file=f)
                for x in exs:
                    print(x[0].upper() + x[1:] + ('' if x[-1] in '.!?' else '.') if x else '', file=f)
                print(file=f)


_A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'


def _b64(s):
    n = 0
    for c in s:
        n = n * 64 + _A.index(c)
    return n


def dictd(name, out):
    data = gzip.open(f'/usr/share/dictd/{name}.dict.dz').read()
    seen = set()
    with open(out, 'w', encoding='utf-8') as f:
        for line in open(f'/usr/share/dictd/{name}.index', encoding='utf-8', errors='replace'):
            hw, off, ln = line.rstrip('\n').split('\t')[:3]
            if hw.startswith('00-database') or hw.startswith('00database'):
                continue
            o = _b64(off)
            if o in seen:
                continue
            seen.add(o)
            e = data[o:o + _b64(ln)].decode('utf-8', 'replace')
            e = re.sub(r'\\[^\\\n]*\\', '', e)
            for _ in range(3):
                e = re.sub(r'\[[^\[\]]*\]', '', e)
            e = re.sub(r'\s*\(?(?:https?|ftp)://[^\s)}]*\)?|<[^\s<>]+@[^\s<>]+>', '', e)
            e = re.sub(r'\(\s*\)|\{\s*\}', '', e)
            e = re.sub(r'\{([^{}]*)\}', r'\1', e)
            e = re.sub(r'\s--\s?[A-Z][\w\'.& ]{0,30}?\.(?=\s|$)', '', e)
            res = []
            for p in re.split(r'\n\s*\n', e.strip()):
                p = re.sub(r' ([,;.])', r'\1', ' '.join(p.split()))
                if re.fullmatch(r'\(\d{4}-\d\d-\d\d\)', p):
                    continue
                if len(p.split()) < 2 and res:
                    continue
                res.append(p)
            if res:
                print('\n'.join(res) + '\n', file=f)


def kjv(out):
    txt = subprocess.run(['bible', '-f', 'gen1:1-rev22:21'], capture_output=True, text=True, check=True).stdout
    prev, lines = None, []
    for line in txt.splitlines():
        if not line.strip():
            continue
        ref, _, verse = line.partition(' ')
        chap = ref.split(':')[0]
        if prev is not None and chap != prev:
            lines.append('')
        prev = chap
        lines.append(verse.strip())
    open(out, 'w', encoding='utf-8').write('\n'.join(lines) + '\n')


_DROP = re.compile(r'\.\.\s+(code-block|sourcecode|code|doctest|testcode|testsetup|testcleanup|testoutput|'
                   r'productionlist|toctree|index|highlight|literalinclude|raw|csv-table|list-table|table|'
                   r'image|figure|include|moduleauthor|sectionauthor|audit-event|c:\w+)::|\.\.\s+(_|\|)')


def _inline(s):
    s = re.sub(r':[\w:.+-]+:`~?!?([^`<]*?)\s*(<[^>]*>)?`', r'\1', s)
    s = re.sub(r'`([^`<]*?)\s*<[^>]*>`_{1,2}', r'\1', s)
    s = re.sub(r'``([^`]*)``|`([^`]*)`_{0,2}', lambda m: m.group(1) or m.group(2) or '', s)
    s = re.sub(r'\*\*([^*]+)\*\*', r'\1', s)
    return re.sub(r'<?https?://[^\s>]*>?', '', s)


def pydoc(out):
    src = pathlib.Path('/usr/share/doc/python3.11/html/_sources')
    with open(out, 'w', encoding='utf-8') as fo:
        for f in sorted(src.rglob('*.rst.txt')):
            rel = f.relative_to(src).as_posix()
            if rel.startswith('whatsnew/changelog') or rel in ('license.rst.txt', 'copyright.rst.txt'):
                continue
            res, para, skip = [], [], None

            def flush():
                p = _inline(' '.join(para)).strip()
                para.clear()
                if len(p.split()) >= 3:
                    res.append(p)
            for ln in f.read_text(encoding='utf-8', errors='replace').split('\n'):
                st = ln.strip()
                ind = len(ln) - len(ln.lstrip())
                if skip is not None:
                    if st == '' or ind > skip:
                        continue
                    skip = None
                if st == '' or re.fullmatch(r'([=\-~^"*#+`:.\'_])\1{2,}', st) or st[:1] in '+|':
                    flush()
                    continue
                if _DROP.match(st) or st.startswith('>>>'):
                    flush()
                    skip = ind
                    continue
                m = re.match(r'\.\.\s+([\w:-]+)::\s*(.*)', st)
                if m:
                    flush()
                    if m.group(1) in ('versionadded', 'versionchanged', 'deprecated'):
                        para.append(m.group(1).replace('version', '').capitalize() + ' in version ' + m.group(2))
                    continue
                if st.startswith('.. ') or (ind == 0 and re.match(r':[\w ]+:(\s|$)', st)):
                    flush()
                    skip = ind if st.startswith('.. ') else None
                    continue
                if st.endswith('::'):
                    para.append(st[:-1] if st[:-2].strip() else '')
                    flush()
                    skip = ind
                    continue
                para.append(st)
            flush()
            if res:
                print('\n'.join(res) + '\n', file=fo)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    wordnet(os.path.join(out_dir, 'wordnet.txt'))
    for n in ('gcide', 'foldoc', 'jargon', 'devil'):
        dictd(n, os.path.join(out_dir, n + '.txt'))
    kjv(os.path.join(out_dir, 'kjv.txt'))
    pydoc(os.path.join(out_dir, 'pydoc.txt'))


if __name__ == '__main__':
    main(sys.argv[1])

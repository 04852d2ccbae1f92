"""Modern English text and SQuAD-format QA from $SHARED_CORPUS/open (see its README for sources and licences).

- `english_docs(open_dir)` yields (doc_id, source, paragraphs) for the pretraining corpus; the Schema-Guided Dialogue
  share is capped (it is repetitive) and QA paragraphs of the held-out QA split are left out.
- `qa_split(open_dir)` fixes the QA train / held-out split once (whole articles, deterministic): 1,000+ SQuADShifts
  new-wiki questions and 500+ SQuAD v1.1 dev questions are held out; a paragraph held out in one file is held out in
  every file that repeats it (SQuAD v2.0 dev reuses v1.1 dev paragraphs)."""
import json
import os
import re

QA_FILES = {  # file -> short name used in ids and cards
    'squadshifts_new_wiki_v1.0.json': 'new_wiki',
    'squad1.1_dev.minus_xquad.json': 'squad11',
    'squad2.0_dev.minus_xquad.json': 'squad20',
    'squadshifts_reddit_v1.0.json': 'reddit',
    'squadshifts_amazon_reviews_v1.0.json': 'amazon',
    'covidqa_200421.spanfixed.json': 'covid',
}
HELDOUT_QUESTIONS = {'new_wiki': 1000, 'squad11': 500}
SGD_WORD_CAP = 700_000  # SGD is 3.35M words of templated booking dialogue; more of it teaches little


def _norm_key(text):
    return ' '.join(text.split())


def load_squad(path):
    return json.load(open(path, encoding='utf-8'))['data']


def qa_split(open_dir):
    """-> (train, heldout): lists of {'source', 'title', 'context', 'qas'} paragraphs; held-out contexts never train."""
    qa_dir = os.path.join(open_dir, 'en_qa')
    held_keys = set()
    for fname, short in QA_FILES.items():
        want = HELDOUT_QUESTIONS.get(short)
        if not want:
            continue
        articles = sorted(load_squad(os.path.join(qa_dir, fname)), key=lambda a: a['title'])
        n = 0
        for a in articles[::-1]:  # from the end of the alphabet: a fixed, documented choice
            if n >= want:
                break
            for p in a['paragraphs']:
                held_keys.add(_norm_key(p['context']))
                n += len(p['qas'])
    train, held = [], []
    for fname, short in QA_FILES.items():
        for a in load_squad(os.path.join(qa_dir, fname)):
            for p in a['paragraphs']:
                item = {'source': short, 'title': a.get('title', ''), 'context': p['context'], 'qas': p['qas']}
                is_held = _norm_key(p['context']) in held_keys
                # The held-out set is new-wiki + SQuAD v1.1 only; v2.0 copies of those paragraphs are simply dropped.
                if is_held:
                    if short in HELDOUT_QUESTIONS:
                        held.append(item)
                else:
                    train.append(item)
    return train, held


def _paragraph_lines(path):
    for line in open(path, encoding='utf-8', errors='replace'):
        line = ' '.join(line.split())
        if line:
            yield line


def _chunks(paras, size):
    for i in range(0, len(paras), size):
        yield i // size, paras[i:i + size]


def _wikitext(path):
    """WikiText-2 (tokenized, ` = Title = ` headings): articles with the tokenization undone and <unk> lines dropped."""
    arts, cur, title = [], [], None
    for line in open(path, encoding='utf-8'):
        s = line.strip()
        if re.fullmatch(r'= [^=].*[^=] =', s):
            if cur:
                arts.append((title, cur))
            title, cur = s.strip('= '), []
            continue
        if not s or s.startswith('= '):
            continue
        if '<unk>' in s:
            s = ' '.join(x for x in re.split(r'(?<=[.!?]) ', s) if '<unk>' not in x)
        s = s.replace(' @-@ ', '-').replace(' @,@ ', ',').replace(' @.@ ', '.')
        s = re.sub(r' ([.,;:!?)\]\'])', r'\1', s)
        s = re.sub(r'([(\[]) ', r'\1', s)
        s = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r'\1', s)
        s = s.replace(' " ', ' "')
        if len(s.split()) >= 4:
            cur.append(s)
    if cur:
        arts.append((title, cur))
    return arts


def english_docs(open_dir):
    """(doc_id, source, paragraphs) of modern English. Sources follow $SHARED_CORPUS/open/README.md."""
    t = os.path.join(open_dir, 'en_text')
    for name in sorted(os.listdir(os.path.join(t, 'openstax_ccby'))):
        paras = list(_paragraph_lines(os.path.join(t, 'openstax_ccby', name)))
        for i, chunk in _chunks(paras, 30):
            yield f'openstax/{name}#{i}', 'OpenStax textbooks', chunk
    # OneStopEnglish: articles are separated by blank lines, paragraphs one per line.
    text = open(os.path.join(t, 'onestopenglish_3levels.txt'), encoding='utf-8', errors='replace').read()
    for i, block in enumerate(re.split(r'\n\s*\n', text)):
        paras = [' '.join(x.split()) for x in block.split('\n') if x.strip()]
        if paras:
            yield f'onestop#{i}', 'OneStopEnglish', paras
    # GUM: one document per line (blank lines between).
    for i, line in enumerate(_paragraph_lines(os.path.join(t, 'gum_open_genres.txt'))):
        yield f'gum#{i}', 'GUM', [line]
    for i, (title, paras) in enumerate(_wikitext(os.path.join(t, 'wikitext2_valid_test.tokens.txt'))):
        yield f'wikitext#{i}', 'WikiText-2', paras
    # Tatoeba: independent short sentences; groups of 20 (their "next sentence" is not a real continuation).
    lines = list(_paragraph_lines(os.path.join(t, 'tatoeba_eng_from_cmn.txt')))
    for i, chunk in _chunks(lines, 20):
        yield f'tatoeba#{i}', 'Tatoeba', [' '.join(chunk)]
    # SGD: dialogues separated by blank lines; speaker tags dropped; capped.
    text = open(os.path.join(t, 'sgd_dialogues.txt'), encoding='utf-8', errors='replace').read()
    words = 0
    for i, block in enumerate(re.split(r'\n\s*\n', text)):
        turns = [re.sub(r'^(user|system):\s*', '', x.strip()) for x in block.split('\n') if x.strip()]
        if not turns:
            continue
        words += sum(len(x.split()) for x in turns)
        if words > SGD_WORD_CAP:
            break
        yield f'sgd#{i}', 'Schema-Guided Dialogue', turns
    train, _ = qa_split(open_dir)
    by_title = {}
    for p in train:
        by_title.setdefault((p['source'], p['title']), []).append(' '.join(p['context'].split()))
    for i, ((src, title), paras) in enumerate(sorted(by_title.items())):
        yield f'qa-{src}#{i}', 'QA contexts (train split)', paras


# ---------------- Chinese ----------------

ZH_QA_TRAIN = ['cmrc2018_trial.squad.spanfixed.json', 'drcd_dev.zh-cn-opencc.json', 'drcd_dev.zh-tw.json',
               'drcd_test.zh-cn-opencc.json', 'drcd_test.zh-tw.json']
ZH_QA_HELDOUT = 'cmrc2018_dev.squad.spanfixed.json'  # evaluation only: never in pretraining or QA training
ZH_LAW_SHARE = 0.25     # PRC laws: formal register, 7M characters; at most this share of the corpus
ZH_POETRY_SHARE = 0.10  # classical poetry: a different language from modern written Chinese


def zh_qa(open_dir, files):
    out = []
    for fname in files:
        for a in load_squad(os.path.join(open_dir, 'zh_qa', fname)):
            for p in a['paragraphs']:
                out.append({'source': fname.split('.')[0], 'title': a.get('title', ''), 'context': p['context'],
                            'qas': p['qas']})
    return out


def _blocks(path):
    text = open(path, encoding='utf-8', errors='replace').read()
    for block in re.split(r'\n\s*\n', text):
        lines = [' '.join(x.split()) for x in block.split('\n') if x.strip()]
        if lines:
            yield lines


def _chars(paras):
    return sum(len(p) for p in paras)


def chinese_docs(open_dir):
    """(doc_id, source, paragraphs) of Chinese text for a per-character BERT: modern text in full, the classic
    novels by chapter, poetry and laws capped by share of characters (README of $SHARED_CORPUS/open)."""
    t = os.path.join(open_dir, 'zh_text')
    modern = []
    for i, lines in enumerate(_blocks(os.path.join(t, 'kdconv_crosswoz_dialogues.txt'))):
        modern.append((f'zh-dialogue#{i}', 'KdConv + CrossWOZ dialogues', lines))
    for name, src in (('tatoeba_cmn.txt', 'Tatoeba (Chinese)'), ('ud_gsdsimp_dev_test.txt', 'UD Chinese-GSDSimp')):
        lines = list(_paragraph_lines(os.path.join(t, name)))
        for i, chunk in _chunks(lines, 20):
            modern.append((f'{name}#{i}', src, [''.join(chunk)]))
    by_title = {}
    for p in zh_qa(open_dir, ZH_QA_TRAIN):
        by_title.setdefault((p['source'], p['title']), []).append(' '.join(p['context'].split()))
    for i, ((src, title), paras) in enumerate(sorted(by_title.items())):
        modern.append((f'zh-qa-{src}#{i}', 'QA contexts (CMRC 2018 trial, DRCD)', paras))
    novels = []
    for name in sorted(os.listdir(os.path.join(t, 'four_classic_novels'))):
        text = open(os.path.join(t, 'four_classic_novels', name), encoding='utf-8', errors='replace').read()
        for i, chapter in enumerate(re.split(r'\n(?=第[^\n]{1,8}回)', text)):
            paras = [' '.join(x.split()) for x in chapter.split('\n') if x.strip()]
            if paras:
                novels.append((f'novel/{name}#{i}', 'Four classic novels', paras))
    base = _chars(p for _, _, d in modern + novels for p in d)
    # shares of the final total: poetry ≤ 10%, laws ≤ 25% -> budgets from the uncapped part
    total = base / (1 - ZH_LAW_SHARE - ZH_POETRY_SHARE)
    poetry, used = [], 0
    for name in sorted(os.listdir(os.path.join(t, 'chinese_poetry'))):
        poems = list(_blocks(os.path.join(t, 'chinese_poetry', name)))
        for i, chunk in _chunks(poems, 10):
            paras = [''.join(p) for p in chunk]
            used += _chars(paras)
            if used > ZH_POETRY_SHARE * total:
                break
            poetry.append((f'poetry/{name}#{i}', 'chinese-poetry', paras))
    laws, used = [], 0
    for i, lines in enumerate(_blocks(os.path.join(t, 'prc_laws_regulations.txt'))):
        used += _chars(lines)
        if used > ZH_LAW_SHARE * total:
            break
        laws.append((f'law#{i}', 'PRC laws and regulations', lines))
    yield from modern + novels + poetry + laws


def heldout_qa_items(open_dir, lang):
    """The held-out questions as {'question', 'context', 'answers'} (English: qa_split's held-out paragraphs; Chinese:
    CMRC 2018 dev), for the engine's QA figures (scripts/eval-engine.ts samples them, scripts/qa-heldout.ts takes all)."""
    held = zh_qa(open_dir, [ZH_QA_HELDOUT]) if lang == 'zh' else qa_split(open_dir)[1]
    return [{'question': q['question'], 'context': p['context'], 'answers': [a['text'] for a in q['answers']]}
            for p in held for q in p['qas'] if q.get('answers')]

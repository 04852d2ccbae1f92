"""QA training data by cloze translation (Lewis et al. 2019 style) over corpus paragraphs, plus SQuAD-style
evaluation helpers. A sentence in a context is picked, an answer span chosen (number, date, capitalized name,
place phrase or noun phrase) and the sentence rewritten as a wh-question; the context is the paragraph."""
import collections
import random
import re
import string

ASCII_MAP = str.maketrans({'‘': "'", '’': "'", '“': '"', '”': '"', '—': ' -- ', '–': '-', '…': '...'})
_WORD = re.compile(r'[^\s!-/:-@\[-`{-~]+|[!-/:-@\[-`{-~]')
MONTHS = ('january february march april may june july august september october november december').split()
NUMWORDS = set('two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty '
               'hundred thousand million dozen'.split())
STOP_CAPS = set("I The A An And But Or If When Then There This That These Those He She It They We You His Her "
                "Its Their Our My Your What Who Why How Where Which Yes No Not In On At Of For To With By From As "
                "So Oh Mr Mrs Miss Dr Sir Lord Lady God".split())
PLACE_PREP = ('in', 'at', 'near', 'within', 'inside', 'under', 'on', 'into', 'across', 'beside')
NP_STOP = set('i he she it we you they him her them me us his its our my your their this these those '
              'there then not no of and or but that which who whom whose when while where as to was were is are had has have be '
              'been would could should will shall may might did do does said with by for from in on at'.split())


def words_with_offsets(text):
    """ASCII text -> [(word, start, end)] split exactly like the BERT basic tokenizer (fast path)."""
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def split_sentences_offsets(text):
    out, start = [], 0
    for m in re.finditer(r'(?<=[.!?])["\')]*\s+(?=["(]?[A-Z])', text):
        out.append((start, m.start() + len(m.group(0).rstrip())))
        start = m.end()
    out.append((start, len(text)))
    return [(s, e) for s, e in out if e > s]


def candidates(sent, base, names_mid):
    """Answer spans in one sentence: (kind, wh, start, end) in context coordinates. names_mid: capitalized words
    seen mid-sentence in the context (a sentence-initial capital is a name only if it is one of them)."""
    ws = words_with_offsets(sent)
    out = []
    n = len(ws)
    for i, (w, s, e) in enumerate(ws):
        lw = w.lower()
        prev = ws[i - 1][0].lower() if i else ''
        if re.fullmatch(r'1[0-9]{3}|20[0-9]{2}', w) and prev in ('in', 'of', 'since', 'until', 'by'):
            out.append(('date', 'When', s, e, i, i))
        elif lw in MONTHS and i + 1 < n and re.fullmatch(r'\d{1,2}(st|nd|rd|th)?', ws[i + 1][0]):
            j = i + 1
            if j + 2 < n and ws[j + 1][0] == ',' and re.fullmatch(r'\d{4}', ws[j + 2][0]):
                j += 2
            out.append(('date', 'When', s, ws[j][2], i, j))
        elif (w.isdigit() or lw in NUMWORDS) and i + 1 < n and ws[i + 1][0].isalpha() and ws[i + 1][0].islower() \
                and prev not in ('the',):
            out.append(('number', 'How many', s, e, i, i))
    # capitalized names (not sentence-initial unless followed by a lowercase verb-ish word)
    i = 0
    while i < n:
        w = ws[i][0]
        if w[:1].isupper() and w.isalpha() and w not in STOP_CAPS and not w.isupper() and len(w) > 3 \
                and w.lower() not in NUMWORDS:
            j = i
            while j + 1 < n and ws[j + 1][0][:1].isupper() and ws[j + 1][0].isalpha() and ws[j + 1][0] not in STOP_CAPS:
                j += 1
            prev = ws[i - 1][0].lower() if i else ''
            wh = 'Where' if prev in ('in', 'at', 'to', 'from', 'near') else 'Who'
            if i > 0 or (w in names_mid and j + 1 < n and ws[j + 1][0].islower()):
                out.append(('name', wh, ws[i][1], ws[j][2], i, j))
            i = j + 1
        else:
            i += 1
    # "in/at/within ... the X (Y)" place phrases, and "the/a X" noun phrases (up to 3 words)
    for i, (w, s, e) in enumerate(ws):
        lw = w.lower()
        if lw in ('the', 'a', 'an') and i + 1 < n:
            j = i + 1
            while j < n and j - i <= 3 and ws[j][0].isalpha() and ws[j][0].islower() and ws[j][0] not in NP_STOP:
                j += 1
            if j - i >= 2:
                prev = ws[i - 1][0].lower() if i else ''
                if prev in PLACE_PREP:
                    out.append(('place', 'Where', ws[i - 1][1], ws[j - 1][2], i - 1, j - 1))
                else:
                    out.append(('np', 'What', s, ws[j - 1][2], i, j - 1))
    return [(k, wh, base + s, base + e, i, j) for k, wh, s, e, i, j in out]


def question_for(sent, base, cand, names=frozenset()):
    """Wh-fronting: the wh-word replaces the answer and moves to the front ("Gravity causes rain." -> "What causes
    rain?"); lowercases a sentence-initial word that is not a name."""
    kind, wh, s, e, _, _ = cand
    before, after = sent[:s - base].strip(), sent[e - base:].strip()
    after = re.sub(r'[.!?"\']+$', '', after).strip()
    if before:
        first = before.split(' ', 1)
        if first[0] not in names:
            before = first[0].lower() + (' ' + first[1] if len(first) > 1 else '')
        before = re.sub(r'^["\'(]+', '', before)
        body = (before + ' ' + after).strip()
    else:
        body = after
    body = re.sub(r'\s+([,;:])', r'\1', body).strip(' ,;:')
    if len(body.split()) < 3:
        return None
    return f'{wh} {body}?'


def generate(docs, n, seed, max_words=220):
    """docs: list of lists of sentences (raw text). Returns SQuAD-like dicts (context, question, answer, start)."""
    rng = random.Random(seed)
    out, tries = [], 0
    while len(out) < n and tries < n * 20:
        tries += 1
        doc = docs[rng.randrange(len(docs))]
        if len(doc) < 3:
            continue
        i = rng.randrange(len(doc))
        k = rng.randint(2, 10)
        sents = [s.translate(ASCII_MAP) for s in doc[i:i + k]]
        ctx = ' '.join(' '.join(sents).split())
        if not ctx.isascii() or len(ctx.split()) > max_words or len(ctx.split()) < 20:
            continue
        spans = split_sentences_offsets(ctx)
        ss, se = spans[rng.randrange(len(spans))]
        sent = ctx[ss:se]
        if len(sent.split()) < 6 or len(sent.split()) > 40 or re.search(r'["\';:()\[\]]|--', sent) \
                or not sent[0].isupper() or not sent.endswith('.'):
            continue
        cw = words_with_offsets(ctx)
        names_mid = {w for k, (w, _, _) in enumerate(cw)
                     if k and w[:1].isupper() and cw[k - 1][0] not in '.!?"\'' and cw[k - 1][0][:1].islower()}
        cands = candidates(sent, ss, names_mid)
        if not cands:
            continue
        by_kind = collections.defaultdict(list)
        for c in cands:
            by_kind[c[0]].append(c)
        kind = rng.choice(sorted(by_kind))
        c = rng.choice(by_kind[kind])
        q = question_for(sent, ss, c, names_mid)
        if q is None:
            continue
        out.append({'context': ctx, 'question': q, 'answers': [ctx[c[2]:c[3]]], 'answer_start': c[2], 'kind': kind})
    return out


# ---------- SQuAD evaluation ----------

def normalize_answer(s):
    s = s.lower()
    s = ''.join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r'\b(a|an|the)\b', ' ', s)
    return ' '.join(s.split())


def f1_score(pred, gold):
    p, g = normalize_answer(pred).split(), normalize_answer(gold).split()
    common = collections.Counter(p) & collections.Counter(g)
    same = sum(common.values())
    if same == 0:
        return 0.0
    prec, rec = same / len(p), same / len(g)
    return 2 * prec * rec / (prec + rec)


def em_f1(pred, golds):
    return (max(float(normalize_answer(pred) == normalize_answer(g)) for g in golds),
            max(f1_score(pred, g) for g in golds))

"""WordPiece: HF-BertTokenizer-compatible encoder, a vocabulary builder, and HF tokenizer.json/config writers."""
import json
import os
import re
import unicodedata
from collections import Counter

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PAD, UNK, CLS, SEP, MASK = range(5)
_SPECIAL_SPLIT = re.compile('(' + '|'.join(re.escape(t) for t in SPECIALS) + ')')


# ---------- basic tokenization (HF BasicTokenizer semantics) ----------

def _is_whitespace(ch):
    if ch in ' \t\n\r':
        return True
    return unicodedata.category(ch) == 'Zs'


def _is_control(ch):
    if ch in '\t\n\r':
        return False
    return unicodedata.category(ch) in ('Cc', 'Cf', 'Co', 'Cs')


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def _is_cjk(cp):
    # Only the BMP ranges: tokenizers.js tests UTF-16 units, so astral CJK is not split there (docs/TECH-NOTES.md §2).
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF)


def normalize(text):
    """clean_text + CJK spacing + lowercase + strip accents (BertNormalizer with lowercase=True)."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(' ')
        elif _is_cjk(cp):
            out.append(' ' + ch + ' ')
        else:
            out.append(ch)
    s = ''.join(out).lower()
    s = unicodedata.normalize('NFD', s)
    return ''.join(c for c in s if unicodedata.category(c) != 'Mn')


def pre_tokenize(normed):
    """BertPreTokenizer: split on whitespace, then isolate every punctuation char."""
    words = []
    for w in normed.split():
        cur = ''
        for ch in w:
            if _is_punctuation(ch):
                if cur:
                    words.append(cur)
                    cur = ''
                words.append(ch)
            else:
                cur += ch
        if cur:
            words.append(cur)
    return words


_ASCII_SAFE = re.compile(r'[\x00-\x08\x0b-\x1f\x7f]')
_ASCII_WORDS = re.compile(r'[^\s!-/:-@\[-`{-~]+|[!-/:-@\[-`{-~]')


def basic_tokenize(text):
    # Fast path for plain ASCII (most of the corpus): lowercase + split on whitespace/ASCII punctuation is exactly
    # what the full normalizer + pre-tokenizer do when there are no control chars.
    if text.isascii() and not _ASCII_SAFE.search(text):
        return _ASCII_WORDS.findall(text.lower())
    return pre_tokenize(normalize(text))


def _norm_char(ch):
    """One character through BertNormalizer (lowercase, accents stripped); '' when it is dropped."""
    cp = ord(ch)
    if cp == 0 or cp == 0xFFFD or _is_control(ch):
        return ''
    d = unicodedata.normalize('NFD', ch.lower())
    return ''.join(c for c in d if unicodedata.category(c) != 'Mn')


def words_with_offsets(text):
    """basic_tokenize with character offsets into `text`: [(normalized word, start, end)]. Any Unicode text (QA
    contexts carry accents, dashes, CJK): punctuation and CJK characters are words of their own."""
    out, cur, start = [], '', 0
    for i, ch in enumerate(text):
        if _is_whitespace(ch) or _is_punctuation(ch) or _is_cjk(ord(ch)):
            if cur:
                out.append((cur, start, i))
            cur = ''
            if not _is_whitespace(ch):
                n = _norm_char(ch)
                if n:
                    out.append((n, i, i + 1))
            continue
        n = _norm_char(ch)
        if not n:
            continue
        if not cur:
            start = i
        cur += n
    if cur:
        out.append((cur, start, len(text)))
    return out


class WordPiece:
    def __init__(self, vocab):
        self.vocab = list(vocab)
        self.ids = {t: i for i, t in enumerate(self.vocab)}

    @classmethod
    def load(cls, path):
        """From a vocab.txt or a tokenizer.json."""
        if path.endswith('.json'):
            v = json.load(open(path, encoding='utf-8'))['model']['vocab']
            return cls([t for t, _ in sorted(v.items(), key=lambda kv: kv[1])])
        return cls([l.rstrip('\n') for l in open(path, encoding='utf-8')])

    def word_pieces(self, word):
        if len(word) > 100:
            return [UNK]
        out, start = [], 0
        while start < len(word):
            end, cur = len(word), None
            while start < end:
                sub = word[start:end] if start == 0 else '##' + word[start:end]
                if sub in self.ids:
                    cur = self.ids[sub]
                    break
                end -= 1
            if cur is None:
                return [UNK]
            out.append(cur)
            start = end
        return out

    def tokenize_ids(self, text):
        # Literal special tokens ("[MASK]") are split off before normalization, as HF added tokens are.
        ids = []
        for part in _SPECIAL_SPLIT.split(text):
            if part in SPECIALS:
                ids.append(SPECIALS.index(part))
                continue
            for w in basic_tokenize(part):
                ids.extend(self.word_pieces(w))
        return ids

    def encode(self, a, b=None, max_len=None):
        """[CLS] A [SEP] (B [SEP]) -> (ids, token_type_ids); truncates the longest side first if max_len."""
        ia = self.tokenize_ids(a)
        ib = self.tokenize_ids(b) if b is not None else None
        if max_len:
            budget = max_len - (3 if ib is not None else 2)
            while len(ia) + (len(ib) if ib else 0) > budget:
                if ib and len(ib) > len(ia):
                    ib.pop()
                else:
                    ia.pop()
        ids = [CLS] + ia + [SEP]
        tt = [0] * len(ids)
        if ib is not None:
            ids += ib + [SEP]
            tt += [1] * (len(ib) + 1)
        return ids, tt

    def decode(self, ids):
        s = ''
        for i in ids:
            t = self.vocab[i]
            s += t[2:] if t.startswith('##') else (' ' + t if s else t)
        return s


# ---------- vocabulary building ----------

def build_vocab(texts, size, extra_chars='', min_char_count=2, word_share=0.7, forced_words=()):
    """Specials + alphabet (+ '##' forms) + frequent whole words + frequent prefixes/'##' suffixes of rarer words.

    Greedy longest-match WordPiece then segments rare words into the frequent pieces. Deterministic: ties are
    broken by the piece text."""
    words = Counter()
    for t in texts:
        words.update(basic_tokenize(t))
    chars = Counter()
    for w, n in words.items():
        for c in w:
            chars[c] += n
    alphabet = sorted(c for c, n in chars.items() if n >= min_char_count)
    alphabet = sorted(set(alphabet) | set(extra_chars))
    vocab = list(SPECIALS)
    seen = set(vocab)

    def add(t):
        if t not in seen and len(vocab) < size:
            seen.add(t)
            vocab.append(t)

    for c in alphabet:
        add(c)
    for c in alphabet:
        if not _is_punctuation(c) and not _is_cjk(ord(c)):
            add('##' + c)
    for w in forced_words:
        for t in basic_tokenize(w):
            add(t)
    n_words = int((size - len(vocab)) * word_share)
    ranked = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))
    for w, _ in ranked:
        if n_words <= 0:
            break
        if len(w) > 1 and w not in seen:
            add(w)
            n_words -= 1
    pieces = Counter()
    for w, n in words.items():
        if w in seen or len(w) < 3:
            continue
        for k in range(2, min(len(w), 10)):
            pieces[w[:k]] += n * (k - 1)
            pieces['##' + w[-k:]] += n * (k - 1)
    for p, _ in sorted(pieces.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(vocab) >= size:
            break
        add(p)
    return vocab


# ---------- Hugging Face files ----------

def tokenizer_json(vocab):
    added = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
              'normalized': False, 'special': True} for i, t in enumerate(SPECIALS)]
    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added,
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [SPECIALS.index(t)], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(vocab)}},
    }


def write_tokenizer(folder, vocab, model_max_length):
    os.makedirs(folder, exist_ok=True)

    def dump(name, obj):
        with open(os.path.join(folder, name), 'w', encoding='utf-8') as f:
            json.dump(obj, f, ensure_ascii=False, indent=1 if name != 'tokenizer.json' else None)
            f.write('\n')

    dump('tokenizer.json', tokenizer_json(vocab))
    dump('tokenizer_config.json', {
        'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'do_basic_tokenize': True,
        'tokenize_chinese_chars': True, 'strip_accents': None, 'model_max_length': model_max_length,
        'clean_up_tokenization_spaces': True, 'unk_token': '[UNK]', 'sep_token': '[SEP]', 'pad_token': '[PAD]',
        'cls_token': '[CLS]', 'mask_token': '[MASK]'})
    dump('special_tokens_map.json', {'unk_token': '[UNK]', 'sep_token': '[SEP]', 'pad_token': '[PAD]',
                                     'cls_token': '[CLS]', 'mask_token': '[MASK]'})
    with open(os.path.join(folder, 'vocab.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(vocab) + '\n')

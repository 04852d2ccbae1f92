"""Builds the reference corpora that the panel's Corpus view searches (exBERT's corpus search, offline): short passages
of modern text, one per line, that the model reads once per layer so a word of the user's document can be matched
against every word of them by contextual vector. Deterministic (evenly spaced picks, no randomness), so a rebuild
gives the same files.
  English: OpenStax textbooks (CC BY 4.0): PASSAGES_PER_BOOK passages of three consecutive sentences from each book.
  Chinese: every sentence of UD Chinese-GSDSimp dev+test (CC BY-SA 4.0) and short exchanges of the KdConv/CrossWOZ
  dialogues (Apache-2.0): written and spoken register.
Usage: python3 -m training.reference_corpus OPEN_DIR MODELS_DIR   (writes MODELS_DIR/reference-{en,zh}/corpus.txt)"""
import os
import re
import sys

from .corpus import split_sentences

BOOKS = ['psychology', 'american-government', 'introduction-sociology', 'introduction-philosophy', 'us-history',
         'writing-guide']
PASSAGES_PER_BOOK = 150
DIALOGUE_PASSAGES = 200

# Lines that are not running prose: front matter, figure captions, exercises, links.
_SKIP = re.compile(r'OpenStax|licen[cs]e|Creative Commons|Figure|Table \d|http|www\.|©|\bISBN\b|Rice University', re.I)
_WORDY = re.compile(r"^[A-Z][A-Za-z0-9 ,;:'’\"“”()\-–—.?!%$]+[.?!]['\"”’]?$")


def good_sentence(s):
    return 8 <= len(s.split()) <= 32 and _WORDY.match(s) is not None and not _SKIP.search(s)


def evenly(items, n):
    """n items spread evenly over the list (all of them when there are fewer)."""
    if len(items) <= n:
        return list(items)
    return [items[(i * len(items)) // n] for i in range(n)]


def english(open_dir):
    out = []
    for book in BOOKS:
        passages = []
        with open(os.path.join(open_dir, 'en_text', 'openstax_ccby', book + '.txt'), encoding='utf-8') as f:
            for line in f:
                sents = split_sentences(line.strip())
                # Three consecutive good sentences of one paragraph: a passage with its own context.
                for i in range(0, len(sents) - 2, 3):
                    trio = sents[i:i + 3]
                    if all(good_sentence(s) for s in trio):
                        passages.append(' '.join(trio))
        out += evenly(passages, PASSAGES_PER_BOOK)
    return out


_HAN = re.compile(r'[\u4e00-\u9fff]')


def chinese(open_dir):
    with open(os.path.join(open_dir, 'zh_text', 'ud_gsdsimp_dev_test.txt'), encoding='utf-8') as f:
        written = [s.strip() for s in f if 8 <= len(s.strip()) <= 120 and _HAN.search(s)]
    with open(os.path.join(open_dir, 'zh_text', 'kdconv_crosswoz_dialogues.txt'), encoding='utf-8') as f:
        lines = [s.strip() for s in f if s.strip()]
    # Two consecutive turns of a dialogue, each short: a question and its answer read together.
    turns = [lines[i] + lines[i + 1] for i in range(0, len(lines) - 1, 2)
             if 4 <= len(lines[i]) <= 40 and 4 <= len(lines[i + 1]) <= 40]
    return written + evenly(turns, DIALOGUE_PASSAGES)


def write(path, passages):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(passages) + '\n')
    print(f'{path}: {len(passages)} passages, {sum(len(p) for p in passages):,} characters')


def main():
    open_dir, models = sys.argv[1], sys.argv[2]
    write(os.path.join(models, 'reference-en', 'corpus.txt'), english(open_dir))
    write(os.path.join(models, 'reference-zh', 'corpus.txt'), chinese(open_dir))


if __name__ == '__main__':
    main()

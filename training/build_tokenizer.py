"""Builds the mini models' WordPiece vocabulary from the training corpus and writes the HF tokenizer files.

English: frequent whole words + word pieces. Chinese (--lang zh, BERT-Chinese style): every CJK character is its own
token; the vocabulary holds the characters seen at least ZH_MIN_CHAR times (simplified and traditional, ~7,600 on
the Chinese corpus) plus digits, punctuation and WordPiece pieces for the Latin words that Chinese text mixes in.

Usage: python3 -m training.build_tokenizer CORPUS_DIR OUT_DIR [VOCAB_SIZE] [--lang en|zh] [--open OPEN_DIR]
       [--stats-only]: keep OUT_DIR/vocab.txt (a continuation's shipped vocabulary) and write only its statistics
       (tokenizer-stats.json, which the model card reads), so a continuation on a fresh machine can write the card."""
import argparse
import json
import os

from .paths import SHARED_CORPUS
from .open_data import ZH_QA_HELDOUT, load_squad
from .wordpiece import UNK, WordPiece, basic_tokenize, build_vocab, write_tokenizer

MAX_LEN = 512
ZH_MIN_CHAR = 3  # measured on CMRC 2018 dev: >= 3 keeps 7,602 characters and leaves 0.15% of its tokens [UNK]


def unk_stats(wp, lines):
    words = pieces = unk = 0
    for l in lines:
        for w in basic_tokenize(l):
            ids = wp.word_pieces(w)
            words += 1
            pieces += len(ids)
            unk += ids == [UNK]
    return {'words': words, 'pieces_per_word': round(pieces / max(1, words), 3), 'unk_rate': round(unk / max(1, words), 5)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('corpus')
    ap.add_argument('out')
    ap.add_argument('size', nargs='?', type=int, default=8000)
    ap.add_argument('--lang', default='en', choices=('en', 'zh'))
    ap.add_argument('--open', default=os.path.join(SHARED_CORPUS, 'open'))
    ap.add_argument('--stats-only', action='store_true')
    a = ap.parse_args()
    if a.stats_only:
        vocab = [t for t in open(os.path.join(a.out, 'vocab.txt'), encoding='utf-8').read().split('\n') if t]
    else:
        lines = [l for l in open(os.path.join(a.corpus, 'train.txt'), encoding='utf-8') if l.strip()]
        if a.lang == 'zh':
            vocab = build_vocab(lines, a.size, min_char_count=ZH_MIN_CHAR, word_share=0.5)
        else:
            vocab = build_vocab(lines, a.size, min_char_count=200, word_share=0.75)
        write_tokenizer(a.out, vocab, MAX_LEN)
    wp = WordPiece(vocab)
    held = [l for l in open(os.path.join(a.corpus, 'heldout.txt'), encoding='utf-8') if l.strip()]
    h = unk_stats(wp, held)
    stats = {'vocab_size': len(vocab), 'heldout_words': h['words'], 'pieces_per_word': h['pieces_per_word'],
             'unk_rate': h['unk_rate']}
    if a.lang == 'zh':
        stats['cjk_characters'] = sum(1 for t in vocab if len(t) == 1 and '\u3400' <= t <= '\u9fff')
        dev = [x for art in load_squad(os.path.join(a.open, 'zh_qa', ZH_QA_HELDOUT)) for p in art['paragraphs']
               for x in [p['context']] + [q['question'] for q in p['qas']]]
        stats['cmrc2018_dev'] = unk_stats(wp, dev)
    json.dump(stats, open(os.path.join(a.out, 'tokenizer-stats.json'), 'w'), indent=1)
    print(json.dumps(stats))


if __name__ == '__main__':
    main()

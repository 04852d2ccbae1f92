"""Builds the mini models' WordPiece vocabulary from the training corpus and writes the HF tokenizer files.

Usage: python3 tools/build_tokenizer.py CORPUS_DIR OUT_DIR [VOCAB_SIZE]"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wordpiece import UNK, WordPiece, basic_tokenize, build_vocab, write_tokenizer  # noqa: E402

MAX_LEN = 512


def main(corpus, out, size=8000):
    lines = [l for l in open(os.path.join(corpus, 'train.txt'), encoding='utf-8') if l.strip()]
    vocab = build_vocab(lines, int(size), min_char_count=200, word_share=0.75)
    write_tokenizer(out, vocab, MAX_LEN)
    wp = WordPiece(vocab)
    held = [l for l in open(os.path.join(corpus, 'heldout.txt'), encoding='utf-8') if l.strip()]
    words = pieces = unk = 0
    for l in held:
        for w in basic_tokenize(l):
            ids = wp.word_pieces(w)
            words += 1
            pieces += len(ids)
            unk += ids == [UNK]
    stats = {'vocab_size': len(vocab), 'heldout_words': words, 'pieces_per_word': round(pieces / words, 3),
             'unk_rate': round(unk / words, 5)}
    json.dump(stats, open(os.path.join(out, 'tokenizer-stats.json'), 'w'), indent=1)
    print(json.dumps(stats))


if __name__ == '__main__':
    main(*sys.argv[1:])

"""word2vec-mini: skip-gram with negative sampling (Debian fastText CLI, subwords off = plain word2vec) on the
training corpus; keeps the 50k most frequent words x 100 dims in word2vec binary format; probes neighbours.

Chinese (LANG zh): the same over characters (each CJK character is a word, as in the per-character BERT), so the
hover contrasts a character's one fixed vector with its contextual ones.

Usage: python3 -m training.word2vec CORPUS_DIR WORK_DIR OUT_DIR [EPOCHS] [THREADS] [LANG]"""
import json
import os
import re
import resource
import subprocess
import sys
import time

import numpy as np

from .word2vec_eval import evaluate
from .wordpiece import basic_tokenize

DIMS, KEEP = 100, 50000
# Subsampling threshold: fastText keeps an occurrence with probability ~sqrt(t / frequency) when the token is more
# frequent than t. 1e-4 suits words; in the Chinese text 1,433 characters are above 1e-4 (224 above 1e-3), so it thins
# out everyday characters too, and the held-out category check (training/word2vec_eval.py) reads better with 1e-3
# (the word2vec-zh card, 2026-12-05).
SUBSAMPLE = {'en': '1e-4', 'zh': '1e-3'}
PROBES = ['bank', 'king', 'water', 'run', 'light', 'spring', 'ship', 'cold', 'city', 'friend', 'phone', 'movie',
          'sensor', 'cinema', 'bakery']
_WORD = re.compile(r"^[a-z0-9][a-z0-9'-]*$")
_CJK = re.compile('^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$')
ZH_PROBES = ['干', '哈', '呢', '银', '行', '水', '天', '人', '中', '国', '好', '看']


def prepare(corpus, path, lang='en'):
    """Lowercased, accent-stripped words (the BERT basic tokenizer), punctuation dropped, one sentence per line."""
    n = 0
    with open(path, 'w', encoding='utf-8') as f:
        for line in open(os.path.join(corpus, 'train.txt'), encoding='utf-8'):
            ws = [w for w in basic_tokenize(line) if _WORD.match(w) or (lang == 'zh' and _CJK.match(w))]
            if ws:
                f.write(' '.join(ws) + '\n')
                n += len(ws)
    return n


def load_vec(path, keep):
    words, rows = [], []
    with open(path, encoding='utf-8') as f:
        f.readline()
        for line in f:
            parts = line.rstrip().split(' ')
            if len(parts) != DIMS + 1 or parts[0] == '</s>':
                continue
            words.append(parts[0])
            rows.append(np.array(parts[1:], dtype=np.float32))
            if len(words) >= keep:
                break
    return words, np.stack(rows)


def write_bin(path, words, m):
    with open(path, 'wb') as f:
        f.write(f'{len(words)} {m.shape[1]}\n'.encode())
        for w, v in zip(words, m):
            f.write(w.encode('utf-8') + b' ' + v.astype('<f4').tobytes() + b'\n')


def neighbours(words, m, probes, k=8):
    unit = m / np.linalg.norm(m, axis=1, keepdims=True)
    idx = {w: i for i, w in enumerate(words)}
    out = {}
    for p in probes:
        if p not in idx:
            out[p] = []
            continue
        sims = unit @ unit[idx[p]]
        order = [i for i in np.argsort(-sims) if i != idx[p]][:k]
        out[p] = [[words[i], round(float(sims[i]), 3)] for i in order]
    return out


def main(corpus, work, out, epochs='5', threads='1', lang='en'):
    os.makedirs(work, exist_ok=True)
    os.makedirs(out, exist_ok=True)
    txt = os.path.join(work, 'w2v-input.txt')
    n_words = prepare(corpus, txt, lang)
    t0 = time.time()
    cmd = ['fasttext', 'skipgram', '-input', txt, '-output', os.path.join(work, 'w2v'), '-dim', str(DIMS),
           '-ws', '5', '-neg', '5', '-minCount', '5', '-epoch', epochs, '-minn', '0', '-maxn', '0',
           '-thread', threads, '-t', SUBSAMPLE[lang], '-lr', '0.05', '-verbose', '1']
    subprocess.run(cmd, check=True)
    wall = time.time() - t0
    words, m = load_vec(os.path.join(work, 'w2v.vec'), KEEP)
    write_bin(os.path.join(out, 'vectors.bin'), words, m)
    json.dump({'format': 'word2vec-binary', 'file': 'vectors.bin', 'dims': DIMS, 'lowercase': True},
              open(os.path.join(out, 'config.json'), 'w'), indent=1)
    stats = {'corpus_words': n_words, 'vocab_kept': len(words), 'dims': DIMS, 'epochs': int(epochs),
             'train_wall_s': round(wall), 'command': ' '.join(cmd[:1] + cmd[1:2] + ['-input', '<prepared text>'] +
                                                              cmd[4:]),
             'neighbours': neighbours(words, m, ZH_PROBES if lang == 'zh' else PROBES)}
    if lang == 'zh':  # held-out: hand-written character categories (training/word2vec_eval.py)
        stats['categories'] = evaluate(words, m / np.linalg.norm(m, axis=1, keepdims=True))
    json.dump(stats, open(os.path.join(work, 'w2v-stats.json'), 'w'), indent=1)
    print(json.dumps(stats['neighbours'], indent=0, ensure_ascii=False))


if __name__ == '__main__':
    main(*sys.argv[1:])

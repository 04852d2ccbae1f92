"""Held-out check of static character vectors: do characters of one everyday category (numbers, colours, animals,
kin, weather, ...) find each other? The categories are written by hand here and never seen in training.

- P@5 (vocabulary): the share of each category character's 5 nearest neighbours over the whole vocabulary that belong
  to its own category: what the hover's static column shows.
- P@3 (categories): the same over the category characters only (about 120 candidates), so rare characters elsewhere in
  the vocabulary do not decide it.

Usage: python3 -m training.word2vec_eval VECTORS.bin [VECTORS.bin ...]"""
import json
import sys

import numpy as np

ZH_CATEGORIES = {
    'numbers': '一二三四五六七八九十百千万',
    'colours': '红黄蓝绿白黑紫青灰',
    'directions': '东南西北左右',
    'body': '手脚头眼耳口鼻腿脸牙',
    'animals': '猫狗马牛羊鸡鸭鱼鸟猪虎蛇兔',
    'kin': '父母爸妈兄弟姐妹哥爷奶',
    'weather': '雨雪风云雷雾霜',
    'seasons': '春夏秋冬',
    'metals': '金银铜铁钢锡',
    'plants': '花草树叶竹松',
    'food and drink': '饭菜肉茶酒米面汤',
    'motion': '走跑跳飞爬游',
    'feelings': '喜怒哀爱恨悲愁',
    'waters': '江河湖海溪泉',
    'particles': '吗呢吧啊呀嘛',
}


def read_bin(path):
    """word2vec binary as training/word2vec.py writes it (and as BERT Lens reads it): words, unit-length rows."""
    with open(path, 'rb') as f:
        n, dims = map(int, f.readline().split())
        words, rows = [], np.empty((n, dims), dtype=np.float32)
        for i in range(n):
            w = bytearray()
            while (c := f.read(1)) != b' ':
                w += c
            words.append(w.decode('utf-8'))
            rows[i] = np.frombuffer(f.read(4 * dims), dtype='<f4')
            f.read(1)  # newline
    return words, rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def evaluate(words, unit, categories=ZH_CATEGORIES):
    idx = {w: i for i, w in enumerate(words)}
    cat_of = {c: name for name, chars in categories.items() for c in chars if c in idx}
    cands = np.array([idx[c] for c in cat_of])
    p5, p3 = [], []
    for c, name in cat_of.items():
        sims = unit @ unit[idx[c]]
        sims[idx[c]] = -np.inf
        top = np.argpartition(-sims, 5)[:5]
        p5.append(np.mean([cat_of.get(words[i]) == name for i in top]))
        within = cands[np.argsort(-sims[cands])[:3]]
        p3.append(np.mean([cat_of[words[i]] == name for i in within]))
    return {'characters': len(cat_of), 'p5_vocabulary': round(float(np.mean(p5)), 4),
            'p3_categories': round(float(np.mean(p3)), 4)}


if __name__ == '__main__':
    for path in sys.argv[1:]:
        words, unit = read_bin(path)
        print(json.dumps({'vectors': path, 'vocabulary': len(words), **evaluate(words, unit)}, ensure_ascii=False))

"""Pretraining data: tokenized documents and BERT-style MLM + NSP instances (15% masking, 80/10/10; 50% next)."""
import random

import torch

from .wordpiece import CLS, MASK, PAD, SEP, WordPiece, basic_tokenize


def load_docs(path, wp: WordPiece):
    """Documents (blank-line separated) of sentences (one per line) -> list of lists of id lists."""
    cache, docs, cur = {}, [], []
    for line in open(path, encoding='utf-8'):
        line = line.strip()
        if not line:
            if cur:
                docs.append(cur)
            cur = []
            continue
        ids = []
        for w in basic_tokenize(line):
            p = cache.get(w)
            if p is None:
                p = cache[w] = wp.word_pieces(w)
            ids.extend(p)
        if ids:
            cur.append(ids)
    if cur:
        docs.append(cur)
    return [d for d in docs if len(d) >= 2]


class Instances:
    """Draws (A, B, is_random) pairs like BERT's create_pretraining_data, on the fly."""

    def __init__(self, docs, seed):
        self.docs, self.rng = docs, random.Random(seed)
        self.weights = [len(d) for d in docs]
        self.cum = []
        t = 0
        for w in self.weights:
            t += w
            self.cum.append(t)

    def _doc(self):
        import bisect
        return bisect.bisect_right(self.cum, self.rng.randrange(self.cum[-1]))

    def pair(self, max_len):
        rng = self.rng
        target = max_len - 3
        if rng.random() < 0.1:
            target = rng.randint(8, target)
        di = self._doc()
        doc = self.docs[di]
        i = rng.randrange(len(doc) - 1)
        chunk, n = [], 0
        while i < len(doc) and n < target:
            chunk.append(doc[i])
            n += len(doc[i])
            i += 1
        a_end = rng.randint(1, len(chunk) - 1) if len(chunk) >= 2 else 1
        a = [t for s in chunk[:a_end] for t in s]
        is_random = len(chunk) < 2 and i >= len(doc) or rng.random() < 0.5
        if is_random:
            for _ in range(10):
                dj = self._doc()
                if dj != di:
                    break
            other = self.docs[dj]
            j = rng.randrange(len(other))
            b = []
            while j < len(other) and len(b) < target - len(a):
                b.extend(other[j])
                j += 1
        else:
            rest = chunk[a_end:] if len(chunk) >= 2 else [doc[i]]
            b = [t for s in rest for t in s]
        while len(a) + len(b) > target:  # truncate the longer side, randomly from front or back
            side = a if len(a) > len(b) else b
            if rng.random() < 0.5:
                del side[0]
            else:
                side.pop()
        if not a or not b:
            return self.pair(max_len)
        return a, b, int(is_random)  # HF NSP label: 0 = B follows A, 1 = random


def mask_tokens(ids, special, vocab_size, rng, prob=0.15):
    """`prob` (15%) of non-special positions: 80% [MASK], 10% random token, 10% unchanged. -> (inputs, labels)."""
    inp, labels = list(ids), [-100] * len(ids)
    cand = [i for i, t in enumerate(ids) if not special[i]]
    n = max(1, int(round(len(cand) * prob)))
    for i in rng.sample(cand, min(n, len(cand))):
        labels[i] = ids[i]
        r = rng.random()
        if r < 0.8:
            inp[i] = MASK
        elif r < 0.9:
            inp[i] = rng.randrange(5, vocab_size)
    return inp, labels


def make_batch(inst: Instances, batch, max_len, vocab_size, rng, mask_prob=0.15):
    rows = []
    for _ in range(batch):
        a, b, nsp = inst.pair(max_len)
        ids = [CLS] + a + [SEP] + b + [SEP]
        tt = [0] * (len(a) + 2) + [1] * (len(b) + 1)
        special = [True] + [False] * len(a) + [True] + [False] * len(b) + [True]
        inp, lab = mask_tokens(ids, special, vocab_size, rng, mask_prob)
        rows.append((inp, tt, lab, nsp))
    T = max(len(r[0]) for r in rows)
    pad = lambda x, v: x + [v] * (T - len(x))  # noqa: E731
    input_ids = torch.tensor([pad(r[0], PAD) for r in rows])
    return {'input_ids': input_ids,
            'attention_mask': (input_ids != PAD).long(),
            'token_type_ids': torch.tensor([pad(r[1], 0) for r in rows]),
            'labels': torch.tensor([pad(r[2], -100) for r in rows]),
            'nsp': torch.tensor([r[3] for r in rows])}

"""Where a shipped QA model loses its F1: memorisation (a sample of its own training questions vs the held-out set) and
window choice (the best span over all 128-token windows, as the engine ranks them, vs the best span inside the windows
that hold the gold answer). Reads the committed weights, so it runs on any machine with the corpus.

Usage: /usr/bin/python3 -m training.qa_diagnose MODEL_DIR [--lang zh|en] [--n 300] [--out FILE.json]
  MODEL_DIR  e.g. models/bert-lens-zh-qa (its onnx/model.onnx, fp32, and tokenizer.json)"""
import argparse
import json
import os
import random

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
os.environ.setdefault('OMP_NUM_THREADS', '1')

import torch  # noqa: E402

from .bert import BertConfig, BertForQuestionAnswering
from .open_data import ZH_QA_HELDOUT, ZH_QA_TRAIN, qa_split, zh_qa
from .paths import SHARED_CORPUS
from .qa_squad import cmrc_em_f1, em_f1, flat, label, pad_batch, windows
from .weights import onnx_state_dict
from .wordpiece import WordPiece

CONFIG_KEYS = ('hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size',
               'max_position_embeddings', 'type_vocab_size', 'vocab_size')


def load(model_dir):
    cfg = json.load(open(os.path.join(model_dir, 'config.json')))
    model = BertForQuestionAnswering(BertConfig(**{k: cfg[k] for k in CONFIG_KEYS}))
    sd, _ = onnx_state_dict(model_dir)
    model.load_state_dict(sd, strict=False)  # a QA model has no MLM decoder row
    return model.eval()


@torch.no_grad()
def candidates(model, wp, item, max_len=128, stride=64, max_answer=30):
    """Per window: (best span score, whether the window holds the first gold answer, the span's text)."""
    ctx, gold = item['context'], item['answers'][0]
    g = ctx.find(gold)
    out = []
    for ids, tt, off, spans in windows(wp, item['question'], ctx, max_len, stride):
        n = len(spans)
        if n == 0:
            continue
        o = model(*pad_batch([(ids, tt)]))
        sc, ec = o['start_logits'][0, off:off + n], o['end_logits'][0, off:off + n]
        score = (sc[:, None] + ec[None, :]).triu()
        score = score.masked_fill(torch.ones(n, n).triu(max_answer) > 0, -1e9)
        score = score.masked_fill(torch.ones(n, n).tril(-1) > 0, -1e9)
        v, k = score.view(-1).max(0)
        i, j = divmod(k.item(), n)
        holds = g >= 0 and label(spans, off, g, g + len(gold)) != (0, 0)
        out.append((v.item(), holds, ctx[spans[i][0]:spans[j][1]]))
    return out


def score(model, wp, items, metric):
    got = {'all_windows': [0.0, 0.0], 'answer_windows': [0.0, 0.0]}
    for it in items:
        c = candidates(model, wp, it)
        picks = {'all_windows': max(c, default=(0, False, ''))[2],
                 'answer_windows': max((x for x in c if x[1]), default=(0, False, ''))[2]}
        for k, p in picks.items():
            em, f1 = metric(p, it['answers'])
            got[k][0] += em
            got[k][1] += f1
    n = max(1, len(items))
    return {k: {'exact_match': round(100 * v[0] / n, 1), 'f1': round(100 * v[1] / n, 1)} for k, v in got.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model_dir')
    ap.add_argument('--lang', default='zh', choices=('zh', 'en'))
    ap.add_argument('--n', type=int, default=300, help='questions sampled from each set')
    ap.add_argument('--open', default=os.path.join(SHARED_CORPUS, 'open'))
    ap.add_argument('--out', default='')
    a = ap.parse_args()
    torch.set_num_threads(1)
    model = load(a.model_dir)
    wp = WordPiece.load(os.path.join(a.model_dir, 'tokenizer.json'))
    if a.lang == 'zh':
        train, held, metric = zh_qa(a.open, ZH_QA_TRAIN), zh_qa(a.open, [ZH_QA_HELDOUT]), cmrc_em_f1
    else:
        (train, held), metric = qa_split(a.open), em_f1
    rng = random.Random(1)
    res = {'model': a.model_dir, 'questions_per_set': a.n, 'window': 128, 'stride': 64}
    for name, paras in (('trained_on', train), ('heldout', held)):
        items = flat(paras)
        res[name] = score(model, wp, rng.sample(items, min(a.n, len(items))), metric)
        print(name, json.dumps(res[name]), flush=True)
    if a.out:
        json.dump(res, open(a.out, 'w'), indent=1)


if __name__ == '__main__':
    main()

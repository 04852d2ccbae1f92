"""Fine-tunes BertForQuestionAnswering on the pretrained mini encoder with cloze-translated QA pairs; reports
EM/F1 on held-out generated questions and on test/data/qa-handwritten.json.

Usage: python3 tools/qa_finetune.py --corpus build/corpus --tokenizer build/tokenizer --pretrained
build/pretrain/ckpt.pt --out build/qa [--time-budget 900]"""
import argparse
import json
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert import BertConfig, BertForQuestionAnswering  # noqa: E402
from qa_data import em_f1, generate, words_with_offsets  # noqa: E402
from wordpiece import CLS, PAD, SEP, WordPiece  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def book_docs(corpus, split):
    ids = open(os.path.join(corpus, f'{split}-ids.txt')).read().split()
    docs, cur = [], []
    for line in open(os.path.join(corpus, f'{split}.txt'), encoding='utf-8'):
        line = line.strip()
        if not line:
            docs.append(cur)
            cur = []
        else:
            cur.append(line)
    return [d for d, i in zip(docs, ids) if i.startswith('gutenberg/')]


def featurize(wp, question, context, max_len=384):
    """[CLS] q [SEP] context [SEP]; returns ids, token types and per-token (char start, char end) for context."""
    q = wp.tokenize_ids(question)[:64]
    ids, spans = [], []
    for w, s, e in words_with_offsets(context):
        for p in wp.word_pieces(w):
            ids.append(p)
            spans.append((s, e))
    room = max_len - len(q) - 3
    ids, spans = ids[:room], spans[:room]
    input_ids = [CLS] + q + [SEP] + ids + [SEP]
    tt = [0] * (len(q) + 2) + [1] * (len(ids) + 1)
    offset = len(q) + 2
    return input_ids, tt, offset, spans


def labels_for(spans, offset, a_start, a_end):
    st = [i for i, (s, e) in enumerate(spans) if s == a_start]
    en = [i for i, (s, e) in enumerate(spans) if e == a_end]
    if not st or not en or en[-1] < st[0]:
        return None
    return offset + st[0], offset + en[-1]


def pad_batch(rows):
    T = max(len(r[0]) for r in rows)
    ids = torch.tensor([r[0] + [PAD] * (T - len(r[0])) for r in rows])
    tt = torch.tensor([r[1] + [0] * (T - len(r[1])) for r in rows])
    return ids, (ids != PAD).long(), tt


@torch.no_grad()
def predict(model, wp, question, context, max_answer=30):
    ids, tt, offset, spans = featurize(wp, question, context)
    x, m, t = pad_batch([(ids, tt)])
    out = model(x, m, t)
    s, e = out['start_logits'][0], out['end_logits'][0]
    n = len(spans)
    best, bi, bj = -1e9, 0, 0
    sc, ec = s[offset:offset + n].tolist(), e[offset:offset + n].tolist()
    for i in range(n):
        for j in range(i, min(n, i + max_answer)):
            if sc[i] + ec[j] > best:
                best, bi, bj = sc[i] + ec[j], i, j
    return context[spans[bi][0]:spans[bj][1]] if n else ''


def evaluate(model, wp, items):
    model.eval()
    em = f1 = 0.0
    preds = []
    for it in items:
        p = predict(model, wp, it['question'], it['context'])
        a, b = em_f1(p, it['answers'])
        em += a
        f1 += b
        preds.append({'question': it['question'], 'prediction': p, 'answers': it['answers']})
    model.train()
    n = max(1, len(items))
    return {'exact_match': round(100 * em / n, 1), 'f1': round(100 * f1 / n, 1), 'questions': len(items)}, preds


def handwritten():
    d = json.load(open(os.path.join(ROOT, 'test', 'data', 'qa-handwritten.json'), encoding='utf-8'))
    return [{'question': q['question'], 'answers': q['answers'], 'context': p['context']}
            for p in d['paragraphs'] for q in p['qas']]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default='build/corpus')
    ap.add_argument('--tokenizer', default='build/tokenizer')
    ap.add_argument('--pretrained', default='build/pretrain/ckpt.pt')
    ap.add_argument('--out', default='build/qa')
    ap.add_argument('--train-examples', type=int, default=12000)
    ap.add_argument('--steps', type=int, default=2000)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=3e-4)
    ap.add_argument('--time-budget', type=float, default=900)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    os.makedirs(a.out, exist_ok=True)
    wp = WordPiece.load(os.path.join(a.tokenizer, 'vocab.txt'))
    t0 = time.time()
    train = generate(book_docs(a.corpus, 'train'), a.train_examples, seed=1)
    held = generate(book_docs(a.corpus, 'heldout'), 500, seed=2)
    rows = []
    for it in train:
        ids, tt, off, spans = featurize(wp, it['question'], it['context'])
        lab = labels_for(spans, off, it['answer_start'], it['answer_start'] + len(it['answers'][0]))
        if lab:
            rows.append((ids, tt, lab))
    print(f'{len(rows)} training features, {len(held)} held-out questions ({time.time() - t0:.0f}s)', flush=True)
    ck = torch.load(a.pretrained)
    cfg = BertConfig(**ck['config'])
    model = BertForQuestionAnswering(cfg)
    enc = {k[len('bert.'):]: v for k, v in ck['model'].items() if k.startswith('bert.') and '.pooler.' not in k}
    missing = model.bert.load_state_dict(enc, strict=False)
    print('encoder loaded; missing', missing.missing_keys, flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    rng = random.Random(3)
    rng.shuffle(rows)
    log = open(os.path.join(a.out, 'qa-log.jsonl'), 'w')
    t_train, step, ema = time.time(), 0, None
    model.train()
    while True:
        p = max(step / a.steps, (time.time() - t_train) / a.time_budget)
        if p >= 1.0:
            break
        for g in opt.param_groups:
            g['lr'] = a.lr * min(1.0, (step + 1) / 100) * max(0.02, 1.0 - p)
        batch = [rows[(step * a.batch + i) % len(rows)] for i in range(a.batch)]
        x, m, t = pad_batch([(r[0], r[1]) for r in batch])
        out = model(x, m, t)
        ys = torch.tensor([r[2][0] for r in batch])
        ye = torch.tensor([r[2][1] for r in batch])
        loss = (F.cross_entropy(out['start_logits'], ys) + F.cross_entropy(out['end_logits'], ye)) / 2
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % 25 == 0:
            rec = {'step': step, 'elapsed_s': round(time.time() - t_train), 'progress': round(p, 3), 'loss': round(ema, 4)}
            log.write(json.dumps(rec) + '\n')
            log.flush()
            print(rec, flush=True)
        step += 1
    wall = time.time() - t_train
    torch.save({'config': cfg.to_dict(), 'model': model.state_dict(), 'step': step}, os.path.join(a.out, 'qa.pt'))
    gen_scores, gen_preds = evaluate(model, wp, held)
    hw_scores, hw_preds = evaluate(model, wp, handwritten())
    res = {'encoder_step': ck.get('step'), 'steps': step, 'examples_seen': step * a.batch, 'train_features': len(rows), 'train_wall_s': round(wall),
           'heldout_generated': gen_scores, 'handwritten': hw_scores, 'args': vars(a),
           'handwritten_predictions': hw_preds, 'generated_samples': gen_preds[:20]}
    json.dump(res, open(os.path.join(a.out, 'qa-eval.json'), 'w'), indent=1)
    print('EVAL', json.dumps({k: res[k] for k in ('steps', 'heldout_generated', 'handwritten')}), flush=True)


if __name__ == '__main__':
    main()

"""Figures for the bert-lens-mini card that need the trained model or the corpus, written to <build>/mlm-probes.json:
- the unigram-frequency baseline on exactly the held-out masked positions that training/pretrain.py's evaluate() scores
  (always answer the most frequent training tokens), so the model's top-1/top-5 can be read against it;
- the seed sentences' lesson: per layer and head, how much "it" attends to "animal" and to "street" in
  "...because it was too tired." and "...because it was too narrow.";
- masked-word examples.
Usage: python3 -m training.mlm_probes BUILD_DIR [en|zh]"""
import collections
import json
import os
import random
import sys

import torch

from .bert import BertConfig, BertForMaskedLMWithNSP, Recorder
from .pretrain_data import Instances, load_docs, make_batch
from .wordpiece import MASK, WordPiece

SEEDS = ["The animal didn't cross the street because it was too tired.",
         "The animal didn't cross the street because it was too narrow."]
EXAMPLES = ['She [MASK] to the store yesterday.', 'I [MASK] a cup of tea every morning.',
            'The [MASK] of France is Paris.', 'He opened the [MASK] and looked out at the sea.',
            'We sat on the bank of the [MASK] and watched the boats.']
# Chinese: the course's pair (它 → 动物 when tired, 马路 when narrow) and masked characters.
ZH_SEEDS = ['这只动物没有过马路，因为它太累了。', '这只动物没有过马路，因为它太窄了。']
ZH_EXAMPLES = ['中国的首都是北[MASK]。', '我每天早上喝一杯[MASK]。', '他打开窗[MASK]，看着外面的大海。',
               '你在干[MASK]呢？', '今天天气很[MASK]，我们去公园散步吧。']
# Per language: the seed sentences, the pronoun, the tokens of its two candidate referents (attention to a referent
# is the sum over its tokens: 动物 and 马路 are two characters each) and the masked examples.
PROBES = {'en': (SEEDS, 'it', ['animal'], ['street'], EXAMPLES),
          'zh': (ZH_SEEDS, '它', ['动', '物'], ['马', '路'], ZH_EXAMPLES)}


def unigram_baseline(build, wp, n=2000, max_len=128, seed=99, sample_docs=4000):
    """Same instances and masks as pretrain.evaluate (same seed and call order), answered by token frequency."""
    counts = collections.Counter()
    raw = open(os.path.join(build, 'corpus', 'train.txt'), encoding='utf-8').read().split('\n\n')
    for d in random.Random(5).sample(raw, min(sample_docs, len(raw))):
        counts.update(wp.tokenize_ids(d))
    ranked = [t for t, _ in counts.most_common(5)]
    held = load_docs(os.path.join(build, 'corpus', 'heldout.txt'), wp)
    inst, rng = Instances(held, seed), random.Random(seed)
    top1 = top5 = tot = 0
    for _ in range(n // 50):
        b = make_batch(inst, 50, max_len, len(wp.vocab), rng, mask_prob=0.15)
        target = b['labels'][b['labels'] != -100].tolist()
        top1 += sum(t == ranked[0] for t in target)
        top5 += sum(t in ranked for t in target)
        tot += len(target)
    return {'top1': top1 / tot, 'top5': top5 / tot, 'tokens': [wp.vocab[t] for t in ranked], 'masked_tokens': tot}


@torch.no_grad()
def seed_heads(model, wp, lang='en'):
    seeds, it, animal, street, _ = PROBES[lang]
    out = []
    for s in seeds:
        ids, _ = wp.encode(s)
        toks = [wp.vocab[i] for i in ids]
        rec = Recorder()
        model(torch.tensor([ids]), rec=rec)
        i_it, i_animal, i_street = toks.index(it), [toks.index(t) for t in animal], [toks.index(t) for t in street]
        heads = [[{'animal': round(a[0, h, i_it, i_animal].sum().item(), 4),
                   'street': round(a[0, h, i_it, i_street].sum().item(), 4)}
                  for h in range(a.shape[1])] for a in rec.attentions]
        out.append({'sentence': s, 'heads': heads})
    # A head "resolves" it when it prefers animal in the tired sentence and street in the narrow one.
    found = []
    for li, layer in enumerate(out[0]['heads']):
        for h, tired in enumerate(layer):
            narrow = out[1]['heads'][li][h]
            found.append({'layer': li + 1, 'head': h + 1,
                          'tired_animal_minus_street': round(tired['animal'] - tired['street'], 4),
                          'narrow_street_minus_animal': round(narrow['street'] - narrow['animal'], 4)})
    both = [f for f in found if f['tired_animal_minus_street'] > 0 and f['narrow_street_minus_animal'] > 0]
    return {'sentences': out, 'heads': found, 'resolving_heads': both}


@torch.no_grad()
def examples(model, wp, lang='en'):
    rows = []
    for s in PROBES[lang][4]:
        ids, tt = wp.encode(s)
        o = model(torch.tensor([ids]), token_type_ids=torch.tensor([tt]))
        pos = ids.index(MASK)
        p = torch.softmax(o['logits'][0, pos], -1).topk(5)
        rows.append({'text': s, 'top5': [[wp.vocab[i], round(v, 3)] for v, i in zip(p.values.tolist(), p.indices.tolist())]})
    return rows


def main(build, lang='en'):
    torch.set_num_threads(2)
    wp = WordPiece.load(os.path.join(build, 'tokenizer', 'vocab.txt'))
    ck = torch.load(os.path.join(build, 'pretrain', 'ckpt.pt'))
    model = BertForMaskedLMWithNSP(BertConfig(**ck['config']))
    model.load_state_dict(ck['model'])
    model.eval()
    res = {'seed_heads': seed_heads(model, wp, lang), 'examples': examples(model, wp, lang),
           'unigram_baseline': unigram_baseline(build, wp)}
    json.dump(res, open(os.path.join(build, 'mlm-probes.json'), 'w', encoding='utf-8'), indent=1, ensure_ascii=False)
    print(json.dumps({'baseline': res['unigram_baseline'], 'resolving': res['seed_heads']['resolving_heads'],
                      'examples': res['examples']}, ensure_ascii=False))


if __name__ == '__main__':
    main(*(sys.argv[1:] or ['build']))

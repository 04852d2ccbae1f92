"""PyTorch golden for head ablation (test/golden/ablate.json): the tiny fixtures' outputs with Hugging Face's
head_mask (attention probabilities × a factor per layer and head) for a set of masks — all ones, some heads off, all
off, fractional factors, and every single head off (the importance map).

Rebuilds the fixtures' weights with training/make_fixtures.py's seeds and refuses to write unless the rebuilt models
reproduce the committed goldens within 1e-5. Run: /usr/bin/python3 -m training.ablate_golden"""
import json
import os

import torch

from .bert import BertConfig, BertForMaskedLMWithNSP, BertForQuestionAnswering, DistilBertForMaskedLM
from .golden_helpers import batch, check_fixture, r7
from .make_fixtures import FIX, GOLD, INIT_STD
from .wordpiece import MASK, WordPiece

L, H = 2, 4
MLM_TEXT = [['The cat sat on the [MASK] because it was tired.', 'We sat on the bank of the river.']]
QA_TEXT = [['What causes precipitation to fall?', 'Gravity causes precipitation to fall. Water droplets collide with '
                                                  'ice crystals within a cloud.']]


def masks():
    """Named [layers, heads] masks; 'off L.H' = that head alone switched off (layers from 1, heads from 0)."""
    ones = [[1.0] * H for _ in range(L)]
    out = {'ones': ones, 'off 1.0,2.3': [[0, 1, 1, 1], [1, 1, 1, 0]], 'all off': [[0.0] * H for _ in range(L)],
           'factors': [[0.5, 1.5, 0.0, 1.0], [0.25, 1.0, 2.0, 0.75]]}
    for layer in range(L):
        for head in range(H):
            m = [row[:] for row in ones]
            m[layer][head] = 0.0
            out[f'off {layer + 1}.{head}'] = m
    return out


def main():
    torch.set_num_threads(1)
    wp = WordPiece.load(os.path.join(FIX, 'tiny-bert', 'vocab.txt'))
    c = BertConfig(vocab_size=len(wp.vocab), hidden_size=32, num_hidden_layers=L, num_attention_heads=H,
                   intermediate_size=64, max_position_embeddings=128)
    cq = BertConfig(vocab_size=len(wp.vocab), hidden_size=32, num_hidden_layers=L, num_attention_heads=H,
                    intermediate_size=64, max_position_embeddings=512)
    torch.manual_seed(1)
    bert = BertForMaskedLMWithNSP(c, INIT_STD)
    torch.manual_seed(2)
    distil = DistilBertForMaskedLM(c, INIT_STD)
    torch.manual_seed(3)
    qa = BertForQuestionAnswering(cq, INIT_STD)
    out = {'note': 'training/ablate_golden.py: outputs with head_mask [layers, heads] (1 = as trained, 0 = off); mlm: '
                   'logits at the [MASK]; floats to 7 significant digits', 'masks': masks(), 'models': {}}
    for name, model, texts, key in (('tiny-bert', bert, MLM_TEXT, 'logits'), ('tiny-distilbert', distil, MLM_TEXT, 'logits'),
                                    ('tiny-bert-qa', qa, QA_TEXT, 'start_logits')):
        model.eval()
        diff = check_fixture(GOLD, name, model, wp, key, case=-1)
        ids, mask, tt = batch(wp, texts)
        if name == 'tiny-distilbert':
            ids, mask, tt = batch(wp, [texts[0][:1]])  # DistilBERT reads one segment
        row = ids[0].tolist()
        runs = {}
        with torch.no_grad():
            for label, m in masks().items():
                o = model(ids, mask, tt, head_mask=torch.tensor(m))
                r = {}
                if 'logits' in o:
                    r['mlm_logits'] = r7(o['logits'][0, row.index(MASK)].tolist())
                if 'nsp_logits' in o:
                    r['nsp_logits'] = r7(o['nsp_logits'][0].tolist())
                if 'start_logits' in o:
                    r['start_logits'] = r7(o['start_logits'][0].tolist())
                    r['end_logits'] = r7(o['end_logits'][0].tolist())
                runs[label] = r
        out['models'][name] = {'check_max_diff': diff, 'texts': texts[0] if name != 'tiny-distilbert' else texts[0][:1],
                               'input_ids': row, 'token_type_ids': tt[0].tolist(),
                               'mask_position': row.index(MASK) if MASK in row else None, 'runs': runs}
        print(name, 'reproduces the fixture golden, max diff', diff)
    with open(os.path.join(GOLD, 'ablate.json'), 'w', encoding='utf-8') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()

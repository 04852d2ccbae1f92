"""PyTorch golden for the logit lens (test/golden/logit-lens.json): the MLM head of the tiny fixtures applied to every
layer's hidden state (embeddings = layer 0 … last) at a [MASK], as probabilities over the vocabulary.

Rebuilds the fixtures' weights with training/make_fixtures.py's seeds and refuses to write unless the rebuilt model
reproduces the committed goldens (test/golden/<fixture>.json logits) within 1e-5. Run: /usr/bin/python3 -m training.lens_golden"""
import json
import os

import torch

from .bert import BertConfig, BertForMaskedLMWithNSP, DistilBertForMaskedLM, gelu
from .golden_helpers import batch, check_fixture, r7
from .make_fixtures import FIX, GOLD, INIT_STD
from .wordpiece import MASK, WordPiece

TEXTS = ['The cat sat on the [MASK].', 'We sat on the bank of the [MASK] and watched the water.']


def heads(model):
    """The MLM head as a function of a hidden state, as each architecture's forward applies it."""
    if model.model_type == 'distilbert':
        return lambda h: model.vocab_projector(model.vocab_layer_norm(gelu(model.vocab_transform(h))))
    return model.cls.predictions


def main():
    torch.set_num_threads(1)
    wp = WordPiece.load(os.path.join(FIX, 'tiny-bert', 'vocab.txt'))
    c = BertConfig(vocab_size=len(wp.vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                   intermediate_size=64, max_position_embeddings=128)
    torch.manual_seed(1)
    bert = BertForMaskedLMWithNSP(c, INIT_STD)
    torch.manual_seed(2)
    distil = DistilBertForMaskedLM(c, INIT_STD)
    out = {'note': 'training/lens_golden.py: softmax of the MLM head applied to hidden_states[layer] at the [MASK] '
                   '(layer 0 = embeddings); floats to 7 significant digits', 'models': {}}
    for name, model in (('tiny-bert', bert), ('tiny-distilbert', distil)):
        model.eval()
        diff = check_fixture(GOLD, name, model, wp, 'logits')
        head = heads(model)
        cases = []
        for text in TEXTS:
            ids, mask, tt = batch(wp, [[text]])
            pos = ids[0].tolist().index(MASK)
            hidden = []
            with torch.no_grad():
                model(ids, mask, tt, hidden=hidden)
                probs = [torch.softmax(head(h)[0, pos], -1).tolist() for h in hidden]
            cases.append({'text': text, 'input_ids': ids[0].tolist(), 'position': pos, 'probs': r7(probs)})
        out['models'][name] = {'check_max_diff': diff, 'cases': cases}
        print(name, 'reproduces the fixture golden, max |Δlogits|', diff)
    with open(os.path.join(GOLD, 'logit-lens.json'), 'w', encoding='utf-8') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()

"""Builds the tiny random-init test fixtures (test/fixtures/*) and their PyTorch goldens (test/golden/*.json).

Deterministic: fixed seeds, vocabulary from test/fixtures/vocab-source.txt. Run: /usr/bin/python3 -m training.make_fixtures"""
import json
import os

import torch

from .bert import (BertConfig, BertForMaskedLMWithNSP, BertForQuestionAnswering, DistilBertForMaskedLM,
                  Recorder, hf_config)
from .export_onnx import dedupe_tied, export, quantize_dynamic
from .golden_helpers import batch, r7
from .paths import ROOT
from .wordpiece import WordPiece, build_vocab, write_tokenizer

FIX = os.path.join(ROOT, 'test', 'fixtures')
GOLD = os.path.join(ROOT, 'test', 'golden')
VOCAB_SIZE = 640
INIT_STD = 0.3  # large on purpose: random-init attention should be visibly non-uniform

CASES = [
    {'name': 'single', 'texts': [["The animal didn't cross the street because it was too tired."]]},
    {'name': 'pair', 'texts': [['I went to the bank to deposit my money.', 'We sat on the bank of the river.']]},
    {'name': 'batch-padded', 'texts': [['The bank raised its interest rates on money.'], ['Café 中国 naïve!']]},
]
QA_CASES = [
    {'name': 'single', 'texts': [['What causes precipitation to fall?']]},
    {'name': 'pair', 'texts': [['What causes precipitation to fall?',
                                'Gravity causes precipitation to fall. Water droplets collide with ice crystals '
                                'within a cloud.']]},
    {'name': 'batch-padded', 'texts': [['Where is the bank?', 'We sat on the bank of the river.'],
                                       ['Who went?', 'She went.']]},
]


def t2l(t):
    return r7(t.detach().tolist())


def goldens(name, model, wp, cases):
    model.eval()
    out_cases = []
    for case in cases:
        ids, mask, tt = batch(wp, case['texts'])
        rec, hidden = Recorder(), []
        with torch.no_grad():
            out = model(ids, mask, tt, rec=rec, hidden=hidden)
        c = {'name': case['name'], 'texts': case['texts'], 'input_ids': ids.tolist(), 'attention_mask': mask.tolist()}
        if model.model_type == 'bert':
            c['token_type_ids'] = tt.tolist()
        c['hidden_states'] = [t2l(h) for h in hidden]
        c['attentions'] = [t2l(a) for a in rec.attentions]
        c['qkv'] = [{k: t2l(v) for k, v in d.items()} for d in rec.qkv]
        for k in ('logits', 'nsp_logits', 'start_logits', 'end_logits'):
            if k in out:
                c[k] = t2l(out[k])
        out_cases.append(c)
    doc = {'model': name, 'note': 'PyTorch forward of training/bert.py (training/make_fixtures.py); floats to 7 '
           'significant digits; hidden_states = [embeddings, layer 1..L]; qkv split into heads [B][heads][T][d]',
           'cases': out_cases}
    with open(os.path.join(GOLD, name + '.json'), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')


def write_model(name, model, wp, max_len, int8, cases):
    folder = os.path.join(FIX, name)
    write_tokenizer(folder, wp.vocab, max_len)
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(hf_config(model), f, indent=1)
        f.write('\n')
    fp32 = export(model, os.path.join(folder, 'onnx', 'model.onnx'))
    if int8:
        quantize_dynamic(fp32, os.path.join(folder, 'onnx', 'model_quantized.onnx'))
    dedupe_tied(fp32)
    goldens(name, model, wp, cases)


def main():
    torch.set_num_threads(2)
    texts = [l.strip() for l in open(os.path.join(FIX, 'vocab-source.txt'), encoding='utf-8')
             if l.strip() and not l.startswith('#')]
    vocab = build_vocab(texts, VOCAB_SIZE, min_char_count=1)
    wp = WordPiece(vocab)
    os.makedirs(GOLD, exist_ok=True)

    torch.manual_seed(1)
    c = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                   intermediate_size=64, max_position_embeddings=128)
    write_model('tiny-bert', BertForMaskedLMWithNSP(c, INIT_STD), wp, 128, True, CASES)

    torch.manual_seed(2)
    write_model('tiny-distilbert', DistilBertForMaskedLM(c, INIT_STD), wp, 128, False, CASES)

    torch.manual_seed(3)
    cq = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                    intermediate_size=64, max_position_embeddings=512)
    write_model('tiny-bert-qa', BertForQuestionAnswering(cq, INIT_STD), wp, 512, True, QA_CASES)
    print('vocab', len(vocab))


if __name__ == '__main__':
    main()

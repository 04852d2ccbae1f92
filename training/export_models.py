"""Exports the trained mini models of one language to models/ (HF layout + ONNX), writes the parity goldens, the
1,000-sentence tokenizer-id golden and the held-out cases of scripts/eval-engine.ts.
Usage: python3 -m training.export_models [--build build] [--int8] [--lang en|zh]"""
import argparse
import json
import os
import random
import re
import sys

import torch

from .bert import BertConfig, BertForMaskedLMWithNSP, BertForQuestionAnswering, hf_config
from .export_onnx import dedupe_tied, export, quantize_dynamic
from .golden_helpers import batch, r7
from .paths import ROOT, SHARED_CORPUS
from .open_data import heldout_qa_items
from .wordpiece import MASK, WordPiece, write_tokenizer

MODELS, GOLD = os.path.join(ROOT, 'models'), os.path.join(ROOT, 'test', 'golden')

MLM_CASES = [
    {'name': 'mask', 'texts': [['She [MASK] to the store yesterday.']]},
    {'name': 'nsp-pair', 'texts': [['I went to the bank to deposit my money.', 'The bank raised its interest rates.']]},
    {'name': 'batch-padded', 'texts': [['The [MASK] of the river was muddy.'],
                                       ['He opened the [MASK] and looked out at the sea before the storm came.']]},
]
QA_CASES = [
    {'name': 'precipitation', 'texts': [[
        'What causes precipitation to fall?',
        'In meteorology, precipitation is any product of the condensation of atmospheric water vapor that falls '
        'under gravity. The main forms of precipitation include drizzle, rain, sleet, snow, graupel and hail.']]},
    {'name': 'batch-padded', 'texts': [['Who designed the stone bridge?',
                                        'The line crossed the river Ash on a long stone bridge designed by the '
                                        'engineer Henry Vale.'],
                                       ['Where is the bakery?', 'Maria opened her bakery on Elm Street.']]},
]
# The Chinese cases: the course's pronoun pair and a masked character.
ZH_MLM_CASES = [
    {'name': 'mask', 'texts': [['我今天去商[MASK]买了一些水果。']]},
    {'name': 'nsp-pair', 'texts': [['我去银行存钱。', '银行提高了存款利率。']]},
    {'name': 'batch-padded', 'texts': [['这只动物没有过马路，因为[MASK]太累了。'],
                                       ['他打开[MASK]户，看着暴风雨来临之前的大海。']]},
]
ZH_QA_CASES = [
    {'name': 'precipitation', 'texts': [[
        '降水是什么原因落下的？',
        '在气象学中，降水是大气中的水汽凝结后在重力作用下落到地面的产物。降水的主要形式包括毛毛雨、雨、雨夹雪、雪、霰和冰雹。']]},
    {'name': 'batch-padded', 'texts': [['这座石桥是谁设计的？', '铁路在这里跨过河流，这座长长的石桥由工程师李春设计。'],
                                       ['面包店在哪里？', '玛丽亚在榆树街开了她的面包店。']]},
]
LANGS = {  # model names, golden files and cases per language
    'en': {'mlm': 'bert-lens-mini', 'qa': 'bert-lens-mini-qa', 'tokenizer_golden': 'mini-tokenizer-ids.json',
           'mlm_cases': MLM_CASES, 'qa_cases': QA_CASES},
    'zh': {'mlm': 'bert-lens-zh', 'qa': 'bert-lens-zh-qa', 'tokenizer_golden': 'zh-tokenizer-ids.json',
           'mlm_cases': ZH_MLM_CASES, 'qa_cases': ZH_QA_CASES},
}


def encode_cases(wp, cases):
    for c in cases:
        ids, mask, tt = batch(wp, c['texts'])
        yield c, ids, mask, tt


def golden_mlm(model, wp, path, name='bert-lens-mini', mlm_cases=MLM_CASES):
    model.eval()
    cases = []
    for c, ids, mask, tt in encode_cases(wp, mlm_cases):
        with torch.no_grad():
            o = model(ids, mask, tt)
        pos = [[b, t] for b in range(ids.shape[0]) for t in range(ids.shape[1]) if ids[b, t] == MASK]
        pos = pos or [[0, 1]]
        cases.append({'name': c['name'], 'texts': c['texts'], 'input_ids': ids.tolist(),
                      'attention_mask': mask.tolist(), 'token_type_ids': tt.tolist(),
                      'logits_at': pos, 'logits_rows': [r7(o['logits'][b, t].tolist()) for b, t in pos],
                      'top5_at': [[wp.vocab[i] for i in o['logits'][b, t].topk(5).indices.tolist()] for b, t in pos],
                      'nsp_logits': r7(o['nsp_logits'].tolist()),
                      'last_hidden_state_cls': r7(o['last_hidden_state'][:, 0].tolist())})
    json.dump({'model': name, 'file': f'models/{name}/onnx/model.onnx',
               'note': 'PyTorch forward of the exported weights (training/export_models.py); logits_rows are the full '
                       'vocabulary rows at logits_at [batch, position]', 'cases': cases},
              open(path, 'w', encoding='utf-8'), ensure_ascii=False, separators=(',', ':'))


def golden_qa(model, wp, path, name='bert-lens-mini-qa', qa_cases=QA_CASES):
    model.eval()
    cases = []
    for c, ids, mask, tt in encode_cases(wp, qa_cases):
        with torch.no_grad():
            o = model(ids, mask, tt)
        cases.append({'name': c['name'], 'texts': c['texts'], 'input_ids': ids.tolist(),
                      'attention_mask': mask.tolist(), 'token_type_ids': tt.tolist(),
                      'start_logits': r7(o['start_logits'].tolist()), 'end_logits': r7(o['end_logits'].tolist())})
    json.dump({'model': name, 'file': f'models/{name}/onnx/model.onnx',
               'note': 'PyTorch forward of the exported weights (training/export_models.py)', 'cases': cases},
              open(path, 'w', encoding='utf-8'), ensure_ascii=False, separators=(',', ':'))


def tokenizer_golden(wp, corpus, path, n=1000, model='bert-lens-mini'):
    """Ids of the Python tokenizer on n held-out sentences: 200 non-ASCII ones at least (English), the rest at random."""
    sents = list(dict.fromkeys(l.strip() for l in open(os.path.join(corpus, 'heldout.txt'), encoding='utf-8')
                               if l.strip()))
    rng = random.Random(7)
    non_ascii = [s for s in sents if not s.isascii()]
    pick = rng.sample(non_ascii, min(200, len(non_ascii)))
    rest = [s for s in sents if s not in set(pick)]
    rest = [s for s in rest if s.isascii()] if len([s for s in rest if s.isascii()]) >= n - len(pick) else rest
    pick += rng.sample(rest, n - len(pick))
    order = {s: i for i, s in enumerate(sents)}
    pick.sort(key=order.get)
    data = {'model': model, 'source': f'held-out corpus sentences ({corpus}/heldout.txt)',
            'cases': [{'text': s, 'ids': wp.encode(s)[0]} for s in pick]}
    json.dump(data, open(path, 'w', encoding='utf-8'), ensure_ascii=False, separators=(',', ':'))
    return len(pick)


def engine_eval_input(wp, corpus, open_dir, path, lang='en', n_mask=500, n_qa=300):
    """Held-out cases for scripts/eval-engine.ts (fp32 vs int8 through the engine): sentences with one whole word
    (a single WordPiece token, so the engine's word prediction compares directly; in Chinese one character) replaced
    by [MASK], and questions of the held-out QA split (English: SQuADShifts/SQuAD; Chinese: CMRC 2018 dev)."""
    rng = random.Random(11)
    lines = [l.strip() for l in open(os.path.join(corpus, 'heldout.txt'), encoding='utf-8')]
    if lang == 'zh':
        sents, word = [l for l in lines if 8 <= len(l) <= 80], re.compile('[\u4e00-\u9fff]')
    else:
        sents, word = [l for l in lines if 6 <= len(l.split()) <= 40 and l.isascii()], re.compile('[A-Za-z]+')
    rng.shuffle(sents)
    mask = []
    for s in sents:
        words = [m for m in word.finditer(s) if m.group(0).lower() in wp.ids]
        if not words:
            continue
        m = rng.choice(words)
        mask.append({'text': s[:m.start()] + '[MASK]' + s[m.end():], 'gold': m.group(0).lower()})
        if len(mask) >= n_mask:
            break
    qa = []
    if open_dir and os.path.isdir(open_dir):
        items = heldout_qa_items(open_dir, lang)
        qa = rng.sample(items, min(n_qa, len(items)))
    json.dump({'lang': lang, 'mask': mask, 'qa': qa}, open(path, 'w', encoding='utf-8'), ensure_ascii=False)


# Pretraining runs at sequence 128 and only its last few percent at 512, so positions past 128 stay weak (held-out
# MLM top-1 of this build: 34.0% in 128-token windows, 24.9% at 256, 20.3% at 512; training/eval_lengths.py build 128 256 512,
# training/pretrain.py evaluate). Declaring 128 positions makes the engine read documents in 126-token windows, where
# the model is as good as its card says; the fp32 checkpoints keep all 512 rows for continued training.
MAX_POSITIONS = 128


def cut_positions(state, n):
    key = next(k for k in state if k.endswith('embeddings.position_embeddings.weight'))
    return dict(state, **{key: state[key][:n].clone()})


def write_folder(name, model, wp, int8):
    folder = os.path.join(MODELS, name)
    write_tokenizer(folder, wp.vocab, 512)
    os.remove(os.path.join(folder, 'vocab.txt'))  # transformers.js reads tokenizer.json; keeps the size budget
    json.dump(hf_config(model), open(os.path.join(folder, 'config.json'), 'w'), indent=1)
    fp32 = export(model, os.path.join(folder, 'onnx', 'model.onnx'))
    if int8:
        quantize_dynamic(fp32, os.path.join(folder, 'onnx', 'model_quantized.onnx'))
    dedupe_tied(fp32)
    return folder


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--int8', action='store_true', help='also write onnx/model_quantized.onnx (shipped in the .vsix)')
    ap.add_argument('--lang', default='en', choices=sorted(LANGS))
    ap.add_argument('--open', default=os.path.join(SHARED_CORPUS, 'open'),
                    help='the open corpus (held-out QA questions for the engine evaluation)')
    ap.add_argument('--max-positions', type=int, default=MAX_POSITIONS,
                    help='positions the shipped models declare (the position table is cut to this many rows)')
    ap.add_argument('--qa-only', action='store_true',
                    help='export only the QA fine-tune (build/qa/qa.pt): the shipped encoder and its goldens stay')
    a = ap.parse_args()
    L = LANGS[a.lang]
    torch.set_num_threads(2)
    wp = WordPiece.load(os.path.join(a.build, 'tokenizer', 'vocab.txt'))
    if not a.qa_only:
        ck = torch.load(os.path.join(a.build, 'pretrain', 'ckpt.pt'))
        mlm = BertForMaskedLMWithNSP(BertConfig(**dict(ck['config'], max_position_embeddings=a.max_positions)))
        mlm.load_state_dict(cut_positions(ck['model'], a.max_positions))
        write_folder(L['mlm'], mlm, wp, a.int8)
        golden_mlm(mlm, wp, os.path.join(GOLD, L['mlm'] + '.json'), L['mlm'], L['mlm_cases'])
    qa_path = os.path.join(a.build, 'qa', 'qa.pt')
    if os.path.exists(qa_path):
        cq = torch.load(qa_path)
        qa = BertForQuestionAnswering(BertConfig(**dict(cq['config'], max_position_embeddings=a.max_positions)))
        qa.load_state_dict(cut_positions(cq['model'], a.max_positions))
        write_folder(L['qa'], qa, wp, a.int8)
        golden_qa(qa, wp, os.path.join(GOLD, L['qa'] + '.json'), L['qa'], L['qa_cases'])
    elif a.qa_only:
        sys.exit(f'--qa-only: {qa_path} is missing (run the QA fine-tune first)')
    engine_eval_input(wp, os.path.join(a.build, 'corpus'), a.open, os.path.join(a.build, 'engine-eval-input.json'),
                      a.lang)
    if a.qa_only:
        print('exported', L['qa'])
        return
    n = tokenizer_golden(wp, os.path.join(a.build, 'corpus'), os.path.join(GOLD, L['tokenizer_golden']), model=L['mlm'])
    print('exported; tokenizer golden sentences:', n)


if __name__ == '__main__':
    main()

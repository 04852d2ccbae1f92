"""The shipped encoder (models/<name>/onnx/model.onnx, fp32) as a pretraining checkpoint and its tokenizer's vocab.txt,
so a QA-only fine-tune (`npm run models:qa`) runs on a machine that never had the pretraining build.

Usage: /usr/bin/python3 -m training.encoder_ckpt MODEL_DIR BUILD_DIR
  MODEL_DIR  e.g. models/bert-lens-zh
  BUILD_DIR  e.g. build/zh: writes BUILD_DIR/pretrain/ckpt.pt and BUILD_DIR/tokenizer/vocab.txt

Positions beyond the shipped 128 keep a fresh model's rows, as training/qa_init.py does: the QA windows never reach
them. The weights load exactly (training/weights.py onnx_state_dict), so fine-tuning from this checkpoint is
fine-tuning the shipped encoder."""
import json
import os
import sys

import torch

from .bert import BertConfig, BertForMaskedLMWithNSP
from .pretrain import MINI
from .weights import load_model_dir
from .wordpiece import WordPiece


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model_dir, build = sys.argv[1:]
    wp = WordPiece.load(os.path.join(model_dir, 'tokenizer.json'))
    layers = json.load(open(os.path.join(model_dir, 'config.json')))['num_hidden_layers']
    cfg = BertConfig(vocab_size=len(wp.vocab), **dict(MINI, num_hidden_layers=layers))
    torch.manual_seed(0)
    model = BertForMaskedLMWithNSP(cfg)
    report = load_model_dir(model, model_dir, wp)
    for sub in ('pretrain', 'tokenizer'):
        os.makedirs(os.path.join(build, sub), exist_ok=True)
    with open(os.path.join(build, 'tokenizer', 'vocab.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(wp.vocab) + '\n')
    torch.save({'config': cfg.to_dict(), 'model': model.state_dict(), 'from': model_dir},
               os.path.join(build, 'pretrain', 'ckpt.pt'))
    print(f'{model_dir} -> {build}/pretrain/ckpt.pt ({layers} layers; {report})')


if __name__ == '__main__':
    main()

"""The shipped QA model (models/<name>/onnx/model.onnx, fp32) as a qa_squad.py --init-qa checkpoint, so a QA
fine-tune continues on any machine from the committed weights (as models:continue does for pretraining).

Usage: /usr/bin/python3 -m training.qa_init PRETRAIN_CKPT MODEL_DIR OUT
  PRETRAIN_CKPT  a pretraining checkpoint (build/pretrain/ckpt.pt): only its config is used (positions beyond the
                 shipped 128 keep the fresh model's rows; the QA windows never reach them)
  MODEL_DIR      e.g. models/bert-lens-mini-qa
  OUT            e.g. build/qa-init.pt"""
import sys

import torch

from .bert import BertConfig, BertForQuestionAnswering
from .weights import grow_layers, layer_count, onnx_state_dict


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    ckpt, model_dir, out = sys.argv[1:]
    model = BertForQuestionAnswering(BertConfig(**torch.load(ckpt)['config']))
    sd, _ = onnx_state_dict(model_dir)
    own = model.state_dict()
    n = model.config.num_hidden_layers
    if layer_count(sd) > n:
        sys.exit(f'{model_dir} has {layer_count(sd)} layers; the pretraining checkpoint {ckpt} has {n}')
    if layer_count(sd) < n:  # the encoder was deepened (PRETRAIN_LAYERS): deepen the QA model the same way
        sd = grow_layers(sd, n)
    key = 'bert.embeddings.position_embeddings.weight'
    if sd[key].shape[0] < own[key].shape[0]:
        sd[key] = torch.cat([sd[key], own[key][sd[key].shape[0]:]])
    missing, _ = model.load_state_dict(sd, strict=False)  # the tied MLM decoder row is not part of a QA model
    if missing:
        sys.exit(f'{model_dir}: weights missing for {missing[:5]}')
    torch.save({'model': model.state_dict()}, out)
    print(f'{model_dir} -> {out}')


if __name__ == '__main__':
    main()

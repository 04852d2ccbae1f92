"""Held-out masked-LM accuracy of the pretrained checkpoint at several sequence lengths (training/pretrain.py evaluate:
15% masking, 300 pairs per length): shows how far the positions past the training length carry. Prints a table and
writes BUILD_DIR/pretrain/eval-lengths.json for the model card (scripts/build-models.sh runs it for English).
Usage: python3 -m training.eval_lengths BUILD_DIR 128 256 512"""
import json
import os
import sys

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
import torch  # noqa: E402

from .bert import BertConfig, BertForMaskedLMWithNSP
from .pretrain import evaluate
from .pretrain_data import load_docs
from .wordpiece import WordPiece


def main(build, *lengths):
    torch.set_num_threads(1)
    wp = WordPiece.load(os.path.join(build, 'tokenizer', 'vocab.txt'))
    held = load_docs(os.path.join(build, 'corpus', 'heldout.txt'), wp)
    ck = torch.load(os.path.join(build, 'pretrain', 'ckpt.pt'))
    model = BertForMaskedLMWithNSP(BertConfig(**ck['config']))
    model.load_state_dict(ck['model'])
    print('max_len mlm_top1 mlm_top5 nsp_acc masked_tokens')
    out = {'pairs': 300, 'lengths': {}}
    for n in [int(x) for x in lengths]:
        ev = evaluate(model, held, len(wp.vocab), n=300, max_len=n)
        print(n, round(ev['mlm_top1'], 4), round(ev['mlm_top5'], 4), round(ev['nsp_acc'], 3), ev['masked_tokens'],
              flush=True)
        out['lengths'][str(n)] = {'mlm_top1': ev['mlm_top1'], 'masked_tokens': ev['masked_tokens']}
    with open(os.path.join(build, 'pretrain', 'eval-lengths.json'), 'w') as f:
        json.dump(out, f, indent=1)


if __name__ == '__main__':
    main(*sys.argv[1:])

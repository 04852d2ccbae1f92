"""Random-weight BERT models at real sizes for the benchmarks' memory rows (issue 13: worker RSS ≤ 3× the file for
BERT-base int8, peak while loading ≤ 2× the file). Not committed: ~100 MB each; `npm run bench` and
scripts/memory/load-probe.ts build them on demand into build/bench-models/. The vocabulary is the embedded
bert-lens-mini's 16,000 pieces padded with [unusedN] to BERT's 30,522 rows (the tokenizer matches the embedding
rows; before 2026-12-02 the models had 16,000 rows, which made the MLM decoder's share of a forward smaller); the
layers are BERT-base's (12 × 768, 12 heads, feed-forward 3072) or BERT-small's (4 × 512, 8 heads, 2048).

  /usr/bin/python3 -m training.make_bench_models [base|small ...]
"""
import json
import os
import sys

import torch

from .bert import BertConfig, BertForMaskedLMWithNSP, hf_config
from .export_onnx import dedupe_tied, export, quantize_dynamic
from .paths import ROOT
from .wordpiece import WordPiece, write_tokenizer

SHAPES = {'base': dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072),
          'small': dict(hidden_size=512, num_hidden_layers=4, num_attention_heads=8, intermediate_size=2048)}


BERT_VOCAB = 30522  # bert-base-uncased's rows: the MLM decoder's share of a forward depends on it


def bert_sized_vocab(vocab):
    """The embedded vocabulary padded with [unusedN] pieces (as BERT's own vocabulary has) to BERT's 30,522 rows, so
    the tokenizer still matches the embedding rows while the embedding and MLM decoder have BERT's real size."""
    have = set(vocab)
    pad = (f'[unused{k}]' for k in range(10 ** 6) if f'[unused{k}]' not in have)
    return list(vocab) + [next(pad) for _ in range(BERT_VOCAB - len(vocab))]


def build(shape, out):
    vocab = bert_sized_vocab(WordPiece.load(os.path.join(ROOT, 'models', 'bert-lens-mini', 'tokenizer.json')).vocab)
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(vocab), max_position_embeddings=512, **SHAPES[shape])
    model = BertForMaskedLMWithNSP(cfg)
    folder = os.path.join(out, f'bert-{shape}')
    write_tokenizer(folder, vocab, 512)
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(hf_config(model), f, indent=1)
    fp32 = export(model, os.path.join(folder, 'onnx', 'model.onnx'))
    quantize_dynamic(fp32, os.path.join(folder, 'onnx', 'model_quantized.onnx'))
    dedupe_tied(fp32)
    return folder


def main():
    torch.set_num_threads(1)
    out = os.path.join(ROOT, 'build', 'bench-models')
    for shape in sys.argv[1:] or ['base']:
        print(build(shape, out))


if __name__ == '__main__':
    main()

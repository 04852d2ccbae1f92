"""PyTorch eager on a model folder's fp32 weights, for npm run bench's reference rows (bench/reference.ts): the
reference BERT of training/bert.py (Hugging Face module names and maths), its encoder on one row of ids, timed here
so that the time is the forward alone. Python is a benchmark peer only: nothing at run time or in npm test uses it.

  /usr/bin/python3 bench/torch_peer.py MODEL_DIR THREADS

One JSON line in, one out: {"ids": [...]} -> {"hidden": base64 of the last hidden state as float32}; then
{"run": true} -> {"ms": the wall time of the second of two forwards back to back}, as often as asked, until stdin
closes."""
import base64
import dataclasses
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from training.bert import BertConfig, BertForMaskedLMWithNSP  # noqa: E402
from training.weights import load_model_dir  # noqa: E402
from training.wordpiece import WordPiece  # noqa: E402


def load(model_dir):
    with open(os.path.join(model_dir, 'config.json'), encoding='utf-8') as f:
        cfg = json.load(f)
    fields = {f.name for f in dataclasses.fields(BertConfig)}
    model = BertForMaskedLMWithNSP(BertConfig(**{k: v for k, v in cfg.items() if k in fields}))
    # The training code's own loader: it names the exporter's anonymous weights and refuses a model missing any.
    load_model_dir(model, model_dir, WordPiece.load(os.path.join(model_dir, 'tokenizer.json')))
    return model.eval()


def main():
    model_dir, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    model = load(model_dir)
    ids = None
    for line in sys.stdin:
        msg = json.loads(line)
        if 'ids' in msg:
            ids = torch.tensor([msg['ids']], dtype=torch.long)
            with torch.inference_mode():
                hidden = model.bert(ids)[0][0].numpy().astype('float32')
                for _ in range(10):  # the allocator and the thread pool settle over the first forwards
                    model.bert(ids)
            reply = {'hidden': base64.b64encode(hidden.tobytes()).decode()}
        else:
            with torch.inference_mode():
                model.bert(ids)
                start = time.perf_counter()
                model.bert(ids)
            reply = {'ms': (time.perf_counter() - start) * 1000}
        print(json.dumps(reply), flush=True)


if __name__ == '__main__':
    main()

"""What every PyTorch golden writer shares (the fixtures' goldens, the logit lens, the exported models' goldens):
right-padded input batches (attention mask 0 on padding) and floats rounded to 7 significant digits."""
import json
import os
import sys

import torch

from .wordpiece import PAD


def r7(x):
    """Nested lists of floats rounded to 7 significant digits."""
    if isinstance(x, list):
        return [r7(v) for v in x]
    return float(f'{x:.7g}')


def batch(wp, rows):
    """Token ids, attention mask and token types of `rows` (each one text or a pair), right-padded with [PAD]."""
    enc = [wp.encode(*r) for r in rows]
    T = max(len(ids) for ids, _ in enc)
    ids = [e[0] + [PAD] * (T - len(e[0])) for e in enc]
    tt = [e[1] + [0] * (T - len(e[1])) for e in enc]
    mask = [[1] * len(e[0]) + [0] * (T - len(e[0])) for e in enc]
    return torch.tensor(ids), torch.tensor(mask), torch.tensor(tt)


def check_fixture(gold_dir, name, model, wp, key, case=0):
    """Rebuilt fixture weights must be the committed fixture's: the model's `key` output on golden case `case` matches
    test/golden/<name>.json within 1e-5, else exit without writing. -> the largest difference."""
    with open(os.path.join(gold_dir, name + '.json'), encoding='utf-8') as f:
        golden = json.load(f)['cases'][case]
    ids, mask, tt = batch(wp, golden['texts'])
    assert ids.tolist() == golden['input_ids'], f'{name}: the tokenizer does not reproduce the golden input ids'
    with torch.no_grad():
        got = model(ids, mask, tt)[key]
    diff = (got - torch.tensor(golden[key])).abs().max().item()
    if diff > 1e-5:
        sys.exit(f'{name}: rebuilt weights differ from the committed fixture (max |Δ{key}| {diff}); not writing')
    return diff

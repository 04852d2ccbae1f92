"""What every PyTorch golden writer shares (the fixtures' goldens, the logit lens, the exported models' goldens):
right-padded input batches (attention mask 0 on padding) and floats rounded to 7 significant digits."""
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

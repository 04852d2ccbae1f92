"""Reads a shipped model folder (onnx/model.onnx + tokenizer.json) back into a PyTorch state dict, so training resumes
from the committed weights (npm run models:continue), and carries weights over to a new WordPiece vocabulary.

The exporter keeps Hugging Face names for embeddings, biases and LayerNorms, but Linear weights become anonymous
`onnx::MatMul_*` initializers (transposed). Each is named by the bias its MatMul output is added to."""
import json
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .wordpiece import WordPiece


def onnx_state_dict(model_dir):
    """-> ({name: tensor} in Hugging Face names, config dict) from model_dir/onnx/model.onnx and config.json."""
    g = onnx.load(os.path.join(model_dir, 'onnx', 'model.onnx')).graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    # The exporter stores equal tensors once (a random-weight model's zero biases, training/make_bench_models.py) and
    # names the others as Identity nodes of it.
    for n in g.node:
        if n.op_type == 'Identity' and n.input[0] in inits:
            inits.setdefault(n.output[0], inits[n.input[0]])
    consumers = {}
    for n in g.node:
        for x in n.input:
            consumers.setdefault(x, []).append(n)
    sd = {k: torch.from_numpy(np.array(v)) for k, v in inits.items() if not k.startswith('onnx::')}
    for n in g.node:
        if n.op_type != 'MatMul' or n.input[1] not in inits or not n.input[1].startswith('onnx::'):
            continue
        adds = [c for c in consumers.get(n.output[0], []) if c.op_type == 'Add']
        bias = next((x for c in adds for x in c.input if x.endswith('.bias') and x in inits), None)
        if bias is None:
            raise ValueError(f'{model_dir}: MatMul {n.name} has no named bias; cannot name its weight')
        sd[bias[:-len('.bias')] + '.weight'] = torch.from_numpy(np.array(inits[n.input[1]]).T.copy())
    if 'cls.predictions.decoder.weight' not in sd and 'bert.embeddings.word_embeddings.weight' in sd:
        sd['cls.predictions.decoder.weight'] = sd['bert.embeddings.word_embeddings.weight']  # tied
    config = json.load(open(os.path.join(model_dir, 'config.json'), encoding='utf-8'))
    return sd, config


def remap_vocab(sd, old: WordPiece, new: WordPiece):
    """Rows of the word embeddings and the MLM bias for `new`'s vocabulary: a token both vocabularies have keeps its
    row; a new token starts as the mean of the rows of its pieces under the old tokenizer (its spelling's meaning,
    as fastText composes subwords). Returns (state dict, share of tokens kept)."""
    emb = sd['bert.embeddings.word_embeddings.weight']
    bias = sd.get('cls.predictions.bias')
    rows, brows, kept = [], [], 0
    for tok in new.vocab:
        if tok in old.ids:
            i = [old.ids[tok]]
            kept += 1
        else:
            word = tok[2:] if tok.startswith('##') else tok
            i = old.word_pieces(word) if word else [1]
            if tok.startswith('##') and len(i) > 0:
                cont = old.ids.get('##' + word)
                i = [cont] if cont is not None else i
        rows.append(emb[i].mean(0))
        if bias is not None:
            brows.append(bias[i].mean())
    out = dict(sd)
    out['bert.embeddings.word_embeddings.weight'] = torch.stack(rows)
    out['cls.predictions.decoder.weight'] = out['bert.embeddings.word_embeddings.weight']
    if bias is not None:
        out['cls.predictions.bias'] = torch.stack(brows)
    return out, kept / len(new.vocab)


def load_model_dir(model, model_dir, vocab: WordPiece):
    """Loads a shipped model folder into `model`, remapping the vocabulary when it differs. -> a short report."""
    sd, _ = onnx_state_dict(model_dir)
    old = WordPiece.load(os.path.join(model_dir, 'tokenizer.json'))
    report = {'from': model_dir, 'vocab_kept': 1.0}
    if old.vocab != vocab.vocab:
        sd, report['vocab_kept'] = remap_vocab(sd, old, vocab)
    # A shipped model may declare fewer positions than training uses (training/export_models.py MAX_POSITIONS): its rows
    # are kept and the remaining positions keep the model's initialization.
    key = 'bert.embeddings.position_embeddings.weight'
    own = model.state_dict()[key]
    if key in sd and sd[key].shape[0] < own.shape[0]:
        sd[key] = torch.cat([sd[key], own[sd[key].shape[0]:]])
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if k != 'cls.predictions.decoder.weight']
    if missing:
        raise ValueError(f'{model_dir}: weights missing for {missing[:5]}')
    report['ignored'] = list(unexpected)
    return report

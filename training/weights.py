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


LAYER = 'bert.encoder.layer.'


def layer_count(sd):
    return len({k[len(LAYER):].split('.', 1)[0] for k in sd if k.startswith(LAYER)})


def grow_layers(sd, n_new):
    """Deepens a post-LayerNorm encoder to n_new layers (at most twice as deep) without changing what it computes, so
    training resumes from the shipped model's quality rather than from the collapse that copying layers causes (measured
    on bert-lens-zh: held-out MLM top-1 45.6 % → 6 % when each layer is duplicated, 10 % when the stack is repeated).

    A new layer follows old layer i and starts as its copy, except: both residual branches (attention output and FFN
    output projections) are zero, its attention LayerNorm is the identity, and it takes over old layer i's output
    LayerNorm affine, whose own becomes the identity. Old layer i then emits the normalised vector n (mean 0, variance
    1), the new layer's first LayerNorm returns n unchanged (n + 0 normalised), and its last returns γ·n + β — old layer
    i's output exactly. Query, key, value and FFN input start from layer i's, so the new layer has useful features as
    soon as its output projections move off zero (their gradients are not zero). -> new state dict."""
    n_old = layer_count(sd)
    if not n_old <= n_new <= 2 * n_old:
        raise ValueError(f'can grow {n_old} layers to {n_old}..{2 * n_old}, not {n_new}')
    k = n_new - n_old
    after = {min(n_old - 1, int((j + 0.5) * n_old / k)) for j in range(k)} if k else set()
    if len(after) < k:
        raise ValueError(f'cannot place {k} new layers among {n_old}')
    out = {key: v for key, v in sd.items() if not key.startswith(LAYER)}

    def old_layer(i):
        return {key[len(f'{LAYER}{i}.'):]: v.clone() for key, v in sd.items() if key.startswith(f'{LAYER}{i}.')}

    dst = 0
    for i in range(n_old):
        mine = old_layer(i)
        if i in after:
            extra = old_layer(i)
            for name in ('attention.output.dense', 'output.dense'):
                extra[f'{name}.weight'].zero_()
                extra[f'{name}.bias'].zero_()
            extra['attention.output.LayerNorm.weight'].fill_(1.0)
            extra['attention.output.LayerNorm.bias'].zero_()
            mine['output.LayerNorm.weight'].fill_(1.0)
            mine['output.LayerNorm.bias'].zero_()
        for layer in [mine] + ([extra] if i in after else []):
            out.update({f'{LAYER}{dst}.{name}': v for name, v in layer.items()})
            dst += 1
    return out


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
    n_layers = model.config.num_hidden_layers
    if layer_count(sd) > n_layers:
        raise ValueError(f'{model_dir} has {layer_count(sd)} layers; the model to load it into has {n_layers}')
    if layer_count(sd) < n_layers:
        report['layers'] = f'{layer_count(sd)} → {n_layers} (grow_layers)'
        sd = grow_layers(sd, n_layers)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if k != 'cls.predictions.decoder.weight']
    if missing:
        raise ValueError(f'{model_dir}: weights missing for {missing[:5]}')
    report['ignored'] = list(unexpected)
    return report

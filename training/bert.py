"""Reference PyTorch BERT / DistilBERT with Hugging Face module names and math (fixtures, goldens, training)."""
import math
from dataclasses import dataclass, asdict

import torch
from torch import nn
import torch.nn.functional as F


@dataclass
class BertConfig:
    vocab_size: int = 1000
    hidden_size: int = 32
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    intermediate_size: int = 64
    max_position_embeddings: int = 128
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    initializer_range: float = 0.02
    pad_token_id: int = 0

    def to_dict(self):
        return asdict(self)


def gelu(x):
    # erf GELU, as HF "gelu" (exports to ONNX Erf, like real BERT exports)
    return F.gelu(x)


def extended_mask(attention_mask, dtype=torch.float32):
    """[B,T] 1/0 -> additive [B,1,1,T]: 0 for keys to attend, dtype-min for padding (HF convention)."""
    m = attention_mask[:, None, None, :].to(dtype)
    return (1.0 - m) * torch.finfo(dtype).min


def layer_head_masks(head_mask, n_layers):
    """HF head_mask → one factor tensor per layer, broadcast over [B, heads, T, T]: [heads] or [layers, heads] as HF
    takes it, or [batch, layers, heads] (one mask per row, as BERT Lens's graph input). None: no mask."""
    if head_mask is None:
        return [None] * n_layers
    m = torch.as_tensor(head_mask, dtype=torch.float32)
    if m.dim() == 1:
        m = m.expand(n_layers, -1)
    if m.dim() == 2:
        return [m[i][None, :, None, None] for i in range(n_layers)]
    return [m[:, i, :, None, None] for i in range(n_layers)]


class Recorder:
    """Collects what the goldens need: per-layer q/k/v (split into heads) and attention probabilities."""

    def __init__(self):
        self.qkv, self.attentions = [], []


def attend(q, k, v, mask, n_heads, dropout, rec, head_mask=None):
    """Plain attention ops (MatMul -> Div sqrt(d) -> Add mask -> Softmax -> MatMul), as real exports have;
    head_mask ([B or 1, heads, 1, 1]) multiplies the probabilities after dropout, as HF does."""
    B, T, H = q.shape
    d = H // n_heads

    def heads(x):
        return x.view(B, T, n_heads, d).permute(0, 2, 1, 3)

    qh, kh, vh = heads(q), heads(k), heads(v)
    scores = torch.matmul(qh, kh.transpose(-1, -2)) / math.sqrt(d)
    scores = scores + mask
    probs = torch.softmax(scores, dim=-1)
    if rec is not None:
        rec.qkv.append({'q': qh, 'k': kh, 'v': vh})
        rec.attentions.append(probs)
    probs = dropout(probs)
    if head_mask is not None:
        probs = probs * head_mask
    ctx = torch.matmul(probs, vh)
    return ctx.permute(0, 2, 1, 3).contiguous().view(B, T, H)


# ---------------- BERT ----------------

class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids, token_type_ids):
        T = input_ids.shape[1]
        pos = torch.arange(T, dtype=torch.long, device=input_ids.device).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids) + self.position_embeddings(pos)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.num_attention_heads = c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.attention_probs_dropout_prob)

    def forward(self, x, mask, rec=None, head_mask=None):
        return attend(self.query(x), self.key(x), self.value(x), mask, self.num_attention_heads, self.dropout, rec,
                      head_mask)


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, h, inp):
        return self.LayerNorm(self.dropout(self.dense(h)) + inp)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, x, mask, rec=None, head_mask=None):
        return self.output(self.self(x, mask, rec, head_mask), x)


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)

    def forward(self, x):
        return gelu(self.dense(x))


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, h, inp):
        return self.LayerNorm(self.dropout(self.dense(h)) + inp)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, x, mask, rec=None, head_mask=None):
        a = self.attention(x, mask, rec, head_mask)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c.num_hidden_layers)])

    def forward(self, x, mask, rec=None, hidden=None, head_mask=None):
        for layer, hm in zip(self.layer, layer_head_masks(head_mask, len(self.layer))):
            x = layer(x, mask, rec, hm)
            if hidden is not None:
                hidden.append(x)
        return x


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.activation = nn.Tanh()

    def forward(self, h):
        return self.activation(self.dense(h[:, 0]))


def init_weights(module, std):
    """HF init (normal(0, std) for Linear/Embedding, LayerNorm 1/0); a large std gives non-uniform attention."""
    for m in module.modules():
        if isinstance(m, nn.Linear):
            m.weight.data.normal_(0.0, std)
            if m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, nn.Embedding):
            m.weight.data.normal_(0.0, std)
            if m.padding_idx is not None:
                m.weight.data[m.padding_idx].zero_()
        elif isinstance(m, nn.LayerNorm):
            m.weight.data.fill_(1.0)
            m.bias.data.zero_()


class BertModel(nn.Module):
    def __init__(self, c, add_pooling_layer=True):
        super().__init__()
        self.config = c
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c) if add_pooling_layer else None

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, rec=None, hidden=None, head_mask=None):
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        mask = extended_mask(attention_mask)
        x = self.embeddings(input_ids, token_type_ids)
        if hidden is not None:
            hidden.append(x)
        x = self.encoder(x, mask, rec, hidden, head_mask)
        pooled = self.pooler(x) if self.pooler is not None else None
        return x, pooled


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, x):
        return self.LayerNorm(gelu(self.dense(x)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transform = BertPredictionHeadTransform(c)
        self.decoder = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))

    def forward(self, x):
        return self.decoder(self.transform(x)) + self.bias


class BertPreTrainingHeads(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.predictions = BertLMPredictionHead(c)
        self.seq_relationship = nn.Linear(c.hidden_size, 2)


class BertForMaskedLMWithNSP(nn.Module):
    """HF BertForPreTraining: MLM head tied to word embeddings + NSP head (index 0 = "is next")."""
    model_type, architecture = 'bert', 'BertForPreTraining'

    def __init__(self, c, init_std=None):
        super().__init__()
        self.config = c
        self.bert = BertModel(c)
        self.cls = BertPreTrainingHeads(c)
        init_weights(self, init_std or c.initializer_range)
        self.cls.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, rec=None, hidden=None, head_mask=None):
        seq, pooled = self.bert(input_ids, attention_mask, token_type_ids, rec, hidden, head_mask)
        return as_outputs(self, {'logits': self.cls.predictions(seq), 'nsp_logits': self.cls.seq_relationship(pooled),
                                 'last_hidden_state': seq})


class BertForQuestionAnswering(nn.Module):
    model_type, architecture = 'bert', 'BertForQuestionAnswering'

    def __init__(self, c, init_std=None):
        super().__init__()
        self.config = c
        self.bert = BertModel(c, add_pooling_layer=False)
        self.qa_outputs = nn.Linear(c.hidden_size, 2)
        init_weights(self, init_std or c.initializer_range)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, rec=None, hidden=None, head_mask=None):
        seq, _ = self.bert(input_ids, attention_mask, token_type_ids, rec, hidden, head_mask)
        start, end = self.qa_outputs(seq).split(1, dim=-1)
        return as_outputs(self, {'start_logits': start.squeeze(-1), 'end_logits': end.squeeze(-1),
                                 'last_hidden_state': seq})


# ---------------- DistilBERT ----------------

class DistilEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=1e-12)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids):
        T = input_ids.shape[1]
        pos = torch.arange(T, dtype=torch.long, device=input_ids.device).unsqueeze(0)
        return self.dropout(self.LayerNorm(self.word_embeddings(input_ids) + self.position_embeddings(pos)))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_heads = c.num_attention_heads
        self.q_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.k_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.v_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.out_lin = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.attention_probs_dropout_prob)

    def forward(self, x, mask, rec=None, head_mask=None):
        return self.out_lin(attend(self.q_lin(x), self.k_lin(x), self.v_lin(x), mask, self.n_heads, self.dropout, rec,
                                   head_mask))


class FFN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.lin1 = nn.Linear(c.hidden_size, c.intermediate_size)
        self.lin2 = nn.Linear(c.intermediate_size, c.hidden_size)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, x):
        return self.dropout(self.lin2(gelu(self.lin1(x))))


class TransformerBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = MultiHeadSelfAttention(c)
        self.sa_layer_norm = nn.LayerNorm(c.hidden_size, eps=1e-12)
        self.ffn = FFN(c)
        self.output_layer_norm = nn.LayerNorm(c.hidden_size, eps=1e-12)

    def forward(self, x, mask, rec=None, head_mask=None):
        sa = self.sa_layer_norm(self.attention(x, mask, rec, head_mask) + x)
        return self.output_layer_norm(self.ffn(sa) + sa)


class Transformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(c) for _ in range(c.num_hidden_layers)])

    def forward(self, x, mask, rec=None, hidden=None, head_mask=None):
        for layer, hm in zip(self.layer, layer_head_masks(head_mask, len(self.layer))):
            x = layer(x, mask, rec, hm)
            if hidden is not None:
                hidden.append(x)
        return x


class DistilBertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.embeddings = DistilEmbeddings(c)
        self.transformer = Transformer(c)

    def forward(self, input_ids, attention_mask=None, rec=None, hidden=None, head_mask=None):
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        mask = extended_mask(attention_mask)
        x = self.embeddings(input_ids)
        if hidden is not None:
            hidden.append(x)
        return self.transformer(x, mask, rec, hidden, head_mask)


class DistilBertForMaskedLM(nn.Module):
    model_type, architecture = 'distilbert', 'DistilBertForMaskedLM'

    def __init__(self, c, init_std=None):
        super().__init__()
        self.config = c
        self.distilbert = DistilBertModel(c)
        self.vocab_transform = nn.Linear(c.hidden_size, c.hidden_size)
        self.vocab_layer_norm = nn.LayerNorm(c.hidden_size, eps=1e-12)
        self.vocab_projector = nn.Linear(c.hidden_size, c.vocab_size)
        init_weights(self, init_std or c.initializer_range)
        self.vocab_projector.weight = self.distilbert.embeddings.word_embeddings.weight

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, rec=None, hidden=None, head_mask=None):
        seq = self.distilbert(input_ids, attention_mask, rec, hidden, head_mask)
        x = self.vocab_layer_norm(gelu(self.vocab_transform(seq)))
        return as_outputs(self, {'logits': self.vocab_projector(x), 'last_hidden_state': seq})


def as_outputs(model, out):
    """During ONNX export (model._export_names set) return a tuple of the named outputs instead of a dict."""
    names = getattr(model, '_export_names', None)
    return tuple(out[n] for n in names) if names else out


def hf_config(model, extra=None):
    """config.json in Hugging Face style for the model's architecture."""
    c = model.config
    if model.model_type == 'distilbert':
        d = {'model_type': 'distilbert', 'architectures': [model.architecture], 'dim': c.hidden_size,
             'n_layers': c.num_hidden_layers, 'n_heads': c.num_attention_heads, 'hidden_dim': c.intermediate_size,
             'max_position_embeddings': c.max_position_embeddings, 'vocab_size': c.vocab_size,
             'activation': 'gelu', 'dropout': c.hidden_dropout_prob, 'attention_dropout': c.attention_probs_dropout_prob,
             'sinusoidal_pos_embds': False, 'tie_weights_': True, 'pad_token_id': c.pad_token_id,
             'initializer_range': c.initializer_range}
    else:
        d = {'model_type': 'bert', 'architectures': [model.architecture], 'hidden_size': c.hidden_size,
             'num_hidden_layers': c.num_hidden_layers, 'num_attention_heads': c.num_attention_heads,
             'intermediate_size': c.intermediate_size, 'hidden_act': 'gelu',
             'max_position_embeddings': c.max_position_embeddings, 'type_vocab_size': c.type_vocab_size,
             'vocab_size': c.vocab_size, 'layer_norm_eps': c.layer_norm_eps, 'pad_token_id': c.pad_token_id,
             'hidden_dropout_prob': c.hidden_dropout_prob,
             'attention_probs_dropout_prob': c.attention_probs_dropout_prob,
             'initializer_range': c.initializer_range, 'position_embedding_type': 'absolute'}
    d['torch_dtype'] = 'float32'
    d.update(extra or {})
    return d

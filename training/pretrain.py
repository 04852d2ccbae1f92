"""Pretrains the mini BERT (MLM + NSP) on the corpus; logs losses; checkpoints; held-out MLM/NSP evaluation.

Usage: python3 -m training.pretrain --corpus build/corpus --tokenizer build/tokenizer --out build/pretrain [--steps N]

Data parallel over --procs processes with one thread each (gloo all-reduce of the gradients): at hidden size 160 the
matrices are too small for intra-op threads to pay off (measured here: one process with 2 threads ~4,200 tokens/s, two
1-thread processes ~5,000 tokens/s each)."""
import argparse
import json
import math
import os
import random
import time

# Before torch loads OpenBLAS: Debian's OpenBLAS (pthread build) otherwise starts a spinning worker thread per core in
# every process, whatever torch.set_num_threads says, and two 1-thread processes then run four busy threads on two
# cores (seen here: the second thread of each trainer took 40% of its CPU time; throughput roughly doubled without it).
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
os.environ.setdefault('OMP_NUM_THREADS', '1')

import torch  # noqa: E402
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

from .bert import BertConfig, BertForMaskedLMWithNSP
from .procs import die_with_parent
from .pretrain_data import Instances, load_docs, make_batch
from .weights import load_model_dir
from .wordpiece import WordPiece

MINI = dict(hidden_size=160, num_hidden_layers=4, num_attention_heads=4, intermediate_size=640,
            max_position_embeddings=512, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)


def losses(model, b):
    """MLM loss on masked positions only (decoder logits just there: most of the saving on a 2-core CPU) + NSP."""
    seq, pooled = model.bert(b['input_ids'], b['attention_mask'], b['token_type_ids'])
    sel = b['labels'] != -100
    logits = model.cls.predictions(seq[sel])
    target = b['labels'][sel]
    mlm = F.cross_entropy(logits, target)
    nsp_logits = model.cls.seq_relationship(pooled)
    nsp = F.cross_entropy(nsp_logits, b['nsp'])
    stats = {'mlm_top1': (logits.argmax(-1) == target).float().mean().item(),
             'nsp_acc': (nsp_logits.argmax(-1) == b['nsp']).float().mean().item()}
    return mlm, nsp, logits, target, nsp_logits, stats


def on_device(b, device):
    return {k: v.to(device) for k, v in b.items()} if device.type != 'cpu' else b


def autocast(device, bf16):
    """bf16 autocast (CUDA, or a CPU with avx512_bf16); a no-op context when off."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16)


def layer_norms_in_fp32(model):
    """torch 1.13 has no CPU autocast rule for layer norm: without this it would run in bf16 (CUDA autocast already
    keeps it in fp32)."""
    for m in model.modules():
        if isinstance(m, torch.nn.LayerNorm):
            m.forward = (lambda f: lambda x: f(x.float()))(m.forward)


def cpu_state(model):
    """The state dict on the CPU, so a checkpoint written on a GPU loads anywhere."""
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}


@torch.no_grad()
def evaluate(model, docs, vocab_size, n=2000, max_len=128, seed=99, device=torch.device('cpu'), bf16=False):
    """Held-out: MLM top-1/top-5 over all masked positions (80/10/10 as in training) and NSP accuracy."""
    model.eval()
    inst, rng = Instances(docs, seed), random.Random(seed)
    top1 = top5 = tot = nsp_ok = nsp_tot = 0
    mlm_loss = 0.0
    for _ in range(n // 50):
        b = on_device(make_batch(inst, 50, max_len, vocab_size, rng, mask_prob=0.15), device)
        with autocast(device, bf16):
            mlm, _, logits, target, nsp_logits, _ = losses(model, b)
        logits = logits.float()
        t5 = logits.topk(5, -1).indices
        top1 += (t5[:, 0] == target).sum().item()
        top5 += (t5 == target[:, None]).any(-1).sum().item()
        tot += target.numel()
        mlm_loss += mlm.item() * target.numel()
        nsp_ok += (nsp_logits.argmax(-1) == b['nsp']).sum().item()
        nsp_tot += b['nsp'].numel()
    model.train()
    return {'mlm_top1': top1 / tot, 'mlm_top5': top5 / tot, 'mlm_loss': mlm_loss / tot, 'masked_tokens': tot,
            'nsp_acc': nsp_ok / nsp_tot, 'pairs': nsp_tot, 'max_len': max_len}


def sinusoid_positions(n, dim, std):
    """Vaswani et al.'s sin/cos table, scaled to the given per-component std. Only an initialization: the embeddings
    stay learned (Hugging Face BERT layout). With random position vectors, attending to a neighbour means learning
    every (i, j) pair separately; with sin/cos, "one to the left" is the same linear map at every position. Measured
    here it helps only a little (3-minute trial: MLM loss 6.37 vs 6.40 at step 550): the mini model still keeps
    near-uniform attention for most of its run, a bag of words, before neighbour heads appear."""
    pos = torch.arange(n, dtype=torch.float32)[:, None]
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, dim, 2, dtype=torch.float32) / dim)
    table = torch.zeros(n, dim)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)
    return table * (std / table.std())


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default='build/corpus')
    ap.add_argument('--tokenizer', default='build/tokenizer')
    ap.add_argument('--out', default='build/pretrain')
    ap.add_argument('--steps', type=int, default=6000)
    ap.add_argument('--long-steps', type=int, default=400, help='final steps at sequence 512')
    ap.add_argument('--long-share', type=float, default=0.0,
                    help='share of the run (by progress) at sequence 512; overrides --long-steps when set')
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--long-batch', type=int, default=16)
    ap.add_argument('--seq', type=int, default=128)
    ap.add_argument('--lr', type=float, default=7e-4)
    ap.add_argument('--procs', type=int, default=2, help='data-parallel processes (one thread each)')
    ap.add_argument('--threads', type=int, default=1, help='threads per process')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--time-budget', type=float, default=0,
                    help='seconds; if set, progress = max(step/steps, elapsed/budget) drives the LR decay, the switch '
                         'to sequence 512 (the last --long-steps) and the stop, so a loaded machine still finishes on time')
    ap.add_argument('--init-model', help='start from a shipped model folder (onnx/model.onnx + tokenizer.json, e.g. '
                    'models/bert-lens-mini); a different vocabulary is remapped token by token (training/weights.py)')
    ap.add_argument('--mask-start', type=float, default=0.15, help='MLM mask rate at the start of the run ...')
    ap.add_argument('--mask-end', type=float, default=0.15, help='... decaying linearly to this rate at the end')
    ap.add_argument('--nsp-weight', type=float, default=1.0, help='weight of the NSP loss next to the MLM loss')
    ap.add_argument('--batch-start', type=int, default=0,
                    help='batch-size ramp: sequences per process at the start, growing linearly to --batch over the '
                         'first 30%% of the run (0 = no ramp)')
    ap.add_argument('--init-std', type=float, default=0.0,
                    help='std of the random init (0 = 0.02 x sqrt(768 / hidden): BERT-base\'s 0.02 relative to its width)')
    ap.add_argument('--reset-positions', action='store_true',
                    help='after --init-model: restart the position embeddings from the sin/cos table (--pos-init std)')
    ap.add_argument('--reinit-qk', type=float, default=0.0,
                    help='after --init-model: redraw the query/key weights with this std (breaks uniform attention)')
    ap.add_argument('--layers', type=int,
                    help='encoder layers (default: those of --init-model, else 4); more than --init-model has deepens '
                    'it without changing its output (training/weights.py grow_layers)')
    ap.add_argument('--init', help='continue from this checkpoint (warm restart: short warm-up, fresh decay); the '
                                   'reported steps/tokens/wall time are cumulative')
    ap.add_argument('--pos-init', type=float, default=0.02,
                    help='std of the sin/cos initialization of the position embeddings (0 = random like the rest)')
    ap.add_argument('--warmup', type=float, default=0.05, help='warm-up share of the run (by progress)')
    ap.add_argument('--device', default='cpu', help='cpu, or cuda for a GPU (then --procs 1)')
    ap.add_argument('--bf16', action='store_true',
                    help='bf16 autocast (a GPU, or a CPU whose lscpu lists avx512_bf16; layer norm stays fp32)')
    a = ap.parse_args()
    if a.device != 'cpu' and a.procs != 1:
        ap.error('--device cuda runs one process: add --procs 1')
    return a


def sync_grads(params, world):
    """Averages the gradients over the processes: one flat all-reduce per step."""
    if world == 1:
        return
    grads = [p.grad for p in params if p.grad is not None]
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= world
    i = 0
    for g in grads:
        g.copy_(flat[i:i + g.numel()].view_as(g))
        i += g.numel()


def agreed(x, world):
    """The largest value of x over the processes, so that all take the same LR, sequence length and stop."""
    if world == 1:
        return x
    t = torch.tensor([x], dtype=torch.float64)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return t.item()


def main():
    a = parse_args()
    if a.procs <= 1:
        return worker(0, 1, a, None)
    port = random.Random(os.getpid()).randrange(20000, 60000)
    mp.spawn(worker, args=(a.procs, a, port), nprocs=a.procs)


def worker(rank, world, a, port):
    if world > 1:
        die_with_parent()
        dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=world)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)  # same initial weights on every process
    lead = rank == 0
    os.makedirs(a.out, exist_ok=True)
    log = open(os.path.join(a.out, 'train-log.jsonl'), 'a') if lead else None
    wp = WordPiece.load(os.path.join(a.tokenizer, 'vocab.txt'))
    t0 = time.time()
    docs = load_docs(os.path.join(a.corpus, 'train.txt'), wp)
    held = load_docs(os.path.join(a.corpus, 'heldout.txt'), wp)
    if lead:
        print(f'tokenized {len(docs)} train / {len(held)} held-out docs in {time.time() - t0:.0f}s', flush=True)
    layers = a.layers or (json.load(open(os.path.join(a.init_model, 'config.json')))['num_hidden_layers']
                          if a.init_model else MINI['num_hidden_layers'])
    cfg = BertConfig(vocab_size=len(wp.vocab), **dict(MINI, num_hidden_layers=layers))
    model = BertForMaskedLMWithNSP(cfg, init_std=a.init_std or 0.02 * math.sqrt(768 / cfg.hidden_size))
    prev = {'step': 0, 'tokens': 0, 'train_s': 0.0, 'long_steps': 0}
    if a.pos_init > 0:
        with torch.no_grad():
            pe = model.bert.embeddings.position_embeddings.weight
            pe.copy_(sinusoid_positions(pe.shape[0], pe.shape[1], a.pos_init))
    rep = None
    if a.init_model:
        rep = load_model_dir(model, a.init_model, wp)
        if lead:
            print('initialized from', rep, flush=True)
    if a.reset_positions:
        with torch.no_grad():
            pe = model.bert.embeddings.position_embeddings.weight
            pe.copy_(sinusoid_positions(pe.shape[0], pe.shape[1], a.pos_init))
    if a.reinit_qk:
        with torch.no_grad():
            for n, p in model.named_parameters():
                if n.endswith(('query.weight', 'key.weight')):
                    p.normal_(0.0, a.reinit_qk)
    if a.init:
        ck = torch.load(a.init)
        model.load_state_dict(ck['model'])
        prev = {k: ck.get(k, 0) for k in prev}
        ev0 = os.path.join(os.path.dirname(a.init), 'eval.json')
        if not prev['long_steps'] and os.path.exists(ev0):  # checkpoints of the first version lack it
            prev['long_steps'] = json.load(open(ev0)).get('long_steps', 0)
        if lead:
            print('continuing from', a.init, prev, flush=True)
    device = torch.device(a.device)
    model.to(device)
    if a.bf16 and device.type == 'cpu':
        layer_norms_in_fp32(model)
    n_params = sum(p.numel() for p in model.parameters())
    if lead:
        print('params', n_params, 'processes', world, 'device', device, 'bf16' if a.bf16 else 'fp32', flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01}, {'params': no_decay, 'weight_decay': 0.0}],
                            lr=a.lr, betas=(0.9, 0.98), eps=1e-6)
    total = a.steps
    # fraction of progress after which sequences are 512 long
    long_from = 1.0 - (a.long_share if a.long_share else a.long_steps / total)
    inst, rng = Instances(docs, a.seed + 1 + 1000 * rank), random.Random(a.seed + 2 + 1000 * rank)
    params = list(model.parameters())
    tokens, t_train, acc, step, long_steps = 0, time.time(), None, 0, 0

    def progress():
        p = step / total
        if a.time_budget:
            p = max(p, (time.time() - t_train) / a.time_budget)
        return agreed(p, world)

    def save():
        torch.save({'config': cfg.to_dict(), 'model': cpu_state(model), 'step': prev['step'] + step,
                    'tokens': prev['tokens'] + tokens, 'train_s': prev['train_s'] + time.time() - t_train,
                    'long_steps': prev['long_steps'] + long_steps}, os.path.join(a.out, 'ckpt.pt'))

    while (p := progress()) < 1.0:
        # one cycle: linear warm-up over the first --warmup of progress, then linear decay
        lr = a.lr * min(1.0, max(p, (step + 1) / total) / a.warmup) * max(0.02, 1.0 - p)
        for g in opt.param_groups:
            g['lr'] = lr
        long = p >= long_from
        long_steps += long
        mask_prob = a.mask_start + (a.mask_end - a.mask_start) * min(1.0, p)
        batch = a.batch if not a.batch_start else round(a.batch_start + (a.batch - a.batch_start) * min(1.0, p / 0.3))
        b = on_device(make_batch(inst, a.long_batch if long else batch, 512 if long else a.seq, cfg.vocab_size, rng,
                                 mask_prob=mask_prob), device)
        with autocast(device, a.bf16):
            mlm, nsp, _, _, _, st = losses(model, b)
        loss = mlm + a.nsp_weight * nsp
        opt.zero_grad(set_to_none=True)
        loss.backward()
        sync_grads(params, world)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += int(b['attention_mask'].sum()) * world
        ema = {'mlm': mlm.item(), 'nsp': nsp.item(), **st}
        acc = ema if acc is None else {k: 0.98 * acc[k] + 0.02 * v for k, v in ema.items()}
        if step % 25 == 0 and lead:
            rec = {'step': prev['step'] + step, 'tokens': prev['tokens'] + tokens,
                   'elapsed_s': round(prev['train_s'] + time.time() - t_train), 'progress': round(p, 4),
                   'lr': lr, 'seq': 512 if long else a.seq, 'mask': round(mask_prob, 3), 'batch': int(b['nsp'].numel()), **{k: round(v, 4) for k, v in acc.items()}}
            log.write(json.dumps(rec) + '\n')
            log.flush()
            print(rec, flush=True)
        step += 1
        if step % 250 == 0 and lead:
            save()
    if world > 1:
        dist.destroy_process_group()
    if not lead:
        return
    save()
    # Held-out figures in fp32 whatever the training precision: the exported models run fp32/int8, and the shipping
    # decision compares with figures measured the same way.
    ev = evaluate(model, held, cfg.vocab_size, device=device)
    ev.update({'steps': prev['step'] + step, 'long_steps': prev['long_steps'] + long_steps,
               'tokens_seen': prev['tokens'] + tokens, 'train_wall_s': round(prev['train_s'] + time.time() - t_train),
               'phase_wall_s': round(time.time() - t_train), 'phase_steps': step, 'initialized_from': a.init,
               'init_report': rep,
               'params': n_params, 'processes': world, 'config': cfg.to_dict(), 'args': vars(a)})
    json.dump(ev, open(os.path.join(a.out, 'eval.json'), 'w'), indent=1)
    print('EVAL', json.dumps(ev), flush=True)


if __name__ == '__main__':
    main()

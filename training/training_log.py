"""The committed training log of an embedded model (models/<name>/training-log.jsonl): one line per build or
continuation run, with cumulative tokens and the held-out figures, so a later session can resume and compare.

  python3 -m training.training_log improved LOG EVAL_JSON      exit 0 when EVAL beats the last shipped line
  python3 -m training.training_log append LOG EVAL_JSON KIND SHIPPED [QA_EVAL_JSON]
                                   (KIND build | continue | qa: a QA-only fine-tune on the shipped encoder; EVAL_JSON -
                                   takes the encoder's figures from the last shipped line; KIND qa with SHIPPED no
                                   logs a fine-tune that was not shipped: the line keeps shipped true for the encoder
                                   and says qa_shipped false; a qa-compare.json beside QA_EVAL_JSON, written by
                                   scripts/qa-compare.ts, adds both models' figures through the engine; so does
                                   an mlm-compare.json beside a continuation's EVAL_JSON, from scripts/mlm-compare.ts)
  python3 -m training.training_log tokens LOG                 cumulative tokens of the shipped model (0 if none)"""
import datetime
import json
import os
import sys

NSP_SLACK = 0.01  # a continuation may trade up to 1 NSP point for better masked-LM figures


def lines(log):
    return [json.loads(l) for l in open(log, encoding='utf-8') if l.strip()] if os.path.exists(log) else []


def last_shipped(log):
    shipped = [r for r in lines(log) if r.get('shipped')]
    return shipped[-1] if shipped else None


def improved(log, ev):
    prev = last_shipped(log)
    if prev is None:
        return True, 'no shipped run in the log'
    better = ev['mlm_top1'] > prev['mlm_top1'] and ev['nsp_acc'] >= prev['nsp_acc'] - NSP_SLACK
    return better, (f"held-out MLM top-1 {100 * ev['mlm_top1']:.2f}% vs shipped {100 * prev['mlm_top1']:.2f}%, "
                    f"NSP {100 * ev['nsp_acc']:.1f}% vs {100 * prev['nsp_acc']:.1f}%")


def main(argv):
    cmd, log = argv[0], argv[1]
    if cmd == 'tokens':
        prev = last_shipped(log)
        print(prev['tokens_total'] if prev else 0)
        return 0
    ev = json.load(open(argv[2])) if argv[2] != '-' else encoder_figures(last_shipped(log))
    if cmd == 'improved':
        ok, why = improved(log, ev)
        print(('improved: ' if ok else 'not improved: ') + why)
        return 0 if ok else 1
    if cmd == 'append':
        kind, shipped = argv[3], argv[4] == 'yes'
        qa_shipped = shipped
        if kind == 'qa':  # the encoder stays shipped whatever happens to its QA fine-tune
            shipped = True
        qa = json.load(open(argv[5])) if len(argv) > 5 and os.path.exists(argv[5]) else None
        prev = last_shipped(log)
        base = prev['tokens_total'] if prev and kind == 'continue' else 0
        run = 0 if kind == 'qa' else ev['tokens_seen']  # a QA-only run adds no pretraining
        if kind == 'qa':
            base = prev['tokens_total'] if prev else ev['tokens_seen']
        rec = {'date': datetime.date.today().isoformat(), 'kind': kind, 'init': ev.get('args', {}).get('init_model'),
               'tokens_run': run, 'tokens_total': base + run, 'steps': ev['steps'] if run else 0,
               'wall_s': qa['train_wall_s'] if kind == 'qa' and qa else ev['train_wall_s'],
               'mlm_top1': round(ev['mlm_top1'], 4), 'mlm_top5': round(ev['mlm_top5'], 4), 'nsp_acc': round(ev['nsp_acc'], 4), 'shipped': shipped}
        if 'config' in ev:  # the depth can change between runs (PRETRAIN_LAYERS)
            rec['layers'] = ev['config']['num_hidden_layers']
        if run and ev.get('args', {}).get('lr'):  # the peak can change between continuations (PRETRAIN_LR)
            rec['peak_lr'] = ev['args']['lr']
        mlm_cmp = os.path.join(os.path.dirname(argv[2]), 'mlm-compare.json') if argv[2] != '-' else ''
        if kind == 'continue' and os.path.exists(mlm_cmp):  # what decided it through the engine (scripts/mlm-compare.ts)
            c = json.load(open(mlm_cmp))
            rec['mlm_engine_int8'] = {f'{who}_{k}': c[who][k] for who in ('candidate', 'shipped')
                                      for k in ('maskTop1', 'maskTop5', 'nspPairs')}
            rec['mlm_engine_int8'].update(masked=c.get('masked'), pairs=c.get('pairs'))
            if c.get('fp32'):  # a refusal's diagnostic: the same sentences on the fp32 files
                rec['mlm_engine_fp32'] = {f'{who}_{k}': c['fp32'][who][k] for who in ('candidate', 'shipped')
                                          for k in ('maskTop1', 'maskTop5')}
        if qa:
            rec['qa_heldout_f1'] = qa['heldout']['f1']
            rec['qa_eval_len'] = qa['args'].get('eval_len', 384)  # the evaluation window: F1 depends on it
            if 'handwritten' in qa:
                rec['qa_handwritten_f1'] = qa['handwritten']['f1']
            if not qa_shipped:
                rec['qa_shipped'] = False
            cmp_path = os.path.join(os.path.dirname(argv[5]), 'qa-compare.json')
            if os.path.exists(cmp_path):  # what decided whether it shipped (models:qa)
                c = json.load(open(cmp_path))
                rec['qa_engine_int8'] = {f'{who}_{part}_f1': c[who][part]['f1'] for who in ('candidate', 'shipped')
                                         for part in ('heldout', 'handwritten')}
        with open(log, 'a', encoding='utf-8') as f:
            f.write(json.dumps(rec) + '\n')
        print(json.dumps(rec))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


def encoder_figures(line):
    """A log line's encoder figures in eval.json's shape: a QA-only run on a machine without the pretraining build."""
    if line is None:
        sys.exit('EVAL_JSON - needs a shipped run in the log')
    ev = {k: line[k] for k in ('mlm_top1', 'mlm_top5', 'nsp_acc')}
    ev.update(tokens_seen=line['tokens_total'], steps=0, train_wall_s=0, args={'init_model': line.get('init')})
    if 'layers' in line:
        ev['config'] = {'num_hidden_layers': line['layers']}
    return ev


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

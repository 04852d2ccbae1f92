"""Model cards of the Chinese models (bert-lens-zh, bert-lens-zh-qa, word2vec-zh) from the measured numbers in the
Chinese build folder. Run through training/model_cards.py: `python3 -m training.model_cards build/zh zh`."""
import json
import os

from .model_cards import (B, LICENCE_NOTE, M, TEACHING, curve_rows, curve_table, grown_note, load, pct, plot_curve,
                          precision_note, size, source_table, attributions, target, training_log_table, whole_set_note)

# Source name (as training/corpus.py --lang zh writes it in stats.json) -> (licence, attribution)
ZH_SOURCES = {
    'KdConv + CrossWOZ dialogues': ('Apache-2.0', 'Zhou et al. (2020) KdConv and Zhu et al. (2020) CrossWOZ, '
                                                  'Tsinghua University CoAI group'),
    'Tatoeba (Chinese)': ('CC BY 2.0 FR', 'Tatoeba contributors (per-sentence attribution kept in the shared corpus)'),
    'UD Chinese-GSDSimp': ('CC BY-SA 4.0', 'Universal Dependencies, UD_Chinese-GSDSimp (Google, simplified by '
                                           'the UD contributors)'),
    'QA contexts (CMRC 2018 trial, DRCD)': ('CC BY-SA 4.0 / CC BY-SA 3.0',
                                            'paragraphs of CMRC 2018 trial (Cui et al. 2019, CC BY-SA 4.0) and DRCD '
                                            '(Shao et al. 2018, Delta Research Center, CC BY-SA 3.0)'),
    'Four classic novels': ('public domain', '三国演义, 水浒传, 红楼梦, 西游记 (14th–18th century)'),
    'chinese-poetry': ('MIT (texts public domain)', 'the chinese-poetry project (Tang and Song poems, Yuan qu), '
                                                    'converted to simplified characters'),
    'PRC laws and regulations': ('not copyrightable (PRC Copyright Law art. 5)', 'LawRefBook/Laws collection'),
}
QA_ZH_SOURCES = [
    ('CMRC 2018 trial (training)', 'CC BY-SA 4.0', 'Cui et al. (2019), "A Span-Extraction Dataset for Chinese '
                                                   'Machine Reading Comprehension"'),
    ('DRCD dev + test, traditional and OpenCC simplified (training)', 'CC BY-SA 3.0',
     'Shao et al. (2018), "DRCD: a Chinese Machine Reading Comprehension Dataset", Delta Research Center'),
    ('CMRC 2018 dev (evaluation only)', 'CC BY-SA 4.0', 'Cui et al. (2019)'),
]


def examples_rows(pr):
    return '\n'.join(f"| `{e['text']}` | {', '.join(f'{w} ({p:.2f})' for w, p in e['top5'])} |"
                     for e in (pr['examples'] if pr else []))


def seed_heads_zh(pr):
    if not pr:
        return ''
    heads = pr['seed_heads']['heads']
    res = pr['seed_heads']['resolving_heads']
    if not res:
        # Differences of +0.000 say nothing; how much any head gives the two nouns at all does.
        most, layer, head = max((w['animal'] + w['street'], li + 1, h + 1) for s in pr['seed_heads']['sentences']
                                for li, row in enumerate(s['heads']) for h, w in enumerate(row))
        return (f'No head gives 动物 more weight after 累 and 马路 more after 窄: from 它, no head puts more than '
                f'{most:.3f} on 动物 and 马路 together in either sentence (layer {layer} head {head}), and none shifts it '
                'with the adjective. At this size the model does not resolve the pronoun; what the panel shows is which '
                'characters each head looks at.')
    best = sorted(heads, key=lambda h: -min(h['tired_animal_minus_street'], h['narrow_street_minus_animal']))[:3]
    lines = ', '.join(f"layer {h['layer']} head {h['head']} (累: 动物 − 马路 {h['tired_animal_minus_street']:+.3f}; "
                      f"窄: 马路 − 动物 {h['narrow_street_minus_animal']:+.3f})" for h in best)
    return (f'{len(res)} of {len(heads)} heads give 动物 more weight than 马路 after 累 and 马路 more than 动物 after 窄. '
            f'The clearest: {lines}. At this size the differences are small; what the panel shows is which '
            'characters each head looks at.')


def zh_card():
    ev, st, tk = load('pretrain/eval.json'), load('corpus/stats.json'), load('tokenizer/tokenizer-stats.json')
    pr, eng = load('mlm-probes.json'), load('engine-eval.json')
    c, a = ev['config'], ev['args']
    folder = os.path.join(M, 'bert-lens-zh')
    rows = curve_rows('pretrain/train-log.jsonl')
    has_png = plot_curve(rows, os.path.join(folder, 'learning-curve.png'),
                         'bert-lens-zh pretraining (mask rate falls from 30% to 15% along the x axis)')
    t1, t5, nsp = ev['mlm_top1'], ev['mlm_top5'], ev['nsp_acc']
    base = pr['unigram_baseline'] if pr else None
    engine = ''
    if eng:
        engine = (f"\nThrough the BERT Lens engine (`scripts/eval-engine.ts`, {eng['maskCases']} held-out sentences with "
                  f"one Chinese character masked): top-1 fp32 {pct(eng['fp32']['maskTop1'])}, int8 "
                  f"{pct(eng['int8']['maskTop1'])}; fp32 and int8 agree on the top-1 character in "
                  f"{pct(eng['maskTop1Agreement'])} of cases.\n")
    # A continuation (models:continue) resumes the shipped weights with a warm restart; the log holds every run.
    continued = ''
    if str(a.get('init_model') or '').rstrip('/').endswith('bert-lens-zh'):
        continued = (f"\n- This run continued the shipped bert-lens-zh (`npm run models:continue -- --lang zh`): the same "
                     f"corpus and vocabulary, a warm restart with peak LR {a['lr']} and warm-up {pct(a['warmup'])}.")
        continued += grown_note(ev, " Copying layers instead (each layer twice, or the stack repeated) dropped "
                                    "held-out top-1 from 45.6% to 6% and 10% before any training.")
    log_path = os.path.join('models', 'bert-lens-zh', 'training-log.jsonl')
    runs = [json.loads(l) for l in open(log_path)] if os.path.exists(log_path) else []
    total_tokens = runs[-1]['tokens_total'] if runs else ev['tokens_seen']
    return f'''# bert-lens-zh — a small per-character Chinese BERT (masked LM + next-sentence prediction)

{TEACHING}

## Model
- Architecture: BERT encoder (`BertForPreTraining` layout, Hugging Face names), {same_as_mini(c)}:
  {c['num_hidden_layers']} layers, hidden {c['hidden_size']}, {c['num_attention_heads']} heads, feed-forward
  {c['intermediate_size']}, max positions {c['max_position_embeddings']} in training (the shipped files declare 128),
  vocabulary {c['vocab_size']:,}. Heads: masked-LM (decoder tied to the input embeddings) and NSP on `[CLS]`.
- Parameters: {ev['params']:,}.
- Files: `onnx/model.onnx` (fp32, {size(os.path.join(folder, 'onnx', 'model.onnx'))}, in the repository for the
  parity goldens and for resuming training) and `onnx/model_quantized.onnx` (int8,
  {size(os.path.join(folder, 'onnx', 'model_quantized.onnx'))}; what the `.vsix` ships). Inputs and outputs as
  bert-lens-mini (`logits`, `nsp_logits`, `last_hidden_state`).
- Tokenizer, in the BERT-Chinese style: every CJK character is its own token (中文一般是字), {tk['cjk_characters']:,}
  characters (simplified and traditional) + digits, punctuation and WordPiece pieces for the Latin words Chinese text
  mixes in; {tk['vocab_size']:,} entries. `[UNK]`: {100 * tk['unk_rate']:.3f}% of held-out tokens,
  {100 * tk['cmrc2018_dev']['unk_rate']:.3f}% on CMRC 2018 dev (`python3 -m training.build_tokenizer --lang zh`).
  transformers.js, the engine and Python give identical ids on 1,000 held-out sentences
  (`test/core/zh-tokenizer-parity.test.ts`).

## Corpus (modern written Chinese first; `$SHARED_CORPUS/open/zh_text` and the contexts of `zh_qa`)
Built by `python3 -m training.corpus --lang zh`: the PRC laws are capped at about a quarter of the characters and the poetry at
a tenth; document boundaries are kept for NSP; CMRC 2018 dev paragraphs are never in it.

{source_table(st, ZH_SOURCES, 'characters')}
Held out: {st['heldout']['documents']:,} documents ({st['heldout']['words']:,} characters);
{st['duplicate_paragraphs_dropped']:,} duplicate paragraphs dropped.

Attribution:
{attributions(st, ZH_SOURCES)}

## Pretraining
- Masked LM per character: the mask rate falls from {pct(a['mask_start'])} to {pct(a['mask_end'])} over the run
  (80% `[MASK]`, 10% random, 10% unchanged); NSP (50% true continuation) with loss weight {a['nsp_weight']}.
- AdamW, peak LR {a['lr']}, warm-up {pct(a['warmup'])} then linear decay; batch ramp
  {a.get('batch_start') or a['batch']} → {a['batch']} sequences per process × {ev['processes']} data-parallel 1-thread
  processes; sequence {a['seq']}; {precision_note(a)}.
- Initialization of the first run: the layers of bert-lens-mini (English). Only the rows of tokens both vocabularies
  share carried over (digits, punctuation, Latin pieces; `training/weights.py`); every character started random.
  Position embeddings and attention weights were kept: they are not language-specific, and transferring a monolingual
  body to a new language with new embeddings works (Artetxe et al. 2020, "On the Cross-lingual Transferability of
  Monolingual Representations").{continued}
- **This run: {ev['tokens_seen']:,} tokens (characters) in {ev['steps']:,} steps, {ev['train_wall_s'] / 60:.0f}
  minutes** on 2 CPU cores ({ev['tokens_seen'] / ev['train_wall_s']:,.0f} tokens/s; the training log's notes say what shared the cores); all runs
  together: {total_tokens:,} tokens (the training log below).

Learning curve (`build/zh/pretrain/train-log.jsonl`; smoothed training figures at the current mask rate):

{'![learning curve](learning-curve.png)' if has_png else ''}

{curve_table(rows)}
## Evaluation (held-out documents)
{ev['masked_tokens']:,} masked tokens in {ev['pairs']:,} sentence pairs at sequence {ev['max_len']}, 15% masked
80/10/10 (`training/pretrain.py` evaluate, seed 99). The baseline always answers the most frequent training characters
({', '.join('`' + t + '`' for t in base['tokens']) if base else ''}) on the same positions (`training/mlm_probes.py`).

| metric | bert-lens-zh | unigram-frequency baseline | target |
|---|---|---|---|
| MLM top-1 (per character) | **{pct(t1)}** | {pct(base['top1']) if base else '—'} | ≥ 45% — {target(t1, 0.45, scale=100)} |
| MLM top-5 | **{pct(t5)}** | {pct(base['top5']) if base else '—'} | |
| NSP accuracy | **{pct(nsp)}** | 50% | ≥ 85% — {target(nsp, 0.85, scale=100)} |
{engine}
Examples (PyTorch, fp32):

| input | top-5 |
|---|---|
{examples_rows(pr)}

The course's pair ("这只动物没有过马路，因为它太累了 / 太窄了。"), attention from 它: {seed_heads_zh(pr)}

## Training log
{training_log_table(os.path.join(folder, 'training-log.jsonl'))}
`npm run models:continue -- --lang zh --budget SECONDS` resumes from these weights; a continuation replaces the
shipped model only when the held-out figures improve.

## Reproduce
```
apt-get install -y python3-torch python3-onnx libopenblas0-pthread fasttext python3-matplotlib
npm run models:build -- --lang zh           # corpus → tokenizer → character vectors → pretrain → QA → export → cards
npm run models:continue -- --lang zh --budget 3600
```
Pretraining flags of this run: `python3 -m training.pretrain {' '.join(f'--{k.replace("_", "-")} {v}' for k, v in a.items() if v not in (None, False, 0, 0.0) and k not in ('corpus', 'tokenizer', 'out'))}`.
Parity: `test/core/embedded-parity.test.ts` (`test/golden/bert-lens-zh.json`, 1e-4).

## Licence
{LICENCE_NOTE}
'''


def layers(folder):
    return json.load(open(os.path.join(folder, 'config.json')))['num_hidden_layers']


def same_as_mini(c):
    mini = json.load(open(os.path.join(M, 'bert-lens-mini', 'config.json')))
    if mini['num_hidden_layers'] == c['num_hidden_layers']:
        return 'the same size as bert-lens-mini'
    return f"as wide as bert-lens-mini and deeper ({mini['num_hidden_layers']} layers there)"


def zh_qa_card():
    q, eng, diag = load('qa/qa-eval.json'), load('engine-eval.json'), load('qa-diagnose.json')
    whole = load('engine-qa-heldout.json')  # scripts/qa-heldout.ts --out, when it was run on this model
    folder = os.path.join(M, 'bert-lens-zh-qa')
    held, a = q['heldout'], q['args']
    src = '\n'.join(f'| {n} | {lic} | {cite} |' for n, lic, cite in QA_ZH_SOURCES)
    samples = '\n'.join(f"| {p['question']} | {p['prediction']} | {' / '.join(p['answers'])} |"
                        for p in q.get('heldout_samples', [])[:10])
    engine = ''
    if eng:
        engine = (f"\nThrough the BERT Lens engine with the shipped files (128-token windows, as in the editor; answers "
                  f"never cross a sentence end, src/core/qa.ts; `scripts/eval-engine.ts`, {eng['qaQuestions']} CMRC 2018 "
                  f"dev questions, the same metric): fp32 EM {eng['fp32']['qaExactMatch']:.1f} / F1 "
                  f"{eng['fp32']['qaF1']:.1f}, int8 EM {eng['int8']['qaExactMatch']:.1f} / F1 {eng['int8']['qaF1']:.1f}.")
        engine += whole_set_note(whole) + '\n'
    return f'''# bert-lens-zh-qa — Chinese extractive question answering on the bert-lens-zh encoder

{TEACHING}

## Model
`BertForQuestionAnswering`: the bert-lens-zh encoder ({layers(folder)} layers, the same per-character tokenizer) plus `qa_outputs`
(hidden → start, end). Files: `onnx/model.onnx` (fp32, {size(os.path.join(folder, 'onnx', 'model.onnx'))}) and
`onnx/model_quantized.onnx` (int8, {size(os.path.join(folder, 'onnx', 'model_quantized.onnx'))}, shipped). Input
`[CLS] 问题 [SEP] 段落 [SEP]`; position 0 (`[CLS]`) is the no-answer score. Answers are character spans.

## Data
| dataset | licence | citation |
|---|---|---|
{src}

Training: {q['train_paragraphs']:,} paragraphs, {q['train_windows']:,} windows of {a['max_len']} tokens (stride
{a['stride']}); each question keeps the windows that hold its answer and {negatives(a)} without it, labelled `[CLS]`. CMRC 2018 dev is never trained on (nor in the
pretraining text).

## Training
{q['steps']:,} steps of batch {a['batch']} × {a['procs']} processes ({q['windows_seen']:,} windows), AdamW lr
{a['lr']}, dropout {a.get('dropout') or 0}, {q['train_wall_s'] / 60:.0f} minutes on 2 CPU cores.{DROPOUT_WHY if a.get('dropout') else ''}

## Evaluation: CMRC 2018 dev with the CMRC metric
The official CMRC 2018 scoring: each Chinese character is a segment (Latin words and numbers stay whole),
punctuation dropped; EM on the segments, F1 from their longest common substring (`training/qa_squad.py`
`cmrc_em_f1`, PyTorch fp32, {a.get('eval_len', 384)}-token windows, stride {a.get('eval_stride', 128)}).

| set | questions | exact match | F1 | target |
|---|---|---|---|---|
| CMRC 2018 dev | {held['questions']:,} | **{held['exact_match']}** | **{held['f1']}** | F1 ≥ 40 — {target(held['f1'], 40)} |
{hand_row(q.get('handwritten'))}{engine}{diagnosis(diag)}
Examples (question | prediction | gold):

| question | prediction | gold |
|---|---|---|
{samples}

## Reproduce
`npm run models:qa -- --lang zh` (a fine-tune of the shipped encoder on any machine: `QA_BUDGET={a.get('time_budget', 0):g}
QA_EPOCHS={a.get('epochs', 2):g} QA_NEGATIVES={a.get('negatives', 1)}` for this one), `npm run models:build -- --lang zh`
(QA stage only: `MODELS_FROM=qa`), or by hand:
`/usr/bin/python3 -m training.qa_squad {' '.join(f'--{k.replace("_", "-")} {v}' for k, v in a.items() if v not in (None, False, '', 0) and k != 'open')}`.
Parity: `test/core/embedded-parity.test.ts` (`test/golden/bert-lens-zh-qa.json`).

## Licence
{LICENCE_NOTE}
'''


DROPOUT_WHY = ''' Dropout is on (pretraining runs
without) because this QA set is small enough to memorise: three dropout-free fine-tunes reached F1 86 on their own
training questions and 27 on CMRC 2018 dev (diagnosis below, when it was run on this model).'''


def negatives(a):
    n = a.get('negatives', 1)
    return 'the first window' if n == 1 else f'{n} windows drawn at random'


def hand_row(h):
    """The hand-written Chinese set (written for the project; npm test holds the engine to a floor on it)."""
    if not h:
        return ''
    return (f"| hand-written (`test/data/qa-handwritten-zh.json`) | {h['questions']} | {h['exact_match']} | {h['f1']} | |\n")


def diagnosis(d):
    """Memorisation and window choice (training/qa_diagnose.py), when that was run on this model."""
    if not d:
        return ''
    row = lambda name, r: (f"| {name} | {r['all_windows']['exact_match']} / {r['all_windows']['f1']} | "
                           f"{r['answer_windows']['exact_match']} / {r['answer_windows']['f1']} |")
    return f"""
Where the F1 goes (`/usr/bin/python3 -m training.qa_diagnose models/bert-lens-zh-qa --n {d['questions_per_set']}`,
{d['questions_per_set']} questions per set, fp32, {d['window']}-token windows): EM / F1 when the best span of every
window competes (as in the editor), and when only the windows that hold the answer do.

| questions | all windows | answer windows only |
|---|---|---|
{row('trained on (DRCD, CMRC 2018 trial)', d['trained_on'])}
{row('held out (CMRC 2018 dev)', d['heldout'])}
"""


def categories_section(s):
    c = s.get('categories')
    if not c:
        return ''
    return f'''
## Held-out check: do characters of one category find each other?
{c['characters']} everyday characters in 15 hand-written categories (numbers, colours, directions, body, animals, kin,
weather, seasons, metals, plants, food and drink, motion, feelings, waters, particles; `training/word2vec_eval.py`,
never seen in training). `/usr/bin/python3 -m training.word2vec_eval models/word2vec-zh/vectors.bin`:

| measure | value |
|---|---|
| P@5 over the vocabulary: share of a category character's 5 nearest neighbours in its own category (what the hover shows) | {c['p5_vocabulary']:.3f} |
| P@3 among the category characters only | {c['p3_categories']:.3f} |
''' + (f"\n{s['categories_note']}\n" if s.get('categories_note') else '')


def zh_w2v_card():
    s = load('w2v/w2v-stats.json')
    threads = s['command'].split('-thread ')[1].split()[0]
    rows = '\n'.join(f"| {w} | {', '.join(f'{n} ({c:.2f})' for n, c in ns) or '(not in the vocabulary)'} |"
                     for w, ns in s['neighbours'].items())
    return f'''# word2vec-zh — static character vectors for BERT Lens's "static vs contextual" view

{TEACHING}

- One fixed vector per character, whatever the context: the '干哈呢' lesson. 干 has one vector here, while
  bert-lens-zh gives 干 a different vector in 你在干哈呢, 干杯 and 干净.
- Skip-gram with negative sampling (word2vec) over characters — each CJK character is a word, as in the
  per-character BERT — with Debian's fastText CLI, subwords off: `{s['command']}`.
- Corpus: the training text of bert-lens-zh (sources, licences and attribution in `../bert-lens-zh/README.md`),
  punctuation dropped: {s['corpus_words']:,} tokens. Kept: {s['vocab_kept']:,} characters and Latin words ×
  {s['dims']} dimensions; {s['epochs']} epochs, {s['train_wall_s'] / 60:.1f} minutes of wall time ({threads} thread{'s' if threads != '1' else ''}).
- Format: `vectors.bin`, word2vec binary, as word2vec-mini.
{categories_section(s)}
## Nearest neighbours (cosine)
| character | neighbours |
|---|---|
{rows}

## Reproduce
`/usr/bin/python3 -m training.word2vec build/zh/corpus build/zh/w2v models/word2vec-zh {s['epochs']} {threads} zh` (part of
`npm run models:build -- --lang zh`).

## Licence
{LICENCE_NOTE}
'''


CARDS = (('bert-lens-zh', zh_card), ('bert-lens-zh-qa', zh_qa_card), ('word2vec-zh', zh_w2v_card))

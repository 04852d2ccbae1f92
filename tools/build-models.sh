#!/usr/bin/env bash
# Rebuilds the embedded models end to end: corpus → WordPiece tokenizer → BERT pretraining (MLM + NSP) → QA
# fine-tune → ONNX export + parity goldens → model cards. Training (pretraining ~61 min + QA 10 min) stays within
# 90 minutes on 2 CPU cores; corpus, tokenizer and word2vec add about 7 minutes (measured on an idle machine here).
# Outputs: models/{bert-lens-mini,bert-lens-mini-qa,word2vec-mini}, test/golden/{bert-lens-mini*,mini-tokenizer-ids}.json
# Work files (corpus, checkpoints, logs) go to build/ (git-ignored). `npm test` never runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3   # Debian's Python with python3-torch (not a pyenv python3 earlier on PATH)
B=${BUILD_DIR:-build}
GUTENBERG=${GUTENBERG_DIR:-$(cd .. && pwd)/shared/corpus/gutenberg}
PRETRAIN_STEPS=${PRETRAIN_STEPS:-10000}     # optimizer steps (batch per process x 2 processes)
PRETRAIN_LONG_STEPS=${PRETRAIN_LONG_STEPS:-300}  # the last steps at sequence 512 (positions 128-511 learn)
PRETRAIN_BATCH=${PRETRAIN_BATCH:-12}      # sequences per process per step
PRETRAIN_LR=${PRETRAIN_LR:-8e-4}
PRETRAIN_BUDGET=${PRETRAIN_BUDGET:-3900}   # seconds: a cap; on a slower machine the schedule is compressed to fit
QA_BUDGET=${QA_BUDGET:-600}
FROM=${MODELS_FROM:-corpus}   # resume at a stage (corpus|tokenizer|word2vec|pretrain|qa|export); earlier outputs in $B are reused
STAGES=(corpus tokenizer word2vec pretrain qa export)
[[ " ${STAGES[*]} " == *" $FROM "* ]] || { echo "MODELS_FROM must be one of: ${STAGES[*]}" >&2; exit 2; }
from() {  # true when stage $1 is at or after $FROM
  local s; for s in "${STAGES[@]}"; do [ "$s" = "$FROM" ] && return 0; [ "$s" = "$1" ] && return 1; done
}

need() { echo "models:build needs $1. Install: $2" >&2; exit 1; }
$PY -c 'import torch, onnx' 2>/dev/null || need "python3-torch and python3-onnx" \
  "apt-get install -y python3-torch python3-onnx libopenblas0-pthread"
[ -e /usr/lib/x86_64-linux-gnu/libopenblas.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libopenblas.so.0 ] || \
  echo "warning: libopenblas0-pthread missing, training will be ~25x slower" >&2
command -v fasttext >/dev/null || need "the fastText CLI" "apt-get install -y fasttext"
for f in /usr/share/wordnet/data.noun /usr/share/dictd/gcide.dict.dz /usr/share/dictd/foldoc.dict.dz \
         /usr/share/dictd/jargon.dict.dz /usr/share/dictd/devil.dict.dz /usr/share/doc/python3.11/html/_sources; do
  [ -e "$f" ] || need "$f" "apt-get install -y --no-install-recommends wordnet-base dict-gcide dict-foldoc \
dict-jargon dict-devil bible-kjv-text bible-kjv python3.11-doc"
done
command -v bible >/dev/null || need "the bible program" "apt-get install -y bible-kjv bible-kjv-text"
[ -d "$GUTENBERG" ] || need "the Gutenberg books in $GUTENBERG" "set GUTENBERG_DIR to ../shared/corpus/gutenberg"

mkdir -p "$B"
if from corpus; then
  echo "== corpus"; $PY tools/corpus_debian.py "$B/corpus/debian"
  $PY tools/corpus.py "$GUTENBERG" "$B/corpus/debian" "$B/corpus"
fi
if from tokenizer; then echo "== tokenizer"; $PY tools/build_tokenizer.py "$B/corpus" "$B/tokenizer" 8000; fi
if from word2vec; then
  echo "== word2vec"
  $PY tools/word2vec.py "$B/corpus" "$B/w2v" models/word2vec-mini 5 2 > "$B/w2v.log" 2>&1
  tail -1 "$B/w2v.log"
fi
if from pretrain; then
echo "== pretraining (log: $B/pretrain/stdout.log)"
# Step-driven schedule (deterministic for a seed on an idle machine); the time budget only compresses the schedule
# and stops early when the machine is slower or busy. Two 1-thread data-parallel processes (see tools/pretrain.py).
rm -rf "$B/pretrain"; mkdir -p "$B/pretrain"
$PY tools/pretrain.py --corpus "$B/corpus" --tokenizer "$B/tokenizer" --out "$B/pretrain" --procs 2 \
  --steps "$PRETRAIN_STEPS" --long-steps "$PRETRAIN_LONG_STEPS" --batch "$PRETRAIN_BATCH" --long-batch 8 \
  --lr "$PRETRAIN_LR" --time-budget "$PRETRAIN_BUDGET" > "$B/pretrain/stdout.log"
tail -1 "$B/pretrain/stdout.log" | cut -c1-300
fi
if from qa; then
echo "== QA fine-tune"
$PY tools/qa_finetune.py --corpus "$B/corpus" --tokenizer "$B/tokenizer" --pretrained "$B/pretrain/ckpt.pt" \
  --out "$B/qa" --time-budget "$QA_BUDGET" > "$B/qa-stdout.log"
tail -1 "$B/qa-stdout.log"
fi
echo "== export + goldens + model cards"
$PY tools/export_models.py --build "$B"
$PY tools/model_cards.py "$B"
du -ch models/*/onnx/*.onnx models/word2vec-mini/vectors.bin | tail -1

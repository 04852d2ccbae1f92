#!/usr/bin/env bash
# Rebuilds the embedded models end to end: corpus → WordPiece tokenizer → BERT pretraining (MLM + NSP) → QA
# fine-tune → word2vec → ONNX export + parity goldens → model cards. About 1.5 hours on 2 CPU cores.
# Outputs: models/{bert-lens-mini,bert-lens-mini-qa,word2vec-mini}, test/golden/{bert-lens-mini*,mini-tokenizer-ids}.json
# Work files (corpus, checkpoints, logs) go to build/ (git-ignored). `npm test` never runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3   # Debian's Python with python3-torch (not a pyenv python3 earlier on PATH)
B=${BUILD_DIR:-build}
GUTENBERG=${GUTENBERG_DIR:-$(cd .. && pwd)/shared/corpus/gutenberg}
PRETRAIN_BUDGET=${PRETRAIN_BUDGET:-3000}   # seconds; the schedule decays over this wall time (see tools/pretrain.py)
PRETRAIN2_BUDGET=${PRETRAIN2_BUDGET:-1800}  # a warm-restart continuation (as the shipped model was trained); 0 = skip
QA_BUDGET=${QA_BUDGET:-900}

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
echo "== corpus"; $PY tools/corpus_debian.py "$B/corpus/debian"
$PY tools/corpus.py "$GUTENBERG" "$B/corpus/debian" "$B/corpus"
echo "== tokenizer"; $PY tools/build_tokenizer.py "$B/corpus" "$B/tokenizer" 8000
echo "== word2vec (background)"
$PY tools/word2vec.py "$B/corpus" "$B/w2v" models/word2vec-mini 5 1 > "$B/w2v.log" 2>&1 &
W2V=$!
echo "== pretraining (log: $B/pretrain/stdout.log)"
rm -rf "$B/pretrain"; mkdir -p "$B/pretrain"
$PY tools/pretrain.py --corpus "$B/corpus" --tokenizer "$B/tokenizer" --out "$B/pretrain" --steps 2800 \
  --long-steps 150 --batch 32 --long-batch 8 --lr 8e-4 --time-budget "$PRETRAIN_BUDGET" > "$B/pretrain/stdout.log"
tail -1 "$B/pretrain/stdout.log"
if [ "$PRETRAIN2_BUDGET" != 0 ]; then
  echo "== pretraining, warm-restart continuation"
  cp "$B/pretrain/ckpt.pt" "$B/pretrain/ckpt-phase1.pt"; cp "$B/pretrain/eval.json" "$B/pretrain/eval-phase1.json"
  $PY tools/pretrain.py --corpus "$B/corpus" --tokenizer "$B/tokenizer" --out "$B/pretrain" \
    --init "$B/pretrain/ckpt-phase1.pt" --seed 2 --steps 100000 --long-steps 6000 --warmup 0.0005 --lr 5e-4 \
    --batch 32 --long-batch 8 --time-budget "$PRETRAIN2_BUDGET" > "$B/pretrain/stdout2.log"
  tail -1 "$B/pretrain/stdout2.log"
fi
echo "== QA fine-tune"
$PY tools/qa_finetune.py --corpus "$B/corpus" --tokenizer "$B/tokenizer" --pretrained "$B/pretrain/ckpt.pt" \
  --out "$B/qa" --time-budget "$QA_BUDGET" > "$B/qa-stdout.log"
tail -1 "$B/qa-stdout.log"
wait "$W2V"
echo "== export + goldens + model cards"
$PY tools/export_models.py --build "$B"
$PY tools/model_cards.py "$B"
du -ch models/*/onnx/*.onnx models/word2vec-mini/vectors.bin | tail -1

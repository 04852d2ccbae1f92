"""Rewrite a shipped model's onnx/model_quantized.onnx from its fp32 onnx/model.onnx with the current quantizer
(export_onnx.quantize_dynamic), without retraining: for quantizer changes, so that a shipped model and a new run are
compared with the same int8 recipe.

    /usr/bin/python3 -m training.requantize models/bert-lens-mini [models/bert-lens-mini-qa ...]

The exporter quantizes before export_onnx.dedupe_tied replaces the decoder's transposed copy of the word table by a
Transpose; that copy is put back as a constant first (export_onnx.undo_tied), so the result is what a fresh export
would write (checked byte-identical on bert-lens-mini with the quantizer before 2026-12-06's per-column change)."""
import os
import sys
import tempfile

import onnx

from .export_onnx import quantize_dynamic, undo_tied


def requantize(folder):
    src = os.path.join(folder, 'onnx', 'model.onnx')
    with tempfile.TemporaryDirectory() as tmp:
        plain = os.path.join(tmp, 'model.onnx')
        onnx.save(undo_tied(onnx.load(src)), plain)
        quantize_dynamic(plain, os.path.join(folder, 'onnx', 'model_quantized.onnx'))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: python3 -m training.requantize MODEL_FOLDER [MODEL_FOLDER ...]')
    for f in sys.argv[1:]:
        requantize(f)
        print('requantized', f)

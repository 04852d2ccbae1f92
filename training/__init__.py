"""The Python side of BERT Lens: the reference PyTorch BERT, the data pipeline, pretraining, QA fine-tuning, ONNX
export, goldens and model cards. Run modules from the repository root: `/usr/bin/python3 -m training.<module>`
(README.md in this folder lists them).

Deliberately empty: pretrain.py and qa_squad.py must set the OpenBLAS/OpenMP thread variables before torch loads,
so importing the package must not import torch."""

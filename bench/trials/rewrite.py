"""Shared by the attention trials (fuse_mha.py, fuse_qkv_attention.py): a lean graph's nodes with some replaced by one
fused node each, a Cast of attention_mask to int32 (what the fused nodes take as their mask) before the first of them,
and every node and initializer that only the replaced ones needed dropped (their shape arithmetic, their weights)."""
import sys

import onnx
from onnx import TensorProto, helper

MASK = 'mask_int32'
# The attention block as torch 1.13 exports training/bert.py, by node name suffix (the trials match by name; the engine
# by structure, src/core/model/fuse-attention.ts).
BLOCK = ['Reshape', 'Reshape_1', 'Reshape_2', 'Transpose', 'Transpose_1', 'Transpose_2', 'MatMul', 'Div_1', 'Add',
         'Softmax', 'MatMul_1', 'Transpose_3', 'Reshape_3']


def blocks(model):
    """(name prefix, nodes by name) of each attention block whose probabilities are not a graph output."""
    nodes = list(model.graph.node)
    by_name = {n.name: n for n in nodes}
    outputs = {o.name for o in model.graph.output}
    for sm in (n for n in nodes if n.op_type == 'Softmax'):
        p = sm.name[:-len('Softmax')]
        if sm.output[0] not in outputs and all(p + s in by_name for s in BLOCK):
            yield p, by_name  # else a tapped attention (the lean graph's layer 1) or another pattern: left as it is


def main(fuse, what):
    """`python3 TRIAL.py IN.onnx OUT.onnx HEADS`: fuse(model, heads) → how many blocks, then saved."""
    src, dst, heads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    model = onnx.load(src)
    print(f'{fuse(model, heads)} {what}')
    onnx.save(model, dst)


def replace_nodes(model, replace):
    """replace: node name → the node written in its place. Adds the com.microsoft opset."""
    g = model.graph
    outputs = {o.name for o in g.output}
    cast = helper.make_node('Cast', ['attention_mask'], [MASK], name=MASK, to=TensorProto.INT32)
    out = []
    for n in g.node:
        if n.name in replace:
            if cast not in out:
                out.append(cast)
            out.append(replace[n.name])
        else:
            out.append(n)
    needed, kept = set(outputs), []
    for n in reversed(out):
        if any(o in needed for o in n.output):
            kept.append(n)
            needed.update(i for i in n.input if i)
    del g.node[:]
    g.node.extend(reversed(kept))
    keep = [i for i in g.initializer if i.name in needed]
    del g.initializer[:]
    g.initializer.extend(keep)
    model.opset_import.append(helper.make_opsetid('com.microsoft', 1))

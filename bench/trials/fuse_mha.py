"""Trial (issue 13, not used by the engine): each self-attention block of a lean encoder graph whose attention is not
a graph output rewritten into one com.microsoft MultiHeadAttention node (the projected Q, K, V in; no head reshapes or
transposes, no separate scores, mask, softmax and product nodes), to see whether onnxruntime runs it faster.

  /usr/bin/python3 bench/trials/fuse_mha.py LEAN.onnx FUSED.onnx HEADS

LEAN.onnx comes from `bench/op-profile.ts ... --write`; time the pair with bench/graph-pair.ts. Matches the attention
block as torch 1.13 exports training/bert.py (Reshape → Transpose → MatMul → Div → Add mask → Softmax → MatMul →
Transpose → Reshape); the mask there is (1 − mask) × float32 min, so that is the node's mask_filter_value.
"""
import sys

import onnx
from onnx import helper
from rewrite import MASK, replace_nodes

BLOCK = ['Reshape', 'Reshape_1', 'Reshape_2', 'Transpose', 'Transpose_1', 'Transpose_2', 'MatMul', 'Div_1', 'Add',
         'Softmax', 'MatMul_1', 'Transpose_3', 'Reshape_3']


def fuse(model, heads):
    g = model.graph
    nodes = list(g.node)
    by_name = {n.name: n for n in nodes}
    outputs = {o.name for o in g.output}
    replace = {}
    for sm in (n for n in nodes if n.op_type == 'Softmax'):
        p = sm.name[:-len('Softmax')]
        if sm.output[0] in outputs or not all(p + s in by_name for s in BLOCK):
            continue  # a tapped attention (the lean graph's layer 1) or another pattern: left as it is
        q, k, v = (by_name[p + s].input[0] for s in ('Reshape', 'Reshape_1', 'Reshape_2'))
        replace[p + 'Reshape_3'] = helper.make_node(
            'MultiHeadAttention', [q, k, v, '', MASK], [by_name[p + 'Reshape_3'].output[0]], name=p + 'MHA',
            domain='com.microsoft', num_heads=heads, mask_filter_value=-3.4028234663852886e38)
    replace_nodes(model, replace)
    return len(replace)


def main():
    src, dst, heads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    model = onnx.load(src)
    print(f'{fuse(model, heads)} attention blocks fused')
    onnx.save(model, dst)


if __name__ == '__main__':
    main()

"""Trial (issue 13, not used by the engine): each self-attention block of a lean encoder graph whose attention is not
a graph output rewritten into one com.microsoft MultiHeadAttention node (the projected Q, K, V in; no head reshapes or
transposes, no separate scores, mask, softmax and product nodes), to see whether onnxruntime runs it faster.

  /usr/bin/python3 bench/trials/fuse_mha.py LEAN.onnx FUSED.onnx HEADS

LEAN.onnx comes from `bench/op-profile.ts ... --write LEAN.onnx --unfused`; time the pair with bench/graph-pair.ts. Matches the attention
block as torch 1.13 exports training/bert.py (Reshape → Transpose → MatMul → Div → Add mask → Softmax → MatMul →
Transpose → Reshape); the mask there is (1 − mask) × float32 min, so that is the node's mask_filter_value.
"""
from onnx import helper
from rewrite import MASK, blocks, main, replace_nodes



def fuse(model, heads):
    replace = {}
    for p, by_name in blocks(model):
        q, k, v = (by_name[p + s].input[0] for s in ('Reshape', 'Reshape_1', 'Reshape_2'))
        replace[p + 'Reshape_3'] = helper.make_node(
            'MultiHeadAttention', [q, k, v, '', MASK], [by_name[p + 'Reshape_3'].output[0]], name=p + 'MHA',
            domain='com.microsoft', num_heads=heads, mask_filter_value=-3.4028234663852886e38)
    replace_nodes(model, replace)
    return len(replace)


if __name__ == '__main__':
    main(fuse, 'attention blocks fused')

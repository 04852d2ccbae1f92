"""Trial (issue 13, not used by the engine): each untapped self-attention block of a lean encoder graph, *with* its
Q, K and V projections, rewritten into one com.microsoft Attention node (fp32: the three weight matrices concatenated
into one [H, 3H] GEMM inside the node) or QAttention (int8: the dynamically quantized input, int8 weights concatenated,
per-column scales), to see whether onnxruntime runs that faster than MultiHeadAttention over separate projections
(src/core/model/fuse-attention.ts).

  /usr/bin/python3 bench/trials/fuse_qkv_attention.py LEAN.onnx OUT.onnx HEADS

LEAN.onnx: the lean graph before fuse-attention.ts (`bench/op-profile.ts … --write LEAN.onnx --unfused`).
Matches torch 1.13's export of training/bert.py by node names, as bench/trials/fuse_mha.py does.
"""
import numpy as np
from onnx import helper, numpy_helper
from rewrite import MASK, blocks, main, replace_nodes



def fuse(model, heads):
    g = model.graph
    prod = {o: n for n in g.node for o in n.output}
    init = {i.name: i for i in g.initializer}
    for n in g.node:
        if n.op_type == 'Identity' and n.input[0] in init:
            init[n.output[0]] = init[n.input[0]]
    arr = lambda name: numpy_helper.to_array(init[name])
    replace, new_inits = {}, []
    for p, by_name in blocks(model):
        adds = [prod[by_name[p + s].input[0]] for s in ('Reshape', 'Reshape_1', 'Reshape_2')]  # bias Adds of q, k, v
        biases, mms = [], []
        for a in adds:
            b = next(i for i in a.input if i in init)
            biases.append(arr(b))
            mms.append(prod[next(i for i in a.input if i not in init)])
        tag = p + 'qkv'
        bias = numpy_helper.from_array(np.concatenate(biases), tag + '_bias')
        if mms[0].op_type == 'MatMul':  # fp32
            w = np.concatenate([arr(m.input[1]) for m in mms], axis=1)
            new_inits += [numpy_helper.from_array(w, tag + '_w'), bias]
            node = helper.make_node('Attention', [mms[0].input[0], tag + '_w', tag + '_bias', MASK],
                                    [by_name[p + 'Reshape_3'].output[0]], name=tag, domain='com.microsoft',
                                    num_heads=heads, mask_filter_value=-3.4028234663852886e38)
        else:  # int8: Mul(Cast(MatMulInteger(xq, Wq, xzp, wzp)), Mul(x_scale, w_scale))
            mmi = [prod[prod[m.input[0]].input[0]] for m in mms]  # Mul ← Cast ← MatMulInteger
            scales = [prod[m.input[1]] for m in mms]
            x_scale = next(i for i in scales[0].input if i not in init)
            w_scales = [arr(next(i for i in s.input if i in init)).item() for s in scales]
            w = np.concatenate([arr(m.input[1]) for m in mmi], axis=1)
            cols = w.shape[1] // 3
            ws = np.concatenate([np.full(cols, s, np.float32) for s in w_scales])
            zp = arr(mmi[0].input[3])
            new_inits += [numpy_helper.from_array(w, tag + '_w'), bias, numpy_helper.from_array(ws, tag + '_ws'),
                          numpy_helper.from_array(zp, tag + '_wzp')]
            node = helper.make_node('QAttention', [mmi[0].input[0], tag + '_w', tag + '_bias', x_scale, tag + '_ws',
                                                   MASK, mmi[0].input[2], tag + '_wzp'],
                                    [by_name[p + 'Reshape_3'].output[0]], name=tag, domain='com.microsoft',
                                    num_heads=heads)
        replace[p + 'Reshape_3'] = node
    g.initializer.extend(new_inits)
    replace_nodes(model, replace)
    return len(replace)


if __name__ == '__main__':
    main(fuse, 'attention blocks fused with their projections')

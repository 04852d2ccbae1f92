"""Trial (issue 13, not used by the engine): one DynamicQuantizeMatMul per projection. The quantizer writes one
DynamicQuantizeLinear for an activation read by several projections (BERT's query, key and value), and onnxruntime
then fuses it with its three MatMulIntegers into MatMulIntegerToFloat nodes only. Copies of the quantization, one per
reader, do not help: onnxruntime's common-subexpression pass merges them back. So each projection (MatMulInteger →
Cast → Mul by the scales → bias Add) is written as one com.microsoft DynamicQuantizeMatMul, as onnxruntime fuses the
layer's other products; each quantizes the same activation the same way, so the outputs should not change.

  /usr/bin/python3 bench/trials/split_dql.py IN.onnx OUT.onnx

IN.onnx: a lean int8 graph (`bench/op-profile.ts MODEL/onnx/model_quantized.onnx --write IN.onnx`). Time the pair
with bench/graph-pair.ts.
"""
import sys
from collections import defaultdict

import onnx
from onnx import helper


def main(src, dst):
    m = onnx.load(src)
    g = m.graph
    consumers = defaultdict(list)
    for n in g.node:
        for i in n.input:
            consumers[i].append(n)
    producer = {o: n for n in g.node for o in n.output}
    inits = {t.name for t in g.initializer}

    def const(t):  # an initializer, also behind Identity nodes (the exporter's shared zero biases)
        return t in inits or (t in producer and producer[t].op_type == 'Identity' and const(producer[t].input[0]))

    gone, out, split = set(), [], 0
    for n in g.node:
        users = consumers.get(n.output[0], []) if n.op_type == 'DynamicQuantizeLinear' else []
        if len(users) < 2 or any(u.op_type != 'MatMulInteger' for u in users):
            continue
        for u in users:
            # As the quantizer writes it: MatMulInteger → Cast → Mul(·, input scale × weight scale) → Add(bias).
            cast = consumers[u.output[0]][0]
            mul = consumers[cast.output[0]][0]
            scales = producer[next(i for i in mul.input if i != cast.output[0])]
            add = consumers[mul.output[0]][0]
            bias = next(i for i in add.input if i != mul.output[0])
            w_scale = next(i for i in scales.input if i != n.output[1])
            assert add.op_type == 'Add' and const(bias) and const(u.input[1])
            fused = helper.make_node('DynamicQuantizeMatMul', [n.input[0], u.input[1], w_scale, u.input[3], bias],
                                     [add.output[0]], name=f'{u.name}_dqmm', domain='com.microsoft')
            gone.update(id(x) for x in (u, cast, mul, scales, add))
            out.append((id(add), fused))
        gone.add(id(n))
        split += 1
    at = dict(out)
    nodes = [at.get(id(x), x) for x in g.node if id(x) not in gone or id(x) in at]
    if not any(o.domain == 'com.microsoft' for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    del g.node[:]
    g.node.extend(nodes)
    onnx.save(m, dst)
    print(f'{split} shared quantizations: each reader one DynamicQuantizeMatMul')


if __name__ == '__main__':
    main(*sys.argv[1:3])

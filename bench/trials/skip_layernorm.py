"""Trial (issue 13, not used by the engine): each residual Add whose only reader is a LayerNormalization over the last
axis, with that LayerNormalization, rewritten into one com.microsoft SkipLayerNormalization — on onnxruntime's own
optimized graph, where the decomposed layer norms of the export are already LayerNormalization nodes and the biases
are inside the (DynamicQuantize)MatMul nodes.

  node --import tsx bench/op-profile.ts MODEL.onnx --write LEAN.onnx      # the lean graph, attention fused
  node -e "require('onnxruntime-node').InferenceSession.create(process.argv[1], { optimizedModelFilePath: process.argv[2] })" LEAN.onnx OPT.onnx
  /usr/bin/python3 bench/trials/skip_layernorm.py OPT.onnx SKIP.onnx
  node --import tsx bench/graph-pair.ts OPT.onnx SKIP.onnx 40
"""
import collections
import sys

import onnx
from onnx import helper


def fuse(model):
    g = model.graph
    producer = {o: n for n in g.node for o in n.output}
    readers = collections.defaultdict(list)
    for n in g.node:
        for i in n.input:
            readers[i].append(n)
    outputs = {o.name for o in g.output}
    weights = {i.name for i in g.initializer}
    dropped, replaced = set(), {}
    for ln in g.node:
        axis = next((a.i for a in ln.attribute if a.name == 'axis'), -1)
        if ln.op_type != 'LayerNormalization' or axis != -1:
            continue
        add = producer.get(ln.input[0])
        if (not add or add.op_type != 'Add' or len(readers[add.output[0]]) != 1 or add.output[0] in outputs
                or any(i in weights for i in add.input)):
            continue  # a bias Add, or a sum something else reads
        eps = next((a.f for a in ln.attribute if a.name == 'epsilon'), 1e-5)
        beta = ln.input[2] if len(ln.input) > 2 else ''
        replaced[id(ln)] = helper.make_node('SkipLayerNormalization', [add.input[0], add.input[1], ln.input[1], beta],
                                            [ln.output[0]], name=ln.name + '/skip', domain='com.microsoft', epsilon=eps)
        dropped.add(id(add))
    nodes = [replaced.get(id(n), n) for n in g.node if id(n) not in dropped]
    del g.node[:]
    g.node.extend(nodes)
    if not any(o.domain == 'com.microsoft' for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    return len(replaced)


if __name__ == '__main__':
    m = onnx.load(sys.argv[1])
    print(f'{fuse(m)} residual Adds + LayerNormalization fused')
    onnx.save(m, sys.argv[2])

"""Trial (issue 13, not used by the engine): sibling projections merged into one GEMM. Where two or more MatMuls (fp32)
or MatMulIntegers (int8, dynamically quantized input) read the same activation with constant weights of the same
input width, each followed by its bias Add, they become one MatMul over the concatenated weights, one bias Add and a
Split — BERT's query, key and value projections are three such siblings in every layer, whatever the exporter.

  /usr/bin/python3 bench/trials/merge_qkv.py IN.onnx OUT.onnx

IN.onnx: the lean graph before fuse-attention.ts (`bench/op-profile.ts … --write IN.onnx --unfused`). Time the pair
with bench/graph-pair.ts. int8: the weights' zero points must be equal (per-tensor symmetric); their
scales become one per-column vector.
"""
import sys
from collections import defaultdict

import numpy as np
import onnx
from onnx import helper, numpy_helper


def chain(n, consumers, init):
    """The nodes from a projection to its bias Add's output, with the weight, the weight's scale (int8) and the bias."""
    def only(t, op):
        c = consumers.get(t, [])
        return c[0] if len(c) == 1 and c[0].op_type == op else None

    if n.op_type == 'MatMul':
        add = only(n.output[0], 'Add')
        if not add:
            return None
        bias = next((i for i in add.input if i != n.output[0]), None)
        if bias not in init or n.input[1] not in init:
            return None
        return {'nodes': [n, add], 'w': init[n.input[1]], 'bias': init[bias], 'out': add.output[0]}
    if n.op_type == 'MatMulInteger':
        cast = only(n.output[0], 'Cast')
        mul = cast and only(cast.output[0], 'Mul')
        add = mul and only(mul.output[0], 'Add')
        if not add:
            return None
        scale_t = next(i for i in mul.input if i != cast.output[0])
        scale_mul = next((m for m in nodes_by_output.get(scale_t, []) if m.op_type == 'Mul'), None)
        bias = next((i for i in add.input if i != mul.output[0]), None)
        if not scale_mul or bias not in init or n.input[1] not in init or n.input[3] not in init:
            return None
        w_scale = next((i for i in scale_mul.input if i in init), None)
        a_scale = next((i for i in scale_mul.input if i not in init), None)
        if w_scale is None or a_scale is None or len(consumers[scale_t]) != 1:
            return None
        return {'nodes': [n, cast, scale_mul, mul, add], 'w': init[n.input[1]], 'zp': init[n.input[3]],
                'w_scale': init[w_scale], 'a_scale': a_scale, 'bias': init[bias], 'out': add.output[0]}
    return None


nodes_by_output = {}


def merge(model):
    g = model.graph
    init = {i.name: i for i in g.initializer}
    for n in g.node:  # torch's exporter shares equal initializers through Identity nodes
        if n.op_type == 'Identity' and n.input[0] in init:
            init[n.output[0]] = init[n.input[0]]
    consumers = defaultdict(list)
    for n in g.node:
        for i in n.input:
            consumers[i].append(n)
        for o in n.output:
            nodes_by_output.setdefault(o, []).append(n)
    groups = defaultdict(list)
    for n in g.node:
        if n.op_type in ('MatMul', 'MatMulInteger'):
            c = chain(n, consumers, init)
            if c and len(c['w'].dims) == 2:
                groups[(n.op_type, n.input[0], c['w'].dims[0])].append(c)
    drop, insert_at, merged = set(), {}, 0
    for (op, a, _), cs in groups.items():
        if len(cs) < 2:
            continue
        if op == 'MatMulInteger':
            zps = {numpy_helper.to_array(c['zp']).item() for c in cs}
            if len(zps) != 1 or any(numpy_helper.to_array(c['zp']).size != 1 for c in cs):
                continue
        merged += 1
        tag = f'merged_{merged}'
        ws = [numpy_helper.to_array(c['w']) for c in cs]
        widths = [w.shape[1] for w in ws]
        bias = np.concatenate([numpy_helper.to_array(c['bias']) for c in cs])
        g.initializer.extend([numpy_helper.from_array(np.concatenate(ws, axis=1), tag + '_w'),
                              numpy_helper.from_array(bias, tag + '_b'),
                              numpy_helper.from_array(np.array(widths, dtype=np.int64), tag + '_split')])
        new = []
        if op == 'MatMul':
            new.append(helper.make_node('MatMul', [a, tag + '_w'], [tag + '_mm'], name=tag + '_mm'))
        else:
            first = cs[0]['nodes'][0]
            scales = np.concatenate([np.full(w, numpy_helper.to_array(c['w_scale']).item(), np.float32)
                                     for w, c in zip(widths, cs)])
            g.initializer.append(numpy_helper.from_array(scales, tag + '_ws'))
            new += [helper.make_node('MatMulInteger', [a, tag + '_w', first.input[2], first.input[3]], [tag + '_mmi'],
                                     name=tag + '_mmi'),
                    helper.make_node('Cast', [tag + '_mmi'], [tag + '_cast'], name=tag + '_cast', to=1),
                    helper.make_node('Mul', [cs[0]['a_scale'], tag + '_ws'], [tag + '_s'], name=tag + '_s'),
                    helper.make_node('Mul', [tag + '_cast', tag + '_s'], [tag + '_mm'], name=tag + '_scaled')]
        new += [helper.make_node('Add', [tag + '_mm', tag + '_b'], [tag + '_add'], name=tag + '_add'),
                helper.make_node('Split', [tag + '_add', tag + '_split'], [c['out'] for c in cs], name=tag + '_split',
                                 axis=-1)]
        for c in cs:
            drop.update(id(n) for n in c['nodes'])
        insert_at[id(cs[-1]['nodes'][-1])] = new
    out = []
    for n in g.node:
        if id(n) in insert_at:
            out.extend(insert_at[id(n)])
        if id(n) not in drop:
            out.append(n)
    # place every merged block after the last of its inputs' producers: sort topologically
    produced = {i.name for i in g.initializer} | {i.name for i in g.input}
    ordered, pending = [], out
    while pending:
        rest = []
        for n in pending:
            if all(not i or i in produced for i in n.input):
                ordered.append(n)
                produced.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise RuntimeError('cycle')
        pending = rest
    del g.node[:]
    g.node.extend(ordered)
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    return merged


def main():
    model = onnx.load(sys.argv[1])
    print(f'{merge(model)} groups of sibling projections merged')
    onnx.save(model, sys.argv[2])


if __name__ == '__main__':
    main()

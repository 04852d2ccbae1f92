"""Shared by the attention trials (fuse_mha.py, fuse_qkv_attention.py): a lean graph's nodes with some replaced by one
fused node each, a Cast of attention_mask to int32 (what the fused nodes take as their mask) before the first of them,
and every node and initializer that only the replaced ones needed dropped (their shape arithmetic, their weights)."""
from onnx import TensorProto, helper

MASK = 'mask_int32'


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

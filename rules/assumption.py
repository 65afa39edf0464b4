"""assumption: replace a side of an `assume` entry, or Σ_k y_k by 1 for onehot/simplex y."""
from derivcheck.canon import canonical_bound
from derivcheck.rulebase import Rule


def transform(node, env, scope):
    for lhs, rhs, line in env.ctx.assumptions:
        if type(node) is type(lhs) and canonical_bound(node) == canonical_bound(lhs):
            env.note("assumption", f"{lhs} = {rhs}" + (f" (line {line})" if line else " (declared kind)"))
            return rhs
    return node


RULE = Rule(
    name="assumption",
    summary="use an `assume` entry or a domain fact (Σ_k y_k = 1 for one-hot y)",
    statement=r"\sum_k y_k = 1 \quad (y\ \text{one-hot or simplex}),\ \text{and each `assume' entry}",
    side_conditions=("each assume entry is checked numerically on the declared domains",),
    aliases=("assume", "assumptions", "one-hot", "onehot"),
    examples=(("Sum(y[k], k) * x", "x"),),
    transform=transform,
)

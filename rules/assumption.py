"""assumption: replace a side of an `assume` entry, or Σ_k y_k by 1 for onehot/simplex y."""
from derivcheck.calculus import FROZEN, constrains, free_indices, within
from derivcheck.canon import canonical_bound
from derivcheck.rulebase import Rule, fill

SIDE_CONDITIONS = ("lhs = rhs (source)",
                   "not inside a derivative by a variable the entry involves: a fact about values is no fact "
                   "about their derivatives",
                   "a free index of the entry, where a sum binds it, ranges within its declared range")


def _in_range(lhs, rhs, scope, ctx):
    """An entry's free indices hold over their declared ranges: where a sum binds one, its range must lie inside."""
    for index in free_indices(lhs, set(ctx.ranges)) | free_indices(rhs, set(ctx.ranges)):
        if index in scope and not within(scope[index], *ctx.ranges[index]):
            return False
    return True


def transform(node, env, scope):
    for lhs, rhs, line in env.ctx.assumptions:
        if type(node) is type(lhs) and canonical_bound(node) == canonical_bound(lhs):
            if constrains(lhs, rhs, scope.get(FROZEN, ()), env.ctx):
                return node  # D(Σ_k y_k, y_j) is 1, though Σ_k y_k = 1 for a one-hot y
            if not _in_range(lhs, rhs, scope, env.ctx):
                return node  # z[i] = 0 for i in 2..N says nothing of z[1] in Σ_{i=1}^{N} z[i]
            source = f"line {line}" if line else "declared kind"
            env.note("assumption", fill(SIDE_CONDITIONS[0], lhs=lhs, rhs=rhs, source=source))
            return rhs
    return node


RULE = Rule(
    name="assumption",
    summary="use an `assume` entry or a domain fact (Σ_k y_k = 1 for one-hot y)",
    statement=r"\sum_k y_k = 1 \quad (y\ \text{one-hot or simplex}),\ \text{and each `assume' entry}",
    side_conditions=SIDE_CONDITIONS,
    aliases=("assume", "assumptions", "one-hot", "onehot"),
    examples=(("Sum(y[k], k) * x", "x"),),
    transform=transform,
)

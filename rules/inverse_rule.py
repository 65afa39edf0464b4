"""inverse_rule: ∂(X⁻¹)_rc/∂X_ij = −(X⁻¹)_ri (X⁻¹)_jc, and Σ_k (X⁻¹)_ak X_kb = δ_ab over X's range."""
from sympy import Indexed, KroneckerDelta, Mul, Sum

from derivcheck.calculus import D
from derivcheck.linalg import InvEntry, invertible, is_symmetric
from derivcheck.rulebase import Rule, fill

# X⁻¹ stands in the node rewritten, so X is invertible wherever the expression is defined (a note, as
# g ≠ 0 for a quotient), or it is declared positive-definite; the range is proved or the law does not fire
SIDE_CONDITIONS = (
    "X is invertible: X is declared positive-definite",
    "X is invertible: X⁻¹ is written, so the expression is defined only where X⁻¹ exists",
    "k ∈ lo..hi, the whole range of X",
)


def _invertible(base, node, env):
    why = invertible(base, env.ctx, (node,))
    env.note("inverse_rule", fill(SIDE_CONDITIONS[0 if why == "posdef" else 1], X=base.label))


def _derivative(node, env):
    f, x = node.args
    if isinstance(f, InvEntry) and isinstance(x, Indexed) and len(x.indices) == 2 and f.args[0] == x.base:
        base, r, c = f.args
        i, j = x.indices
        _invertible(base, node, env)
        return -InvEntry(base, r, i) * InvEntry(base, j, c)
    return node


def _pair(factors, k, env):
    """(a, b, the two factors) for (X⁻¹)_ak X_kb or X_ak (X⁻¹)_kb among factors, else None."""
    for f in factors:
        if not isinstance(f, InvEntry):
            continue
        base, r0, c0 = f.args
        arr = env.ctx.array_of(base)
        for g in factors:
            if not (isinstance(g, Indexed) and g.base == base and len(g.indices) == 2):
                continue
            for (r, c), (g0, g1) in _orders((r0, c0), g.indices, is_symmetric(base)):
                if c == k and g0 == k and not r.has(k) and not g1.has(k):
                    return r, g1, (f, g), arr
                if r == k and g1 == k and not c.has(k) and not g0.has(k):
                    return g0, c, (f, g), arr
    return None


def _orders(inv_indices, indices, symmetric):
    """The index pairs to try: as written, and for a symmetric X (whose X⁻¹ is symmetric) swapped too."""
    if not symmetric:
        return [(inv_indices, indices)]
    flips = (lambda p: p, lambda p: (p[1], p[0]))
    return [(a(inv_indices), b(indices)) for a in flips for b in flips]


def _law(node, env):
    body, limits = node.function, list(node.limits)
    factors = Mul.make_args(body)
    for pos, (k, lo, hi) in enumerate(limits):
        found = _pair(factors, k, env)
        if found is None:
            continue
        a, b, used, arr = found
        if arr is None or (lo, hi) != arr.axes[0]:
            continue  # the identity needs the sum over X's whole range
        rest = [f for f in factors if f not in used]
        if any(f.has(k) for f in rest):
            continue
        _invertible(arr.base, node, env)
        env.note("inverse_rule", fill(SIDE_CONDITIONS[2], k=k, lo=lo, hi=hi, X=arr.base.label))
        new = Mul(*rest) * KroneckerDelta(a, b)
        others = limits[:pos] + limits[pos + 1:]
        return Sum(new, *others) if others else new
    return node


def transform(node, env, scope):
    if isinstance(node, D):
        return _derivative(node, env)
    if isinstance(node, Sum):
        return _law(node, env)
    return node


RULE = Rule(
    name="inverse_rule",
    summary="∂X⁻¹ = −X⁻¹ ∂X X⁻¹ entry by entry: ∂(X⁻¹)_rc/∂X_ij = −(X⁻¹)_ri (X⁻¹)_jc; and X⁻¹ X = I: "
            "Σ_k (X⁻¹)_ak X_kb = δ_ab",
    statement=r"\frac{\partial (X^{-1})_{rc}}{\partial X_{ij}} = -(X^{-1})_{ri} (X^{-1})_{jc},\quad "
              r"\sum_k (X^{-1})_{ak} X_{kb} = \delta_{ab}",
    side_conditions=SIDE_CONDITIONS,
    aliases=("inverse rule", "derivative of the inverse", "inverse", "matrix inverse"),
    examples=(),
    transform=transform,
)

"""delta_sift: Σ_k δ_jk f_k = f_j when j lies in k's range (declared ranges, no Piecewise)."""
from sympy import Add, KroneckerDelta, Mul, Sum, expand

from derivcheck.calculus import substitute, within
from derivcheck.rulebase import Rule, fill

SIDE_CONDITIONS = ("j ∈ lo..hi",)  # proved from the declared ranges, else no rewrite


def _sift(term, limits, env, scope):
    """term with one δ(a, k) (k bound by limits) sifted: (new term, remaining limits), or None."""
    inner = dict(scope)
    for k, lo, hi in reversed(limits):  # a name bound twice (a merged Sum) means its innermost binding
        inner[k] = (lo, hi)
    for factor in Mul.make_args(term):
        if not isinstance(factor, KroneckerDelta):
            continue
        for pos, (k, lo, hi) in enumerate(limits):
            if k not in factor.args or any(lim[0] == k for lim in limits[:pos]):
                continue  # an inner limit binding k again hides this one from the body
            a = factor.args[0] if factor.args[1] == k else factor.args[1]
            if a == k or a.has(k) or any(a.has(lim[0]) for lim in limits[:pos]):
                continue  # a must not be bound inside k's sum
            if within(env.ctx.index_range(a, inner), lo, hi):
                rest = Mul(*[g for g in Mul.make_args(term) if g is not factor])
                inside = Sum(rest, *limits[:pos]) if pos else rest  # the inner limits may use k too
                env.note("delta_sift", fill(SIDE_CONDITIONS[0], j=a, lo=lo, hi=hi))
                return substitute(inside, {k: a}, env.ctx.parameters), limits[pos + 1:]
    return None


def transform(node, env, scope):
    if not isinstance(node, Sum):
        return node
    limits = list(node.limits)
    body = node.function
    terms = Add.make_args(expand(body, power_exp=False) if body.has(KroneckerDelta) else body)
    out, kept, changed = [], [], False
    for term in terms:
        sifted = _sift(term, limits, env, scope)
        if sifted is None:
            kept.append(term)
            continue
        changed = True
        new, rest = sifted  # new carries the limits inside the sifted one
        out.append(Sum(new, *rest) if rest else new)
    if not changed:
        return node
    return Add(*out) + (Sum(Add(*kept), *limits) if kept else 0)


RULE = Rule(
    name="delta_sift",
    summary="Σ_k δ_jk f_k = f_j, for j inside k's range",
    statement=r"\sum_{k=lo}^{hi} \delta_{jk} f_k = f_j",
    side_conditions=SIDE_CONDITIONS,
    aliases=("delta sift", "sifting", "sifting property", "kronecker sift"),
    examples=(("Sum(exp(z[k]) * delta(j, k), k)", "exp(z[j])"), ("Sum(delta(k, i) * z[k] + z[k], k)", "z[i] + Sum(z[k], k)")),
    transform=transform,
)

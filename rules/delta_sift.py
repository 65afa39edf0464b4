"""delta_sift: Σ_k δ_jk f_k = f_j when j lies in k's range (declared ranges, no Piecewise)."""
from sympy import Add, KroneckerDelta, Mul, Sum, expand

from derivcheck.rulebase import Rule


def _inside(env, a, lo, hi, scope):
    rng = env.ctx.index_range(a, scope)
    if rng is None:
        return False
    return (rng[0] - lo).is_nonnegative is True and (hi - rng[1]).is_nonnegative is True


def transform(node, env, scope):
    if not isinstance(node, Sum) or len(node.limits) != 1:
        return node
    k, lo, hi = node.limits[0]
    body = node.function
    terms = Add.make_args(expand(body) if body.has(KroneckerDelta) else body)
    sifted, kept, changed = [], [], False
    for term in terms:
        done = False
        for factor in Mul.make_args(term):
            if isinstance(factor, KroneckerDelta) and k in factor.args:
                a = factor.args[0] if factor.args[1] == k else factor.args[1]
                if a == k or a.has(k):
                    continue
                if _inside(env, a, lo, hi, scope):
                    env.note("delta_sift", f"{a} ∈ {lo}..{hi}")
                    rest = Mul(*[g for g in Mul.make_args(term) if g is not factor])
                    sifted.append(rest.xreplace({k: a}))
                    done = changed = True
                    break
        if not done:
            kept.append(term)
    if not changed:
        return node
    return Add(*sifted) + (Sum(Add(*kept), (k, lo, hi)) if kept else 0)


RULE = Rule(
    name="delta_sift",
    summary="Σ_k δ_jk f_k = f_j, for j inside k's range",
    statement=r"\sum_{k=lo}^{hi} \delta_{jk} f_k = f_j",
    side_conditions=("j is an integer within lo..hi (from its declaration)",),
    aliases=("delta sift", "sifting", "sifting property", "kronecker sift"),
    examples=(("Sum(exp(z[k]) * delta(j, k), k)", "exp(z[j])"), ("Sum(delta(k, i) * z[k] + z[k], k)", "z[i] + Sum(z[k], k)")),
    transform=transform,
)

"""algebra: rearranging without calculus; the engine compares both sides in one normal form."""
from derivcheck.rulebase import Rule


def transform(node, env, scope):
    return node  # algebra is the normal form of derivcheck.canon, applied to both sides


RULE = Rule(
    name="algebra",
    summary="rearranging without calculus, anywhere: expand, factor, cancel, exp/log laws, "
    "Σ(f + g) = Σf + Σg, constants in and out of Σ, renaming a bound index",
    statement=r"a = b \quad\text{when } a - b \text{ normalises to } 0",
    side_conditions=("denominators are nonzero where the expression is defined",),
    aliases=("algebra", "simplify", "simplification", "rearrange", "factor", "expand", "cancel", "arithmetic"),
    examples=(("Sum(2 * z[k] + x, k)", "2 * Sum(z[n], n) + N * x"), ("exp(z[i] + z[j])", "exp(z[i]) * exp(z[j])")),
    transform=transform,
    role="bookkeeping",
)

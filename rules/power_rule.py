"""power_rule: D(uⁿ, x) = n·uⁿ⁻¹·D(u, x) for a constant exponent n (sqrt is u^(1/2))."""
from sympy import Pow

from derivcheck.calculus import D, depends
from derivcheck.rulebase import Rule, fill

# n free of x is proved (else no rewrite); the others are the domain of uⁿ: notes, not hypotheses
SIDE_CONDITIONS = ("n does not depend on x", "u ≠ 0", "u > 0")  # u ≠ 0: n a negative integer; u > 0: n not an integer


def power(node, env, rule="power_rule"):
    """D(uⁿ, x) = n uⁿ⁻¹ D(u, x) for n free of x, its domain noted under rule's name; else None."""
    f, x = node.args
    if not isinstance(f, Pow):
        return None
    u, n = f.args
    if depends(n, x, env.ctx):
        return None
    if not (n.is_integer and n.is_nonnegative):
        env.note(rule, fill(SIDE_CONDITIONS[1 if n.is_integer else 2], u=u))
    return n * u ** (n - 1) * D(u, x)


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    out = power(node, env)
    return node if out is None else out


RULE = Rule(
    name="power_rule",
    summary="D(uⁿ, x) = n uⁿ⁻¹ D(u, x) (any constant n, negative too)",
    statement=r"\frac{\partial u^n}{\partial x} = n\,u^{n-1}\frac{\partial u}{\partial x}",
    side_conditions=SIDE_CONDITIONS,
    aliases=("power rule", "reciprocal rule"),
    examples=(
        ("D(Sum(exp(z[k]), k)**-1, z[j])", "-Sum(exp(z[k]), k)**-2 * D(Sum(exp(z[k]), k), z[j])"),
        ("D(x**3, x)", "3 * x**2"),
    ),
    transform=transform,
)

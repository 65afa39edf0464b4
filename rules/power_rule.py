"""power_rule: D(uⁿ, x) = n·uⁿ⁻¹·D(u, x) for a constant exponent n (sqrt is u^(1/2))."""
from sympy import Pow

from derivcheck.calculus import D, depends
from derivcheck.rulebase import Rule


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    if not isinstance(f, Pow):
        return node
    u, n = f.args
    if depends(n, x, env.ctx):
        return node
    if not (n.is_integer and n.is_nonnegative):
        env.note("power_rule", f"{u} ≠ 0" if n.is_integer else f"{u} > 0")
    return n * u ** (n - 1) * D(u, x)


RULE = Rule(
    name="power_rule",
    summary="D(uⁿ, x) = n uⁿ⁻¹ D(u, x) (any constant n, negative too)",
    statement=r"\frac{\partial u^n}{\partial x} = n\,u^{n-1}\frac{\partial u}{\partial x}",
    side_conditions=("n does not depend on x", "u ≠ 0 for negative n; u > 0 for non-integer n"),
    aliases=("power rule", "reciprocal rule"),
    examples=(
        ("D(Sum(exp(z[k]), k)**-1, z[j])", "-Sum(exp(z[k]), k)**-2 * D(Sum(exp(z[k]), k), z[j])"),
        ("D(x**3, x)", "3 * x**2"),
    ),
    transform=transform,
)

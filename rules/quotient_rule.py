"""quotient_rule: D(f/g) = (D f·g − f·D g)/g², with f/g split by sympy's fraction()."""
from sympy import fraction

from derivcheck.calculus import D
from derivcheck.rulebase import Rule, fill

SIDE_CONDITIONS = ("g ≠ 0",)  # the domain of f/g: a note, not a hypothesis


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    num, den = fraction(f, exact=True)
    if den == 1:
        return node
    env.note("quotient_rule", fill(SIDE_CONDITIONS[0], g=den))
    return (D(num, x) * den - num * D(den, x)) / den**2


RULE = Rule(
    name="quotient_rule",
    summary="D(f/g) = (D f·g − f·D g)/g²",
    statement=r"\frac{\partial}{\partial x}\frac{f}{g} = \frac{\frac{\partial f}{\partial x} g - f \frac{\partial g}{\partial x}}{g^2}",
    side_conditions=SIDE_CONDITIONS,
    aliases=("quotient rule", "division rule", "derivative of a quotient"),
    examples=(
        ("D(exp(z[i]) / Sum(exp(z[k]), k), z[j])",
         "(D(exp(z[i]), z[j]) * Sum(exp(z[k]), k) - exp(z[i]) * D(Sum(exp(z[k]), k), z[j])) / Sum(exp(z[k]), k)**2"),
    ),
    transform=transform,
)

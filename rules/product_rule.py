"""product_rule: D(f·g) = D f·g + f·D g, for any number of factors."""
from sympy import Add, Mul

from derivcheck.calculus import D
from derivcheck.rulebase import Rule


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    coeff, rest = f.as_coeff_Mul()
    factors = Mul.make_args(rest)
    if len(factors) < 2:
        return node
    terms = []
    for pos, factor in enumerate(factors):
        others = factors[:pos] + factors[pos + 1:]
        terms.append(D(factor, x) * Mul(*others))
    return coeff * Add(*terms)


RULE = Rule(
    name="product_rule",
    summary="D(f·g) = D f·g + f·D g",
    statement=r"\frac{\partial (f g)}{\partial x} = \frac{\partial f}{\partial x} g + f \frac{\partial g}{\partial x}",
    side_conditions=(),
    aliases=("product rule", "leibniz rule"),
    examples=(("D(z[i] * exp(z[j]), z[m])", "D(z[i], z[m]) * exp(z[j]) + z[i] * D(exp(z[j]), z[m])"),),
    transform=transform,
)

"""exp_rule: D(e^u) = e^u·D u."""
from sympy import exp

from derivcheck.calculus import D
from derivcheck.rulebase import Rule


def transform(node, env, scope):
    if isinstance(node, D) and isinstance(node.args[0], exp):
        u = node.args[0].args[0]
        return node.args[0] * D(u, node.args[1])
    return node


RULE = Rule(
    name="exp_rule",
    summary="D(e^u) = e^u D u",
    statement=r"\frac{\partial e^u}{\partial x} = e^u \frac{\partial u}{\partial x}",
    aliases=("exp rule", "exponential rule", "derivative of exp"),
    examples=(("D(exp(z[i]), z[j])", "exp(z[i]) * D(z[i], z[j])"), ("D(exp(2 * x), x)", "2 * exp(2 * x)")),
    transform=transform,
)

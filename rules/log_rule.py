"""log_rule: D(log u) = D u / u."""
from sympy import log

from derivcheck.calculus import D
from derivcheck.rulebase import Rule, fill

SIDE_CONDITIONS = ("u > 0",)  # the domain of log u: a note, not a hypothesis


def transform(node, env, scope):
    if isinstance(node, D) and isinstance(node.args[0], log):
        u = node.args[0].args[0]
        env.note("log_rule", fill(SIDE_CONDITIONS[0], u=u))
        return D(u, node.args[1]) / u
    return node


RULE = Rule(
    name="log_rule",
    summary="D(log u) = D u / u",
    statement=r"\frac{\partial \log u}{\partial x} = \frac{1}{u}\frac{\partial u}{\partial x}",
    side_conditions=SIDE_CONDITIONS,
    aliases=("log rule", "logarithm rule", "derivative of log"),
    examples=(("D(log(exp(z[i]) + 1), z[j])", "D(exp(z[i]) + 1, z[j]) / (exp(z[i]) + 1)"),),
    transform=transform,
)

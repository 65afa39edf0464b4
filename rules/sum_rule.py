"""sum_rule: the derivative of a sum is the sum of the derivatives (finite sums too)."""
from sympy import Add, Sum

from derivcheck.calculus import D, rename_bound
from derivcheck.rulebase import Rule


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    if isinstance(f, Add):
        return Add(*[D(t, x) for t in f.args])
    if isinstance(f, Sum):
        f = rename_bound(f, x.free_symbols)
        return Sum(D(f.function, x), *f.limits)
    return node


RULE = Rule(
    name="sum_rule",
    summary="D(f + g) = D f + D g, and D(Σ_k f_k) = Σ_k D f_k",
    statement=r"\frac{\partial}{\partial x}(f+g) = \frac{\partial f}{\partial x} + \frac{\partial g}{\partial x},"
    r"\quad \frac{\partial}{\partial x}\sum_{k} f_k = \sum_{k} \frac{\partial f_k}{\partial x}",
    side_conditions=("the sum is finite (its range does not depend on x)",),
    aliases=("sum rule", "linearity", "sum of derivatives", "derivative of a sum"),
    examples=(
        ("D(exp(z[i]) + z[i], z[j])", "D(exp(z[i]), z[j]) + D(z[i], z[j])"),
        ("D(Sum(exp(z[k]), k), z[j])", "Sum(D(exp(z[k]), z[j]), k)"),
    ),
    transform=transform,
)

"""constant_rule: what does not depend on x has derivative 0 and factors out of D."""
from sympy import Integer, Mul

from derivcheck.calculus import D, depends
from derivcheck.rulebase import Rule


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    if not depends(f, x, env.ctx):
        return Integer(0)
    if isinstance(f, Mul):
        const = [a for a in f.args if not depends(a, x, env.ctx)]
        if const:
            rest = [a for a in f.args if depends(a, x, env.ctx)]
            return Mul(*const) * D(Mul(*rest), x)
    return node


RULE = Rule(
    name="constant_rule",
    summary="D(c, x) = 0 for c free of x; D(c·f) = c·D f",
    statement=r"\frac{\partial c}{\partial x} = 0,\quad \frac{\partial (c f)}{\partial x} = c\,\frac{\partial f}{\partial x}",
    side_conditions=("c does not depend on x (no entry of x's array, through definitions too)",),
    aliases=("constant rule", "constant", "constant factor"),
    examples=(("D(exp(t), x)", "0"), ("D(3 * exp(t) * z[i], z[j])", "3 * exp(t) * D(z[i], z[j])")),
    transform=transform,
    role="bookkeeping",
)

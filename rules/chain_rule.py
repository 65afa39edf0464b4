"""chain_rule: D(F(u), x) = F'(u)·D(u, x) for the functions of SPEC §3."""
from sympy import Pow, cos, exp, log, sin, tanh

from derivcheck.calculus import D, depends
from derivcheck.rulebase import Rule

OUTER = {
    exp: lambda u: exp(u),
    log: lambda u: 1 / u,
    tanh: lambda u: 1 - tanh(u) ** 2,
    sin: lambda u: cos(u),
    cos: lambda u: -sin(u),
}


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    if type(f) in OUTER:
        (u,) = f.args
        if f.func is log:
            env.note("chain_rule", f"{u} > 0")
        return OUTER[type(f)](u) * D(u, x)
    if isinstance(f, Pow) and not depends(f.args[1], x, env.ctx):
        u, n = f.args
        return n * u ** (n - 1) * D(u, x)
    return node


RULE = Rule(
    name="chain_rule",
    summary="D(F(u), x) = F'(u) D(u, x)",
    statement=r"\frac{\partial F(u)}{\partial x} = F'(u)\,\frac{\partial u}{\partial x}",
    side_conditions=("F is exp, log (u > 0), tanh, sin, cos or a constant power",),
    aliases=("chain rule",),
    examples=(("D(tanh(x**2), x)", "(1 - tanh(x**2)**2) * 2 * x"), ("D(sin(z[i]), z[j])", "cos(z[i]) * D(z[i], z[j])")),
    transform=transform,
)

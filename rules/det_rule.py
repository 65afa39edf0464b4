"""det_rule: Jacobi's formula ∂det X/∂X_ij = det X · (X⁻¹)_ji."""
from sympy import Indexed

from derivcheck.calculus import D
from derivcheck.linalg import DetOf, InvEntry
from derivcheck.rulebase import Rule


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    if isinstance(f, DetOf) and isinstance(x, Indexed) and len(x.indices) == 2 and f.args[0] == x.base:
        i, j = x.indices
        env.note("det_rule", f"{x.base.label} is invertible")
        return f * InvEntry(x.base, j, i)
    return node


RULE = Rule(
    name="det_rule",
    summary="Jacobi's formula: ∂det X/∂X_ij = det X (X⁻¹)_ji, i.e. ∂det X = det X tr(X⁻¹ ∂X)",
    statement=r"\frac{\partial \det X}{\partial X_{ij}} = \det X \, (X^{-1})_{ji}",
    side_conditions=("X is invertible (as written, with X⁻¹)",),
    aliases=("det rule", "jacobi's formula", "jacobi formula", "derivative of the determinant", "determinant"),
    examples=(),
    transform=transform,
)

"""det_rule: Jacobi's formula ∂det X/∂X_ij = det X · (X⁻¹)_ji, where X is known invertible."""
from sympy import Indexed

from derivcheck.calculus import D
from derivcheck.linalg import DetOf, InvEntry, invertible
from derivcheck.rulebase import Rule, fill

# X⁻¹ exists: proved from the declarations (posdef), or the link writes X⁻¹ and so is stated only
# where it exists (a dense set: both sides, continuous, agree there); otherwise the rule does not fire
SIDE_CONDITIONS = (
    "X is invertible: X is declared positive-definite",
    "X is invertible: the link writes X⁻¹, so it is stated where X⁻¹ exists",
)
_WHY = {"posdef": SIDE_CONDITIONS[0], "written": SIDE_CONDITIONS[1]}


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    if isinstance(f, DetOf) and isinstance(x, Indexed) and len(x.indices) == 2 and f.args[0] == x.base:
        why = invertible(x.base, env.ctx, env.sides)
        if why is None:
            return node  # X⁻¹ is not known to exist here: the link stays unproved by this rule
        i, j = x.indices
        env.note("det_rule", fill(_WHY[why], X=x.base.label))
        return f * InvEntry(x.base, j, i)
    return node


RULE = Rule(
    name="det_rule",
    summary="Jacobi's formula: ∂det X/∂X_ij = det X (X⁻¹)_ji, i.e. ∂det X = det X tr(X⁻¹ ∂X), for X invertible",
    statement=r"\frac{\partial \det X}{\partial X_{ij}} = \det X \, (X^{-1})_{ji}",
    side_conditions=SIDE_CONDITIONS,
    aliases=("det rule", "jacobi's formula", "jacobi formula", "derivative of the determinant", "determinant"),
    examples=(),
    transform=transform,
)

"""index_rule: D(z_i, z_j) = δ_ij, one δ per index for entries of several indices; D(x, x) = 1."""
from sympy import Indexed, Integer, KroneckerDelta, Mul

from derivcheck.calculus import D
from derivcheck.rulebase import Rule


def self_derivative(node, scope=None):
    """D(x, x) = 1: the one place this identity lives. The engine applies it at every node of every
    check, whatever the rules named (textbooks do it silently); index_rule applies it too."""
    if isinstance(node, D) and node.args[0] == node.args[1]:
        return Integer(1)
    return node


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    if isinstance(f, Indexed) and isinstance(x, Indexed) and f.base == x.base and len(f.indices) == len(x.indices):
        return Mul(*[KroneckerDelta(a, b) for a, b in zip(f.indices, x.indices)])
    return self_derivative(node)


RULE = Rule(
    name="index_rule",
    summary="D(z_i, z_j) = δ_ij; entries of several indices give one δ per index; D(x, x) = 1",
    statement=r"\frac{\partial z_i}{\partial z_j} = \delta_{ij}",
    side_conditions=("the entries of one array are independent variables",),
    aliases=("index rule", "kronecker delta", "kronecker", "partial of an entry"),
    examples=(("D(z[i], z[j])", "delta(i, j)"), ("D(x, x)", "1")),
    transform=transform,
    role="bookkeeping",
)

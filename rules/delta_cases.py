"""delta_cases: under i = j, δ_ij = 1 and j may be renamed i; under i ≠ j, δ_ij = 0."""
from sympy import Integer, KroneckerDelta, Symbol

from derivcheck.rulebase import Rule


def _holds(op, a, b, args):
    return set(args) == {a, b}


def transform(node, env, scope):
    for op, a, b in env.conditions:
        if isinstance(node, KroneckerDelta) and _holds(op, a, b, node.args):
            env.note("delta_cases", f"{a} {'=' if op == 'eq' else '≠'} {b}")
            return Integer(1 if op == "eq" else 0)
        if op == "eq" and isinstance(node, Symbol) and node not in scope:
            old, new = (b, a) if isinstance(b, Symbol) else (a, b)
            if node == old:
                env.note("delta_cases", f"{a} = {b}: {old} renamed {new}")
                return new
    return node


RULE = Rule(
    name="delta_cases",
    summary="δ_ij = 1 when i = j (and j may be renamed i), 0 when i ≠ j; merging cases back into δ form",
    statement=r"\delta_{ij} = \begin{cases} 1 & i = j \\ 0 & i \neq j \end{cases}",
    side_conditions=("only inside a case whose `when` states i == j or i != j",),
    aliases=("delta cases", "cases", "kronecker cases", "case split"),
    examples=(),
    transform=transform,
)

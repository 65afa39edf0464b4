"""delta_cases: under a == b, δ_ab = 1 and b may be renamed a; under a ≠ b, δ_ab = 0 (indices, sizes, labels)."""
from sympy import Indexed, Integer, KroneckerDelta, Symbol

from derivcheck.rulebase import Rule


def _shown(op, a, b):
    return f"{a} {'=' if op == 'eq' else '≠'} {b}"


def _free_here(terms, scope):
    """Whether no symbol of terms is bound by a Sum enclosing the node (scope holds their indices)."""
    return not any(s in scope for t in terms for s in t.free_symbols)


def _renaming(a, b):
    """(old, new) for a == b: an index or size symbol is renamed first (b before a), else a label entry."""
    for old, new in ((b, a), (a, b)):
        if isinstance(old, Symbol):
            return old, new
    for old, new in ((b, a), (a, b)):
        if isinstance(old, Indexed):
            return old, new
    return None, None


def transform(node, env, scope):
    for op, a, b in env.conditions:
        if not _free_here((a, b), scope):
            continue  # a condition on the free a, b says nothing about the indices a Sum binds here
        if isinstance(node, KroneckerDelta) and set(node.args) == {a, b}:
            env.note("delta_cases", _shown(op, a, b))
            return Integer(1 if op == "eq" else 0)
        if op == "eq":
            old, new = _renaming(a, b)
            if old is not None and node == old and old != new:
                env.note("delta_cases", f"{_shown(op, a, b)}: {old} renamed {new}")
                return new
    return node


RULE = Rule(
    name="delta_cases",
    summary="δ_ij = 1 when i = j (and j may be renamed i), 0 when i ≠ j; merging cases back into δ form",
    statement=r"\delta_{ij} = \begin{cases} 1 & i = j \\ 0 & i \neq j \end{cases}",
    side_conditions=("only inside a case whose `when` states i == j or i != j",
                     "never inside a Sum that binds a name of the condition"),
    aliases=("delta cases", "cases", "kronecker cases", "case split"),
    examples=(),
    transform=transform,
)

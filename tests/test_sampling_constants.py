"""The integers a derivation uses (the sampled sizes go past each) are found by one walk, exactly as
SymPy's atoms() finds them: in every entry's indices, δ's arguments and Sum's bounds, nested anywhere."""
from pathlib import Path

from hypothesis import given, settings, strategies as st
from sympy import Add, Indexed, IndexedBase, Integer, KroneckerDelta, Mul, Sum, Symbol, exp

from derivcheck.evidence.sampling import constants
from derivcheck.load import load_file

ROOT = Path(__file__).parent.parent


def reference(exprs):
    """The old definition, by atoms() once per type."""
    def ints(e):
        return {abs(int(a)) for a in e.atoms(Integer)}

    found = {0}
    for expr in exprs:
        if not hasattr(expr, "atoms"):
            continue
        for e in expr.atoms(Indexed):
            for i in e.indices:
                found |= ints(i)
        for e in expr.atoms(KroneckerDelta):
            for a in e.args[:2]:
                found |= ints(a)
        for e in expr.atoms(Sum):
            for _, lo, hi in e.limits:
                found |= ints(lo) | ints(hi)
    return found


class _NoContext:
    ranges, arrays = {}, {}


def _corpus():
    files = [p for d in ("derivcheck/builtins", "tests/data", "examples/seeds") for p in sorted((ROOT / d).rglob("*.yaml"))]
    for path in files:
        try:
            derivs = load_file(path)
        except Exception:  # a file meant to be refused: nothing to walk
            continue
        for d in derivs:
            yield path.name, [d.claim_lhs, d.claim_rhs] + [s.expr for s in d.steps()] + \
                [x.body for x in d.ctx.definitions.values() if x.body is not None]


def test_the_corpus_gives_the_constants_atoms_gives():
    seen = 0
    for name, exprs in _corpus():
        assert constants(exprs, (), _NoContext) == reference(exprs), name
        seen += 1
    assert seen >= 20


I, J, K = (Symbol(n, integer=True) for n in "ijk")
N = Symbol("N", integer=True, positive=True)
X, y = IndexedBase("X", real=True), IndexedBase("y", integer=True)

index = st.one_of(st.sampled_from([I, J, K, N]), st.integers(-9, 9).map(Integer),
                  st.tuples(st.sampled_from([I, J, N]), st.integers(-9, 9)).map(lambda t: t[0] + t[1]))


def _extend(inner):
    return st.one_of(
        st.tuples(inner, inner).map(lambda t: Add(*t)),
        st.tuples(inner, inner).map(lambda t: Mul(*t)),
        inner.map(exp),
        st.tuples(index, index).map(lambda t: KroneckerDelta(*t)),
        st.tuples(inner, index).map(lambda t: X[t[1], y[t[1] + 1]] * t[0]),
        st.tuples(inner, st.sampled_from([I, J, K]), index, index).map(lambda t: Sum(t[0], (t[1], t[2], t[3]))),
    )


expressions = st.recursive(st.one_of(index, st.tuples(index, index).map(lambda t: X[t])), _extend, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(expressions, min_size=1, max_size=4))
def test_any_expression_gives_the_constants_atoms_gives(exprs):
    assert constants(exprs, (), _NoContext) == reference(exprs)

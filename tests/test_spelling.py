"""digest.stable spells SymPy objects by structure: two objects SymPy tells apart never share a spelling."""
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import (Dummy, Float, Function, ImmutableMatrix, Indexed, IndexedBase, Integer, KroneckerDelta, Rational,
                   Sum, Symbol, exp, log, srepr)

from derivcheck.digest import stable

x, y = Symbol("x"), Symbol("y")
k = Symbol("k", integer=True)
z = IndexedBase("z")


def test_what_srepr_tells_apart_is_spelled_apart():
    distinct = [
        x, Symbol("x", positive=True), Symbol("x", integer=True), Dummy("x"), Dummy("x"),
        Integer(1), Float(1.0), Float(1.0, 30), Rational(1, 2), Float(0.5),
        x + y, x * y, x - y, x / y, x**y, y**x, exp(x), log(x),
        Function("f")(x), Function("f", real=True)(x), Function("g")(x), Function("f")(y),
        z[k], IndexedBase("w")[k], Indexed(z, k + 1), KroneckerDelta(k, Symbol("j", integer=True)),
        Sum(z[k], (k, 1, Symbol("N"))), Sum(z[k], (k, 0, Symbol("N"))),
        ImmutableMatrix([[x, y]]), ImmutableMatrix([[y, x]]), ImmutableMatrix([[x], [y]]),
    ]
    spelled = [stable(e) for e in distinct]
    assert len(set(spelled)) == len(spelled)


def test_equal_objects_are_spelled_alike_and_a_shared_node_costs_nothing_extra():
    assert stable(x + y) == stable(y + x)
    assert stable(exp(x) * z[k]) == stable(z[k] * exp(x))
    shared = Sum(exp(z[k]), (k, 1, Symbol("N")))
    assert stable((shared, shared / 2)) == stable((Sum(exp(z[k]), (k, 1, Symbol("N"))), shared / 2))


LEAVES = st.sampled_from([x, y, k, Integer(2), Rational(1, 3), Float(0.25), z[k], z[k + 1], Dummy("d")])


def _trees():
    return st.recursive(LEAVES, lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: sympy.Add(*t)),
        st.tuples(inner, inner).map(lambda t: sympy.Mul(*t)),
        st.tuples(inner, inner).map(lambda t: sympy.Pow(*t)),
        inner.map(exp), inner.map(Function("f")), inner.map(Function("f", positive=True)),
        inner.map(lambda e: Sum(e, (k, 1, 3))),
    ), max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees(), _trees())
def test_one_spelling_never_stands_for_two_objects(a, b):
    if stable(a) == stable(b):
        assert a == b and srepr(a) == srepr(b) and a.assumptions0 == b.assumptions0

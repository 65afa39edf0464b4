"""The one function table: each entry's derivative, numeric form and SymPy form agree."""
import math

import pytest
import sympy

from derivcheck import vocabulary
from derivcheck.model import VERIFIED
from derivcheck.runner import run
from derivcheck.symbols import FUNCTIONS

U = sympy.Symbol("u", real=True)
POINTS = (-0.7, 0.3, 0.9)  # inside every function's domain


@pytest.mark.parametrize("entry", [f for f in vocabulary.FUNCTIONS if f.derivative], ids=lambda f: f.name)
def test_each_derivative_is_sympys(entry):
    expr = entry.build(U)
    for point in POINTS:
        ours = float(entry.derivative(U).subs(U, point))
        theirs = float(sympy.diff(expr, U).subs(U, point))
        assert math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-15), entry.name


@pytest.mark.parametrize("entry", vocabulary.FUNCTIONS, ids=lambda f: f.name)
def test_each_numeric_form_is_the_sympy_form(entry):
    for point in POINTS:
        exact = sympy.N(entry.build(sympy.Float(point)), 20)
        try:
            value = entry.numeric(point)
        except ValueError:  # outside the real domain: so is SymPy's value
            assert not exact.is_real
            continue
        assert math.isclose(value, float(exact), rel_tol=1e-12, abs_tol=1e-15), entry.name


def test_every_function_name_is_reserved():
    assert set(vocabulary.BY_NAME) <= FUNCTIONS
    assert "pi" in FUNCTIONS and "max" in FUNCTIONS


def test_new_functions_verify_and_a_wrong_derivative_is_refuted():
    report = run(["tests/data/functions.deriv.yaml"])
    verdicts = {r.derivation.name: r.verdict for r in report.results}
    assert verdicts == {"fns": VERIFIED, "fns-wrong": "not verified", "absmax": VERIFIED}


@pytest.mark.parametrize("name", ["fns", "absmax"])
def test_emitted_modules_know_every_function(name):
    from derivcheck import numeric

    assert numeric("tests/data/functions.deriv.yaml", name=name).spot_check()


def test_algebra_knows_pythagoras_and_relu_step():
    """sin² + cos² = 1, 1 + tan² = 1/cos², 1 − tanh² = sech², relu(z)·step(z) = z·step(z); and not sin² − cos² = 1."""
    report = run(["tests/data/trig_relu.deriv.yaml"])
    verdicts = {r.derivation.name: r.verdict for r in report.results}
    assert verdicts == {"pythagoras": VERIFIED, "tanh-sech": VERIFIED, "relu-step": VERIFIED,
                        "trig-wrong": "not verified"}
    for r in report.results:
        if r.verdict == VERIFIED:
            assert all(sr.outcome.status == "proved" for sr in r.steps), r.derivation.name


def test_a_delta_equates_its_indices_in_the_product_and_nothing_more():
    """δ(l, m)·f(l) = δ(l, m)·f(m), without capture; but not δ(l, m)·f(l) = f(m)."""
    from derivcheck.canon import equal

    l, m, k = (sympy.Symbol(s, integer=True) for s in "lmk")
    n = sympy.Symbol("N", integer=True, positive=True)
    p = sympy.IndexedBase("p")
    d = sympy.KroneckerDelta(l, m)
    assert equal(d / p[l], d / p[m])
    assert not equal(d / p[l], 1 / p[m])
    inner = sympy.Sum(p[k] * p[l], (l, 1, n))  # l bound here: left alone
    assert equal(d * p[m] * inner, d * p[l] * inner)
    assert not equal(d * inner, d * sympy.Sum(p[k] * p[m], (l, 1, n)))

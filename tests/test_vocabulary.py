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
    assert set(vocabulary.MATRIX) | set(vocabulary.SIZE) | set(vocabulary.SQUARE) <= FUNCTIONS


@pytest.mark.parametrize("name", sorted(vocabulary.RESERVED - {"D"}))
def test_no_reserved_name_can_be_declared(name):
    from derivcheck.errors import DerivError
    from derivcheck.load import load_text

    with pytest.raises(DerivError, match="built-in function name"):
        load_text(ONE_X.format(e="x").replace("  x: real\n", f"  x: real\n  {name}: real\n"))


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


# -- every consumer reads the one table: the parser, chain_rule, the evidence, emit, LaTeX in and out ------

ENTRIES = vocabulary.FUNCTIONS
ONE_X = "derivcheck: 1\nname: one\nsymbols:\n  x: real\nclaim: {e} == {e}\nsteps:\n  - {e}\n"


def _ctx():
    from derivcheck.load import load_text

    (d,) = load_text(ONE_X.format(e="x"))
    return d.ctx, d.ctx.scalars["x"][0]


def test_the_parser_and_chain_rule_know_every_entry():
    from derivcheck.build import value

    ctx, x = _ctx()
    for entry in ENTRIES:
        assert value(ctx, f"{entry.name}(x)")[0] == entry.build(x), entry.name
    # chain_rule differentiates every applied function of the table (sqrt, relu, softplus are built of others;
    # step is Heaviside(u, 1/2), its value at 0 an argument, and chain_rule leaves it)
    assert {f.name for f in ENTRIES if f.head is not None and vocabulary.derivative(f.build(U)) is None} == {"step"}
    assert {f.name for f in ENTRIES if f.head is None} == {"sqrt", "relu", "softplus"}


def test_the_evidence_computes_exactly_the_entries_with_a_slope():
    from derivcheck.evidence import compiler, values

    with_slope = {f.name for f in ENTRIES if f.slope is not None}
    assert set(values.BY_NAME) == with_slope
    assert set(compiler.UNARY) == {vocabulary.BY_NAME[name].head for name in with_slope}
    # an applied function without a slope is a node the evidence computes itself: step (Heaviside, its value at 0)
    assert {f.name for f in ENTRIES if f.head is not None and f.slope is None} == {"step"}


@pytest.mark.parametrize("entry", [f for f in ENTRIES if f.slope is not None], ids=lambda f: f.name)
def test_each_slope_is_the_derivative_of_its_own_numeric_form(entry):
    """The evidence's F' is written apart from chain_rule's; checked here against central differences
    of the float form, so a wrong slope (or a wrong derivative) in the table fails a test."""
    from derivcheck.evidence.values import BY_NAME, HP, Dual, derivative

    f, tag, h = BY_NAME[entry.name], 10**6, 1e-6
    for point in (abs(p) for p in POINTS) if entry.name in ("log", "sqrt") else POINTS:
        exact = derivative(f(Dual(tag, point, 1.0)), tag)
        central = (entry.numeric(point + h) - entry.numeric(point - h)) / (2 * h)
        assert math.isclose(exact, central, rel_tol=1e-6, abs_tol=1e-8), (entry.name, point)
        assert math.isclose(float(f(HP.mpf(point))), entry.numeric(point), rel_tol=1e-12, abs_tol=1e-15)


@pytest.mark.parametrize("name,point", [("log", -1.0), ("log", 0.0), ("arcsin", 2.0), ("arccos", -1.5), ("exp", 1e6)])
def test_outside_its_domain_a_function_is_undefined_in_every_precision(name, point):
    from derivcheck.evidence.values import BY_NAME, HP, Undefined

    for x in (point, HP.mpf(point)):
        if name == "exp" and x is not point:
            continue  # an mpmath exponential does not overflow
        with pytest.raises(Undefined):
            BY_NAME[name](x)


def test_emitted_modules_compute_every_entry():
    from derivcheck.emit import load_module, module_source
    from derivcheck.load import load_text

    for entry in ENTRIES:
        (d,) = load_text(ONE_X.format(e=f"{entry.name}(x / 3)"))
        module = load_module(module_source(d), name=f"emitted_{entry.name}")
        for point in (abs(p) for p in POINTS) if entry.name in ("log", "sqrt") else POINTS:
            assert math.isclose(float(module.claim_lhs(3 * point)), entry.numeric(point), rel_tol=1e-9,
                                abs_tol=1e-12), entry.name


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda f: f.name)
def test_every_latex_command_of_an_entry_reads_as_it_and_reports_write_it_so(entry):
    from derivcheck.build import value
    from derivcheck.report.written import NAMED, ascii_tex

    ctx, x = _ctx()
    for cmd in entry.latex:
        tex = f"{cmd}{{x}}" if cmd == r"\sqrt" else f"{cmd}(x)"
        assert value(ctx, tex, tex=True)[0] == entry.build(x), (entry.name, cmd)
    if entry.latex:
        assert NAMED[entry.name] == entry.latex[0]
    written = ascii_tex(f"{entry.name}(x)")
    assert value(ctx, written, tex=True)[0] == entry.build(x), (entry.name, written)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda f: f.name)
def test_reports_typeset_every_entry_in_a_form_the_latex_reader_reads_back(entry):
    from derivcheck.build import value
    from derivcheck.report.latex import math as typeset

    ctx, x = _ctx()
    expr = entry.build(x / 3)
    tex = typeset(expr, ctx)
    assert value(ctx, tex, tex=True)[0] == expr, (entry.name, tex)

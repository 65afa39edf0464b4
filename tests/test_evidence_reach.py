"""Derivatives skip the table entries that cannot read the perturbed entry, and get the same numbers.

Each case differentiates an entry of a defined table (transposed, with constant indices, through
another table, with a label as an index, with a parameter's name bound by a Sum) by an input
entry and compares it with the exact answer written out by hand: a pattern that skipped an entry
it should not have (or read a position the wrong way round) gives a zero and a counterexample.
"""
import pytest

from derivcheck.evidence.evaluator import Evaluator
from derivcheck.evidence.reach import WILD
from derivcheck.load import load_text
from derivcheck import spotcheck
from derivcheck.spotcheck import Sampler

MAT = {"N": "size", "i j k l": "index N", "X": "matrix N N", "y": "labels N N"}


def sampler_for(define, lhs, rhs, symbols=MAT, mode="reverse"):
    """The derivation's Sampler; mode "forward" gives a fresh state whose float evaluators take every
    derivative by dual numbers (as the magnitude and 50-digit evaluators always do), "reverse" the default."""
    if mode == "forward":
        spotcheck._LAST.clear()
    lines = ["derivcheck: 1", "name: t", "symbols:"] + [f"  {k}: {v}" for k, v in symbols.items()]
    lines += ["define:"] + [f"  {k}: {v}" for k, v in define.items()]
    lines += [f"claim: {lhs} == {rhs}", "steps:", f"  - {lhs}", "  - by: algebra", f"    expr: {rhs}"]
    (deriv,) = load_text("\n".join(lines) + "\n", "t.deriv.yaml")
    sampler = Sampler(deriv.ctx, 0, [deriv.claim_lhs, deriv.claim_rhs])
    if mode == "forward":
        spotcheck._LAST.clear()  # this state is not shared with a later sampler
        for rnd in sampler.rounds:
            rnd.ev.reverse = False
    return deriv, sampler


MODES = pytest.mark.parametrize("mode", ["forward", "reverse"])


CASES = [
    # transposed: T[i, j] reads X[j, i]
    ({"T[i, j]": "X[j, i]**2"}, "D(T[i, j], X[k, l])", "2 * X[j, i] * delta(j, k) * delta(i, l)"),
    # constant positions: U[i] reads X[1, i] and X[i, 2]
    ({"U[i]": "X[1, i] * X[i, 2]"}, "D(U[i], X[k, l])",
     "delta(k, 1) * delta(l, i) * X[i, 2] + X[1, i] * delta(k, i) * delta(l, 2)"),
    # through another table, transposed twice: W[i, j] = 3 T[j, i] = 3 X[i, j]**2
    ({"T[i, j]": "X[j, i]**2", "W[i, j]": "3 * T[j, i]"}, "D(W[i, j], X[k, l])",
     "6 * X[i, j] * delta(i, k) * delta(j, l)"),
    # a table reading a row of another: R[i] = Σ_j T[i, j], T[i, j] = X[j, i]²
    ({"T[i, j]": "X[j, i]**2", "R[i]": "Sum(T[i, j], j)"}, "D(R[i], X[k, l])", "2 * X[k, i] * delta(l, i)"),
    # a constant index into another table: W[i] = T[2, i] = X[i, 2]**2
    ({"T[i, j]": "X[j, i]**2", "W[i]": "T[2, i]"}, "D(W[i], X[k, l])", "2 * X[i, 2] * delta(k, i) * delta(l, 2)"),
    # a label as an index: P[i] = X[i, y[i]]
    ({"P[i]": "X[i, y[i]]**2"}, "D(P[i], X[k, l])", "2 * X[i, y[i]] * delta(k, i) * delta(l, y[i])"),
    # a parameter's name bound by a Sum inside the body: S[i] = X[i, i] Σ_i X[i, 1]
    ({"S[i]": "X[i, i] * Sum(X[i, 1], i)"}, "D(S[i], X[k, l])",
     "delta(k, i) * delta(l, i) * Sum(X[j, 1], j) + X[i, i] * delta(l, 1)"),
    # a frozen table differentiated by its own entry, then another table through it
    ({"T[i, j]": "X[j, i]**2", "V[i, j]": "T[i, j] * T[j, i]"}, "D(V[i, j], T[k, l])",
     "delta(i, k) * delta(j, l) * T[j, i] + T[i, j] * delta(j, k) * delta(i, l)"),
]


@MODES
@pytest.mark.parametrize("define, lhs, rhs", CASES)
def test_skipping_entries_keeps_every_derivative(define, lhs, rhs, mode):
    deriv, sampler = sampler_for(define, lhs, rhs, mode=mode)
    ev = sampler.compare(deriv.claim_lhs, deriv.claim_rhs)
    assert ev.counter is None and ev.samples > 20
    wrong = sampler.compare(deriv.claim_lhs, deriv.claim_rhs * 0)
    assert wrong.counter is not None  # the derivative is not zero everywhere: a skipped entry would show


def test_entries_that_cannot_read_the_entry_are_not_computed_again():
    # forward mode (fresh state): no derivative of an earlier test memoised at these points
    deriv, sampler = sampler_for({"T[i, j]": "X[j, i]**2", "R[i]": "Sum(T[i, j], j)"}, "D(R[i], X[k, l])",
                                 "2 * X[k, i] * delta(l, i)", mode="forward")
    prog = sampler.program
    T, R, X = (prog.canon(b) for b in (deriv.ctx.definitions["T"].target, deriv.ctx.definitions["R"].target,
                                        deriv.ctx.arrays["X"].base))
    assert prog.reach.patterns(T, X) == ((("arg", 1), ("arg", 0)),)
    assert prog.reach.patterns(R, X) == ((None, ("arg", 0)),)
    assert prog.reach.may_depend(R, (2,), X, (5, 2)) and not prog.reach.may_depend(R, (2,), X, (2, 5))
    computed = []
    original = Evaluator._compute

    def spy(self, params, body, args):
        computed.append((self.parent is not None, body, args))
        return original(self, params, body, args)

    Evaluator._compute = spy
    try:
        rnd = next(r for r in sampler.rounds if 3 in r.sizes.values())
        names = {s.name: s for s in deriv.ctx.ranges}
        rnd.ev.env.update({prog.slot(names["i"]): 1, prog.slot(names["k"]): 3, prog.slot(names["l"]): 1})
        assert prog.compile(deriv.claim_lhs)(rnd.ev) == 2 * rnd.arrays[X][(3, 1)]
    finally:
        Evaluator._compute = original
    in_child = [(t, a) for child, t, a in computed if child]
    assert [a for t, a in in_child if t is prog.body(T)] == [(1, 3)]  # T[i, j] reads X[j, i]: only T[1, 3] again


def test_a_derivative_inside_a_body_reads_everything():
    deriv, sampler = sampler_for({"T[i]": "D(X[i, 1]**2, X[i, 1])"}, "D(T[i], X[k, l])",
                                 "2 * delta(k, i) * delta(l, 1)")
    prog = sampler.program
    T, X = prog.canon(deriv.ctx.definitions["T"].target), prog.canon(deriv.ctx.arrays["X"].base)
    assert prog.reach.patterns(T, X) is WILD
    assert sampler.compare(deriv.claim_lhs, deriv.claim_rhs).counter is None


def test_a_bound_index_in_an_inner_range_is_not_free_outside():
    # the inner range 1..j uses the outer index j: j is free in the inner Sum, bound in the whole
    vec = {"N": "size", "j k": "index N", "z": "vector N"}
    deriv, sampler = sampler_for({"T[j]": "Sum(z[k], (k, 1, j))"}, "Sum(Sum(z[k], (k, 1, j)), (j, 1, N))",
                                 "Sum((N - k + 1) * z[k], (k, 1, N))", symbols=vec)
    ev = sampler.compare(deriv.claim_lhs, deriv.claim_rhs)
    assert ev.counter is None and ev.samples >= 8
    prog = sampler.program
    lhs = deriv.claim_lhs
    inner = lhs.func(lhs.function, lhs.limits[0]) if len(lhs.limits) == 2 else lhs.function
    assert [s.name for s in prog.varying(inner)] == ["j"] and prog.varying(deriv.claim_lhs) == ()
    wrong = sampler.compare(deriv.claim_lhs, deriv.claim_rhs.xreplace({deriv.ctx.sizes["N"]: deriv.ctx.sizes["N"] - 1}))
    assert wrong.counter is not None


@MODES
@pytest.mark.parametrize("lhs, rhs", [("D(q, x)", "2 * x"), ("D(r, x)", "3 * x**2"),
                                      ("D(Sum(p[i], i), x)", "Sum(z[i], i) * 2 * x")])
def test_a_scalar_variable_is_read_by_every_table_that_depends_on_it(lhs, rhs, mode):
    symbols = {"N": "size", "i": "index N", "z": "vector N", "x": "real"}
    deriv, sampler = sampler_for({"q": "x**2", "r": "q * x", "p[i]": "z[i] * q"}, lhs, rhs, symbols=symbols,
                                 mode=mode)
    f = deriv.claim_lhs.args[0]
    assert sampler.compare(f, f).samples >= 4  # the tables at the point exist before the derivative reads them
    ev = sampler.compare(deriv.claim_lhs, deriv.claim_rhs)
    assert ev.counter is None and ev.samples >= 4
    assert sampler.compare(deriv.claim_lhs, deriv.claim_rhs + 1).counter is not None
    assert sampler.compare(deriv.claim_lhs, 0 * deriv.claim_rhs).counter is not None


def test_a_function_body_reading_a_scalar_makes_its_applications_depend_on_it():
    # f(u) = a u: Sum(f(z[i]), i) depends on a although a is not among its arguments; once the Sum is
    # tabulated at the point (an earlier link), D(Sum(f(z[i]), i), a) must still see a move
    symbols = {"N": "size", "i": "index N", "z": "vector N", "a": "real"}
    deriv, sampler = sampler_for({"f(u)": "a * u"}, "D(Sum(f(z[i]), i), a)", "Sum(z[i], i)", symbols=symbols)
    inner = deriv.claim_lhs.args[0]
    assert sampler.compare(inner, inner).samples >= 4
    assert sampler.compare(deriv.claim_lhs, deriv.claim_rhs).counter is None
    assert sampler.compare(deriv.claim_lhs, 0 * deriv.claim_rhs).counter is not None


SUMS = [
    # only the term k = j reads z[j]; a range that stops short of j gives no term
    ("D(Sum(exp(z[k]) * z[k], (k, 1, 2)), z[j])", "(1 + z[j]) * exp(z[j]) * (1 - Sum(delta(j, k), (k, 3, N)))"),
    # the diagonal: X[k, k] reads X[a, b] only when a == b (a conflict between two positions otherwise)
    ("D(Sum(X[k, k]**2, k), X[i, j])", "2 * X[i, i] * delta(i, j)"),
    # a constant position: row 1 only
    ("D(Sum(X[1, k]**3, k), X[i, j])", "3 * X[1, j]**2 * delta(i, 1)"),
    # two bound indices, the inner range using the outer one (k <= l)
    ("D(Sum(Sum(X[k, l]**2, (k, 1, l)), (l, 1, N)), X[i, j])",
     "2 * X[i, j] * (1 - Sum(delta(i, m), (m, j + 1, N)))"),
    # through a table: T[a, b] = X[b, a]**2, the sum reads T[k, 1]
    ("D(Sum(T[k, 1], k), X[i, j])", "2 * X[1, j] * delta(i, 1)"),
    # nested: the Hessian of log Σ exp
    ("D(D(log(Sum(exp(z[k]), k)), z[i]), z[j])",
     "exp(z[i]) * delta(i, j) / Sum(exp(z[k]), k) - exp(z[i]) * exp(z[j]) / Sum(exp(z[k]), k)**2"),
]


@MODES
@pytest.mark.parametrize("lhs, rhs", SUMS)
def test_a_sum_inside_a_derivative_adds_only_the_terms_that_read_the_entry(lhs, rhs, mode):
    symbols = {"N": "size", "i j k l m": "index N", "z": "vector N", "X": "matrix N N"}
    deriv, sampler = sampler_for({"T[i, j]": "X[j, i]**2"}, lhs, rhs, symbols=symbols, mode=mode)
    f = deriv.claim_lhs.args[0]
    assert sampler.compare(f, f).samples > 0  # the sums tabulated at the points first
    ev = sampler.compare(deriv.claim_lhs, deriv.claim_rhs)
    assert ev.counter is None and ev.samples >= 8
    assert sampler.compare(deriv.claim_lhs, 0 * deriv.claim_rhs).counter is not None


def test_a_sum_inside_a_derivative_evaluates_one_term():
    symbols = {"N": "size", "i j k": "index N", "z": "vector N"}
    deriv, sampler = sampler_for({"p[i]": "exp(z[i])"}, "D(Sum(p[k] * z[k], k), z[j])", "(1 + z[j]) * p[j]",
                                 symbols=symbols, mode="forward")
    prog = sampler.program
    computed = []
    original = Evaluator._compute

    def spy(self, params, body, args):
        computed.append((self.parent is not None, args))
        return original(self, params, body, args)

    rnd = next(r for r in sampler.rounds if 4 in r.sizes.values())
    fn = prog.compile(deriv.claim_lhs)
    prog.compile(deriv.claim_lhs.args[0])(rnd.ev)  # Σ p[k] z[k] and the table p at the point
    Evaluator._compute = spy
    try:
        rnd.ev.env[prog.slot(deriv.ctx.indices["j"])] = 2
        value = fn(rnd.ev)
    finally:
        Evaluator._compute = original
    z2 = rnd.arrays[prog.canon(deriv.ctx.arrays["z"].base)][(2,)]
    assert abs(value - (1 + z2) * 2.718281828459045 ** z2) < 1e-12 * abs(value)
    assert [a for child, a in computed if child] == [(2,)]  # p[2] again, no other entry

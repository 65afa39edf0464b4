"""Derivatives by a reverse sweep (every entry of the variable at once) are the exact derivatives.

Each case differentiates a scalar, or an entry of a table, by the entries of an input array or of
a frozen defined table. It is checked in both modes (dual numbers, and the reverse sweep the float
evaluator uses) against the exact derivative written out by hand, and a wrong variant (a term or a
factor dropped) must be refuted. A sweep that cannot be had (a partial undefined somewhere, a
derivative inside the function) leaves the derivative to dual numbers: the same samples, the same
undefined points.
"""
import pytest

from derivcheck import spotcheck
from derivcheck.evidence import values
from derivcheck.evidence.evaluator import Evaluator
from derivcheck.load import load_text
from derivcheck.spotcheck import Sampler


NET = {"N C H": "size", "n m": "index N", "c k": "index C", "h g": "index H", "X": "matrix N H", "W": "matrix H C",
       "b": "vector C"}
LAYER = {"A[n, h]": "tanh(X[n, h])", "Z[n, c]": "Sum(A[n, h] * W[h, c], h) + b[c]", "L": "Sum(Sum(log(1 + Z[m, k]**2), k), m)"}
VEC = {"N": "size", "i j k": "index N", "z": "vector N", "a": "real"}

CASES = [
    # through two tables into a scalar, by the weights (every entry of W at once)
    (NET, LAYER, "D(L, W[h, c])", "Sum(2 * Z[n, c] / (1 + Z[n, c]**2) * A[n, h], n)",
     "Sum(Z[n, c] / (1 + Z[n, c]**2) * A[n, h], n)"),
    (NET, LAYER, "D(L, b[c])", "Sum(2 * Z[n, c] / (1 + Z[n, c]**2), n)", "Sum(2 * Z[n, c], n)"),
    # by the inputs: through tanh as well
    (NET, LAYER, "D(L, X[n, h])", "Sum(2 * Z[n, c] / (1 + Z[n, c]**2) * W[h, c], c) * (1 - A[n, h]**2)",
     "Sum(2 * Z[n, c] / (1 + Z[n, c]**2) * W[h, c], c)"),
    # by a frozen table: its entries are the variables
    (NET, LAYER, "D(L, Z[n, c])", "2 * Z[n, c] / (1 + Z[n, c]**2)", "Z[n, c] / (1 + Z[n, c]**2)"),
    (NET, LAYER, "D(L, A[n, h])", "Sum(2 * Z[n, c] / (1 + Z[n, c]**2) * W[h, c], c)",
     "Sum(2 * Z[n, c] * W[h, c], c)"),
    # the softmax cross-entropy with labels as indices
    ({"N C": "size", "n m": "index N", "c k": "index C", "Z": "matrix N C", "y": "labels N C"},
     {"P[n, c]": "exp(Z[n, c]) / Sum(exp(Z[n, k]), k)", "L": "-Sum(log(P[m, y[m]]), m)"},
     "D(L, Z[n, c])", "P[n, c] - delta(c, y[n])", "P[n, c]"),
    # an entry of a table (f varies with i) by every entry: the softmax Jacobian
    (VEC, {"p[i]": "exp(z[i]) / Sum(exp(z[k]), k)"}, "D(p[i], z[j])", "p[i] * (delta(i, j) - p[j])",
     "p[i] * delta(i, j)"),
    # an entry reading one entry of the array: the others are never read (their derivative is 0)
    (VEC, {"p[i]": "exp(z[i])**2"}, "D(p[i], z[j])", "2 * p[i] * delta(i, j)", "2 * p[i]"),
    # a quotient of sums, and a scalar read beside the array
    (VEC, {"q": "a * Sum(z[k], k) / Sum(z[k]**2, k)"}, "D(q, z[j])",
     "a / Sum(z[k]**2, k) - 2 * a * z[j] * Sum(z[k], k) / Sum(z[k]**2, k)**2", "a / Sum(z[k]**2, k)"),
    # max picks a branch
    (VEC, {"r": "Sum(max(z[k], 0)**2, k)"}, "D(r, z[j])", "2 * max(z[j], 0)", "2 * z[j]"),
    # a frozen table whose entries past 2 are never read: their derivative is 0
    (VEC, {"p[i]": "exp(z[i])", "s": "Sum(p[k]**3, (k, 1, 2))"}, "D(s, p[j])",
     "3 * p[j]**2 * (1 - Sum(delta(j, k), (k, 3, N)))", "3 * p[j]**2"),
    # through the determinant (Gauss-Jordan elimination on adjoint entries)
    ({"N": "size", "X": "matrix N N"}, {}, "D(det(X), X)", "det(X) * inv(X).T", "det(X) * inv(X)"),
    ({"N": "size", "S": "posdef N"}, {}, "D(log(det(S)), S)", "inv(S).T", "inv(S).T * det(S)"),
]


def claim(define, lhs, rhs, symbols):
    lines = ["derivcheck: 1", "name: t", "symbols:"] + [f"  {k}: {v}" for k, v in symbols.items()]
    lines += (["define:"] + [f"  {k}: {v}" for k, v in define.items()]) if define else []
    lines += [f"claim: {lhs} == {rhs}", "steps:", f"  - {lhs}", "  - by: algebra", f"    expr: {rhs}"]
    return load_text("\n".join(lines) + "\n", "t.deriv.yaml")[0]


def sampler_for(define, lhs, rhs, symbols, mode):
    """The derivation and a Sampler of a fresh state; in mode "forward" its float evaluators take every
    derivative by dual numbers (as the magnitude and 50-digit evaluators always do)."""
    deriv = claim(define, lhs, rhs, symbols)
    spotcheck._LAST.clear()
    sampler = Sampler(deriv.ctx, 0, [deriv.claim_lhs, deriv.claim_rhs])
    spotcheck._LAST.clear()
    for rnd in sampler.rounds:
        rnd.ev.reverse = mode == "reverse"
    return deriv, sampler


def _sweeps(monkeypatch, duals=None):
    """The list of the sweeps made from now on; duals, if given, gets the entries perturbed by dual numbers."""
    made = []
    original, child = Evaluator.sweep_child, Evaluator.child

    def spy(self, var, frozen):
        made.append(var)
        return original(self, var, frozen)

    checking = []  # non-empty inside the magnitude or 50-digit check of a point (dual numbers there always)

    def dual(self, var, key, *args):
        if not checking:
            duals.append((var, key))
        return child(self, var, key, *args)

    def within(method):
        def run(*args, **kwargs):
            checking.append(method)
            try:
                return method(*args, **kwargs)
            finally:
                checking.pop()
        return run

    monkeypatch.setattr(Evaluator, "sweep_child", spy)
    if duals is not None:
        monkeypatch.setattr(Evaluator, "child", dual)
        for name in ("_magnitude", "_precise", "_deeper"):
            monkeypatch.setattr(Sampler, name, within(getattr(Sampler, name)))
    return made


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("symbols, define, lhs, rhs, wrong", CASES)
def test_a_sweep_gives_the_exact_derivative(symbols, define, lhs, rhs, wrong, mode, monkeypatch):
    duals = []
    made = _sweeps(monkeypatch, duals)
    deriv, sampler = sampler_for(define, lhs, rhs, symbols, mode)
    ev = sampler.compare(deriv.claim_lhs, deriv.claim_rhs)
    assert ev.counter is None and ev.samples >= 8
    assert bool(made) == (mode == "reverse")  # the float evaluator sweeps; dual numbers never do
    if mode == "forward" or not ev.undefined:  # a sweep leaves no entry to them (one f never reads is 0)
        assert bool(duals) == (mode == "forward")
    assert sampler.compare(deriv.claim_lhs, claim(define, lhs, wrong, symbols).claim_rhs).counter is not None


@pytest.mark.parametrize("symbols, define, lhs, rhs, wrong", CASES)
def test_both_modes_give_the_same_numbers(symbols, define, lhs, rhs, wrong):
    """Every sampled derivative of the sweep equals the dual-number one to the last few bits, and the
    points where it is undefined are the same."""
    got, counts = {}, {}
    for mode in ("forward", "reverse"):
        deriv, sampler = sampler_for(define, lhs, rhs, symbols, mode)
        ev = sampler.compare(deriv.claim_lhs, deriv.claim_rhs)
        counts[mode] = (ev.samples, ev.undefined)
        fn = sampler.program.compile(deriv.claim_lhs)
        idx = sampler.free(deriv.claim_lhs)
        out = got[mode] = []
        for r, rnd in enumerate(sampler.rounds):
            for _, at in sampler.points(idx, r, ()):
                rnd.ev.env.update(at)
                try:
                    out.append(float(fn(rnd.ev)))
                except values.Undefined:
                    out.append(None)
    assert counts["forward"] == counts["reverse"]
    assert len(got["forward"]) == len(got["reverse"]) >= 8
    for f, b in zip(got["forward"], got["reverse"]):
        assert (f is None) == (b is None)
        assert f is None or abs(f - b) <= 1e-13 * max(abs(f), 1.0)
    assert any(f for f in got["forward"])


def test_a_sweep_with_an_undefined_partial_leaves_the_point_to_dual_numbers(monkeypatch):
    # sqrt(max(z[k], z[1]) - z[1]) is 0 at k = 1, where sqrt has no slope: D by z[1] is undefined there,
    # D by any other entry is defined (that term does not read it). A sweep fails as a whole, so each
    # entry falls back to dual numbers and the counts are those of forward mode.
    lhs = "D(Sum(sqrt(max(z[k], z[1]) - z[1]), k), z[j])"
    counts = {}
    for mode in ("forward", "reverse"):
        made = _sweeps(monkeypatch)
        deriv, sampler = sampler_for({}, lhs, lhs, VEC, mode)
        ev = sampler.compare(deriv.claim_lhs, deriv.claim_rhs)
        counts[mode] = (ev.counter, ev.samples, ev.undefined)
        assert bool(made) == (mode == "reverse")
    assert counts["forward"] == counts["reverse"]
    assert counts["forward"][0] is None and counts["forward"][1] > 0 and counts["forward"][2] > 0


def test_no_sweep_through_a_derivative_inside_the_function(monkeypatch):
    made = _sweeps(monkeypatch)
    deriv, sampler = sampler_for({"T[i]": "D(z[i]**3, z[i])", "u": "Sum(T[k] * z[k], k)"}, "D(u, z[j])",
                                 "9 * z[j]**2", VEC, "reverse")
    assert sampler.compare(deriv.claim_lhs, deriv.claim_rhs).counter is None
    assert sampler.compare(deriv.claim_lhs, 3 * deriv.claim_rhs).counter is not None
    assert not made


def test_the_tape_is_left_empty():
    deriv, sampler = sampler_for(LAYER, "D(L, W[h, c])", "Sum(2 * Z[n, c] / (1 + Z[n, c]**2) * A[n, h], n)",
                                 NET, "reverse")
    assert sampler.compare(deriv.claim_lhs, deriv.claim_rhs).counter is None
    assert values.TAPE == []

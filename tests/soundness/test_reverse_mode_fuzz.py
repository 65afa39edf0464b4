"""The reverse sweep of the numeric evidence gives the dual-number derivative at every sampled point,
for random functions (a fixed seed): sums, products, quotients, exp, log, tanh, max, abs, sqrt, powers,
a variable exponent, Sums, deltas, label-indexed entries, det, a user function, defined tables and
frozen tables as the variable. A difference is a counterexample that is not one (a true link refuted)
or a false link numerically consistent.
"""
import math
import random

import pytest

from derivcheck import spotcheck
from derivcheck.evidence import values
from derivcheck.load import load_text
from derivcheck.spotcheck import Sampler

SYM = {"N": "size", "i j k m h": "index N", "z w": "vector N", "a": "real", "y": "labels N N", "X W": "matrix N N"}
DEF = {"p[i]": "exp(z[i]) / Sum(exp(z[m]), m)", "q[i]": "tanh(z[i] * w[i]) + a * z[i]", "s": "Sum(z[m] * w[m], m)",
       "g(u)": "u * tanh(u)", "A[i, j]": "tanh(X[i, j])", "Z[i, j]": "Sum(A[i, h] * W[h, j], h)"}
VARIABLES = ["z[j]", "w[j]", "p[j]", "q[j]", "z[1]", "z[i]", "X[i, j]", "W[j, i]", "Z[i, j]", "A[j, j]"]


def atom(r, idx):
    pick = r.random()
    i = lambda: r.choice(idx)  # noqa: E731
    table = [(0.12, lambda: f"z[{i()}]"), (0.2, lambda: f"w[{i()}]"), (0.26, lambda: "a"), (0.33, lambda: f"p[{i()}]"),
             (0.4, lambda: f"q[{i()}]"), (0.44, lambda: "s"), (0.5, lambda: f"z[{r.choice(['1', 'N', 'y[' + i() + ']'])}]"),
             (0.56, lambda: f"delta({i()}, {i()})"), (0.64, lambda: f"Z[{i()}, {i()}]"), (0.7, lambda: f"A[{i()}, y[{i()}]]"),
             (0.75, lambda: "det(X)"), (0.8, lambda: f"W[{i()}, {i()}]")]
    for bound, make in table:
        if pick < bound:
            return make()
    return str(r.choice([2, 3, "1/2"]))


def expr(r, depth, idx):
    if depth == 0:
        return atom(r, idx)
    a, b = expr(r, depth - 1, idx), (lambda: expr(r, depth - 1, idx))
    forms = [lambda: f"({a}) * ({b()})", lambda: f"({a}) + ({b()})", lambda: f"({a}) / (1 + ({b()})**2)",
             lambda: f"exp(({a}) / 4)", lambda: f"tanh({a})", lambda: f"max({a}, {b()})", lambda: f"abs({a})",
             lambda: f"g({a})", lambda: f"log(1 + ({a})**2)", lambda: f"sqrt(1 + ({a})**2)", lambda: f"({a})**3",
             lambda: f"(1 + ({a})**2)**(w[1])"]
    if r.random() < 0.15:
        k = next(x for x in ("k", "m", "h") if x not in idx)
        return f"Sum({expr(r, depth - 1, idx + [k])}, {k})"
    return r.choice(forms)()


def derivation(lhs):
    lines = ["derivcheck: 1", "name: t", "symbols:"] + [f"  {k}: {v}" for k, v in SYM.items()]
    lines += ["define:"] + [f"  {k}: {v}" for k, v in DEF.items()]
    lines += [f"claim: {lhs} == {lhs}", "steps:", f"  - {lhs}"]
    return load_text("\n".join(lines) + "\n", "t.deriv.yaml")[0]


def sampled(lhs, reverse):
    deriv = derivation(lhs)
    spotcheck._LAST.clear()
    sampler = Sampler(deriv.ctx, 0, [deriv.claim_lhs, deriv.claim_rhs])
    spotcheck._LAST.clear()
    for rnd in sampler.rounds:
        rnd.ev.reverse = reverse
    fn, idx = sampler.program.compile(deriv.claim_lhs), sampler.free(deriv.claim_lhs)
    out = []
    for r, rnd in enumerate(sampler.rounds):
        for _, at in sampler.points(idx, r, ()):
            rnd.ev.env.update(at)
            try:
                out.append(float(fn(rnd.ev)))
            except values.Undefined:
                out.append(None)
    return out


@pytest.mark.parametrize("seed", range(3))
def test_reverse_sweeps_equal_dual_numbers_on_random_functions(seed):
    r = random.Random(seed)
    for _ in range(8):
        lhs = f"D({expr(r, r.choice([1, 2, 3]), ['i'])}, {r.choice(VARIABLES)})"
        forward, reverse = sampled(lhs, False), sampled(lhs, True)
        assert len(forward) == len(reverse) > 0, lhs
        for f, b in zip(forward, reverse):
            assert (f is None) == (b is None), lhs
            assert f is None or math.isnan(f) and math.isnan(b) or abs(f - b) <= 1e-9 * max(abs(f), abs(b), 1.0), (lhs, f, b)

"""Numeric reach attacks (evidence/reach.py, the D(f, x[key]) memo): a false `assume` on a derivative whose perturbed
entry is read through an index pattern (shifted, constant, swapped, δ, nested or variable-range definitions, user
functions, free extras; Sums inside D whose terms only some read the entry) must be refuted by its check, so the
derivation citing it is not verified; the same forms with their true values are not refuted."""
import pytest

from derivcheck.model import REFUTED, VERIFIED
from derivcheck.runner import run

# (name, definitions, assumed left side, its false value)
CASES = [
 ("shift", {"q[i]": "z[i] * z[i]", "r[i]": "q[i] + 0"}, "D(Sum(q[k] * delta(k, i + 1), k), z[2])", "0"),
 ("const", {"q[i]": "z[1] * z[i]"}, "D(q[3], z[1])", "2 * z[3]"),
 ("nested", {"q[i]": "exp(z[i])", "r[i]": "Sum(q[k], (k, 1, i))"}, "D(r[N], z[1])", "0"),
 ("nested2", {"q[i]": "exp(z[i])", "r[i]": "Sum(q[k], (k, i, N))"}, "D(r[1], z[2])", "0"),
 ("swap", {"M[i, j]": "W[j, i] * 2"}, "D(M[1, 2], W[2, 1])", "0"),
 ("swap2", {"M[i, j]": "W[j, i] * 2", "P[i, j]": "M[j, i] + M[i, i]"}, "D(P[1, 2], W[1, 1])", "0"),
 ("deltaidx", {"q[i]": "Sum(z[k] * delta(k, i), k)"}, "D(q[2], z[2])", "0"),
 ("scalar", {"s": "Sum(z[k]**2, k)", "q[i]": "s * z[i]"}, "D(q[1], z[2])", "0"),
 ("lastentry", {"q[i]": "z[N] * z[i]"}, "D(q[1], z[N])", "0"),
 ("func", {"g(u)": "u * z[2]", "q[i]": "g(z[i])"}, "D(q[1], z[2])", "0"),
 ("extra", {"q[i]": "z[i] * z[j]"}, "D(q[1], z[j])", "0"),
 ("rowread", {"q[i]": "Sum(W[i, k] * z[k], k)", "r[i]": "q[i]**2"}, "D(r[1], W[1, 2])", "0"),
 ("colread", {"q[i]": "Sum(W[k, i] * z[k], k)", "r[i]": "q[i]**2"}, "D(r[2], W[1, 2])", "0"),
 ("twice", {"q[i]": "z[i]**2", "r[i]": "q[i] * q[1]"}, "D(r[2], z[1])", "0"),
 ("memo", {"q[i]": "z[i]**2"}, "D(q[i], z[j]) + D(q[j], z[i])", "0"),
]

# a Sum inside D(f, V[K]): only the terms whose bound indices can read V[K] get an ε part (7f90c86)
SUM_CASES = [
 ("hess", {}, "D(D(Sum(z[k]**3, k), z[i]), z[j])", "6 * z[i]"),
 ("hess-scalar", {}, "D(D(Sum(a * z[k]**2, k), z[i]), a)", "0"),
 ("scalar-outer", {}, "D(Sum(a * z[k]**2, k), a)", "0"),
 ("mixed", {}, "D(D(Sum(z[k] * w[k]**2, k), w[i]), z[j])", "0"),
 ("frozen", {"p[i]": "exp(z[i])"}, "D(Sum(p[k]**2, k), p[j])", "0"),
 ("frozen-hess", {"p[i]": "exp(z[i])"}, "D(D(Sum(p[k]**3, k), p[j]), z[j])", "0"),
 ("dep-range", {}, "D(Sum(Sum(z[m]**2, (m, 1, k)), k), z[1])", "2 * z[1]"),
 ("dep-range2", {}, "D(Sum(z[k] * Sum(z[m], (m, k, N)), k), z[2])", "0"),
 ("matrix-row", {}, "D(Sum(Sum(W[k, m] * z[m], m)**2, k), W[1, 2])", "0"),
 ("matrix-diag", {}, "D(Sum(W[k, k]**2, k), W[1, 1])", "0"),
 ("matrix-diag-off", {}, "D(Sum(W[k, k] * W[1, 2], k), W[1, 2])", "0"),
 ("label", {}, "D(Sum(W[k, y[k]]**2, k), W[1, 1])", "0"),
 ("delta-in", {}, "D(Sum(delta(k, i) * z[k]**2, k), z[i])", "0"),
 ("shifted", {}, "D(Sum(z[k]**2, (k, i, N)), z[1])", "0"),
 ("def-shift", {"q[i]": "z[i] * z[1]"}, "D(Sum(q[k], k), z[1])", "z[1]"),
 ("def-swap", {"M[i, j]": "W[j, i]**2"}, "D(Sum(M[k, 1], k), W[1, 2])", "0"),
 ("nested-same", {}, "D(Sum(z[k] * Sum(z[k]**2, k), k), z[1])", "0"),
]

# the same forms with their true values: the assume check must not refute them (no bad refutation)
TRUE_CASES = [
 ("hess", {}, "D(D(Sum(z[k]**3, k), z[i]), z[j])", "6 * z[i] * delta(i, j)"),
 ("hess-scalar", {}, "D(D(Sum(a * z[k]**2, k), z[i]), a)", "2 * z[i]"),
 ("scalar-outer", {}, "D(Sum(a * z[k]**2, k), a)", "Sum(z[k]**2, k)"),
 ("mixed", {}, "D(D(Sum(z[k] * w[k]**2, k), w[i]), z[j])", "2 * w[i] * delta(i, j)"),
 ("frozen", {"p[i]": "exp(z[i])"}, "D(Sum(p[k]**2, k), p[j])", "2 * p[j]"),
 ("dep-range", {}, "D(Sum(Sum(z[m]**2, (m, 1, k)), k), z[1])", "2 * N * z[1]"),
 ("matrix-diag", {}, "D(Sum(W[k, k]**2, k), W[1, 1])", "2 * W[1, 1]"),
 ("delta-in", {}, "D(Sum(delta(k, i) * z[k]**2, k), z[i])", "2 * z[i]"),
 ("def-shift", {"q[i]": "z[i] * z[1]"}, "D(Sum(q[k], k), z[1])", "Sum(z[k], k) + z[1]"),
 ("shifted", {}, "D(Sum(z[k]**2, (k, i, N)), z[1])", "2 * z[1] * delta(i, 1)"),
 ("nested-same", {}, "D(Sum(z[k] * Sum(z[k]**2, k), k), z[1])", "Sum(z[k]**2, k) + 2 * z[1] * Sum(z[k], k)"),
]

TEMPLATE = """derivcheck: 1
name: {name}
symbols:
  N: size
  i j k m: index N
  z w: vector N
  W: matrix N N
  y: labels N N
  a: real
define:
{defs}
assume:
  - {lhs} == {rhs}
claim: {lhs} == {rhs}
steps:
  - {lhs}
  - by: assumption
    expr: {rhs}
"""


def _result(tmp_path, name, defs, lhs, rhs):
    path = tmp_path / f"reach-{name}.deriv.yaml"
    text = "\n".join(f"  {k}: {v}" for k, v in defs.items()) or "  unused: a"
    path.write_text(TEMPLATE.format(name=f"reach-{name}", defs=text, lhs=lhs, rhs=rhs))
    report = run([str(path)], cache=None)
    assert not report.errors, [str(e) for e in report.errors]
    (result,) = report.results
    return result


@pytest.mark.parametrize("name,defs,lhs,rhs", CASES + SUM_CASES, ids=[c[0] for c in CASES] + [f"sum-{c[0]}" for c in SUM_CASES])
def test_a_false_assumed_derivative_is_refuted(tmp_path, name, defs, lhs, rhs):
    result = _result(tmp_path, name, defs, lhs, rhs)
    assert result.verdict != VERIFIED
    checks = [c.outcome.status for c in result.checks if c.kind == "assume"]
    assert checks == [REFUTED], [(c.kind, c.outcome.status, c.outcome.message) for c in result.checks]


@pytest.mark.parametrize("name,defs,lhs,rhs", TRUE_CASES, ids=[c[0] for c in TRUE_CASES])
def test_a_true_assumed_derivative_is_not_refuted(tmp_path, name, defs, lhs, rhs):
    result = _result(tmp_path, name, defs, lhs, rhs)
    checks = [(c.kind, c.outcome.status, c.outcome.message) for c in result.checks]
    assert all(status != REFUTED for _, status, _ in checks), checks
    assert result.claim.status != REFUTED, result.claim.message
    assert result.verdict == VERIFIED, checks

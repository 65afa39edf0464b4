"""Numeric reach attacks (evidence/reach.py, the D(f, x[key]) memo): a false `assume` on a derivative whose perturbed
entry is read through an index pattern (shifted, constant, swapped, δ, nested or variable-range definitions, user
functions, free extras) must be refuted by its check, so the derivation citing it is not verified."""
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

TEMPLATE = """derivcheck: 1
name: {name}
symbols:
  N: size
  i j k m: index N
  z w: vector N
  W: matrix N N
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


@pytest.mark.parametrize("name,defs,lhs,rhs", CASES, ids=[c[0] for c in CASES])
def test_a_false_assumed_derivative_is_refuted(tmp_path, name, defs, lhs, rhs):
    path = tmp_path / f"reach-{name}.deriv.yaml"
    text = "\n".join(f"  {k}: {v}" for k, v in defs.items())
    path.write_text(TEMPLATE.format(name=f"reach-{name}", defs=text, lhs=lhs, rhs=rhs))
    report = run([str(path)], cache=None)
    assert not report.errors, [str(e) for e in report.errors]
    (result,) = report.results
    assert result.verdict != VERIFIED
    checks = [c.outcome.status for c in result.checks if c.kind == "assume"]
    assert checks == [REFUTED], [(c.kind, c.outcome.status, c.outcome.message) for c in result.checks]

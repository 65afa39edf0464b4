"""Stale cache (issue 10, item 3): an edit between two runs must never be answered from the cache."""
import pytest
from click.testing import CliRunner

from derivcheck.cli import main

MLP = """derivcheck: 1
name: stale-mlp
symbols:
  N D H C: size
  n m: index N
  d e: index D
  h g: index H
  c k: index C
  X: matrix N D
  W1: matrix D H
  b1: vector H
  W2: matrix H C
  b2: vector C
define:
  Z1: X @ W1 + b1
  A1: tanh(Z1)
  Z2: A1 @ W2 + b2
  L: loss(Z2)
claim: D(L, W2) == A1.T @ D(L, Z2)
steps:
  - D(L, W2)
  - by: chain_rule
    expr: Sum(Sum(D(L, Z2[n, k]) * D(Z2[n, k], W2[h, c]), k), n)
  - by: [definition, sum_rule, product_rule, constant_rule, index_rule, delta_sift]
    expr: Sum(D(L, Z2[n, c]) * A1[n, h], n)
  - by: algebra
    expr: A1.T @ D(L, Z2)
"""

SCALAR = """derivcheck: 1
name: stale-scalar
symbols:
  x: positive
  N: size
  k: index N
  y: onehot N
assume:
  - x * x == x**2
define:
  f: x**3
claim: D(f, x) * Sum(y[k], k) == 3 * x**2
steps:
  - D(f, x) * Sum(y[k], k)
  - by: [definition, power_rule, assumption]
    expr: 3 * x**2
"""

# (text, edit making it false): each field a link's outcome depends on
EDITS = [
    pytest.param(MLP, ("L: loss(Z2)", "L: loss(W2)"), id="loss"),
    pytest.param(MLP, ("Z2: A1 @ W2 + b2", "Z2: 2 * (A1 @ W2) + b2"), id="definition-upstream"),
    pytest.param(SCALAR, ("f: x**3", "f: x**4"), id="definition"),
    pytest.param(SCALAR, ("y: onehot N", "y: vector N"), id="kind"),
    pytest.param(SCALAR, ("x: positive", "x: real"), id="scalar-kind-unchanged-truth"),
]


def _verify(path):
    return CliRunner().invoke(main, ["verify", str(path)])


@pytest.mark.parametrize("text,edit", EDITS)
def test_an_edit_is_not_answered_from_the_cache(tmp_path, monkeypatch, text, edit):
    monkeypatch.setenv("DERIVCHECK_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "d.deriv.yaml"
    path.write_text(text)
    first = _verify(path)
    assert first.exit_code == 0, first.output
    old, new = edit
    path.write_text(text.replace(old, new))
    fresh = CliRunner().invoke(main, ["verify", "--no-cache", str(path)])
    cached = _verify(path)
    assert cached.exit_code == fresh.exit_code, (cached.output, fresh.output)
    if edit[1] != "x: real":
        assert fresh.exit_code == 1, fresh.output

"""The identity table: each identity verified by derivcheck with every link proved, each confirmed by
numpy finite differences at random sizes (independently of derivcheck), ten wrong variants refuted."""
import math

import numpy as np
import pytest

from derivcheck.model import PROVED, REFUTED, VERIFIED
from derivcheck.runner import run

from table import ROWS, WRONG  # noqa: I001 - tests/identities is on the path (conftest)


def derivation(row, gradient=None):
    name, symbols, define, f, x, grad, rules, _ = row
    lines = ["derivcheck: 1", f"name: {name}", "symbols:", "  N M K: size"]
    lines += [f"  {line}" for line in symbols.splitlines()]
    lines += ["define:", f"  f: {f}"] + ([f"  {define}"] if define else [])
    claim_rhs = gradient or grad
    lines += [f"claim: D(f, {x}) == {claim_rhs}", "steps:", f"  - D(f, {x})",
              f"  - by: [{rules}]", f"    expr: {claim_rhs}"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def table_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("identities")
    for row in ROWS:
        (folder / f"{row[0]}.deriv.yaml").write_text(derivation(row))
    report = run([str(folder)])
    assert not report.errors, report.errors
    return {r.derivation.name: r for r in report.results}


def test_the_table_is_large_enough():
    assert len(ROWS) >= 60 and len({row[0] for row in ROWS}) == len(ROWS)
    assert len(WRONG) >= 10


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row[0])
def test_each_identity_verifies_with_every_link_proved(row, table_report):
    result = table_report[row[0]]
    assert result.verdict == VERIFIED, [sr.outcome.message for sr in result.steps]
    assert all(sr.outcome.status == PROVED for sr in result.steps), [sr.outcome.message for sr in result.steps]


def _inputs(symbols, sizes, rng):
    """numpy values for the declared names: vectors, matrices, positive-definite matrices, scalars."""
    values = {}
    for line in symbols.splitlines():
        names, kind = line.split(":")
        words = kind.split()
        for name in names.split():
            if words[0] == "vector":
                values[name] = rng.uniform(-2, 2, size=sizes[words[1]])
            elif words[0] == "matrix":
                values[name] = rng.uniform(-2, 2, size=(sizes[words[1]], sizes[words[2]]))
            elif words[0] == "sym" and "posdef" not in words:
                m = rng.uniform(-2, 2, size=(sizes[words[1]],) * 2)
                values[name] = (m + m.T) / 2
            elif "posdef" in words:
                m = rng.uniform(-1, 1, size=(sizes[words[-1] if words[0] == "posdef" else words[1]],) * 2)
                values[name] = m @ m.T / len(m) + np.eye(len(m)) / 2
            elif words[0] == "positive":
                values[name] = rng.uniform(0.5, 2)
            else:
                values[name] = rng.uniform(-2, 2)
    return values


def _finite_difference(value, values, x, h=1e-6):
    """The Jacobian of value (a number or an array) by the entries of values[x], central differences."""
    base = np.asarray(values[x], dtype=float)
    out = []
    for pos in np.ndindex(base.shape):
        up, down = dict(values), dict(values)
        up[x], down[x] = base.copy(), base.copy()
        if base.shape:
            up[x][pos] += h
            down[x][pos] -= h
        else:
            up[x], down[x] = base + h, base - h
        out.append((np.asarray(value(up), dtype=float) - np.asarray(value(down), dtype=float)) / (2 * h))
    grad = np.array(out).reshape(base.shape + np.asarray(value(values)).shape)
    if base.ndim == 1 and np.asarray(value(values)).ndim == 1:
        grad = grad.T  # a vector by a vector: rows follow the function, as derivcheck's D(F, x)
    return grad


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row[0])
def test_each_identity_holds_in_numpy(row):
    """The identity itself, by numpy finite differences at random sizes: derivcheck is not involved."""
    name, symbols, _, _, x, _, _, (value, gradient) = row
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    for _ in range(3):
        sizes = {s: int(rng.integers(2, 6)) for s in ("N", "M", "K")}
        values = _inputs(symbols, sizes, rng)
        fd = _finite_difference(value, values, x)
        assert np.allclose(fd, np.asarray(gradient(values), dtype=float), rtol=1e-5, atol=1e-6), name


@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_wrong_variant_is_refuted(name, tmp_path):
    row = next(r for r in ROWS if r[0] == name)
    (tmp_path / "w.deriv.yaml").write_text(derivation(row, WRONG[name]))
    (result,) = run([str(tmp_path / "w.deriv.yaml")]).results
    assert result.verdict != VERIFIED
    assert result.claim.status == REFUTED and result.steps[0].outcome.status == REFUTED
    assert not math.isclose(result.claim.counterexample["lhs"], result.claim.counterexample["rhs"])

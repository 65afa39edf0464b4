"""Vectors as columns: X @ w, w.T @ x, x @ y.T, broadcasting, trace/eye/diag/ones/norm, Jacobians."""
import numpy as np
import pytest

from derivcheck.errors import DerivError
from derivcheck.load import load_text
from derivcheck.model import REFUTED, VERIFIED
from derivcheck.runner import run

HEAD = """derivcheck: 1
name: t
symbols:
  N D: size
  n m: index N
  d e: index D
  X: matrix N D
  A: matrix N N
  w v: vector D
  x y: vector N
  c: matrix N 1
"""


def shape_of(expr):
    (d,) = load_text(HEAD + f"claim: {expr} == {expr}\nsteps:\n  - {expr}\n")
    return d


@pytest.mark.parametrize("expr,index_form", [
    ("X @ w", "Sum(X[n, d_1]*w[d_1], (d_1, 1, D))"),
    ("w.T @ w", "Sum(w[d_1]**2, (d_1, 1, D))"),
    ("x @ y.T", "x[n]*y[m]"),
    ("x.T @ A @ x", "Sum(x[n_1]*Sum(A[n_2, n_1]*x[n_2], (n_2, 1, N)), (n_1, 1, N))"),
    ("1 - y", "1 - y[n]"),
    ("trace(A)", "Sum(A[n_1, n_1], (n_1, 1, N))"),
    ("eye(N) @ x", "Sum(KroneckerDelta(n, n_1)*x[n_1], (n_1, 1, N))"),
    ("ones(N).T @ x", "Sum(x[n_1], (n_1, 1, N))"),
    ("diag(A)", "A[n, n]"),
    ("c", "c[n, 1]"),
    ("c.T @ c", "Sum(c[n_1, 1]**2, (n_1, 1, N))"),
])
def test_textbook_vector_forms_lower_to_index_form(expr, index_form):
    d = shape_of(expr)
    assert str(d.claim_lhs) == index_form


@pytest.mark.parametrize("expr,message", [
    ("w @ X", "(a vector is a column: write x.T @ A"),
    ("w @ w", "x.T @ y is the inner product"),
    ("x + w", "cannot be added"),
    ("x + y.T", "cannot be added"),
    ("trace(X)", "trace takes a square matrix"),
    ("eye(n)", "eye takes a declared size"),
])
def test_shape_mistakes_are_errors(expr, message):
    with pytest.raises(DerivError, match=message.replace("(", r"\(").replace(".", r"\.")):
        shape_of(expr)


def test_textbook_identities_verify(tmp_path):
    report = run(["tests/data/matrix_vector/lr.deriv.yaml", "tests/data/matrix_vector/m.deriv.yaml"])
    assert not report.errors
    verdicts = {r.derivation.name: r.verdict for r in report.results}
    for name in ("least-squares", "quad-form", "trace-ax", "outer", "jacobian-tanh", "norm-sq"):
        assert verdicts[name] == VERIFIED, name


def test_a_wrong_quadratic_form_gradient_is_refuted(tmp_path):
    text = (tmp_path / "q.deriv.yaml")
    text.write_text(HEAD + "claim: D(x.T @ A @ x, x) == 2 * A @ x\nsteps:\n  - D(x.T @ A @ x, x)\n  - 2 * A @ x\n")
    (result,) = run([str(text)]).results
    assert result.verdict != VERIFIED
    assert result.claim.status == REFUTED


def test_the_jacobian_of_a_vector_function_matches_numpy():
    """D(tanh(W @ x), x) as derivcheck lowers it, against numpy finite differences."""
    (d,) = load_text(HEAD.replace("X: matrix N D", "X: matrix N D\n  W: matrix D N")
                     + "claim: D(tanh(W @ x), x) == diag(1 - tanh(W @ x)**2) @ W\nsteps:\n  - D(tanh(W @ x), x)\n")
    assert str(d.claim_lhs).startswith("D(tanh(Sum(W[d, n_")
    rng = np.random.default_rng(1)
    W, x = rng.normal(size=(3, 4)), rng.normal(size=4)
    J = np.diag(1 - np.tanh(W @ x) ** 2) @ W
    h = 1e-6
    fd = np.stack([(np.tanh(W @ (x + h * e)) - np.tanh(W @ (x - h * e))) / (2 * h) for e in np.eye(4)], axis=1)
    assert np.allclose(J, fd, atol=1e-8)


def test_products_of_three_matrices_exchange_their_sums():
    """Σ_c Σ_j ↔ Σ_j Σ_c: Tr(AXBX), Aᵀ C Bᵀ and (AB)C = A(BC) are proved, every link."""
    report = run(["tests/data/matrix_vector/three.deriv.yaml"])
    for result in report.results:
        assert result.verdict == VERIFIED, result.derivation.name
        assert all(sr.outcome.status == "proved" for sr in result.steps), result.derivation.name


@pytest.mark.parametrize("old,new", [
    ("expr: A.T @ X.T @ B.T + B.T @ X.T @ A.T", "expr: A.T @ X.T @ B.T + B @ X.T @ A.T"),
    ("expr: A.T @ C @ B.T", "expr: A.T @ C @ B.T + A.T @ C @ B.T"),
    ("expr: A @ (B @ C)", "expr: A @ (C @ B)"),
])
def test_a_wrong_three_matrix_step_is_refuted(tmp_path, old, new):
    text = open("tests/data/matrix_vector/three.deriv.yaml").read()
    assert old in text
    (tmp_path / "t.deriv.yaml").write_text(text.replace(old, new))
    report = run([str(tmp_path / "t.deriv.yaml")])
    bad = [r for r in report.results if r.verdict != VERIFIED]
    assert len(bad) == 1 and any(sr.outcome.status == REFUTED for sr in bad[0].steps)


def test_inverse_and_determinant_identities():
    """∂X⁻¹ = −X⁻¹ ∂X X⁻¹, ∂ log det X = X⁻ᵀ (X positive-definite), ∂ tr(A X⁻¹) = −(X⁻¹ A X⁻¹)ᵀ,
    X⁻¹ X = I, all proved for every N; det X · X⁻¹ for ∂ det X (the transpose forgotten) refuted."""
    report = run(["tests/data/matrix_vector/inverse.deriv.yaml"])
    results = {r.derivation.name: r for r in report.results}
    for name in ("d-inverse", "d-logdet", "d-trace-inv", "inverse-law"):
        assert results[name].verdict == VERIFIED, name
        assert all(sr.outcome.status == "proved" for sr in results[name].steps), name
    wrong = results["d-det-wrong"]
    assert wrong.verdict != VERIFIED and wrong.steps[0].outcome.status == REFUTED


def test_inverse_takes_a_declared_square_matrix():
    with pytest.raises(DerivError, match="inv takes a declared square matrix"):
        shape_of("inv(X)")
    with pytest.raises(DerivError, match="det takes a declared square matrix"):
        shape_of("det(A @ A)")


def test_posdef_samples_are_positive_definite():
    from derivcheck.evidence.sampling import inputs
    import random

    (d,) = load_text(HEAD.replace("A: matrix N N", "A: posdef N") + "claim: det(A) == det(A)\nsteps:\n  - det(A)\n")
    n = next(iter(d.ctx.sizes.values()))
    scalars, arrays = inputs(d.ctx, {}, {s: 4 for s in d.ctx.sizes.values()}, random.Random(0))
    base = d.ctx.arrays["A"].base
    M = np.array([[arrays[base][(i, j)] for j in range(1, 5)] for i in range(1, 5)])
    assert np.allclose(M, M.T) and np.all(np.linalg.eigvalsh(M) > 0)


@pytest.mark.parametrize("name", ["d-inverse", "d-logdet", "d-trace-inv", "inverse-law"])
def test_emitted_modules_compute_inverses_and_determinants(name):
    from derivcheck import numeric

    assert numeric("tests/data/matrix_vector/inverse.deriv.yaml", name=name).spot_check()


def test_renormalising_a_normal_form_captures_no_index():
    """canonical_bound never renames a bound index to a name free in the body: Σ B_j C_k X_jk stays
    apart from Σ B_j C_k X_kj after its normal form is normalised again (as the engine's second
    attempt does); before, both became Σ B C X[_b1, _b1]."""
    import sympy as sp

    from derivcheck import canon

    n = sp.Symbol("N", integer=True, positive=True)
    x, b, c = (sp.IndexedBase(name) for name in "XBC")
    j, k = sp.symbols("j k", integer=True)
    one = canon.normal(sp.Sum(b[j] * c[k] * x[j, k], (k, 1, n), (j, 1, n)))
    other = canon.normal(sp.Sum(b[j] * c[k] * x[k, j], (k, 1, n), (j, 1, n)))
    assert canon.normal(one) == one and canon.normal(other) == other
    assert not canon.equal(one, other)
    dependent = canon.canonical_bound(sp.Sum(x[j, k], (j, 1, k), (k, 1, n)))
    assert dependent.limits[0][2] == dependent.limits[1][0]  # the inner range still ends at the outer index

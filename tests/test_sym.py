"""`sym N`: symmetric matrices as a declared kind: the engine uses A[i, j] == A[j, i], the numeric checks
sample symmetric matrices, and differentiating by a symmetric matrix is refused (README: the convention)."""
import random

import numpy as np
import pytest
from sympy import Integer, Sum, Symbol

from derivcheck.errors import DerivError
from derivcheck.load import load_text
from derivcheck.model import PROVED, REFUTED, VERIFIED
from derivcheck.runner import run

from conftest import verify_text


def quadratic(kind, claim_rhs, step=None):
    """∂(xᵀAx)/∂x == claim_rhs, through (A + Aᵀ)x (true for every A) when step is not given."""
    middle = step or "(A + A.T) @ x"
    return f"""derivcheck: 1
name: quadratic
symbols:
  N: size
  x: vector N
  A: {kind}
claim: D(x.T @ A @ x, x) == {claim_rhs}
steps:
  - D(x.T @ A @ x, x)
  - by: [sum_rule, product_rule, delta_sift]
    expr: {middle}
  - by: algebra
    expr: {claim_rhs}
"""


def test_a_claim_true_only_for_symmetric_matrices_is_refuted_for_a_general_one():
    result = verify_text(quadratic("matrix N N", "2 * A @ x"))
    assert result.verdict != VERIFIED
    assert result.claim.status == REFUTED
    assert result.steps[0].outcome.status == PROVED  # (A + Aᵀ)x holds for every A
    assert result.steps[1].outcome.status == REFUTED  # 2Ax does not
    a = np.array(result.steps[1].outcome.counterexample["inputs"]["A"])
    assert not np.allclose(a, a.T)  # the counterexample is a matrix that is not symmetric


def test_the_same_claim_verifies_for_a_declared_symmetric_matrix():
    result = verify_text(quadratic("sym N", "2 * A @ x"))
    assert result.verdict == VERIFIED, [sr.outcome.message for sr in result.steps]
    assert all(sr.outcome.status == PROVED for sr in result.steps)
    assert result.claim.status == PROVED


@pytest.mark.parametrize("wrong", ["A @ x", "2 * diag(diag(A)) @ x", "2 * A @ x + x"])
def test_a_claim_false_even_for_symmetric_matrices_is_refuted_by_a_symmetric_counterexample(wrong):
    result = verify_text(quadratic("sym N", wrong, step="2 * A @ x"))
    assert result.verdict != VERIFIED
    assert result.claim.status == REFUTED
    assert result.steps[0].outcome.status == PROVED
    assert result.steps[1].outcome.status == REFUTED
    for outcome in (result.claim, result.steps[1].outcome):
        a = np.array(outcome.counterexample["inputs"]["A"])
        assert np.allclose(a, a.T)
    off_diagonal = result.claim.counterexample["inputs"]["A"]
    if "diag" in wrong:  # only false off the diagonal: the counterexample has N ≥ 2
        assert len(off_diagonal) >= 2


def test_the_hessian_of_a_symmetric_quadratic_form_is_2a():
    text = """derivcheck: 1
name: hessian
symbols:
  N: size
  x: vector N
  A: sym N
define:
  f: x.T @ A @ x
claim: D(D(f, x), x) == 2 * A
steps:
  - D(D(f, x), x)
  - by: [definition, sum_rule, product_rule, delta_sift]
    expr: 2 * A
"""
    result = verify_text(text)
    assert result.verdict == VERIFIED and result.steps[0].outcome.status == PROVED
    general = verify_text(text.replace("A: sym N", "A: matrix N N"))
    assert general.claim.status == REFUTED and general.steps[0].outcome.status == REFUTED


def test_the_inverse_of_a_symmetric_matrix_is_symmetric():
    text = """derivcheck: 1
name: inverse
symbols:
  N: size
  x: vector N
  A: sym N
claim: inv(A).T @ x == inv(A) @ x
steps:
  - inv(A).T @ x
  - by: algebra
    expr: inv(A) @ x
"""
    assert verify_text(text).verdict == VERIFIED
    general = verify_text(text.replace("A: sym N", "A: matrix N N"))
    assert general.claim.status == REFUTED


@pytest.mark.parametrize("derivative", ["D(x.T @ A @ x, A)", "D(trace(A), A[i, j])", "D(A[i, j], A[j, i])"])
def test_differentiating_by_a_symmetric_matrix_is_refused_with_the_reason(derivative):
    text = f"""derivcheck: 1
name: by-sym
symbols:
  N: size
  i j: index N
  x: vector N
  A: sym N
claim: {derivative} == {derivative}
steps:
  - {derivative}
"""
    with pytest.raises(DerivError, match="symmetric matrix A") as info:
        load_text(text)
    assert "matrix N N" in str(info.value) and info.value.line == 8


def test_differentiating_by_a_symmetric_matrix_in_latex_is_refused():
    text = r"""derivcheck: 1
name: by-sym-tex
symbols:
  N: size
  i j: index N
  A: sym N
claim_tex: \frac{\partial A_{ij}}{\partial A_{ji}} = 1
steps:
  - tex: \frac{\partial A_{ij}}{\partial A_{ji}}
"""
    with pytest.raises(DerivError, match="symmetric matrix A"):
        load_text(text)


def test_symmetric_entries_are_one_node_under_renaming_and_substitution():
    (d,) = load_text(quadratic("sym N", "2 * A @ x"))
    base = d.ctx.arrays["A"].base
    i, j, k = (Symbol(n, integer=True) for n in "ijk")
    assert base[i, j] == base[j, i]
    assert base[k, j].xreplace({k: i}) == base[j, i]  # rebuilt in order
    assert Sum(base[k, j], (k, 1, 3)).xreplace({j: Integer(2)}) == Sum(base[2, k], (k, 1, 3))
    general = load_text(quadratic("matrix N N", "2 * A @ x"))[0].ctx.arrays["A"].base
    assert general[i, j] != general[j, i]


@pytest.mark.parametrize("size", [1, 2, 5])
def test_symmetric_samples_are_symmetric_and_not_constant(size):
    from derivcheck.evidence.sampling import inputs

    (d,) = load_text(quadratic("sym N", "2 * A @ x"))
    _, arrays = inputs(d.ctx, {}, {s: size for s in d.ctx.sizes.values()}, random.Random(size))
    data = arrays[d.ctx.arrays["A"].base]
    m = np.array([[data[(i, j)] for j in range(1, size + 1)] for i in range(1, size + 1)])
    assert np.allclose(m, m.T)
    assert len(set(np.round(m[np.triu_indices(size)], 12))) == size * (size + 1) // 2  # independent draws


def test_emitted_modules_sample_symmetric_matrices(tmp_path):
    from derivcheck import numeric

    good = tmp_path / "good.deriv.yaml"
    good.write_text(quadratic("sym N", "2 * A @ x"))
    assert numeric(str(good)).spot_check()
    bad = tmp_path / "bad.deriv.yaml"
    bad.write_text(quadratic("matrix N N", "2 * A @ x"))
    assert not numeric(str(bad)).spot_check()


def test_a_lemma_about_a_symmetric_matrix_is_not_used_for_a_general_one(tmp_path):
    lemma = quadratic("sym N", "2 * A @ x").replace("name: quadratic", "name: sym-quadratic")
    user = """derivcheck: 1
name: user
symbols:
  N: size
  x: vector N
  A: matrix N N
claim: D(x.T @ A @ x, x) == 2 * A @ x
steps:
  - D(x.T @ A @ x, x)
  - by: sym-quadratic
    expr: 2 * A @ x
"""
    (tmp_path / "lemma.deriv.yaml").write_text(lemma)
    (tmp_path / "user.deriv.yaml").write_text(user)
    results = {r.derivation.name: r for r in run([str(tmp_path)]).results}
    assert results["sym-quadratic"].verdict == VERIFIED
    assert results["user"].verdict != VERIFIED
    assert results["user"].steps[0].outcome.status == REFUTED


@pytest.mark.parametrize("product", ["inv(A) @ A", "inv(A) @ A.T", "inv(A).T @ A", "A @ inv(A).T"])
def test_inverse_rule_knows_the_inverse_law_of_a_symmetric_matrix_in_every_order(product):
    text = f"""derivcheck: 1
name: inverse-law
symbols:
  N: size
  x: vector N
  A: sym N
claim: {product} @ x == x
steps:
  - {product} @ x
  - by: [inverse_rule, delta_sift]
    expr: x
"""
    result = verify_text(text)
    assert result.verdict == VERIFIED and result.steps[0].outcome.status == PROVED
    general = verify_text(text.replace("A: sym N", "A: matrix N N"))
    if "T" in product:  # X⁻¹ Xᵀ is not the identity for a general X
        assert general.claim.status == REFUTED and general.steps[0].outcome.status == REFUTED
    else:
        assert general.verdict == VERIFIED


GAUSSIAN = """derivcheck: 1
name: gaussian
symbols:
  N: size
  x mu: vector N
  S: {kind}
define:
  f: log(det(S)) / 2 + (x - mu).T @ inv(S) @ (x - mu) / 2
claim: D(f, mu) == -inv(S) @ (x - mu)
steps:
  - D(f, mu)
  - by: [sum_rule, product_rule, delta_sift]
    expr: -inv(S) @ (x - mu)
"""


def test_a_symmetric_positive_definite_covariance_proves_the_gaussian_mean_gradient():
    result = verify_text(GAUSSIAN.format(kind="sym N posdef"))
    assert result.verdict == VERIFIED and result.steps[0].outcome.status == PROVED
    # posdef alone is sampled symmetric but its entries stay free for D: the engine does not know Σ⁻¹ = Σ⁻ᵀ
    free = verify_text(GAUSSIAN.format(kind="posdef N"))
    assert free.steps[0].outcome.status != PROVED and free.verdict != VERIFIED
    wrong = verify_text(GAUSSIAN.format(kind="sym N posdef").replace("-inv(S) @ (x - mu)", "-2 * inv(S) @ (x - mu)"))
    assert wrong.claim.status == REFUTED
    a = np.array(wrong.claim.counterexample["inputs"]["S"])
    assert np.allclose(a, a.T) and np.all(np.linalg.eigvalsh(a) > 0)


def test_sym_posdef_is_symmetric_positive_definite_and_never_differentiated_by():
    from derivcheck.evidence.sampling import inputs

    (d,) = load_text(GAUSSIAN.format(kind="sym N posdef"))
    arr = d.ctx.arrays["S"]
    assert arr.kind == "sympd" and arr.base[Symbol("i", integer=True), Symbol("j", integer=True)] == \
        arr.base[Symbol("j", integer=True), Symbol("i", integer=True)]
    _, arrays = inputs(d.ctx, {}, {s: 4 for s in d.ctx.sizes.values()}, random.Random(1))
    m = np.array([[arrays[arr.base][(i, j)] for j in range(1, 5)] for i in range(1, 5)])
    assert np.allclose(m, m.T) and np.all(np.linalg.eigvalsh(m) > 0)
    with pytest.raises(DerivError, match="symmetric matrix S"):
        load_text(GAUSSIAN.format(kind="sym N posdef").replace("D(f, mu)", "D(f, S)").replace(
            "-inv(S) @ (x - mu)", "inv(S)"))


@pytest.mark.parametrize("kind", ["sym N N", "sym N positive", "sym"])
def test_a_malformed_sym_declaration_is_an_error(kind):
    with pytest.raises(DerivError, match="unknown symbol kind"):
        load_text(GAUSSIAN.format(kind=kind))


def test_a_loss_of_a_symmetric_matrix_is_refused_with_the_reason():
    text = "derivcheck: 1\nname: t\nsymbols:\n  N: size\n  A: sym N\ndefine:\n  L: loss(A)\nclaim: L == L\nsteps:\n  - L\n"
    with pytest.raises(DerivError, match="symmetric matrix A is not supported"):
        load_text(text)


def test_a_symmetric_and_a_general_matrix_in_one_file_keep_their_own_samples_and_verdicts(tmp_path):
    """Derivations of one process share evidence state only for equal declarations: sym N and matrix N N
    differ (kind and base), so each keeps its verdict in either order."""
    def block(kind, name):
        body = quadratic(kind, "2 * A @ x").replace("name: quadratic", f"name: {name}")
        return "  - " + body.replace("\n", "\n    ").rstrip() + "\n"

    for order in (("sym N", "matrix N N"), ("matrix N N", "sym N")):
        path = tmp_path / "both.deriv.yaml"
        path.write_text("derivations:\n" + "".join(block(k, k.split()[0]) for k in order))
        report = run([str(path)], jobs=1)
        assert not report.errors, report.errors
        verdicts = {r.derivation.name: r.verdict for r in report.results}
        assert verdicts == {"sym": VERIFIED, "matrix": "not verified"}

"""Matrix backprop: shapes checked, every identity proved for all sizes, wrong variants caught."""
import numpy as np
import pytest

from conftest import line_of
from derivcheck import builtins
from derivcheck.errors import DerivError
from derivcheck.load import load_text
from derivcheck.model import PROVED, REFUTED, VERIFIED
from derivcheck.runner import run

MLP = builtins.find("mlp-backprop").read_text()


def derivation(name, text=MLP):
    """One derivation of the mlp file, as a file of its own."""
    blocks = text.split("\n  - derivcheck: 1\n")
    block = next(b for b in blocks[1:] if f"    name: {name}\n" in b)
    return "derivcheck: 1\n" + "\n".join(line[4:] for line in block.splitlines()) + "\n"


def verify(text, tmp_path):
    path = tmp_path / "m.deriv.yaml"
    path.write_text(text)
    report = run([str(path)])
    assert not report.errors, report.errors
    return report.results[0]


def test_mlp_backprop_builtin_proves_every_identity_for_every_size():
    report = run(["mlp-backprop"])
    names = [r.derivation.name for r in report.results]
    assert names == ["mlp-backprop", "mlp-backprop-db2", "mlp-backprop-da1", "mlp-backprop-dz1",
                     "mlp-backprop-dw1", "mlp-backprop-db1", "mlp-backprop-dz2"]
    for result in report.results:
        assert result.verdict == VERIFIED, result.derivation.name
        assert all(sr.outcome.status == PROVED for sr in result.steps), result.derivation.name


def test_the_index_form_is_shown_for_a_matrix_step():
    (d,) = load_text(derivation("mlp-backprop"))
    last = d.steps()[-1]
    assert last.text == "A1.T @ D(L, Z2)"
    assert str(last.expr) == "Sum(D(L, Z2[n_1, c])*A1[n_1, h], (n_1, 1, N))"


@pytest.mark.parametrize("old,new,message", [
    ("claim: D(L, W2) == A1.T @ D(L, Z2)", "claim: D(L, W2) == D(L, Z2) @ W2",
     "shapes (N, C) and (H, C) cannot be multiplied"),
    ("expr: A1.T @ D(L, Z2)\n", "expr: D(L, Z2).T @ A1\n", "this step is shape (C, H) but the claim is shape (H, C)"),
])
def test_shape_errors_name_both_shapes_and_the_line(old, new, message):
    text = derivation("mlp-backprop").replace(old, new)
    with pytest.raises(DerivError) as info:
        load_text(text)
    assert message in info.value.message
    assert info.value.line == line_of(text, new.strip())


def test_dz_xt_where_xt_dz_is_meant_is_caught():
    text = derivation("mlp-backprop-dw1").replace("expr: X.T @ D(L, Z1)", "expr: D(L, Z1) @ X.T")
    with pytest.raises(DerivError) as info:
        load_text(text)
    assert "shapes (N, H) and (D, N) cannot be multiplied" in info.value.message
    assert info.value.line == line_of(text, "expr: D(L, Z1) @ X.T")


def test_an_index_form_step_must_use_the_claims_entry_indices():
    text = derivation("mlp-backprop").replace("expr: Sum(D(L, Z2[n, c]) * A1[n, h], n)",
                                              "expr: Sum(D(L, Z2[n, c]) * A1[n, g], n)")
    with pytest.raises(DerivError, match="free index g; the claim's entries are at"):
        load_text(text)


def test_missing_one_over_n_is_refuted_at_its_line(tmp_path):
    text = derivation("mlp-backprop-dz2").replace("expr: 1/N * (A2 - onehot(y))", "expr: A2 - onehot(y)")
    result = verify(text, tmp_path)
    bad = next(sr for sr in result.steps if sr.outcome.status != PROVED)
    assert bad.outcome.status == REFUTED and bad.step.line == line_of(text, "expr: A2 - onehot(y)")


def test_wrong_activation_derivative_is_refuted_at_its_line(tmp_path):
    wrong = "expr: D(L, A1) * A1 * (1 - A1)"  # the sigmoid's derivative, for a tanh layer
    text = derivation("mlp-backprop-dz1").replace("expr: D(L, A1) * (1 - tanh(Z1)**2)", wrong)
    result = verify(text, tmp_path)
    bad = next(sr for sr in result.steps if sr.outcome.status != PROVED)
    assert bad.outcome.status == REFUTED and bad.step.line == line_of(text, wrong)


def test_relu_layer(tmp_path):
    text = derivation("mlp-backprop-dz1").replace("A1: tanh(Z1)", "A1: relu(Z1)").replace(
        "(1 - tanh(Z1[m, h])**2)", "step(Z1[m, h])").replace("(1 - tanh(Z1[n, h])**2)", "step(Z1[n, h])").replace(
        "(1 - tanh(Z1)**2)", "step(Z1)")
    result = verify(text, tmp_path)
    assert result.verdict == VERIFIED
    notes = [c for sr in result.steps for _, c in sr.outcome.side_conditions]
    assert any("relu is not differentiable at 0" in c for c in notes)


def test_the_gradients_of_a_real_small_network_by_finite_differences():
    """Independent of SymPy and of derivcheck's evaluator: numpy, a 2-layer net, mean cross-entropy."""
    rng = np.random.default_rng(0)
    N, D, H, C = 5, 4, 3, 6
    X, W1, b1 = rng.normal(size=(N, D)), rng.normal(size=(D, H)), rng.normal(size=H)
    W2, b2, y = rng.normal(size=(H, C)), rng.normal(size=C), rng.integers(0, C, size=N)
    Y = np.eye(C)[y]

    def forward(W1, b1, W2, b2):
        Z1 = X @ W1 + b1
        A1 = np.tanh(Z1)
        Z2 = A1 @ W2 + b2
        A2 = np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True)
        return Z1, A1, Z2, A2, -np.sum(Y * np.log(A2)) / N

    def fd(index, params):
        grad = np.zeros_like(params[index])
        for pos in np.ndindex(grad.shape):
            up = [p.copy() for p in params]
            down = [p.copy() for p in params]
            up[index][pos] += 1e-6
            down[index][pos] -= 1e-6
            grad[pos] = (forward(*up)[-1] - forward(*down)[-1]) / 2e-6
        return grad

    params = [W1, b1, W2, b2]
    Z1, A1, Z2, A2, _ = forward(*params)
    dZ2 = (A2 - Y) / N  # the claims of mlp-backprop, in numpy
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * (1 - np.tanh(Z1) ** 2)
    claimed = [X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)]
    for index, grad in enumerate(claimed):
        assert np.allclose(fd(index, params), grad, atol=1e-7)


def test_emitted_numpy_module_for_the_output_layer_spot_checks(tmp_path):
    from click.testing import CliRunner

    from derivcheck import numeric
    from derivcheck.cli import main

    module = numeric("mlp-backprop", name="mlp-backprop-dz2")
    assert module.spot_check(seed=2)
    out = CliRunner().invoke(main, ["emit", "mlp-backprop", "-n", "mlp-backprop", "-o", str(tmp_path / "x.py")])
    assert out.exit_code == 2 and "unspecified loss" in out.output

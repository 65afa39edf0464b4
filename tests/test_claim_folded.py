"""The claim check's shortcut (engine._Replay._folded_claim: the derivatives' one defined variable kept
folded after the derivative is taken) gives the outcome the full check gives, and proves nothing false."""
from pathlib import Path

import pytest
from sympy import tanh

from derivcheck import engine
from derivcheck.calculus import real_definition
from derivcheck.load import load_file, load_text

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "derivcheck" / "builtins").glob("*.deriv.yaml")) + sorted(
    (ROOT / "examples" / "seeds").glob("*.deriv.yaml")) + sorted((ROOT / "tests" / "data").glob("*.deriv.yaml"))

# u, y and q depend on x in a chain; a claim with derivatives by two defined names (u and y)
TWO_VARIABLES = """\
derivcheck: 1
name: two-variables
symbols:
  N: size
  i j: index N
  x: vector N
define:
  u[i]: 3 * x[i]
  y[i]: 2 * u[i]
  q[i]: y[i]**2
  r[i]: 2 * log(x[i])
claim: D(q[i], u[j]) + D(y[i], y[j]) == 8 * u[i] * delta(i, j) + delta(i, j)
steps:
  - D(q[i], u[j]) + D(y[i], y[j])
  - 8 * u[i] * delta(i, j) + delta(i, j)
"""


def _replay(deriv):
    return engine._Replay(deriv, {"seed": 0, "strict": False})


def _claims(monkeypatch, folded):
    """Every claim outcome of the corpus, with the shortcut on or off; and how often it proved one."""
    used = []
    if folded:
        original = engine._Replay._folded_claim

        def spy(self, lhs, rhs):
            used.append(original(self, lhs, rhs))
            return used[-1]

        monkeypatch.setattr(engine._Replay, "_folded_claim", spy)
    else:
        monkeypatch.setattr(engine._Replay, "_folded_claim", lambda self, lhs, rhs: False)
    out = {}
    for path in FILES:
        for deriv in load_file(path):
            o = _replay(deriv)._claim()
            out[(path.name, deriv.name)] = (o.status, o.message, o.samples)
    return out, used


def test_the_shortcut_changes_no_claim_outcome(monkeypatch):
    with_shortcut, used = _claims(monkeypatch, True)
    without, _ = _claims(monkeypatch, False)
    assert with_shortcut == without
    assert any(used), "the corpus has a claim the shortcut proves (mlp-backprop-dz2): else this test shows nothing"
    assert ("mlp_backprop.deriv.yaml", "mlp-backprop-dz2") in with_shortcut


def test_the_shortcut_proves_the_softmax_cross_entropy_gradient_by_the_folded_variable():
    deriv = next(d for d in load_file(ROOT / "derivcheck" / "builtins" / "mlp_backprop.deriv.yaml")
                 if d.name == "mlp-backprop-dz2")
    run = _replay(deriv)
    assert run._folded_claim(deriv.claim_lhs, deriv.claim_rhs) is True
    z2 = deriv.ctx.definitions["Z2"].target
    form = run._sympy_form(deriv.claim_lhs, keep=frozenset({z2}))
    assert form.has(z2) and not form.has(tanh)  # Z2's entries stay folded: its definition is not rebuilt
    wrong = 2 * deriv.claim_rhs  # a false right side: the shortcut must not meet it
    assert run._folded_claim(deriv.claim_lhs, wrong) is False
    assert run._folded_claim(deriv.claim_lhs, deriv.claim_rhs.subs(deriv.ctx.sizes["N"], 1)) is False


def test_two_derivative_variables_are_not_kept_folded():
    """With u and y both kept folded, y would be held fixed inside D(q, u) (q = y**2 with y = 2u), and
    the false D(q[i], u[j]) + D(y[i], y[j]) == delta(i, j) would meet (D(q, u) read as 0)."""
    (deriv,) = load_text(TWO_VARIABLES, "two.deriv.yaml")
    run = _replay(deriv)
    i, j = deriv.ctx.indices["i"], deriv.ctx.indices["j"]
    from sympy import KroneckerDelta

    assert run._folded_claim(deriv.claim_lhs, KroneckerDelta(i, j)) is False
    assert run._claim().status == "proved"  # the true claim, by the full check


def test_a_body_sympy_does_not_find_real_is_not_kept_folded():
    (deriv,) = load_text(TWO_VARIABLES, "two.deriv.yaml")
    defined = {name: d.target for name, d in deriv.ctx.definitions.items()}
    ctx = deriv.ctx
    assert real_definition(defined["q"], ctx) and real_definition(defined["u"], ctx)
    assert not real_definition(defined["r"], ctx)  # 2 log(x) of a real x: complex for x < 0
    assert not real_definition(ctx.arrays["x"].base, ctx)  # not a defined name


@pytest.mark.parametrize("claim", ["D(r[i], x[j]) == 2 * delta(i, j) / x[i]"])
def test_no_folded_variable_no_shortcut(claim):
    """x is declared, not defined: nothing to keep folded, the full check alone decides."""
    text = TWO_VARIABLES.replace("claim: D(q[i], u[j]) + D(y[i], y[j]) == 8 * u[i] * delta(i, j) + delta(i, j)",
                                 f"claim: {claim}")
    (deriv,) = load_text(text, "two.deriv.yaml")
    assert _replay(deriv)._folded_claim(deriv.claim_lhs, deriv.claim_rhs) is False


D_IN_A_DEFINITION = """\
derivcheck: 1
name: d-in-a-definition
symbols:
  N: size
  i j: index N
  x: vector N
define:
  u[i]: 3 * x[i]
  v[i]: u[i]**2
  g[i]: D(v[i], x[i])
claim: D(v[i], u[j]) + g[i] == 2 * u[i] * delta(i, j) + 18 * x[i]
steps:
  - D(v[i], u[j]) + g[i]
  - 2 * u[i] * delta(i, j) + 18 * x[i]
"""


def test_a_derivative_inside_a_definition_turns_the_shortcut_off():
    """g[i] = D(v[i], x[i]) met outside D(., u[j]): there u must unfold inside D(., x) (v = 9 x**2, g = 18 x);
    kept folded, D(u**2, x) would read 0 and the false right side 2 u δ(i, j) would meet."""
    (deriv,) = load_text(D_IN_A_DEFINITION, "d.deriv.yaml")
    run = _replay(deriv)
    u, x = deriv.ctx.definitions["u"].target, deriv.ctx.arrays["x"].base
    i, j = deriv.ctx.indices["i"], deriv.ctx.indices["j"]
    from sympy import KroneckerDelta

    assert run._folded_claim(deriv.claim_lhs, 2 * u[i] * KroneckerDelta(i, j)) is False
    assert run._folded_claim(deriv.claim_lhs, deriv.claim_rhs) is False  # not tried at all
    assert run._claim().status == "proved"  # the true claim, by the full check

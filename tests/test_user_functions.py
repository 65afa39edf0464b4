"""Functions defined in a file: sigma(u): body, applied, unfolded by definition, differentiated by chain_rule."""
import pytest

from derivcheck.errors import DerivError
from derivcheck.lemmas import incompatibility
from derivcheck.load import load_text
from derivcheck.model import PROVED, REFUTED, VERIFIED
from derivcheck.runner import run

LEMMA = """derivcheck: 1
name: sig-lemma
symbols:
  x: real
define:
  sigma(u): {body}
claim: D(sigma(x), x) == sigma(x) * (1 - sigma(x))
steps:
  - D(sigma(x), x)
  - by: chain_rule
    expr: sigma(x) * (1 - sigma(x))
"""


def test_a_defined_function_is_differentiated_by_the_chain_rule():
    report = run(["tests/data/user_functions.deriv.yaml"])
    results = {r.derivation.name: r for r in report.results}
    sig = results["user-sigmoid"]
    assert sig.verdict == VERIFIED and [sr.outcome.status for sr in sig.steps] == [PROVED]
    assert results["gelu"].verdict == VERIFIED
    wrong = results["user-sigmoid-wrong"]
    assert wrong.verdict != VERIFIED and wrong.steps[0].outcome.status == REFUTED


def test_a_lemma_about_a_function_needs_the_same_definition_where_it_is_cited():
    (lemma,) = load_text(LEMMA.format(body="1 / (1 + exp(-u))"))
    (same,) = load_text(LEMMA.format(body="1 / (1 + exp(-u))").replace("sig-lemma", "same"))
    (renamed,) = load_text(LEMMA.format(body="1 / (1 + exp(-t))").replace("sigma(u)", "sigma(t)"))
    (other,) = load_text(LEMMA.format(body="1 / (1 + exp(-2 * u))").replace("sig-lemma", "other"))
    assert incompatibility(lemma, same.ctx) is None
    assert incompatibility(lemma, renamed.ctx) is None
    assert "the function sigma is not defined here as in sig-lemma" in incompatibility(lemma, other.ctx)


def test_a_function_applies_elementwise_to_a_vector():
    text = """derivcheck: 1
name: logistic
symbols:
  N D: size
  n: index N
  d: index D
  X: matrix N D
  w: vector D
define:
  sigma(u): 1 / (1 + exp(-u))
  p: sigma(X @ w)
claim: p == sigma(X @ w)
steps:
  - p
"""
    (d,) = load_text(text)
    assert str(d.claim_rhs) == "sigma(Sum(X[n, d_1]*w[d_1], (d_1, 1, D)))"


@pytest.mark.parametrize("key,body,message", [
    ("sigma(x)", "x", "the parameter 'x' of sigma is a declared name"),
    ("sigma(u, u)", "u", "distinct parameter names"),
    ("exp(u)", "u", "'exp' is already declared"),
])
def test_bad_function_definitions_are_errors(key, body, message):
    text = f"derivcheck: 1\nname: t\nsymbols:\n  x: real\ndefine:\n  {key}: {body}\nclaim: x == x\nsteps:\n  - x\n"
    with pytest.raises(DerivError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_text(text)


def test_a_function_takes_its_number_of_arguments():
    text = "derivcheck: 1\nname: t\nsymbols:\n  x: real\ndefine:\n  f(u): u**2\nclaim: f(x, x) == x\nsteps:\n  - x\n"
    with pytest.raises(DerivError, match="f takes 1 argument"):
        load_text(text)


def test_a_defined_function_applied_in_latex_is_an_application():
    (result,) = run(["tests/data/user_function_tex.deriv.yaml"]).results
    assert result.verdict == VERIFIED
    assert str(result.derivation.claim_lhs) == "D(sigma(z[i]), z[j])"


def test_a_function_depends_on_what_its_body_uses():
    """f(u): beta * u depends on beta: constant_rule must not make D(f(x), beta) zero."""
    text = """derivcheck: 1
name: beta-dep
symbols:
  x beta: real
define:
  f(u): beta * u
claim: D(f(x), beta) == 0
steps:
  - D(f(x), beta)
  - by: constant_rule
    expr: 0
"""
    from derivcheck.calculus import depends

    (d,) = load_text(text)
    beta = d.ctx.scalars["beta"][0]
    assert depends(d.claim_lhs.args[0], beta, d.ctx)

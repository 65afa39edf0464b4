"""inverse_rule and det_rule declare their side conditions as templates: X invertible is proved from the
declarations (posdef) or is where the link is stated (it writes X⁻¹), else det_rule does not fire."""
import re

import pytest

from derivcheck.model import PROVED, REFUTED, UNPROVED, VERIFIED
from derivcheck.rules import BY_NAME
from derivcheck.runner import run

from conftest import verify_text

ADJUGATE = """derivcheck: 1
name: adjugate
symbols:
  N: size
  X: {kind}
claim: D(det(X), X).T @ X == det(X) * eye(N)
steps:
  - D(det(X), X).T @ X
  - by: [det_rule, inverse_rule, delta_sift]
    expr: det(X) * eye(N)
"""


def test_det_rule_does_not_bring_in_an_inverse_nobody_wrote_for_a_general_matrix():
    """(∂det X/∂X)ᵀ X = det X · I writes no X⁻¹: for a general X, Jacobi's formula det X (X⁻¹)ᵀ needs X
    invertible, which nothing here says; the link is left unproved (never proved)."""
    result = verify_text(ADJUGATE.format(kind="matrix N N"))
    assert result.steps[0].outcome.status == UNPROVED
    assert result.verdict != VERIFIED


def test_det_rule_fires_for_a_matrix_declared_positive_definite():
    result = verify_text(ADJUGATE.format(kind="posdef N"))
    assert result.verdict == VERIFIED and result.steps[0].outcome.status == PROVED
    assert ("det_rule", "X is invertible: X is declared positive-definite") in result.steps[0].outcome.side_conditions


def test_det_rule_fires_where_the_link_writes_the_inverse():
    text = """derivcheck: 1
name: jacobi
symbols:
  N: size
  X: matrix N N
claim: D(det(X), X) == det(X) * inv(X).T
steps:
  - D(det(X), X)
  - by: det_rule
    expr: det(X) * inv(X).T
"""
    result = verify_text(text)
    assert result.verdict == VERIFIED and result.steps[0].outcome.status == PROVED
    assert ("det_rule", "X is invertible: the link writes X⁻¹, so it is stated where X⁻¹ exists") in \
        result.steps[0].outcome.side_conditions
    wrong = verify_text(text.replace("inv(X).T", "inv(X)"))
    assert wrong.steps[0].outcome.status == REFUTED


def _pattern(template, names):
    return re.sub(r"(?<!\w)(" + "|".join(names) + r")(?!\w)", ".+", re.escape(template))


@pytest.mark.parametrize("rule", ["inverse_rule", "det_rule"])
def test_every_note_of_the_linear_algebra_rules_is_a_declared_template_filled_in(rule):
    notes = set()
    for result in run(["tests/data/matrix_vector/inverse.deriv.yaml"]).results:
        notes |= {c for sr in result.steps for r, c in sr.outcome.side_conditions if r == rule}
    for kind in ("posdef N", "matrix N N"):
        result = verify_text(ADJUGATE.format(kind=kind))
        notes |= {c for sr in result.steps for r, c in sr.outcome.side_conditions if r == rule}
    templates = BY_NAME[rule].side_conditions
    assert notes and len(templates) >= 2
    patterns = [_pattern(t, ("X", "k", "lo", "hi")) for t in templates]
    for note in notes:
        assert any(re.fullmatch(p, note) for p in patterns), (note, templates)


def test_the_catalogue_shows_the_templates():
    from click.testing import CliRunner

    from derivcheck.cli import main

    out = CliRunner().invoke(main, ["rules", "--format", "markdown"]).output
    for rule in ("inverse_rule", "det_rule"):
        for template in BY_NAME[rule].side_conditions:
            assert template in out, template

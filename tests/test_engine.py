"""The engine end to end: true links proved, false links refuted at their line."""
import pytest

from conftest import SPEC_EXAMPLE, by_line, line_of, variant, verify_text
from derivcheck.model import MISJUSTIFIED, NOT_VERIFIED, PROVED, REFUTED, UNPROVED, VERIFIED

QUOTIENT = "(D(exp(z[i]), z[j]) * Sum(exp(z[k]), k) - exp(z[i]) * D(Sum(exp(z[k]), k), z[j])) / Sum(exp(z[k]), k)**2"
DELTA_FORM = "(exp(z[i]) * delta(i, j) * Sum(exp(z[k]), k) - exp(z[i]) * exp(z[j])) / Sum(exp(z[k]), k)**2"


def test_spec_example_verifies_every_link_proved():
    result = verify_text(SPEC_EXAMPLE)
    assert result.verdict == VERIFIED
    assert [sr.outcome.status for sr in result.steps] == [PROVED] * 4
    assert [sr.step.index for sr in result.steps] == [1, 2, 3, 4]
    assert result.claim.status == PROVED
    assert all(c.outcome.status == PROVED for c in result.checks)


def test_side_conditions_are_recorded():
    result = verify_text(SPEC_EXAMPLE)
    notes = [c for sr in result.steps for c in sr.outcome.side_conditions]
    assert ("delta_sift", "j ∈ 1..N") in notes
    assert any(rule == "quotient_rule" and "≠ 0" in cond for rule, cond in notes)


WRONG_LINKS = [
    pytest.param(QUOTIENT, QUOTIENT.replace(" - exp(z[i]) * D", " + exp(z[i]) * D"), id="quotient-rule-with-plus"),
    pytest.param(QUOTIENT, QUOTIENT.replace(", k)**2", ", k)"), id="dropped-square"),
    pytest.param(DELTA_FORM, DELTA_FORM.replace("- exp(z[i]) * exp(z[j])", "+ exp(z[i]) * exp(z[j])"), id="sign-flip"),
    pytest.param(DELTA_FORM, DELTA_FORM.replace("delta(i, j) * Sum", "delta(i, k) * Sum").replace("* delta(i, k) * Sum(exp(z[k]), k)", "* Sum(delta(i, k) * exp(z[k]), k)"), id="delta-summed-wrongly"),
    pytest.param(DELTA_FORM, DELTA_FORM.replace("exp(z[i]) * exp(z[j])", "exp(z[j]) * exp(z[j])"), id="swapped-index"),
    pytest.param(DELTA_FORM, DELTA_FORM.replace("delta(i, j) * Sum(exp(z[k]), k)", "delta(i, j) * Sum(exp(z[j]), k)"), id="summand-lost-its-index"),
]


@pytest.mark.parametrize("old,new", WRONG_LINKS)
def test_wrong_link_is_refuted_at_its_line(old, new):
    text = variant("expr: " + old, "expr: " + new)
    result = verify_text(text)
    line = line_of(text, "expr: " + new)
    outcome = by_line(result)[line]
    assert outcome.status == REFUTED
    ce = outcome.counterexample
    assert set(ce) >= {"sizes", "indices", "inputs", "lhs", "rhs"}
    assert ce["lhs"] != ce["rhs"]
    assert len(ce["inputs"]["z"]) == ce["sizes"]["N"]
    assert result.verdict == NOT_VERIFIED
    # every earlier link is still proved: the failure is pinned to this line
    assert all(o.status == PROVED for ln, o in by_line(result).items() if ln < line)


def test_wrong_final_expression_fails_the_end_check():
    text = variant("expr: p[i] * (delta(i, j) - p[j])", "expr: p[i] * (delta(i, j) - p[i])")
    result = verify_text(text)
    assert by_line(result)[line_of(text, "expr: p[i] * (delta(i, j) - p[i])")].status == REFUTED
    assert {c.kind: c.outcome.status for c in result.checks}["end"] == REFUTED


def test_true_link_by_the_wrong_rule_is_misjustified():
    text = variant("by: quotient_rule", "by: product_rule")
    result = verify_text(text)
    outcome = by_line(result)[line_of(text, "by: product_rule") + 1]
    assert outcome.status == MISJUSTIFIED
    assert "quotient_rule" in outcome.rules_found
    assert result.verdict == VERIFIED
    assert verify_text(text, strict=True).verdict == NOT_VERIFIED


def test_missing_rule_in_the_list_is_misjustified():
    text = variant("by: [exp_rule, sum_rule, index_rule, delta_sift]", "by: [exp_rule, sum_rule, index_rule]")
    outcome = by_line(verify_text(text))[line_of(text, "by: [exp_rule, sum_rule, index_rule]") + 1]
    assert outcome.status == MISJUSTIFIED
    assert outcome.rules_found == ("exp_rule", "sum_rule", "index_rule", "delta_sift")
    assert "it also needs delta_sift, which the link does not name" in outcome.message


def test_bookkeeping_rules_need_not_be_named():
    """Unfolding a definition, constants, D(z_i, z_j) = δ_ij and algebra go with any named rule."""
    text = variant("by: [algebra, definition]", "by: [algebra]")
    outcome = by_line(verify_text(text))[line_of(text, "by: [algebra]") + 1]
    assert outcome.status == PROVED
    text = variant("by: [exp_rule, sum_rule, index_rule, delta_sift]", "by: [exp_rule, sum_rule, delta_sift]")
    assert by_line(verify_text(text))[line_of(text, "by: [exp_rule, sum_rule, delta_sift]") + 1].status == PROVED


def test_link_without_by_reports_the_rules_found_and_fails_strict():
    text = variant("  - by: quotient_rule\n    expr: ", "  - expr: ")
    result = verify_text(text)
    outcome = by_line(result)[line_of(text, "  - expr: (D(")]
    assert outcome.status == PROVED
    assert "quotient_rule" in outcome.rules_found
    assert result.verdict == VERIFIED
    assert verify_text(text, strict=True).verdict == NOT_VERIFIED


def test_false_claim_is_refuted_even_when_the_claim_check_is_independent():
    text = variant("claim: D(p[i], z[j]) == p[i] * (delta(i, j) - p[j])", "claim: D(p[i], z[j]) == p[i] * (delta(i, j) + p[j])")
    result = verify_text(text)
    assert result.claim.status == REFUTED
    assert result.claim.counterexample["lhs"] != result.claim.counterexample["rhs"]
    assert result.verdict == NOT_VERIFIED


def test_true_but_unprovable_link_is_unproved_not_proved():
    # the double angle is outside the algebra normal form: numerically true, symbolically not shown
    text = """
derivcheck: 1
name: double-angle
symbols:
  x: real
claim: sin(2 * x) == 2 * sin(x) * cos(x)
steps:
  - sin(2 * x)
  - by: algebra
    expr: 2 * sin(x) * cos(x)
"""
    result = verify_text(text)
    assert result.steps[0].outcome.status == UNPROVED
    assert result.verdict == NOT_VERIFIED


CASES = """
derivcheck: 1
name: cases
symbols:
  N: size
  i j k: index N
  z: vector N
define:
  p[i]: exp(z[i]) / Sum(exp(z[k]), k)
claim: D(p[i], z[j]) == p[i] * (delta(i, j) - p[j])
steps:
  - D(p[i], z[j])
  - by: [definition, quotient_rule, exp_rule, sum_rule, index_rule, delta_sift]
    expr: (exp(z[i]) * delta(i, j) * Sum(exp(z[k]), k) - exp(z[i]) * exp(z[j])) / Sum(exp(z[k]), k)**2
  - cases:
      - when: i == j
        steps:
          - by: [delta_cases, algebra, definition]
            expr: p[i] * (1 - p[i])
      - when: WHEN2
        steps:
          - by: [delta_cases, algebra, definition]
            expr: CASE2
  - by: delta_cases
    expr: p[i] * (delta(i, j) - p[j])
"""


def test_cases_and_merge_are_proved():
    result = verify_text(CASES.replace("WHEN2", "i != j").replace("CASE2", "-p[i] * p[j]"))
    assert result.verdict == VERIFIED
    assert [sr.step.index for sr in result.steps] == [1, 2, 3, 4]


def test_wrong_case_is_refuted_only_under_its_condition():
    text = CASES.replace("WHEN2", "i != j").replace("CASE2", "p[i] * p[j]")
    result = verify_text(text)
    outcomes = by_line(result)
    assert outcomes[line_of(text, "expr: p[i] * p[j]")].status == REFUTED
    ce = outcomes[line_of(text, "expr: p[i] * p[j]")].counterexample
    assert ce["indices"]["i"] != ce["indices"]["j"]
    assert outcomes[line_of(text, "expr: p[i] * (1 - p[i])")].status == PROVED


def test_cases_that_do_not_cover_every_tuple_are_refuted():
    text = CASES.replace("WHEN2", "i == j").replace("CASE2", "p[i] * (1 - p[i])")
    result = verify_text(text)
    cover = [c for c in result.checks if c.kind == "cases"][0]
    assert cover.outcome.status == REFUTED
    assert result.verdict == NOT_VERIFIED


def test_numeric_checks_are_deterministic_for_a_seed():
    text = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum")
    a = [sr.outcome.counterexample for sr in verify_text(text, seed=7).steps]
    b = [sr.outcome.counterexample for sr in verify_text(text, seed=7).steps]
    assert a == b and any(a)


ASSUME = """
derivcheck: 1
name: assume
symbols:
  x: positive
  t: real
assume:
  - ASSUMPTION
claim: t * x == t
steps:
  - t * x
  - by: assumption
    expr: t
"""


def test_a_true_assumption_is_used_and_checked():
    result = verify_text(ASSUME.replace("ASSUMPTION", "x == 1"))
    # x == 1 is false for a positive x in general: the check catches it, the derivation fails
    check = next(c for c in result.checks if c.kind == "assume")
    assert check.outcome.status == REFUTED and check.line == line_of(ASSUME, "ASSUMPTION")
    assert result.verdict == NOT_VERIFIED


def test_a_valid_assumption_verifies():
    text = ASSUME.replace("ASSUMPTION", "x**2 / x == x").replace("claim: t * x == t", "claim: t * x**2 / x == t * x")
    text = text.replace("  - t * x\n", "  - t * x**2 / x\n").replace("expr: t\n", "expr: t * x\n")
    result = verify_text(text)
    assert result.verdict == VERIFIED


def test_a_typo_in_a_definition_is_caught_by_the_claim_check():
    # z[j] for z[i] makes j a parameter of p: the file loads, and the derivation is refuted
    result = verify_text(variant("  p[i]: exp(z[i]) / Sum(exp(z[k]), k)", "  p[i]: exp(z[j]) / Sum(exp(z[k]), k)"))
    assert result.claim.status == REFUTED
    assert result.verdict == NOT_VERIFIED


def test_a_double_sum_keeps_both_limits_in_the_normal_form():
    # SymPy merges Sum(Sum(f, k), n) into one Sum with two limits: dropping one would be unsound
    from derivcheck.build import expression
    from derivcheck.canon import equal
    from derivcheck.symbols import Context, declare

    ctx = Context()
    for names, kind in {"N C": "size", "n m": "index N", "k c": "index C", "W": "matrix N C"}.items():
        declare(ctx, names, kind, 1)
    double = expression(ctx, "Sum(Sum(W[n, k], k), n)")
    assert not equal(double, expression(ctx, "Sum(W[n, k], n)"))
    assert not equal(double, expression(ctx, "Sum(W[n, c], n)"))
    assert equal(double, expression(ctx, "Sum(Sum(W[m, c], m), c)"))
    assert equal(double, expression(ctx, "Sum(Sum(W[m, c], c), m)"))


def test_canonical_names_never_collide_with_names_already_canonical():
    from sympy import Integer, IndexedBase, Sum, Symbol

    from derivcheck.canon import canonical_bound

    W, n, b0 = IndexedBase("W"), Symbol("n", integer=True), Symbol("_b0", integer=True)
    N, C = Symbol("N", integer=True, positive=True), Symbol("C", integer=True, positive=True)
    mixed = Sum(W[n, b0], (b0, Integer(1), C), (n, Integer(1), N))
    (s,) = canonical_bound(mixed).atoms(Sum)
    (entry,) = s.function.atoms(type(W[n, b0]))
    assert len(set(entry.indices)) == 2  # never W[_b0, _b0]


def test_a_link_naming_an_unusable_lemma_is_not_proved(tmp_path):
    """A cited derivation that is not verified cannot justify a link, even one the bookkeeping proves."""
    from derivcheck.runner import run

    (tmp_path / "a.deriv.yaml").write_text("derivcheck: 1\nname: bad-lemma\nsymbols:\n  x: real\n"
                                           "claim: D(x**2, x) == 3 * x\nsteps:\n  - D(x**2, x)\n"
                                           "  - by: power_rule\n    expr: 3 * x\n")
    (tmp_path / "b.deriv.yaml").write_text("derivcheck: 1\nname: uses-bad-lemma\nsymbols:\n  x: real\n"
                                           "claim: x + x == 2 * x\nsteps:\n  - x + x\n"
                                           "  - by: bad-lemma\n    expr: 2 * x\n")
    results = {r.derivation.name: r for r in run([str(tmp_path)]).results}
    link = results["uses-bad-lemma"].steps[0].outcome
    assert link.status == MISJUSTIFIED and "not verified" in link.message
    assert {r.derivation.name: r.verdict for r in run([str(tmp_path)], strict=True).results}["uses-bad-lemma"] \
        == NOT_VERIFIED

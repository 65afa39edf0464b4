"""The verdict, decided in one place; assume entries the rules cannot prove are hypotheses in every format."""
import io
import json

import pytest

import derivcheck
from conftest import line_of
from derivcheck.model import (
    MISJUSTIFIED, NOT_VERIFIED, PROVED, REFUTED, UNPROVED, VERIFIED,
    Check, DerivationResult, Outcome, Report, Step, StepResult,
)
from derivcheck.report import render
from derivcheck.verdict import decide, first_failure, hypotheses


class _Deriv:
    """Just enough of a Derivation for the verdict."""

    name, file, claim_line, claim_text = "made-up", None, 3, "a == b"


def made(steps=(PROVED,), checks=(("end", PROVED),), claim=PROVED, strict=False, rules=("algebra",)):
    result = DerivationResult(
        _Deriv(), "", Outcome(claim, "claim"),
        [StepResult(Step(n + 1, 10 + n, "e", None, rules), Outcome(s, "link")) for n, s in enumerate(steps)],
        [Check(kind, 20 + n, Outcome(s, kind)) for n, (kind, s) in enumerate(checks)], strict)
    return result


def test_a_refuted_claim_alone_fails_the_verdict():
    # the design review's mutant: a verdict that ignores a refuted claim passed every test
    result = made(claim=REFUTED)
    assert decide(result) == NOT_VERIFIED
    assert first_failure(result).kind == "claim"


@pytest.mark.parametrize("status", [UNPROVED, REFUTED])
def test_every_failing_check_alone_fails_the_verdict(status):
    for kind in ("start", "end", "cases", "worker"):
        result = made(checks=((kind, status),))
        assert decide(result) == NOT_VERIFIED
        assert first_failure(result).kind == kind and first_failure(result).line == 20


def test_a_refuted_assumption_fails_and_an_unproved_one_is_a_hypothesis():
    assert decide(made(checks=(("assume", REFUTED),))) == NOT_VERIFIED
    hyp = made(checks=(("assume", UNPROVED), ("end", PROVED)))
    assert decide(hyp) == VERIFIED and first_failure(hyp) is None
    assert [c.line for c in hypotheses(hyp)] == [20]
    strict = made(checks=(("assume", UNPROVED),), strict=True)
    assert decide(strict) == NOT_VERIFIED and first_failure(strict).kind == "assume"


def test_links_decide_first_and_strict_asks_for_proved_links_that_name_their_rules():
    assert decide(made()) == VERIFIED and first_failure(made()) is None
    for status in (UNPROVED, REFUTED):
        bad = made(steps=(PROVED, status, PROVED), claim=REFUTED)
        assert decide(bad) == NOT_VERIFIED
        f = first_failure(bad)
        assert (f.kind, f.index, f.line, f.status) == ("link", 2, 11, status)
    assert decide(made(steps=(MISJUSTIFIED,))) == VERIFIED
    assert decide(made(steps=(MISJUSTIFIED,), strict=True)) == NOT_VERIFIED
    assert decide(made(rules=None)) == VERIFIED
    assert decide(made(rules=None, strict=True)) == NOT_VERIFIED
    assert decide(made(claim=UNPROVED)) == VERIFIED  # the claim check is independent evidence: only refuted fails


DOUBLE = "cos(2 * x) == 2 * cos(x)**2 - 1"  # true, and beyond the algebra normal form (unlike sin² + cos² = 1)
ASSUME = """
derivcheck: 1
name: hyp
symbols:
  x: real
  t: real
assume:
  - ASSUMPTION
claim: CLAIM
steps:
  - START
  - by: assumption
    expr: END
"""


def check(assumption, claim="t * cos(2 * x) == t * (2 * cos(x)**2 - 1)", start="t * cos(2 * x)",
          end="t * (2 * cos(x)**2 - 1)",
          strict=False, symbols=None):
    text = ASSUME.replace("ASSUMPTION", assumption).replace("CLAIM", claim).replace("START", start)
    text = text.replace("END", end)
    if symbols:
        text = text.replace("  t: real\n", "  t: real\n" + symbols)
    (result,) = derivcheck.check(text, strict=strict).results
    return text, result


def test_an_unprovable_assumption_is_a_hypothesis_in_the_verdict():
    text, result = check(DOUBLE)
    assert result.verdict == VERIFIED
    assert [(h.line, h.text) for h in hypotheses(result)] == [(line_of(text, DOUBLE),
                                                               DOUBLE)]
    _, strict = check(DOUBLE, strict=True)
    assert strict.verdict == NOT_VERIFIED and strict.failure.kind == "assume"
    from derivcheck.report.base import failure_phrase
    assert "hypothesis" in failure_phrase(strict)


def test_a_tiny_assumption_is_never_plainly_verified():
    # issue 10, item 5: 1e-9 * x == 0 was accepted within the absolute tolerance
    _, result = check("1e-9 * x == 0", claim="t + 1e-9 * x == t", start="t + 1e-9 * x", end="t")
    assert result.verdict == NOT_VERIFIED or hypotheses(result)
    _, strict = check("1e-9 * x == 0", claim="t + 1e-9 * x == t", start="t + 1e-9 * x", end="t", strict=True)
    assert strict.verdict == NOT_VERIFIED


def test_proved_assumptions_and_declared_facts_are_not_hypotheses():
    _, result = check("x**2 / x == x", claim="t * x**2 / x == t * x", start="t * x**2 / x", end="t * x", strict=True)
    assert result.verdict == VERIFIED and hypotheses(result) == []
    _, onehot = check("Sum(y[k], k) * 2 == 2", claim="Sum(y[k], k) * t == t", start="Sum(y[k], k) * t", end="t",
                      symbols="  N: size\n  k: index N\n  y: onehot N\n", strict=True)
    assert onehot.verdict == VERIFIED and hypotheses(onehot) == []


def test_an_assumption_is_not_proved_from_another_assumption():
    # each entry would prove the other: neither is proved, both are hypotheses
    text = ASSUME.replace("  - ASSUMPTION", "  - cos(2 * x) == 2 * cos(x)**2 - 1\n  - 2 * cos(x)**2 - 1 == cos(2 * x)")
    text = text.replace("CLAIM", "cos(2 * x) == 2 * cos(x)**2 - 1").replace("START", "cos(2 * x)")
    text = text.replace("END", "2 * cos(x)**2 - 1")
    (result,) = derivcheck.check(text).results
    assert [h.line for h in hypotheses(result)] == [line_of(text, "  - cos(2 * x) =="), line_of(text, "  - 2 * cos")]


@pytest.fixture(scope="module")
def hypothesis_report():
    text, result = check(DOUBLE)
    return line_of(text, DOUBLE), Report([result])


def _render(fmt, report, **options):
    out = io.StringIO()
    render(fmt, report, out, color=False, **options)
    return out.getvalue()


def test_every_format_says_verified_assuming(hypothesis_report):
    line, report = hypothesis_report
    data = json.loads(_render("json", report))
    (res,) = data["results"]
    assert res["verdict"] == "verified"
    assert res["hypotheses"] == [{"line": line, "text": DOUBLE}]
    assert {"file", "name", "verdict", "claim", "steps", "checks"} <= set(res)
    for fmt in ("text", "latex", "markdown", "html", "junit"):
        out = _render(fmt, report)
        assert "assuming" in out, fmt
        assert "cos(2" in out.split("assuming", 1)[1][:400], fmt
    github = _render("github", report)
    assert any(ln.startswith("::warning ") and f",line={line}," in ln and "assuming cos(2 * x)" in ln for ln in github.splitlines())
    assert not any(ln.startswith("::error") for ln in github.splitlines())
    trace = io.StringIO()
    render("text", report, trace, color=False, trace=True)
    assert "VERIFIED assuming" in trace.getvalue()
    sarif = json.loads(_render("sarif", report))
    (hyp,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "hypothesis"]
    assert hyp["level"] == "warning" and hyp["locations"][0]["physicalLocation"]["region"]["startLine"] == line


def test_the_report_schema_describes_hypotheses(hypothesis_report):
    import jsonschema
    from derivcheck import api

    _, report = hypothesis_report
    schema = api.schema("report")
    data = json.loads(_render("json", report))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert "hypotheses" in schema["$defs"]["result"]["properties"]
    data["results"][0]["hypotheses"][0]["line"] = "seven"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


def test_hypotheses_keep_their_text_through_a_worker(tmp_path):
    from derivcheck.runner import run

    text, _ = check(DOUBLE)
    path = tmp_path / "hyp.deriv.yaml"
    path.write_text(ASSUME.replace("ASSUMPTION", DOUBLE).replace("CLAIM", "t * cos(2 * x) == t * (2 * cos(x)**2 - 1)")
                    .replace("START", "t * cos(2 * x)").replace("END", "t * (2 * cos(x)**2 - 1)"))
    (result,) = run([str(path)], timeout=30).results  # a forked worker sends the outcomes back
    assert result.verdict == VERIFIED
    assert [h.text for h in hypotheses(result)] == [DOUBLE]
    assert DOUBLE in _render("text", Report([result]))

"""GitHub annotations name the sides of a claim's counterexample, and a --strict link without `by` at its line."""
import io

from conftest import DATA, line_of, variant
from derivcheck import api
from derivcheck.report import render

UNNAMED = variant("  - by: quotient_rule\n    expr: ", "  - ")


def annotations(report):
    stream = io.StringIO()
    render("github", report, stream)
    return [l for l in stream.getvalue().splitlines() if l.startswith("::")]


def test_a_refuted_claim_names_its_sides():
    lines = annotations(api.verify(DATA / "trig_relu.deriv.yaml"))
    claim = [l for l in lines if "claim refuted" in l]
    assert claim and "left side = " in claim[0] and "right side = " in claim[0] and "this step" not in claim[0]
    link = [l for l in lines if "link 1 refuted" in l]
    assert link and "previous expression = " in link[0]


def test_strict_marks_the_link_that_names_no_rule():
    line = line_of(UNNAMED, "  - (D(exp(z[i]), z[j])")
    strict = annotations(api.check(UNNAMED, strict=True))
    assert [l.split("::")[1].split(",title=")[0] for l in strict] == [f"error file=<text>,line={line},col=5"]
    assert "names no rule (--strict)" in strict[0] and "derivcheck found quotient_rule" in strict[0]
    assert annotations(api.check(UNNAMED)) == []  # without --strict the link is fine

"""The Python face and the one result model: walker, failure stored with the verdict, notebook display."""
import re

import pytest

import derivcheck
from conftest import SPEC_EXAMPLE, line_of, variant
from derivcheck.builtins import find
from derivcheck.load import load_file
from derivcheck.model import NOT_VERIFIED, REFUTED, VERIFIED, CaseEntry, Link, links, walk

WRONG = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum").replace(
    "name: softmax-jacobian", "name: wrong")


@pytest.fixture(scope="module")
def softmax():
    return derivcheck.verify("softmax")


def test_the_walker_follows_cases_and_merges():
    (d,) = load_file(find("softmax"))
    items = list(walk(d.chain))
    cases = [i for i in items if isinstance(i, CaseEntry)]
    assert [c.case.text for c in cases] == ["i == j", "i != j"] and all(c.depth == 0 for c in cases)
    steps = [i for i in items if isinstance(i, Link)]
    assert [s.step.index for s in steps] == list(range(len(steps)))
    assert steps[0].prev == ()  # the start follows nothing
    first_of_case = [s for s in steps if s.depth == 1][0]
    assert [p.index for p, _ in first_of_case.prev] == [4]  # the last link before the cases
    assert first_of_case.conditions[0][0] == "eq"
    merge = steps[-1]
    assert merge.depth == 0 and [p.index for p, _ in merge.prev] == [7, 10]  # the last step of each case
    assert [c[0][0] for _, c in merge.prev] == ["eq", "ne"]  # each end under its own case condition
    pairs = links(d.chain)
    assert len(pairs) == len(steps) - 1 + 1  # every step but the start once, the merge twice
    assert d.steps() == [s.step for s in steps]


def test_the_first_failure_is_stored_with_the_verdict(tmp_path):
    report = derivcheck.check(WRONG)
    (result,) = report.results
    assert result.verdict == NOT_VERIFIED and not report.ok
    f = result.failure
    assert f.kind == "link" and f.status == REFUTED and f.line == line_of(WRONG, "+ exp(z[i]) * exp(z[j])) / Sum")
    assert f.counterexample["sizes"]
    assert derivcheck.check(SPEC_EXAMPLE).results[0].failure is None


def test_a_strict_failure_says_the_link_names_no_rule(tmp_path):
    text = variant("  - by: quotient_rule\n", "  - ")
    text = text.replace("  - expr:", "  - ")
    strict = derivcheck.check(text, strict=True)
    (result,) = strict.results
    assert result.verdict == NOT_VERIFIED
    from derivcheck.report.base import failure_phrase

    phrase = failure_phrase(result)
    assert "names no rule" in phrase and "proved" not in phrase


def test_verify_takes_names_paths_and_text(softmax, tmp_path):
    assert softmax.ok and softmax["softmax-jacobian"] is softmax["softmax"] is softmax[0]
    path = tmp_path / "w.deriv.yaml"
    path.write_text(WRONG)
    report = derivcheck.verify([path, "softmax"])
    assert [r.verdict for r in report] == [NOT_VERIFIED, VERIFIED]
    assert report["wrong"].derivation.file == str(path)
    assert derivcheck.check(WRONG)["wrong"].derivation.file == "<text>"
    with pytest.raises(KeyError):
        report["nothing"]


def test_check_reports_an_unreadable_text_as_an_error():
    report = derivcheck.check("derivcheck: 1\nname: x\nclaim: 1 == 1\n")
    assert not report.ok and report.errors and report.errors[0].file == "<text>"


def test_notebook_display_shows_each_link_with_its_status(softmax):
    result = softmax["softmax"]
    html = result._repr_html_()
    n_links = len(result.steps)
    assert len(re.findall(r'<tr class="link ', html)) == n_links
    assert html.count('data-status="proved"') == n_links
    assert "<math" in html and "VERIFIED" in html
    md = result._repr_markdown_()
    assert md.count("**proved**") == n_links and "| line |" in md
    wrong = derivcheck.check(WRONG)["wrong"]
    html = wrong._repr_html_()
    assert 'data-status="refuted"' in html and "counterexample at N = " in html
    assert "**refuted**" in wrong._repr_markdown_()
    assert "softmax-jacobian" in softmax._repr_html_() and "softmax-jacobian" in softmax._repr_markdown_()


def test_numeric_lives_in_the_api_and_the_package_face_is_lazy():
    import subprocess
    import sys

    code = "import sys, derivcheck; print('derivcheck.emit' in sys.modules, 'derivcheck.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    assert derivcheck.numeric is derivcheck.api.numeric
    with pytest.raises(AttributeError):
        derivcheck.nothing_here


def test_the_example_notebook_runs_the_api():
    """The notebook's code cells are the code below (compared, never executed from the file), and it runs."""
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).parent.parent / "examples" / "notebook.ipynb").read_text())
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert cells == NOTEBOOK_CODE
    namespace = {}
    for cell in NOTEBOOK_CODE:
        exec(cell, namespace)  # noqa: S102 - the literal strings of this test
    assert namespace["report"].ok
    assert namespace["result"].failure.status == REFUTED
    assert namespace["softmax"].spot_check()


NOTEBOOK_CODE = [
    'import derivcheck\n\nreport = derivcheck.verify("softmax")\nreport',
    'wrong = derivcheck.check("""\nderivcheck: 1\nname: wrong-sign\nsymbols:\n  N: size\n  i j k: index N\n'
    '  z: vector N\ndefine:\n  p[i]: exp(z[i]) / Sum(exp(z[k]), k)\nclaim: D(p[i], z[j]) == p[i] * (delta(i, j) - p[j])\n'
    'steps:\n  - D(p[i], z[j])\n  - by: definition\n    expr: D(exp(z[i]) / Sum(exp(z[k]), k), z[j])\n'
    '  - by: quotient_rule\n    expr: (D(exp(z[i]), z[j]) * Sum(exp(z[k]), k) + exp(z[i]) * D(Sum(exp(z[k]), k), z[j]))'
    ' / Sum(exp(z[k]), k)**2\n""")\nwrong["wrong-sign"]',
    'result = wrong["wrong-sign"]\nresult.verdict, result.failure.line, result.failure.status',
    'softmax = derivcheck.numeric("softmax")\nsoftmax.spot_check()',
]

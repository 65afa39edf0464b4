"""Every report lists the document blocks that were not checked, as the text report does: SARIF and HTML too."""
import io
import json
from html.parser import HTMLParser

import jsonschema
import pytest

from conftest import DATA
from derivcheck import api
from derivcheck.report import render

POST = """<!-- derivcheck
symbols:
  x: real
-->

$$ x^2 = x \\cdot x % by: algebra
$$

Text.

$$ x \\to y $$

<!-- derivcheck: skip -->
$$ a \\Rightarrow b $$

$$ x $$
"""


def as_text(fmt, report):
    stream = io.StringIO()
    render(fmt, report, stream)
    return stream.getvalue()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    post = tmp_path_factory.mktemp("unchecked") / "post.md"
    post.write_text(POST)
    report = api.verify(post)
    lines = POST.splitlines()
    expected = [(i + 1, "skip" in lines[i - 1]) for i, l in enumerate(lines) if l.startswith("$$ ") and i > 6]
    assert [(u.line, u.skipped) for u in report.unchecked] == expected  # two not checked, one skipped
    return report


class Blocks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.inside = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.inside = "block" in (attrs.get("class") or "").split()
            if self.inside:
                self.rows.append([attrs["data-status"], ""])

    def handle_data(self, data):
        if self.inside:
            self.rows[-1][1] += data


def test_the_html_report_lists_each_block_not_checked_with_place_and_reason(report):
    parsed = Blocks()
    parsed.feed(as_text("html", report))
    assert len(parsed.rows) == len(report.unchecked)
    for (status, text), u in zip(parsed.rows, report.unchecked):
        assert status == ("skipped" if u.skipped else "not checked")
        assert text.startswith(f"{u.file}:{u.line}:{u.column}")
        assert u.skipped or u.reason in text
    assert "Blocks not checked" in report._repr_html_()  # the notebook display too


def test_the_sarif_log_lists_each_block_not_checked(report):
    log = json.loads(as_text("sarif", report))
    jsonschema.Draft202012Validator(json.loads((DATA / "sarif-2.1.0-minimal.schema.json").read_text())).validate(log)
    found = [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["level"], r["message"]["text"])
             for r in log["runs"][0]["results"] if r["ruleId"] == "not-checked"]
    assert [(line, level) for line, level, _ in found] == \
        [(u.line, "note" if u.skipped else "warning") for u in report.unchecked]
    assert all(u.skipped or u.reason in text for (_, _, text), u in zip(found, report.unchecked))
    report.strict = True
    try:
        strict = json.loads(as_text("sarif", report))["runs"][0]["results"]
    finally:
        report.strict = False
    assert [r["level"] for r in strict if r["ruleId"] == "not-checked"] == \
        ["note" if u.skipped else "error" for u in report.unchecked]


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "sarif", "html", "latex", "markdown"])
def test_every_machine_and_human_report_names_each_block(report, fmt):
    out = as_text(fmt, report)
    for u in report.unchecked:
        assert str(u.line) in out and (u.skipped or u.reason.split(" (")[0][:30] in out.replace("&#x27;", "'"))


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_the_published_traces_list_each_block_with_its_place(report, fmt):
    out = as_text(fmt, report)
    section = out[out.index("Blocks not checked"):]
    for u in report.unchecked:
        assert f"{u.file}:{u.line}:{u.column}".replace("_", "\\_" if fmt == "latex" else "_") in section
        assert ("skipped" if u.skipped else "not checked") in section

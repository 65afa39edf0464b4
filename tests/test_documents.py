"""Seed documents as published: verdicts and GitHub annotations at the document's own lines."""
import json
from pathlib import Path

from click.testing import CliRunner

from derivcheck.cli import main

DOCS = Path(__file__).resolve().parent.parent / "examples" / "documents"


def _line(path, fragment):
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if fragment in text)


def _json(*paths):
    result = CliRunner().invoke(main, ["verify", "--format", "json", "--no-cache", *map(str, paths)])
    return result.exit_code, json.loads(result.stdout)


def test_seed_001_errata_found_at_the_document_lines():
    doc = DOCS / "001-softmax-activation-derivative.md"
    code, data = _json(doc)
    assert code == 1
    verdicts = {r["name"]: r for r in data["results"]}
    step_by_step = data["results"][0]
    bad = [s for s in step_by_step["steps"] if s["status"] == "refuted"]
    assert bad[0]["line"] == _line(doc, r"\left( \frac{\sum_{l=1}^{L} e^{z_{i,j}}}")
    assert bad[0]["column"] == 3  # after "= "
    full = data["results"][1]
    assert full["verdict"] == "not verified"
    assert [s for s in full["steps"] if s["status"] == "refuted"][0]["line"] == _line(doc, "## Full solution") + 3
    reasons = {u["line"]: u["reason"] for u in data["unchecked"]}
    assert "\\rightarrow" in reasons[_line(doc, r"S_{i,j} = \frac{e^{z_{i,j}}}") ]
    assert len(verdicts) == 2


def test_seed_001_corrected_document_verifies():
    code, data = _json(DOCS / "001-softmax-activation-derivative-corrected.md")
    assert code == 0 and [r["verdict"] for r in data["results"]] == ["verified", "verified"]


def test_github_annotation_lands_on_the_markdown_line_and_column():
    doc = DOCS / "001-softmax-activation-derivative.md"
    result = CliRunner().invoke(main, ["verify", "--format", "github", "--no-cache", str(doc)])
    line = _line(doc, r"\left( \frac{\sum_{l=1}^{L} e^{z_{i,j}}}")
    assert f"::error file={doc},line={line},col=3," in result.stdout
    assert "::warning file=" in result.stdout and "not checked" in result.stdout


def test_strict_fails_on_a_block_not_checked_without_skip(tmp_path):
    post = tmp_path / "post.md"
    post.write_text("<!-- derivcheck\nsymbols:\n  x: real\n-->\n\n$$ x = x % by: algebra\n$$\n\n$$ x \\to y $$\n")
    assert CliRunner().invoke(main, ["verify", "--no-cache", str(post)]).exit_code == 0
    assert CliRunner().invoke(main, ["verify", "--no-cache", "--strict", str(post)]).exit_code == 1
    post.write_text(post.read_text().replace("$$ x \\to y $$", "<!-- derivcheck: skip -->\n$$ x \\to y $$"))
    assert CliRunner().invoke(main, ["verify", "--no-cache", "--strict", str(post)]).exit_code == 0


def test_seed_004_erratum_at_its_line_and_what_cannot_be_read_is_listed():
    doc = DOCS / "004-softmax-loss-backprop.md"
    code, data = _json(doc)
    assert code == 1
    bad = [r for r in data["results"] if r["verdict"] != "verified"]
    line = _line(doc, "$$L_{ij} = ")
    assert [r["name"] for r in bad] == [f"004-softmax-loss-backprop-{line}"]
    refuted = [s for s in bad[0]["steps"] if s["status"] == "refuted"][0]
    text = doc.read_text().splitlines()[line - 1]
    assert (refuted["line"], refuted["column"]) == (line, text.rindex("= - ") + 3)
    reasons = {u["line"]: u["reason"] for u in data["unchecked"]}
    assert "shape annotation" in reasons[_line(doc, r"\mathbf{z}^{(1)} = \mathbf{X}")]
    assert _line(doc, r"\text{range}(N), \mathbf{y}]") in reasons  # the indicator it cannot read: listed


def test_seed_004_corrected_document_verifies_what_it_reads():
    code, data = _json(DOCS / "004-softmax-loss-backprop-corrected.md")
    assert [r["verdict"] for r in data["results"]] == ["verified"] * 4


def test_seed_002_document_verifies_both_transcribed_derivations():
    doc = DOCS / "002-softmax-cross-entropy-gradient.md"
    code, data = _json(doc)
    verdicts = {r["name"]: r["verdict"] for r in data["results"]}
    jacobian, gradient = _line(doc, r"$$\frac{\partial \text{softmax_out}_n}{"), _line(doc, "begin{aligned}")
    assert verdicts[f"002-softmax-cross-entropy-gradient-{jacobian}"] == "verified"
    assert verdicts[f"002-softmax-cross-entropy-gradient-{gradient}"] == "verified"
    assert set(verdicts.values()) == {"verified"} and code == 0  # ∂L/∂softmax_out too (δ(l, m)/p_l = δ(l, m)/p_m)


def test_declare_proposes_sizes_indices_arrays_and_definitions(tmp_path):
    import re

    text = (DOCS / "004-softmax-loss-backprop.md").read_text()
    bare = re.sub(r"<!-- derivcheck\n.*?-->\n", "", text, flags=re.S)
    post = tmp_path / "post.md"
    post.write_text(bare)
    out = CliRunner().invoke(main, ["declare", str(post)]).stdout
    assert out.startswith("<!-- derivcheck\nsymbols:\n") and out.endswith("-->\n")
    for line in ("  C: size", "  N: size", "  s j k: index C", "  i: index N", "  z: matrix N C"):
        assert line + "\n" in out
    assert "# a: ..." in out  # a_{ij} = ... is proposed as a definition, not declared as a matrix
    assert "  a: matrix" not in out

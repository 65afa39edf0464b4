"""The command line through click's CliRunner: every command, format and exit code."""
import json

import pytest
from click.testing import CliRunner

from conftest import SPEC_EXAMPLE, line_of, variant
from derivcheck import __version__
from derivcheck.cli import main
from derivcheck.evidence.sampling import BASE_SIZES as SIZES

WRONG = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def files(tmp_path):
    (tmp_path / "good.deriv.yaml").write_text(SPEC_EXAMPLE)
    (tmp_path / "wrong.deriv.yaml").write_text(WRONG.replace("name: softmax-jacobian", "name: wrong"))
    (tmp_path / "bad.deriv.yaml").write_text(variant("  i j k: index N", "  i j: index N"))
    return tmp_path


def test_verify_builtin_softmax(runner):
    result = runner.invoke(main, ["verify", "softmax"])
    assert result.exit_code == 0, result.output
    assert "VERIFIED" in result.output and "for every N" in result.output
    assert "\x1b[" not in result.output  # not a terminal: plain text


def test_verify_builtin_by_its_name_too(runner):
    assert runner.invoke(main, ["verify", "softmax-jacobian"]).exit_code == 0


def test_verify_file_ok_and_wrong(runner, files):
    assert runner.invoke(main, ["verify", str(files / "good.deriv.yaml")]).exit_code == 0
    result = runner.invoke(main, ["verify", str(files / "wrong.deriv.yaml")])
    assert result.exit_code == 1
    assert "refuted" in result.output and "counterexample at" in result.output
    line = line_of(WRONG, '+ exp(z[i]) * exp(z[j])) / Sum')
    assert f"first failing link: {files / 'wrong.deriv.yaml'}:{line}:" in result.output


def test_unreadable_file_exits_2_with_file_and_line(runner, files):
    result = runner.invoke(main, ["verify", str(files / "bad.deriv.yaml")])
    assert result.exit_code == 2
    assert f"bad.deriv.yaml:{line_of(SPEC_EXAMPLE, '  p[i]:')}" in result.output
    assert "undeclared name 'k'" in result.output
    assert "Traceback" not in result.output


def test_folder_mixes_results_and_exit_code_is_the_worst(runner, files):
    result = runner.invoke(main, ["verify", str(files), "--format", "json"])
    assert result.exit_code == 2
    (files / "bad.deriv.yaml").unlink()
    result = runner.invoke(main, ["verify", str(files), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert {r["name"]: r["verdict"] for r in data["results"]} == {"softmax-jacobian": "verified", "wrong": "not verified"}


def test_json_report_follows_the_spec(runner, files):
    result = runner.invoke(main, ["verify", str(files / "wrong.deriv.yaml"), "--format", "json"])
    data = json.loads(result.output)
    assert data["derivcheck"] == __version__
    (r,) = data["results"]
    assert r["file"].endswith("wrong.deriv.yaml") and r["name"] == "wrong"
    assert r["claim"]["line"] == line_of(WRONG, "claim:") and r["claim"]["status"] == "proved"
    step = next(s for s in r["steps"] if s["status"] == "refuted")
    assert set(step) >= {"index", "line", "rules", "status", "message", "counterexample"}
    assert step["index"] == 3 and step["rules"] == ["exp_rule", "sum_rule", "index_rule", "delta_sift"]
    assert step["counterexample"]["sizes"]["N"] in SIZES


def test_json_is_byte_identical_between_runs(runner, files):
    args = ["verify", str(files / "wrong.deriv.yaml"), "--format", "json", "--seed", "3"]
    assert runner.invoke(main, args).output == runner.invoke(main, args).output


def test_strict(runner, files):
    (files / "mis.deriv.yaml").write_text(variant("by: quotient_rule", "by: product_rule"))
    assert runner.invoke(main, ["verify", str(files / "mis.deriv.yaml")]).exit_code == 0
    assert runner.invoke(main, ["verify", "--strict", str(files / "mis.deriv.yaml")]).exit_code == 1


def test_bad_usage_exits_2(runner):
    assert runner.invoke(main, ["verify"]).exit_code == 2
    assert runner.invoke(main, ["verify", "--format", "xml", "softmax"]).exit_code == 2
    result = runner.invoke(main, ["verify", "no-such-thing"])
    assert result.exit_code == 2 and "no-such-thing" in result.output


def test_list_and_rules(runner):
    result = runner.invoke(main, ["list"])
    assert result.exit_code == 0 and "softmax-jacobian" in result.output and "softmax" in result.output
    result = runner.invoke(main, ["rules"])
    assert result.exit_code == 0
    for name in ("quotient_rule", "delta_sift", "index_rule", "algebra"):
        assert name in result.output
    assert "side condition: g ≠ 0" in result.output


def test_trace_shows_rules_and_side_conditions(runner):
    result = runner.invoke(main, ["trace", "softmax"])
    assert result.exit_code == 0
    assert "side condition (delta_sift): j ∈ 1..N" in result.output
    assert "quotient_rule: D(f/g)" in result.output


def test_no_color_on_a_terminal(runner, monkeypatch):
    from derivcheck.report.text import use_color

    class Tty:
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())


def test_rich_output_when_colour_is_forced():
    import io

    from derivcheck.runner import run
    from derivcheck.report import render

    out = io.StringIO()
    render("text", run(["softmax"]), out, color=True)
    assert "\x1b[" in out.getvalue() and "VERIFIED" in out.getvalue()

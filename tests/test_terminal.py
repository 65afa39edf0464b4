"""The terminal report: one line per verified derivation, findings at path:line:col, colour, width, progress."""
import io
import re

import pytest
from click.testing import CliRunner

from conftest import SPEC_EXAMPLE, line_of, variant
from derivcheck.cli import main
from derivcheck.report import REGISTRY

WRONG = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum").replace(
    "name: softmax-jacobian", "name: wrong")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SCALAR = """derivcheck: 1
name: square
symbols:
  x: real
claim: D(x**2, x) == 2*x
steps:
  - D(x**2, x)
  - 2*x
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "wrong.deriv.yaml").write_text(WRONG)
    (tmp_path / "good.deriv.yaml").write_text(SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: good"))
    return tmp_path


def invoke(*args, env=None):
    return CliRunner().invoke(main, ["verify", "--no-cache", *map(str, args)], env=env)


def test_a_verified_derivation_is_one_line_and_the_trace_is_on_request():
    out = invoke("softmax")
    assert out.exit_code == 0
    lines = out.output.splitlines()
    assert len(lines) == 2, out.output
    assert lines[0].startswith("softmax-jacobian  VERIFIED") and "holds for every N" in lines[0]
    assert lines[1] == "1 of 1 derivation verified"
    verbose = invoke("-v", "softmax").output
    assert "by quotient_rule: proved" in verbose and len(verbose.splitlines()) > 20


def test_findings_and_the_summary_name_path_line_col(folder):
    out = invoke(folder)
    assert out.exit_code == 1
    path, line = folder / "wrong.deriv.yaml", line_of(WRONG, "+ exp(z[i]) * exp(z[j])) / Sum")
    assert f"{path}:{line}:11: link [3] refuted" in out.output
    assert "good  VERIFIED" in out.output
    summary = out.output.split("1 of 2 derivations verified\n")[1]
    assert summary.startswith(f"  not verified: wrong  first failing link: {path}:{line}:11 [3], refuted")


def test_quiet_shows_only_failures_and_the_summary(folder):
    out = invoke("-q", folder)
    assert out.exit_code == 1
    assert "good" not in out.output.replace("derivations", "")
    assert "wrong" in out.output and "1 of 2 derivations verified" in out.output
    assert invoke("-q", "-v", folder).exit_code == 2


def test_colour_choices_and_environment(folder):
    assert not ANSI.search(invoke(folder).output)  # not a terminal
    assert ANSI.search(invoke("--color", "always", folder).output)
    assert ANSI.search(invoke(folder, env={"FORCE_COLOR": "1", "NO_COLOR": None}).output)
    assert not ANSI.search(invoke(folder, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).output)
    assert not ANSI.search(invoke("--color", "never", folder, env={"FORCE_COLOR": "1"}).output)
    assert not ANSI.search(invoke(folder, env={"FORCE_COLOR": "0"}).output)


def test_output_fits_the_width_without_breaking_words(folder):
    wide = invoke("-v", folder).output
    narrow = invoke("-v", folder, env={"COLUMNS": "60"}).output
    words = set(wide.split())
    for line in narrow.splitlines():
        assert len(line) <= 60 or " " not in line.strip(), line
    assert set(narrow.split()) == words  # every word whole: nothing split mid-word
    assert len(narrow.splitlines()) > len(wide.splitlines())


def test_the_copy_glitches_are_gone(tmp_path):
    (tmp_path / "s.deriv.yaml").write_text(SCALAR)
    out = invoke(tmp_path / "s.deriv.yaml").output
    assert "holds (no size declared)" in out and "every no size" not in out
    assert "(1 link;" in out and "1 links" not in out
    trace = CliRunner().invoke(main, ["trace", str(tmp_path / "s.deriv.yaml")]).output
    assert "no rule named; derivcheck found " in trace and "(no rule named): proved" not in trace
    strict = invoke("--strict", tmp_path / "s.deriv.yaml")
    assert strict.exit_code == 1
    assert "names no rule (--strict)" in strict.output and ", proved" not in strict.output


def test_github_counterexample_without_sizes_reads_well(tmp_path):
    (tmp_path / "s.deriv.yaml").write_text(SCALAR.replace("  - 2*x", "  - by: power_rule\n    expr: 3*x"))
    out = invoke("--format", "github", tmp_path / "s.deriv.yaml").output
    assert "Counterexample at ;" not in out and "Counterexample" in out


def test_format_choices_come_from_the_registry():
    for command in ("verify", "trace"):
        help_text = CliRunner().invoke(main, [command, "--help"], env={"COLUMNS": "400"}).output
        choices = re.search(r"--format \[([a-z|]+)\]", help_text).group(1).split("|")
        assert choices == list(REGISTRY)


def test_progress_appears_only_when_enabled():
    from derivcheck.report.progress import Progress

    stream = io.StringIO()
    quiet = Progress(stream=stream, enabled=False, delay=0)
    quiet(1, 2, "a")
    quiet.close()
    assert stream.getvalue() == ""
    import time

    shown = Progress(stream=stream, enabled=True, delay=0)
    for _ in range(100):
        if shown.bar is not None:
            break
        time.sleep(0.01)
    shown(1, 2, "softmax")
    shown.close()
    assert "verifying" in stream.getvalue()
    assert Progress(stream=io.StringIO()).enabled is False  # not a terminal: no display

"""What a CI check relies on: annotations, JUnit, bounded work, parallel runs, the cache."""
import json
import time
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from conftest import SPEC_EXAMPLE, line_of, variant
from derivcheck import engine
from derivcheck.cache import LinkCache
from derivcheck.cli import main
from derivcheck.errors import DerivError
from derivcheck.load import load_text
from derivcheck.model import UNPROVED, VERIFIED
from derivcheck.runner import run

WRONG = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum").replace(
    "name: softmax-jacobian", "name: wrong")
MIS = variant("by: quotient_rule", "by: product_rule").replace("name: softmax-jacobian", "name: mis")


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "wrong.deriv.yaml").write_text(WRONG)
    (tmp_path / "mis.deriv.yaml").write_text(MIS)
    (tmp_path / "good.deriv.yaml").write_text(SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: good"))
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(main, ["verify", "--no-cache", *map(str, args)])


def test_github_annotations(folder):
    out = invoke(folder, "--format", "github")
    assert out.exit_code == 1
    lines = out.output.splitlines()
    line = line_of(WRONG, "+ exp(z[i]) * exp(z[j])) / Sum")
    assert any(l.startswith(f"::error file={folder / 'wrong.deriv.yaml'},line={line},") and "Counterexample at N=" in l
               for l in lines)
    mis_line = line_of(MIS, "by: product_rule") + 1
    assert any(l.startswith(f"::warning file={folder / 'mis.deriv.yaml'},line={mis_line},") for l in lines)
    assert not any("good.deriv.yaml" in l for l in lines if l.startswith("::"))


def test_github_annotation_for_an_unreadable_file(tmp_path):
    (tmp_path / "bad.deriv.yaml").write_text(variant("  i j k: index N", "  i j: index N"))
    out = invoke(tmp_path, "--format", "github")
    assert out.exit_code == 2
    assert f"::error file={tmp_path / 'bad.deriv.yaml'},line={line_of(SPEC_EXAMPLE, '  p[i]:')}," in out.output


def test_junit_has_a_testcase_per_derivation_with_the_failing_link(folder):
    out = invoke(folder, "--format", "junit")
    suite = ET.fromstring(out.output)
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == {"wrong", "mis", "good"}
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    failure = cases["wrong"].find("failure")
    line = line_of(WRONG, '+ exp(z[i]) * exp(z[j])) / Sum')
    assert failure.get("message") == f"first failing link: {folder / 'wrong.deriv.yaml'}:{line}:11 [3], refuted"
    assert "counterexample at N = " in failure.text and "previous expression = " in failure.text
    assert cases["good"].find("failure") is None and cases["mis"].find("failure") is None


def _slow_file(tmp_path):
    """A true link whose normal form needs 2^23 terms: minutes of work without a limit."""
    names = [f"x{k}" for k in range(1, 25)]
    rest = " * ".join(f"({n} + {k})" for k, n in enumerate(names, 1) if k > 1)
    a, b = f"(x1 + 1) * {rest}", f"x1 * {rest} + {rest}"
    path = tmp_path / "slow.deriv.yaml"
    path.write_text(f"derivcheck: 1\nname: slow\nsymbols:\n  {' '.join(names)}: real\n"
                    f"claim: {a} == {a}\nsteps:\n  - {a}\n  - by: algebra\n    expr: {b}\n  - by: algebra\n    expr: {a}\n")
    return path


def test_a_link_past_the_time_limit_is_stopped_and_unproved(tmp_path):
    start = time.monotonic()
    report = run([str(_slow_file(tmp_path))], timeout=2)
    elapsed = time.monotonic() - start
    (result,) = report.results
    first = result.steps[0].outcome
    assert first.status == UNPROVED and first.message.startswith("timed out after 2 s")
    assert result.steps[1].outcome.status != UNPROVED or "timed out" in result.steps[1].outcome.message
    assert elapsed < 60  # each stuck link costs its limit, not minutes


def test_the_time_limit_stops_a_stuck_link_and_the_rest_still_runs(tmp_path, monkeypatch):
    original = engine._Replay.link

    def stuck_on_link_2(self, prev, step, conditions):
        if step.index == 2:
            time.sleep(600)
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", stuck_on_link_2)  # inherited by the forked worker
    (tmp_path / "x.deriv.yaml").write_text(SPEC_EXAMPLE)
    start = time.monotonic()
    (result,) = run([str(tmp_path / "x.deriv.yaml")], timeout=1).results
    assert time.monotonic() - start < 30
    statuses = {sr.step.index: sr.outcome.status for sr in result.steps}
    assert statuses == {1: "proved", 2: UNPROVED, 3: "proved", 4: "proved"}
    assert result.verdict != VERIFIED


def test_parallel_runs_give_the_same_json(folder):
    one = invoke(folder, "--format", "json", "-j", "1")
    two = invoke(folder, "--format", "json", "-j", "2")
    assert one.exit_code == two.exit_code == 1
    assert one.output == two.output
    assert [r["name"] for r in json.loads(two.output)["results"]] == ["good", "mis", "wrong"]


def test_cache_remembers_links_and_gives_the_same_report(folder, tmp_path_factory, monkeypatch):
    cache_dir = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("DERIVCHECK_CACHE", str(cache_dir))
    args = ["verify", str(folder), "--format", "json"]
    first = CliRunner().invoke(main, args)
    entries = list(cache_dir.rglob("*.json"))
    assert entries
    calls = []
    monkeypatch.setattr(engine._Replay, "link", lambda *a, **k: calls.append(a) or pytest.fail("link recomputed"))
    second = CliRunner().invoke(main, args + ["--timeout", "0"])
    assert second.output == first.output and not calls
    for entry in entries:  # a damaged cache is a miss, never an answer
        entry.write_text("{not json")
    monkeypatch.undo()
    monkeypatch.setenv("DERIVCHECK_CACHE", str(cache_dir))
    third = CliRunner().invoke(main, args)
    assert third.output == first.output


def test_no_cache_writes_nothing(folder, tmp_path_factory, monkeypatch):
    cache_dir = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("DERIVCHECK_CACHE", str(cache_dir))
    CliRunner().invoke(main, ["verify", str(folder), "--no-cache"])
    assert not list(cache_dir.rglob("*.json"))


def test_cache_key_changes_with_the_rules_and_the_context(tmp_path):
    cache = LinkCache(tmp_path)
    (tmp_path / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    run([str(tmp_path / "a.deriv.yaml")], cache=cache)
    n = len(list(tmp_path.rglob("*.json")))
    (tmp_path / "a.deriv.yaml").write_text(variant("by: quotient_rule", "by: product_rule"))
    (result,) = run([str(tmp_path / "a.deriv.yaml")], cache=cache).results
    assert result.steps[1].outcome.status == "misjustified"  # not the cached "proved"
    assert len(list(tmp_path.rglob("*.json"))) > n


@pytest.mark.parametrize("text,message", [
    ("claim: Sum(x, (k, 1, 10**12)) == 0", "more than"),
    ("claim: x**10**10**10 == 0", "too large"),
    ("claim: " + "(" * 3000 + "x" + ")" * 3000 + " == 0", "nested"),
    ("claim: " + "exp(" * 500 + "x" + ")" * 500 + " == 0", "nested"),
])
def test_expressions_too_large_are_clean_errors(text, message):
    body = f"derivcheck: 1\nname: big\nsymbols:\n  x: real\n  k: index 5\n{text}\nsteps:\n  - x\n"
    with pytest.raises(DerivError, match=message):
        load_text(body)


def test_yaml_nested_thousands_deep_is_a_clean_error():
    with pytest.raises(DerivError):
        load_text("a: " + "[" * 5000 + "]" * 5000)

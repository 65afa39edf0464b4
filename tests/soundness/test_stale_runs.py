"""Stale whole runs (filecache.py): what a run read besides its target, changed, is never answered from the cache."""
import os

import pytest
from click.testing import CliRunner

from derivcheck.cli import main

LEMMA = """derivcheck: 1
name: lem-square
symbols:
  x: real
claim: D(x**2, x) == 2 * x
steps:
  - D(x**2, x)
  - by: power_rule
    expr: 2 * x
"""

FALSE_LEMMA = LEMMA.replace("== 2 * x", "== 3 * x").replace("expr: 2 * x", "expr: 3 * x")

USE = """derivcheck: 1
name: use-square
symbols:
  x: real
claim: D(x**2, x) == 3 * x
steps:
  - D(x**2, x)
  - by: lem-square
    expr: 3 * x
"""  # false; it verifies only if a (false) lem-square is taken as verified

USE_TRUE = USE.replace("3 * x", "2 * x")

NO_BY = """derivcheck: 1
name: no-by
symbols:
  x: real
claim: D(x**2, x) == 2 * x
steps:
  - D(x**2, x)
  - 2 * x
"""  # verified, but not under strict (a link without `by`)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVCHECK_CACHE", str(tmp_path / "cache"))
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


def _verify(*args):
    return CliRunner().invoke(main, ["verify", *map(str, args)])


def _stored(tmp):
    runs = tmp.parent / "cache" / "runs"
    return sum(len(files) for _, _, files in os.walk(runs)) if runs.exists() else 0


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_cited_file_in_another_folder_edited(repo):
    _write(repo / "a" / "use.deriv.yaml", USE_TRUE)
    _write(repo / "lemmas" / "lem.deriv.yaml", LEMMA)
    first = _verify("a/use.deriv.yaml")
    assert first.exit_code == 0, first.output
    assert _stored(repo), "the run was not remembered: the test would check nothing"
    _write(repo / "a" / "use.deriv.yaml", USE)  # now claims 3x ...
    _write(repo / "lemmas" / "lem.deriv.yaml", FALSE_LEMMA)  # ... and the lemma it cites is false
    again = _verify("a/use.deriv.yaml")
    assert again.exit_code == 1, again.output
    _write(repo / "a" / "use.deriv.yaml", USE_TRUE)
    _write(repo / "lemmas" / "lem.deriv.yaml", LEMMA)
    assert _verify("a/use.deriv.yaml").exit_code == 0
    _write(repo / "lemmas" / "lem.deriv.yaml", LEMMA.replace("x: real", "x: positive"))  # only the lemma's bytes
    fresh = CliRunner().invoke(main, ["verify", "--no-cache", "a/use.deriv.yaml"])
    cached = _verify("a/use.deriv.yaml")
    assert (cached.exit_code, cached.output) == (fresh.exit_code, fresh.output)


def test_a_new_file_declaring_the_cited_name(repo):
    _write(repo / "a" / "use.deriv.yaml", USE_TRUE)
    _write(repo / "z" / "lem.deriv.yaml", LEMMA)
    first = _verify("--strict", "a/use.deriv.yaml")
    assert first.exit_code == 0, first.output
    assert _stored(repo)
    _write(repo / "lem0.deriv.yaml", FALSE_LEMMA)  # found first now (the root before z/): a false lem-square
    fresh = CliRunner().invoke(main, ["verify", "--no-cache", "--strict", "a/use.deriv.yaml"])
    again = _verify("--strict", "a/use.deriv.yaml")
    assert fresh.exit_code == again.exit_code == 1, (again.output, fresh.output)  # not by what it names


def test_strict_in_the_configuration(repo):
    _write(repo / "d.deriv.yaml", NO_BY)
    assert _verify("d.deriv.yaml").exit_code == 0
    assert _stored(repo)
    _write(repo / "pyproject.toml", "[tool.derivcheck]\nstrict = true\n")
    again = _verify("d.deriv.yaml")
    assert again.exit_code == 1, again.output
    _write(repo / "pyproject.toml", "[tool.derivcheck]\nstrict = false\n")
    assert _verify("d.deriv.yaml").exit_code == 0


def test_strict_flag_and_timeout(repo):
    _write(repo / "d.deriv.yaml", NO_BY)
    assert _verify("d.deriv.yaml").exit_code == 0
    assert _verify("--strict", "d.deriv.yaml").exit_code == 1
    assert _verify("--timeout", "30", "--strict", "d.deriv.yaml").exit_code == 1


def test_a_symlink_pointing_elsewhere(repo):
    _write(repo / "true.yaml", USE_TRUE.replace("by: lem-square", "by: power_rule"))
    _write(repo / "false.yaml", USE.replace("by: lem-square", "by: power_rule"))
    link = repo / "d.deriv.yaml"
    link.symlink_to("true.yaml")
    assert _verify(link.name).exit_code == 0
    assert _stored(repo)
    link.unlink()
    link.symlink_to("false.yaml")
    again = _verify(link.name)
    assert again.exit_code == 1, again.output


def test_a_file_added_to_a_folder_target(repo):
    _write(repo / "f" / "a.deriv.yaml", NO_BY)
    assert _verify("f").exit_code == 0
    assert _stored(repo)
    _write(repo / "f" / "sub" / "b.deriv.yaml", USE.replace("by: lem-square", "by: power_rule"))
    fresh = CliRunner().invoke(main, ["verify", "--no-cache", "f"])
    again = _verify("f")
    assert again.exit_code == fresh.exit_code == 1, again.output

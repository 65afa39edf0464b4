"""[tool.derivcheck] in pyproject.toml: found from the current folder up, overridden by flags."""
import json

import pytest
from click.testing import CliRunner

from conftest import SPEC_EXAMPLE, variant
from derivcheck import config
from derivcheck.cli import main

WRONG = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum").replace(
    "name: softmax-jacobian", "name: wrong")
NO_BY = variant("  - by: quotient_rule\n    expr:", "  - ").replace("name: softmax-jacobian", "name: no-by")


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "derivations").mkdir()
    (tmp_path / "derivations" / "wrong.deriv.yaml").write_text(WRONG)
    (tmp_path / "derivations" / "no-by.deriv.yaml").write_text(NO_BY)
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "draft.deriv.yaml").write_text(SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: draft"))
    (tmp_path / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "deep" / "er")
    return tmp_path


def write(project, body):
    (project / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.derivcheck]\n{body}\n")


def verify(*args):
    return CliRunner().invoke(main, ["verify", "--no-cache", *args])


def test_settings_are_found_from_the_current_folder_up(project):
    write(project, 'paths = ["derivations", "drafts"]\nformat = "json"\nexclude = ["drafts/*"]\nseed = 7')
    out = verify()
    data = json.loads(out.stdout)
    assert sorted(r["name"] for r in data["results"]) == ["no-by", "wrong"]  # the draft excluded
    assert out.exit_code == 1


def test_flags_override_the_file(project):
    write(project, 'paths = ["derivations"]\nformat = "json"\nstrict = true')
    strict = json.loads(verify().stdout)
    assert {r["name"]: r["verdict"] for r in strict["results"]}["no-by"] == "not verified"
    lenient = json.loads(verify("--no-strict").stdout)
    assert {r["name"]: r["verdict"] for r in lenient["results"]}["no-by"] == "verified"
    text = verify("--format", "text", "../../derivations/no-by.deriv.yaml", "--no-strict")
    assert "no-by  VERIFIED" in text.output and text.exit_code == 0


def test_the_seed_of_the_file_changes_the_numeric_samples(project):
    path = str(project / "derivations" / "wrong.deriv.yaml")
    write(project, "seed = 0")
    zero = json.loads(verify(path, "--format", "json").stdout)
    assert zero["results"], zero
    write(project, "seed = 12345")
    other = json.loads(verify(path, "--format", "json").stdout)
    inputs = [[s["counterexample"]["inputs"] for r in data["results"] for s in r["steps"] if s["counterexample"]]
              for data in (zero, other)]
    assert inputs[0] and inputs[1] and inputs[0] != inputs[1]
    again = json.loads(verify(path, "--format", "json", "--seed", "0").stdout)
    assert again == zero  # the flag wins over the file


@pytest.mark.parametrize("body, message", [
    ("sead = 1", "did you mean 'seed'?"),
    ('timeout = "long"', "timeout must be a number of seconds"),
    ("jobs = 0", "jobs must be an integer >= 1"),
    ('format = "pdf"', "unknown format 'pdf'"),
    ("strict = ", "not valid TOML"),
])
def test_a_bad_setting_is_a_clean_usage_error(project, body, message):
    write(project, body)
    out = verify("softmax")
    assert out.exit_code == 2 and message in out.output and "pyproject.toml" in out.output


def test_no_targets_and_no_paths_is_a_usage_error(project):
    out = verify()
    assert out.exit_code == 2 and "no TARGET given" in out.output


def test_a_pyproject_without_the_section_is_passed_over(project, tmp_path):
    (project / "deep" / "pyproject.toml").write_text("[project]\nname = 'inner'\n")
    write(project, "seed = 3")
    assert config.find() == project / "pyproject.toml"
    assert config.load()[0] == {"seed": 3}


def test_exclude_matches_any_tail_of_the_path():
    assert config.excluded("a/b/drafts/x.deriv.yaml", ["drafts/*"])
    assert config.excluded("/abs/x.deriv.yaml", ["x.deriv.yaml"])
    assert not config.excluded("a/b/c.deriv.yaml", ["drafts/*"])


def test_without_tomllib_the_section_is_a_clear_error(project, monkeypatch):
    import sys

    write(project, "seed = 1")
    monkeypatch.setitem(sys.modules, "tomllib", None)  # as on Python 3.9 and 3.10
    out = verify("softmax")
    assert out.exit_code == 2 and "needs Python 3.11 or later" in out.output

"""pre-commit: serial, and a cited derivation found in the repository's other files when not staged."""
import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from conftest import SPEC_EXAMPLE
from derivcheck import __version__
from derivcheck.builtins import find
from derivcheck.cli import main
from derivcheck.siblings import find as find_sibling

ROOT = Path(__file__).parent.parent
CITING = find("softmax-cross-entropy").read_text().replace("name: softmax-cross-entropy", "name: my-loss") \
    .replace("by: softmax-jacobian", "by: my-jacobian")


def repo(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "derivations" / "lemmas").mkdir(parents=True)
    (tmp_path / "derivations" / "lemmas" / "jacobian.deriv.yaml").write_text(
        SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: my-jacobian"))
    (tmp_path / "derivations" / "loss.deriv.yaml").write_text(CITING)
    return tmp_path


def test_the_hook_runs_serially_on_derivation_files():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["require_serial"] is True and hook["entry"] == "derivcheck verify"
    assert re.search(hook["files"], "a/b.deriv.yaml") and re.search(hook["files"], "b.deriv.yml")


def test_a_cited_derivation_that_is_not_staged_is_found_in_the_repository(tmp_path):
    root = repo(tmp_path)
    staged = root / "derivations" / "loss.deriv.yaml"
    out = CliRunner().invoke(main, ["verify", "--no-cache", str(staged)])
    assert out.exit_code == 0, out.output
    assert "my-loss  VERIFIED" in out.output and "1 of 1 derivation verified" in out.output
    assert find_sibling("my-jacobian", str(staged)) == root / "derivations" / "lemmas" / "jacobian.deriv.yaml"


def test_a_cited_derivation_found_nowhere_is_still_an_error(tmp_path):
    root = repo(tmp_path)
    (root / "derivations" / "lemmas" / "jacobian.deriv.yaml").unlink()
    out = CliRunner().invoke(main, ["verify", "--no-cache", str(root / "derivations" / "loss.deriv.yaml")])
    assert out.exit_code == 2 and "unknown rule or derivation 'my-jacobian'" in out.output


def test_the_search_stays_inside_the_repository(tmp_path):
    outside = tmp_path / "jacobian.deriv.yaml"
    outside.write_text(SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: my-jacobian"))
    inner = tmp_path / "project"
    (inner / ".git").mkdir(parents=True)
    (inner / "loss.deriv.yaml").write_text(CITING)
    assert find_sibling("my-jacobian", str(inner / "loss.deriv.yaml")) is None
    assert find_sibling("my-jacobia", str(inner / "loss.deriv.yaml")) is None


def test_aliases_are_found_too(tmp_path):
    root = repo(tmp_path)
    lemma = root / "derivations" / "lemmas" / "jacobian.deriv.yaml"
    lemma.write_text(lemma.read_text().replace("name: my-jacobian", "name: other\naliases: [x, my-jacobian]"))
    assert find_sibling("my-jacobian", str(root / "derivations" / "loss.deriv.yaml")) == lemma
    assert find_sibling("jacobian", str(root / "derivations" / "loss.deriv.yaml")) is None


def test_the_readme_pins_the_tag_the_release_process_creates():
    readme = (ROOT / "README.md").read_text()
    assert f"rev: v{__version__}" in readme
    assert "git tag -a v" in readme  # the release step that creates it

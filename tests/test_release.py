"""The release process: the version, README's pre-commit rev and CHANGELOG agree, and `tag` creates vX.Y.Z."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from derivcheck import __version__

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import release  # noqa: E402 - scripts/release.py

GIT = shutil.which("git")


def test_this_checkout_is_releasable_as_its_version():
    assert release.version(ROOT) == __version__
    assert release.problems(ROOT) == []
    assert release.problems(ROOT, tag=f"v{__version__}") == []
    assert release.problems(ROOT, tag="v9.9.9") == [f"the tag v9.9.9 is not v{__version__}"]
    assert "0.1.0" in (ROOT / "CHANGELOG.md").read_text() and release.notes(ROOT, "0.1.0")


def test_the_workflow_checks_the_tag_and_publishes_the_notes():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    runs = [s.get("run", "") for s in flow["jobs"]["release"]["steps"]]
    assert flow[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads `on` as true
    assert any('release.py check --tag "$GITHUB_REF_NAME"' in r for r in runs)
    assert any("release.py notes" in r for r in runs) and any(r.startswith(".ci/run") for r in runs)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A small repository laid out like derivcheck's, at version 0.1.0."""
    for who in ("AUTHOR", "COMMITTER"):  # a CI machine may have no git identity
        monkeypatch.setenv(f"GIT_{who}_NAME", "t")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "t@example.org")
    (tmp_path / "derivcheck").mkdir()
    (tmp_path / "derivcheck" / "__init__.py").write_text('"""x."""\n__version__ = "0.1.0"\n')
    (tmp_path / "README.md").write_text("# x\n\n```yaml\n- repo: https://example.org/x\n  rev: v0.1.0\n```\n")
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n- a new rule\n\n"
                                           "## 0.1.0 — 2026-11-24\n\n- first\n")
    if GIT:
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
            subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    return tmp_path


def test_each_disagreement_is_named(project):
    assert release.problems(project) == []
    (project / "README.md").write_text((project / "README.md").read_text().replace("v0.1.0", "v0.0.9"))
    (project / "CHANGELOG.md").write_text("# Changelog\n\n## 0.1.0\n\n- first\n")
    found = release.problems(project)
    assert len(found) == 2 and "rev v0.0.9, not v0.1.0" in found[0] and "no date" in found[1]
    (project / "CHANGELOG.md").write_text("# Changelog\n")
    assert "no section" in release.problems(project)[1]


def test_bump_moves_every_place_and_the_unreleased_notes(project):
    release.bump(project, "0.2.0", today="2026-12-01")
    assert release.version(project) == "0.2.0" and release.problems(project) == []
    assert "rev: v0.2.0" in (project / "README.md").read_text()
    assert release.notes(project, "0.2.0") == "- a new rule" and release.notes(project, "0.1.0") == "- first"
    with pytest.raises(SystemExit):
        release.bump(project, "2.0")


@pytest.mark.skipif(GIT is None, reason="no git")
def test_tag_creates_the_annotated_tag_with_the_notes_and_refuses_twice(project):
    assert release.main(["--root", str(project), "tag"]) == 0
    message = subprocess.run(["git", "-C", str(project), "tag", "-l", "-n99", "v0.1.0"],
                             capture_output=True, text=True).stdout
    assert message.startswith("v0.1.0") and "derivcheck 0.1.0" in message and "- first" in message
    with pytest.raises(SystemExit, match="exists already"):
        release.tag(project)
    release.bump(project, "0.2.0")  # not committed
    with pytest.raises(SystemExit, match="uncommitted"):
        release.tag(project)
    tags = subprocess.run(["git", "-C", str(project), "tag"], capture_output=True, text=True).stdout.split()
    assert tags == ["v0.1.0"]

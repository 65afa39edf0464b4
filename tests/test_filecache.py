"""A verified run is remembered by the bytes of its inputs and answered without SymPy."""
import os
import subprocess
import sys

from conftest import SPEC_EXAMPLE, variant
from derivcheck import filecache

WRONG = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum")


def _verify(*args, cache, cwd):
    env = dict(os.environ, DERIVCHECK_CACHE=str(cache))
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "derivcheck", "verify", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd)


def _imported(out, module):
    return any(line.startswith("import time:") and line.split("|")[-1].strip() == module
               for line in out.stderr.splitlines())


def test_a_verified_file_is_answered_again_without_importing_sympy(tmp_path):
    (tmp_path / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    cache = tmp_path / "cache"
    first = _verify("a.deriv.yaml", cache=cache, cwd=tmp_path)
    assert first.returncode == 0 and _imported(first, "sympy")
    again = _verify("a.deriv.yaml", cache=cache, cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == first.stdout
    assert not _imported(again, "sympy")
    other = _verify("a.deriv.yaml", "--seed", "1", cache=cache, cwd=tmp_path)  # other options: run again
    assert other.returncode == 0 and _imported(other, "sympy")


def test_edited_bytes_are_verified_again_and_a_failure_is_never_remembered(tmp_path):
    folder = tmp_path / "derivations"
    folder.mkdir()
    (folder / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    cache = tmp_path / "cache"
    assert _verify(folder, cache=cache, cwd=tmp_path).returncode == 0
    (folder / "a.deriv.yaml").write_text(WRONG)
    wrong = _verify(folder, cache=cache, cwd=tmp_path)
    assert wrong.returncode == 1 and _imported(wrong, "sympy")
    runs = list((cache / "runs").rglob("*.json"))
    assert len(runs) == 1  # only the verified run
    (folder / "b.md").write_text("# a document\n")  # a new input in the folder changes the key too
    assert filecache.key([str(folder)], {}) != filecache.key([str(folder)], {"seed": 1})


def test_the_cli_writes_what_it_remembers(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from derivcheck.cli import main

    monkeypatch.setenv("DERIVCHECK_CACHE", str(tmp_path / "cache"))
    (tmp_path / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    args = ["verify", str(tmp_path / "a.deriv.yaml"), "--format", "json"]
    first = CliRunner().invoke(main, args)
    (run,) = (tmp_path / "cache" / "runs").rglob("*.json")
    second = CliRunner().invoke(main, args)
    assert first.exit_code == second.exit_code == 0 and first.output == second.output
    run.write_text('{"stdout": "forged", "code": 1}')  # only a verified run is ever answered
    assert CliRunner().invoke(main, args).output == first.output


def test_the_folder_suffixes_are_the_runners():
    from derivcheck.source import DOCUMENT_SUFFIXES

    assert set(filecache.SUFFIXES) == {".deriv.yaml", ".deriv.yml", *DOCUMENT_SUFFIXES}

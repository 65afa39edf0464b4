"""A run is remembered with everything it read and answered again without SymPy only when all of it is unchanged."""
import json
import os
import subprocess
import sys

from click.testing import CliRunner

from conftest import SPEC_EXAMPLE, variant
from derivcheck import digest, engine, filecache
from derivcheck.builtins import find
from derivcheck.cli import main

WRONG = variant("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum")
CITING = find("softmax-cross-entropy").read_text().replace("name: softmax-cross-entropy", "name: my-loss") \
    .replace("by: softmax-jacobian", "by: my-jacobian")


def _verify(*args, cache, cwd):
    env = dict(os.environ, DERIVCHECK_CACHE=str(cache))
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "derivcheck", "verify", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd)


def _imported(out, module):
    return any(line.startswith("import time:") and line.split("|")[-1].strip() == module
               for line in out.stderr.splitlines())


def _answered(out):
    """Whether a run was answered from a remembered one: SymPy (and click) never imported."""
    return not _imported(out, "sympy") and not _imported(out, "click")


def test_a_verified_file_is_answered_again_without_importing_sympy(tmp_path):
    (tmp_path / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    cache = tmp_path / "cache"
    first = _verify("a.deriv.yaml", cache=cache, cwd=tmp_path)
    assert first.returncode == 0 and _imported(first, "sympy")
    again = _verify("a.deriv.yaml", cache=cache, cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == first.stdout and _answered(again)
    other = _verify("a.deriv.yaml", "--seed", "1", cache=cache, cwd=tmp_path)  # other options: run again
    assert other.returncode == 0 and _imported(other, "sympy")


def test_a_refuted_file_is_remembered_too_and_edited_bytes_are_verified_again(tmp_path):
    folder = tmp_path / "derivations"
    folder.mkdir()
    (folder / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    cache = tmp_path / "cache"
    assert _verify(folder, cache=cache, cwd=tmp_path).returncode == 0
    (folder / "a.deriv.yaml").write_text(WRONG)
    wrong = _verify(folder, cache=cache, cwd=tmp_path)
    assert wrong.returncode == 1 and _imported(wrong, "sympy") and "NOT VERIFIED" in wrong.stdout
    again = _verify(folder, cache=cache, cwd=tmp_path)
    assert again.returncode == 1 and again.stdout == wrong.stdout and _answered(again)
    (folder / "a.deriv.yaml").write_text(SPEC_EXAMPLE)  # the old bytes again: the old answer, recomputed
    back = _verify(folder, cache=cache, cwd=tmp_path)
    assert back.returncode == 0 and _imported(back, "sympy")


def test_a_file_added_to_a_folder_target_is_a_miss(tmp_path):
    folder = tmp_path / "derivations"
    folder.mkdir()
    (folder / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    cache = tmp_path / "cache"
    assert _verify(folder, cache=cache, cwd=tmp_path).returncode == 0
    (folder / "b.deriv.yaml").write_text(WRONG.replace("name: softmax-jacobian", "name: other"))
    added = _verify(folder, cache=cache, cwd=tmp_path)
    assert added.returncode == 1 and _imported(added, "sympy")


def test_an_edited_cited_file_elsewhere_in_the_repository_is_a_miss(tmp_path):
    """loss.deriv.yaml cites my-jacobian, found in another file of the repository (not a target).
    Breaking that file must not be answered by the stored verified run."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "lemmas").mkdir()
    lemma = tmp_path / "lemmas" / "jacobian.deriv.yaml"
    lemma.write_text(SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: my-jacobian"))
    (tmp_path / "loss.deriv.yaml").write_text(CITING)
    cache = tmp_path / "cache"
    first = _verify("--strict", "loss.deriv.yaml", cache=cache, cwd=tmp_path)
    assert first.returncode == 0, first.stdout
    assert _answered(_verify("--strict", "loss.deriv.yaml", cache=cache, cwd=tmp_path))
    first_found = tmp_path / "a.deriv.yaml"  # searched before lemmas/: it is the one cited now
    first_found.write_text(WRONG.replace("name: softmax-jacobian", "name: my-jacobian"))
    shadowed = _verify("--strict", "loss.deriv.yaml", cache=cache, cwd=tmp_path)
    assert shadowed.returncode == 1 and _imported(shadowed, "sympy")
    first_found.unlink()
    assert _verify("--strict", "loss.deriv.yaml", cache=cache, cwd=tmp_path).returncode == 0
    lemma.write_text(WRONG.replace("name: softmax-jacobian", "name: my-jacobian"))
    broken = _verify("--strict", "loss.deriv.yaml", cache=cache, cwd=tmp_path)
    assert broken.returncode == 1 and _imported(broken, "sympy")
    lemma.unlink()  # the search now finds nothing: an error, never the stored run
    (tmp_path / "lemmas" / "other.deriv.yaml").write_text(SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: x"))
    gone = _verify("--strict", "loss.deriv.yaml", cache=cache, cwd=tmp_path)
    assert gone.returncode == 2 and "unknown rule or derivation 'my-jacobian'" in gone.stderr


def test_the_key_covers_the_command_line_the_folder_the_terminal_the_config_and_the_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = filecache.key(["verify", "a.deriv.yaml"])
    assert base == filecache.key(["verify", "a.deriv.yaml"])
    assert base != filecache.key(["verify", "a.deriv.yaml", "--strict"])
    assert base != filecache.key(["verify", "--strict", "a.deriv.yaml"])
    monkeypatch.setenv("NO_COLOR", "1")
    assert base != filecache.key(["verify", "a.deriv.yaml"])
    monkeypatch.delenv("NO_COLOR")
    (tmp_path / "pyproject.toml").write_text("[tool.derivcheck]\nseed = 3\n")
    configured = filecache.key(["verify", "a.deriv.yaml"])
    assert configured != base
    (tmp_path / "pyproject.toml").write_text("[tool.derivcheck]\nseed = 4\n")
    assert filecache.key(["verify", "a.deriv.yaml"]) not in (base, configured)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # the same arguments from another folder
    assert filecache.key(["verify", "a.deriv.yaml"]) not in (base, configured)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").unlink()
    monkeypatch.setattr(digest, "code_digest", lambda: "another engine")
    assert filecache.key(["verify", "a.deriv.yaml"]) != base
    assert filecache.key(None) is None


def test_the_cli_answers_what_it_remembers_and_a_damaged_entry_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVCHECK_CACHE", str(tmp_path / "cache"))
    (tmp_path / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    args = ["verify", str(tmp_path / "a.deriv.yaml"), "--format", "json"]
    first = CliRunner().invoke(main, args)
    (run,) = (tmp_path / "cache" / "runs").rglob("*.json")
    stored = json.loads(run.read_text())
    assert stored["code"] == 0 and str(tmp_path / "a.deriv.yaml") in stored["inputs"]["reads"]
    monkeypatch.setattr(engine._Replay, "link", lambda *a, **k: (_ for _ in ()).throw(AssertionError("recomputed")))
    second = CliRunner().invoke(main, args)
    assert first.exit_code == second.exit_code == 0 and first.output == second.output
    monkeypatch.undo()
    monkeypatch.setenv("DERIVCHECK_CACHE", str(tmp_path / "cache"))
    for damaged in ({"stdout": "forged", "code": 1},  # no record of what was read
                    dict(stored, code=7),
                    dict(stored, inputs=dict(stored["inputs"], reads={str(tmp_path / "a.deriv.yaml"): "0" * 64}))):
        run.write_text(json.dumps(damaged))
        assert CliRunner().invoke(main, args).output == first.output


def test_a_run_with_an_outcome_a_limit_or_a_lost_worker_gave_is_not_remembered(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVCHECK_CACHE", str(tmp_path / "cache"))
    (tmp_path / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    args = ["verify", str(tmp_path / "a.deriv.yaml"), "--timeout", "0"]

    def out_of_memory(*a, **k):
        raise MemoryError

    monkeypatch.setattr(engine._Replay, "link", out_of_memory)
    lost = CliRunner().invoke(main, args)
    assert lost.exit_code == 1 and "MemoryError" in lost.output
    assert not (tmp_path / "cache" / "runs").exists()
    monkeypatch.undo()
    monkeypatch.setenv("DERIVCHECK_CACHE", str(tmp_path / "cache"))
    assert CliRunner().invoke(main, args).exit_code == 0


def test_settled_refuses_timeouts_and_worker_failures():
    from derivcheck.model import PROVED, UNPROVED, Check, DerivationResult, Outcome, StepResult

    def result(message, kind="start"):
        return DerivationResult(None, "verified", Outcome(PROVED), [StepResult(None, Outcome(UNPROVED, message))],
                                [Check(kind, 1, Outcome(PROVED))])

    assert filecache.settled([result("SymPy's diff did not reach one form")])
    assert not filecache.settled([result("timed out after 1 s of CPU time: not proved")])
    assert not filecache.settled([result("not checked: the worker stopped")])
    assert not filecache.settled([result("fine", kind="worker")])


def test_an_unreadable_input_is_never_remembered(tmp_path):
    (tmp_path / "a.deriv.yaml").write_text(SPEC_EXAMPLE)
    recorder = filecache.Recorder([str(tmp_path / "a.deriv.yaml")])
    from derivcheck.source import read_bytes

    with recorder:
        read_bytes(tmp_path / "a.deriv.yaml")
    assert recorder.inputs()["reads"] == {str(tmp_path / "a.deriv.yaml"): filecache._sha(SPEC_EXAMPLE.encode())}
    with recorder:
        try:
            read_bytes(tmp_path / "missing.deriv.yaml")
        except Exception:  # noqa: BLE001 - the DerivError of a missing file
            pass
    assert recorder.inputs() is None
    from derivcheck import siblings, source

    assert source.WATCHERS == [] and siblings.WATCHERS == []  # the recorder hears only its own run

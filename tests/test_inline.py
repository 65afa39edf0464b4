"""A one-file command verifies in its own process under a worker's limits; any alarm or failure
abandons the attempt whole and the command starts again with workers (inline.py)."""
import json
import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from conftest import DATA, counting_forks
from derivcheck import engine, inline
from derivcheck.model import PROVED, UNPROVED, VERIFIED
from derivcheck.runner import run

SPEC = str(DATA / "spec_example.deriv.yaml")


def _spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def _outcomes(report):
    return [(r.derivation.name, r.verdict, [(s.step.index, s.outcome.status, s.outcome.message) for s in r.steps],
             r.claim.status) for r in report.results]


@pytest.fixture
def enabled(monkeypatch):
    monkeypatch.setattr(inline, "ENABLED", True)
    monkeypatch.delenv(inline.ENV, raising=False)


def _limits_restored():
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None)
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY


def test_one_file_is_verified_in_this_process_with_the_workers_verdicts(monkeypatch, enabled):
    forks = counting_forks(monkeypatch)
    here = _outcomes(run([SPEC], timeout=10))
    assert forks == []
    _limits_restored()
    monkeypatch.setattr(inline, "ENABLED", False)
    assert _outcomes(run([SPEC], timeout=10)) == here  # the same, in a worker
    assert len(forks) == 1
    assert here[0][1] == VERIFIED


def test_without_the_entry_point_or_after_a_restart_workers_verify(monkeypatch, enabled, tmp_path):
    forks = counting_forks(monkeypatch)
    monkeypatch.setenv(inline.ENV, "1")
    run([SPEC], timeout=10)
    assert len(forks) == 1
    monkeypatch.delenv(inline.ENV)
    for n in range(2):
        (tmp_path / f"d{n}.deriv.yaml").write_text((DATA / "spec_example.deriv.yaml").read_text()
                                                   .replace("name: softmax-jacobian", f"name: d{n}"))
    run([str(tmp_path)], timeout=10)  # several files: workers (loading overlaps verifying)
    assert len(forks) >= 2


def test_a_link_over_its_cpu_time_abandons_the_attempt(monkeypatch, enabled):
    original = engine._Replay.link

    def endless_link_2(self, prev, step, conditions):
        if step.index == 2:
            _spin(600)
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", endless_link_2)
    with pytest.raises(inline.Restart):
        run([SPEC], timeout=0.5)
    _limits_restored()


def test_each_link_gets_the_whole_limit(monkeypatch, enabled):
    """Four links of 0.3 s each under a 0.5 s limit: the alarm is set again at every item."""
    original = engine._Replay.link

    def slowish(self, prev, step, conditions):
        if step.index <= 4:
            _spin(0.3)
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", slowish)
    (result,) = run([SPEC], timeout=0.5).results
    assert result.verdict == VERIFIED


def test_an_alarm_the_code_swallows_still_abandons_the_attempt_and_stores_nothing_after_it(monkeypatch, enabled):
    original = engine._Replay.link
    rang = []

    def swallowing(self, prev, step, conditions):
        if step.index == 2:
            try:
                _spin(600)
            except BaseException:  # noqa: BLE001 - the code under test swallows everything
                rang.append(True)
        return original(self, prev, step, conditions)

    class Memo(dict):
        def get(self, key):
            return None

        def put(self, key, outcome):
            self[key] = rang[:]

    memo = Memo()
    monkeypatch.setattr(engine._Replay, "link", swallowing)
    with pytest.raises(inline.Restart):
        run([SPEC], timeout=0.5, cache=memo)
    assert rang == [True]
    assert memo and all(seen == [] for seen in memo.values())  # only what came before the alarm


def test_an_exception_out_of_verify_abandons_the_attempt(monkeypatch, enabled):
    def broken(self, prev, step, conditions):
        raise ValueError("boom")

    monkeypatch.setattr(engine._Replay, "link", broken)
    with pytest.raises(inline.Restart):
        run([SPEC], timeout=10)
    _limits_restored()
    monkeypatch.setattr(inline, "ENABLED", False)  # what the workers say instead: that link, not the run
    (result,) = run([SPEC], timeout=10).results
    assert all(s.outcome.message == "not checked: ValueError: boom" for s in result.steps)


SCRIPT = """
import sys, time
from derivcheck import engine
original = engine._Replay.link
def endless_link_2(self, prev, step, conditions):
    if step.index == 2:
        end = time.process_time() + 600
        while time.process_time() < end:
            pass
    return original(self, prev, step, conditions)
engine._Replay.link = endless_link_2
sys.argv = ["derivcheck", "verify", sys.argv[1], "--timeout", "1", "--format", "json", "--no-cache"]
from derivcheck.__main__ import entry
entry()
"""


def test_the_command_starts_again_with_workers_and_reports_the_stopped_link():
    env = {k: v for k, v in os.environ.items() if k != inline.ENV}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, SPEC], capture_output=True, text=True, env=env, timeout=300)
    (result,) = json.loads(proc.stdout)["results"]
    links = {step["index"]: (step["status"], step["message"]) for step in result["steps"]}
    assert links[2][0] == UNPROVED and links[2][1].startswith("timed out after 1 s of CPU time")
    assert links[1][0] == links[3][0] == PROVED
    assert proc.returncode == 1 and proc.stdout.count('"results"') == 1  # one report, from the restarted command


def test_verifying_here_has_a_workers_memory_limit(monkeypatch, enabled):
    from derivcheck import workers

    original = engine._Replay.link
    seen = []

    def noting(self, prev, step, conditions):
        seen.append(resource.getrlimit(resource.RLIMIT_AS)[0])
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", noting)
    run([SPEC], timeout=10)
    assert seen and set(seen) == {workers.MEMORY_LIMIT}
    _limits_restored()

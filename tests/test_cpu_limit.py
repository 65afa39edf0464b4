"""The per-link limit counts the worker's CPU time: a loaded machine never changes a verdict."""
import subprocess
import sys
import time

from conftest import DATA
from derivcheck import engine, workers
from derivcheck.model import PROVED, UNPROVED
from derivcheck.runner import run

SPEC = str(DATA / "spec_example.deriv.yaml")


def _spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def _statuses(report):
    (result,) = report.results
    return {sr.step.index: (sr.outcome.status, sr.outcome.message) for sr in result.steps}, result.verdict


def test_a_slow_link_gets_the_same_verdict_under_a_cpu_hog(monkeypatch):
    """Link 2 needs 1.5 s of CPU; the limit is 4 s. Six busy processes on the machine make it
    take far longer than 4 s of wall-clock time: it must still be proved."""
    original = engine._Replay.link

    def slow_link_2(self, prev, step, conditions):
        if step.index == 2:
            _spin(1.5)
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", slow_link_2)  # inherited by the forked worker
    alone = _statuses(run([SPEC], timeout=4))
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(6)]
    try:
        loaded = _statuses(run([SPEC], timeout=4))
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert alone[0][2][0] == PROVED
    assert loaded == alone


def test_a_link_over_its_cpu_time_is_stopped_and_says_so(monkeypatch):
    original = engine._Replay.link

    def endless_link_2(self, prev, step, conditions):
        if step.index == 2:
            _spin(600)
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", endless_link_2)
    statuses, verdict = _statuses(run([SPEC], timeout=1))
    assert statuses[2][0] == UNPROVED and statuses[2][1].startswith("timed out after 1 s of CPU time")
    assert statuses[1][0] == statuses[3][0] == PROVED


def test_cpu_time_is_read_from_the_process_itself():
    found = workers.cpu_and_state(subprocess.os.getpid())
    if found is None:  # no /proc here: the limit counts wall-clock time
        return
    before, state = found
    _spin(0.3)
    after, _ = workers.cpu_and_state(subprocess.os.getpid())
    assert state == "R" and 0.2 <= after - before

"""Long-lived workers: one fork per job slot, reused; a worker lost mid-link is a clear unproved link, never VERIFIED."""
import os
import signal

from conftest import SPEC_EXAMPLE
from conftest import counting_forks
from derivcheck import engine, workers
from derivcheck.model import PROVED, UNPROVED, VERIFIED
from derivcheck.runner import run

WRONG = SPEC_EXAMPLE.replace("- exp(z[i]) * exp(z[j])) / Sum", "+ exp(z[i]) * exp(z[j])) / Sum", 1)


def _files(tmp_path, count):
    for n in range(count):
        text = (WRONG if n == 1 else SPEC_EXAMPLE).replace("name: softmax-jacobian", f"name: d{n}")
        (tmp_path / f"d{n}.deriv.yaml").write_text(text)
    return [str(tmp_path)]


def _one_file(tmp_path, count):
    """count derivations in one file: all loaded before the first fork."""
    items = []
    for n in range(count):
        lines = (WRONG if n == 1 else SPEC_EXAMPLE).replace("name: softmax-jacobian", f"name: d{n}").splitlines()
        items.append("\n".join(["  - " + lines[0]] + ["    " + line for line in lines[1:]]))
    (tmp_path / "all.deriv.yaml").write_text("derivations:\n" + "\n".join(items) + "\n")
    return [str(tmp_path / "all.deriv.yaml")]


def _verdicts(report):
    return [(r.derivation.name, r.verdict, [s.outcome.status for s in r.steps]) for r in report.results]


def test_one_worker_per_job_slot_verifies_every_derivation(tmp_path, monkeypatch):
    targets = _one_file(tmp_path, 4)
    alone = _verdicts(run(targets))  # in this process, no worker
    forks = counting_forks(monkeypatch)
    assert _verdicts(run(targets, timeout=10)) == alone
    assert len(forks) == 1
    forks.clear()
    assert _verdicts(run(targets, timeout=10, jobs=2)) == alone
    assert len(forks) == 2
    assert [v for _, v, _ in alone] == [VERIFIED, "not verified", VERIFIED, VERIFIED]


def test_a_worker_killed_mid_link_gives_that_link_unproved_and_the_run_goes_on(tmp_path, monkeypatch):
    targets = _one_file(tmp_path, 3)
    original = engine._Replay.link

    def dies_on_link_2_of_d0(self, prev, step, conditions):
        if step.index == 2 and self.deriv.name == "d0":
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", dies_on_link_2_of_d0)  # inherited by the forked workers
    forks = counting_forks(monkeypatch)
    report = run(targets, timeout=10)
    first, second, third = report.results
    assert first.verdict != VERIFIED
    statuses = {sr.step.index: (sr.outcome.status, sr.outcome.message) for sr in first.steps}
    assert statuses[2] == (UNPROVED, "not checked: the worker stopped")
    assert statuses[1][0] == statuses[3][0] == PROVED
    assert second.verdict != VERIFIED and third.verdict == VERIFIED  # the other derivations are unaffected
    assert len(forks) == 2  # the lost worker was replaced once, and the new one went on


def test_a_worker_that_keeps_dying_is_given_up_with_a_reason(tmp_path, monkeypatch):
    targets = _files(tmp_path, 1)

    def always_dies(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(engine._Replay, "link", always_dies)
    monkeypatch.setattr(workers, "MAX_RESTARTS", 2)
    (result,) = run(targets, timeout=10).results
    assert result.verdict != VERIFIED
    messages = [sr.outcome.message for sr in result.steps] + [result.claim.message]
    assert any("the worker stopped" in m for m in messages)


def test_idle_workers_are_ended_when_the_run_ends(tmp_path, monkeypatch):
    forks = counting_forks(monkeypatch)
    run(_files(tmp_path, 2), timeout=10, jobs=2)
    for pid in forks:  # reaped: no child is left behind
        try:
            os.waitpid(pid, os.WNOHANG)
            raise AssertionError(f"worker {pid} still exists")
        except ChildProcessError:
            pass
    assert workers.Worker.parent_ends == set()


def test_a_log_larger_than_a_pipe_arrives_whole(tmp_path, monkeypatch):
    """Each link's outcome carries 300 kB of text: the log pipe fills many times over; every
    outcome still reaches the parent intact and the run ends."""
    targets = _files(tmp_path, 1)
    original = engine._Replay.link
    monkeypatch.setattr(workers, "LOG_BYTES", 4096)  # as small as a pipe gets

    def wordy(self, prev, step, conditions):
        outcome = original(self, prev, step, conditions)
        return type(outcome)(outcome.status, outcome.message + " " + "x" * 300_000, outcome.counterexample,
                             outcome.rules_found, outcome.side_conditions, outcome.samples)

    monkeypatch.setattr(engine._Replay, "link", wordy)
    (result,) = run(targets, timeout=10).results
    assert result.verdict == VERIFIED
    assert all(sr.outcome.message.endswith("x" * 300_000) for sr in result.steps)

"""Loading overlapped with verifying: derivations go to workers as their files load, each waits for
what it cites, and a worker forked before a derivation was loaded never gets it (pool.py)."""
import os
import signal
import time

from conftest import SPEC_EXAMPLE, line_of
from conftest import counting_forks
from derivcheck import builtins, engine, workers
from derivcheck.load import load_text
from derivcheck.model import MISJUSTIFIED, PROVED, UNPROVED, VERIFIED
from derivcheck.pool import Pool
from derivcheck.runner import run

SCE = builtins.find("softmax-cross-entropy").read_text()
JACOBIAN = builtins.find("softmax").read_text().replace("aliases: [softmax]\n", "")


def _outcomes(report):
    return ([(r.derivation.name, r.derivation.file, r.verdict, r.claim.status,
              [(s.step.index, s.outcome.status, s.outcome.message) for s in r.steps]) for r in report.results],
            [str(e) for e in report.errors])


def _write(tmp_path, **texts):
    for name, text in texts.items():
        (tmp_path / f"{name}.deriv.yaml").write_text(text)
    return [str(tmp_path)]


def test_a_derivation_citing_one_in_a_file_loaded_later_waits_for_it(tmp_path):
    lemma = JACOBIAN.replace("name: softmax-jacobian", "name: my-jacobian")
    targets = _write(tmp_path, a_user=SCE.replace("by: softmax-jacobian", "by: my-jacobian"), b_lemma=lemma,
                     c_other=SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: other"))
    here = _outcomes(run(targets))  # in this process, every file loaded first
    for jobs in (1, 2):
        assert _outcomes(run(targets, timeout=10, jobs=jobs)) == here
    (user, lemma_result, other), errors = here
    assert [user[2], lemma_result[2], other[2]] == [VERIFIED] * 3 and errors == []
    link = next(s for s in run(targets, timeout=10).results[0].steps if s.step.rules == ("my-jacobian",))
    assert link.outcome.status == PROVED  # the lemma was used: it was verified before


def test_a_derivation_citing_one_in_a_file_loaded_before_uses_it_and_a_wrong_one_is_not_used(tmp_path):
    good = _write(tmp_path, a_lemma=JACOBIAN.replace("name: softmax-jacobian", "name: my-jacobian"),
                  b_user=SCE.replace("by: softmax-jacobian", "by: my-jacobian"))
    assert [r.verdict for r in run(good, timeout=10).results] == [VERIFIED, VERIFIED]
    wrong = JACOBIAN.replace("name: softmax-jacobian", "name: my-jacobian").replace(
        "expr: -p[i] * p[j]", "expr: p[i] * p[j]")
    targets = _write(tmp_path, a_lemma=wrong)
    report = run(targets, timeout=10)
    assert _outcomes(report) == _outcomes(run(targets))
    user = report.results[1]
    link = next(s for s in user.steps if s.step.rules == ("my-jacobian",))
    assert link.outcome.status == MISJUSTIFIED and "my-jacobian is not verified" in link.outcome.message


def test_an_unreadable_file_among_many_is_reported_at_its_line_and_the_others_in_order(tmp_path):
    texts = {f"f{n}": SPEC_EXAMPLE.replace("name: softmax-jacobian", f"name: d{n}") for n in range(6)}
    broken = texts["f3"].replace("  z: vector N", "  z: vectr N")
    texts["f3"] = broken
    targets = _write(tmp_path, **texts)
    report = run(targets, timeout=10)
    assert _outcomes(report) == _outcomes(run(targets))
    assert [r.derivation.name for r in report.results] == ["d0", "d1", "d2", "d4", "d5"]
    assert any(e.file.endswith("f3.deriv.yaml") and e.line == line_of(broken, "vectr") for e in report.errors)


def test_a_cycle_and_a_name_used_twice_across_files_are_reported_as_before(tmp_path):
    a = SCE.replace("name: softmax-cross-entropy", "name: a").replace("by: softmax-jacobian", "by: b")
    b = SCE.replace("name: softmax-cross-entropy", "name: b").replace("by: softmax-jacobian", "by: a")
    twice = SPEC_EXAMPLE.replace("name: softmax-jacobian", "name: c")
    targets = _write(tmp_path, a=a, b=b, c1=twice, c2=twice, d=SCE.replace("by: softmax-jacobian", "by: c"))
    report = run(targets, timeout=10)
    assert _outcomes(report) == _outcomes(run(targets))
    assert any("cycle" in str(e) for e in report.errors) and any("also used" in str(e) for e in report.errors)


def _pool(loaded, timeout=float("inf"), jobs=1):
    done = {}
    pool = Pool(loaded, jobs, timeout, dict(strict=False, seed=0, memo=None), lambda key: True, lambda key: {},
                lambda key, outcome: done.__setitem__(key, outcome))
    return pool, done


def _derivation(name, text=SPEC_EXAMPLE):
    (d,) = load_text(text.replace("name: softmax-jacobian", f"name: {name}"), f"{name}.deriv.yaml")
    return d


def test_a_derivation_loaded_after_a_workers_fork_goes_to_a_worker_forked_after_it(monkeypatch):
    forks = counting_forks(monkeypatch)
    loaded = [_derivation("d0")]
    pool, done = _pool(loaded)
    try:
        pool.add([0])
        pool.pump(0)
        loaded.append(_derivation("d1"))  # loaded after the worker's fork: it does not have it
        pool.add([1])
        pool.finish()
    finally:
        pool.close()
    assert [done[k].verdict for k in (0, 1)] == [VERIFIED, VERIFIED] and len(forks) == 2
    assert done[1].derivation is loaded[1]
    forks.clear()
    pool, done = _pool(loaded)  # both loaded before the fork: one worker verifies both
    try:
        pool.add([0, 1])
        pool.finish()
    finally:
        pool.close()
    assert [done[k].verdict for k in (0, 1)] == [VERIFIED, VERIFIED] and len(forks) == 1


def _ahead(loaded, timeout=float("inf")):
    """A pool that was sent both derivations at once: the second is queued behind the first."""
    pool, done = _pool(loaded, timeout)
    pool.ahead = True
    pool.add([0, 1])
    pool.pump(0)
    assert [len(w.queue) for w in pool.slots] == [2]
    return pool, done


def _statuses(result):
    return {s.step.index: (s.outcome.status, s.outcome.message) for s in result.steps}


def test_a_task_queued_behind_a_killed_one_goes_to_the_next_worker(monkeypatch):
    original = engine._Replay.link

    def dies_on_link_2_of_d0(self, prev, step, conditions):
        if step.index == 2 and self.deriv.name == "d0":
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", dies_on_link_2_of_d0)
    forks = counting_forks(monkeypatch)
    pool, done = _ahead([_derivation("d0"), _derivation("d1")])
    try:
        pool.finish()
    finally:
        pool.close()
    assert _statuses(done[0])[2] == (UNPROVED, "not checked: the worker stopped")
    assert _statuses(done[0])[3][0] == PROVED and done[1].verdict == VERIFIED
    assert len(forks) == 2 and workers.Worker.parent_ends == set()
    monkeypatch.setattr(workers, "MAX_RESTARTS", 0)  # d0 is given up whole: d1 still goes to a new worker
    pool, done = _ahead([_derivation("d0"), _derivation("d1")])
    try:
        pool.finish()
    finally:
        pool.close()
    assert done[0] == "the worker stopped" and done[1].verdict == VERIFIED


def _spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_link_over_its_time_is_blamed_on_its_own_derivation_not_on_the_one_before_or_after(monkeypatch):
    original = engine._Replay.link
    slow = []

    def endless_link_2(self, prev, step, conditions):
        if step.index == 2 and self.deriv.name in slow:
            _spin(600)
        return original(self, prev, step, conditions)

    monkeypatch.setattr(engine._Replay, "link", endless_link_2)
    for name in ("d0", "d1"):
        slow[:] = [name]
        pool, done = _ahead([_derivation("d0"), _derivation("d1")], timeout=1)
        try:
            pool.finish()
        finally:
            pool.close()
        stopped, fine = (done[0], done[1]) if name == "d0" else (done[1], done[0])
        assert _statuses(stopped)[2][1].startswith("timed out after 1 s of CPU time")
        assert _statuses(stopped)[3][0] == PROVED
        assert fine.verdict == VERIFIED, name


def test_a_result_not_yet_read_is_not_mistaken_for_a_link_over_its_time(monkeypatch):
    """d0 is done and d1 (queued behind it) runs a slow link while the parent has not read d0's
    result yet (its select sees nothing for 3 s): the limit is d1's, and d0 keeps its verdict."""
    from derivcheck import pool as pool_module

    original = engine._Replay.link

    def endless_link_2_of_d1(self, prev, step, conditions):
        if step.index == 2 and self.deriv.name == "d1":
            _spin(600)
        return original(self, prev, step, conditions)

    class Blind:
        start = time.monotonic()

        @staticmethod
        def select(read, write, error, wait):
            if time.monotonic() - Blind.start < 3:
                time.sleep(wait)
                return [], [], []
            return select_module.select(read, write, error, wait)

    import select as select_module

    monkeypatch.setattr(engine._Replay, "link", endless_link_2_of_d1)
    monkeypatch.setattr(pool_module, "select", Blind)
    pool, done = _ahead([_derivation("d0"), _derivation("d1")], timeout=1)
    try:
        pool.finish()
    finally:
        pool.close()
    assert done[0].verdict == VERIFIED
    assert _statuses(done[1])[2][1].startswith("timed out after 1 s of CPU time")


def test_while_files_load_one_worker_fewer_than_jobs_runs_and_all_of_them_after(monkeypatch):
    """-j 2: the parent loading takes one core, so one worker runs (with one task ahead); the
    second is forked once loading ends."""
    forks = counting_forks(monkeypatch)
    loaded = [_derivation(f"d{n}") for n in range(3)]
    pool, done = _pool(loaded, jobs=2)
    try:
        pool.ahead = True
        pool.add([0, 1, 2])
        pool.pump(0)
        assert [len(w.queue) for w in pool.slots] == [2] and len(forks) == 1
        pool.finish()
        assert len(pool.slots) == 2
    finally:
        pool.close()
    assert [done[k].verdict for k in range(3)] == [VERIFIED] * 3 and len(forks) == 2

"""verify() in forked child processes: a per-link time limit that really stops the work, and -j N.

The parent never runs SymPy for a derivation it hands out. Each child streams the start and
outcome of every link over a pipe; when one link runs past the limit (or the child dies, out of
memory say) the parent kills the child, records that link as unproved, and forks a new child
that resumes after it with every finished outcome preset. No signals, no threads.
"""
import multiprocessing
import os
import time
from multiprocessing.connection import wait

from .engine import verify
from .model import UNPROVED, Outcome

MEMORY_LIMIT = 4 * 1024**3  # address space of one child, bytes


def available():
    return "fork" in multiprocessing.get_all_start_methods()


def _child(conn, deriv, options, preset):
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass
    try:
        result = verify(deriv, preset=preset, progress=lambda e, i, o=None: conn.send((e, i, o)), **options)
        conn.send(("result", None, result))
    except MemoryError:
        conn.send(("died", None, "ran out of memory"))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        conn.send(("died", None, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        os._exit(0)


class _Job:
    """One derivation in flight: its child, the outcomes it reported, the link it is on."""

    def __init__(self, key, deriv, options):
        self.key, self.deriv, self.options = key, deriv, options
        self.preset, self.current, self.restarts = {}, None, 0
        self.proc = self.conn = None

    def start(self):
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_child, args=(child, self.deriv, self.options, dict(self.preset)), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        self.current, self.since = None, time.monotonic()

    def stop(self):
        if self.proc is not None and self.proc.is_alive():
            self.proc.kill()
        if self.proc is not None:
            self.proc.join()
        self.conn.close()

    def give_up_on_current(self, reason):
        """Record the current link (or the claim) as unproved and resume after it."""
        self.stop()
        if self.current is None or self.restarts > 50:
            return False
        self.preset[self.current] = Outcome(UNPROVED, reason)
        self.restarts += 1
        self.start()
        return True


def run_all(tasks, ready, finished, jobs, timeout):
    """Verify tasks [(key, deriv, options_fn)], at most jobs at once, each link within timeout s.

    ready(key) says whether a task's cited derivations are done; options_fn() gives verify's
    keyword arguments when it starts; finished(key, result_or_reason) is told of each end.
    """
    waiting, running = list(tasks), []
    while waiting or running:
        for task in [t for t in waiting if ready(t[0])][: max(0, jobs - len(running))]:
            waiting.remove(task)
            job = _Job(task[0], task[1], task[2]())
            job.start()
            running.append(job)
        if not running:
            for key, _, _ in waiting:  # nothing can start: cited derivations never finished
                finished(key, "a cited derivation could not be verified")
            return
        deadline = min(job.since + timeout for job in running)
        for conn in wait([job.conn for job in running], timeout=max(0.0, deadline - time.monotonic())):
            job = next(j for j in running if j.conn is conn)
            try:
                event, index, payload = conn.recv()
            except (EOFError, OSError):
                event, index, payload = "died", None, "the worker stopped"
            job.since = time.monotonic()
            if event == "start":
                job.current = index
            elif event == "done":
                job.preset[index], job.current = payload, None
            elif event == "result":
                job.stop()
                running.remove(job)
                finished(job.key, payload)
            elif event == "died":
                if not job.give_up_on_current(f"not checked: {payload}"):
                    running.remove(job)
                    finished(job.key, payload)
        now = time.monotonic()
        for job in list(running):
            if now - job.since > timeout:
                if not job.give_up_on_current(f"timed out after {timeout:g} s: not proved"):
                    running.remove(job)
                    finished(job.key, f"timed out after {timeout:g} s outside any link")

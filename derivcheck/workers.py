"""verify() in forked child processes: a per-link CPU-time limit that really stops the work, and -j N.

The parent never runs SymPy for a derivation it hands out. Each child streams the start and
outcome of every link over a pipe, as JSON (Outcome.to_dict: plain data, no pickles). The limit
counts the child's own CPU time (/proc/PID/stat), so a loaded machine never changes a verdict;
when one link uses more (or the child dies, out of memory say) the parent kills the child,
records that link as unproved, and forks a new child that resumes after it with every finished
outcome preset. No signal handlers, no threads.
"""
import json
import os
import select
import signal
import struct
import time

from .engine import verify
from .model import UNPROVED, Check, DerivationResult, Outcome, StepResult
from .verdict import first_failure

MEMORY_LIMIT = 4 * 1024**3  # address space of one child, bytes
POLL = 0.2  # seconds between looks at the children's CPU time
_HEADER = struct.Struct("!I")
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_and_state(pid):
    """(seconds of CPU pid has used, its state letter: R running, S/D waiting, ...), or None
    where /proc cannot tell (the time limit then counts wall-clock time)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        fields = data[data.rindex(b")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / _TICK, fields[0].decode()
    except (OSError, ValueError, IndexError):
        return None


def available():
    return hasattr(os, "fork")


def _send(fd, message):
    event, index, payload = message
    if isinstance(payload, Outcome):
        payload = payload.to_dict()
    data = json.dumps([event, index, payload]).encode()
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _child(fd, deriv, options, preset):
    """Runs in the forked child: verify, streaming every event to the parent; never returns."""
    code = 0
    try:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        except (ImportError, ValueError, OSError):
            pass
        try:
            result = verify(deriv, preset=preset, progress=lambda e, i, o=None: _send(fd, (e, i, o)), **options)
            # only the outcomes travel back (SymPy objects are slow to pickle): the parent has the rest
            _send(fd, ("result", None, (result.verdict, result.claim.to_dict(),
                                        [(sr.step.index, sr.outcome.to_dict()) for sr in result.steps],
                                        [(c.kind, c.line, c.outcome.to_dict(), c.text) for c in result.checks], result.strict,
                                        result.seconds)))
        except MemoryError:
            _send(fd, ("died", None, "ran out of memory"))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
            _send(fd, ("died", None, f"{type(exc).__name__}: {exc}"))
    except BaseException:  # noqa: BLE001 - the pipe itself failed: the parent sees EOF
        code = 1
    finally:
        os._exit(code)


def _rebuild(deriv, payload):
    """The DerivationResult from a worker's outcomes and the parent's own derivation."""
    verdict, claim, outcomes, checks, strict, seconds = payload
    steps = {s.index: s for s in deriv.steps()}
    result = DerivationResult(deriv, verdict, Outcome.from_dict(claim),
                              [StepResult(steps[i], Outcome.from_dict(o)) for i, o in outcomes],
                              [Check(kind, line, Outcome.from_dict(o), text) for kind, line, o, text in checks], strict)
    result.failure = first_failure(result)
    result.seconds = seconds
    return result


class _Job:
    """One derivation in flight: its child, the outcomes it reported, the link it is on."""

    def __init__(self, key, deriv, options):
        self.key, self.deriv, self.options = key, deriv, options
        self.preset, self.current, self.restarts = {}, None, 0
        self.pid = self.fd = None
        self.buffer = b""

    def start(self):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read)
            _child(write, self.deriv, self.options, dict(self.preset))
        os.close(write)
        self.pid, self.fd, self.buffer = pid, read, b""
        self.current = None
        self.mark()

    def mark(self):
        """The current item starts now: its time is counted from here."""
        self.since, self.blocked_since = time.monotonic(), None
        found = cpu_and_state(self.pid)
        self.cpu_since = found[0] if found else None

    def over(self, timeout, now):
        """Whether the current item has used more than timeout seconds of the child's CPU time
        (so a loaded machine never changes a verdict), or has waited, not computing, that long."""
        found = cpu_and_state(self.pid) if self.cpu_since is not None else None
        if found is None:
            return now - self.since > timeout  # no /proc: wall-clock time
        cpu, state = found
        if state in "SD":  # blocked (a worker only computes, so it is stuck)
            self.blocked_since = self.blocked_since or now
        else:
            self.blocked_since = None
        return cpu - self.cpu_since > timeout or (self.blocked_since is not None and now - self.blocked_since > timeout)

    def messages(self):
        """The complete messages read so far; ("died", ...) at end of file."""
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            return [("died", None, "the worker stopped")]
        self.buffer += chunk
        out = []
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) < _HEADER.size + size:
                break
            out.append(json.loads(self.buffer[_HEADER.size:_HEADER.size + size]))
            self.buffer = self.buffer[_HEADER.size + size:]
        return out

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)

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
    """Verify tasks [(key, deriv, options_fn)], at most jobs at once, each link within timeout
    seconds of its worker's CPU time.

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
        wait = POLL if timeout != float("inf") else None
        ready_fds, _, _ = select.select([job.fd for job in running], [], [], wait)
        for fd in ready_fds:
            job = next(j for j in running if j.fd == fd)
            for event, index, payload in job.messages():
                job.mark()
                if event == "start":
                    job.current = index
                elif event == "done":
                    job.preset[index], job.current = Outcome.from_dict(payload), None
                elif event == "result":
                    job.stop()
                    running.remove(job)
                    finished(job.key, _rebuild(job.deriv, payload))
                    break
                elif event == "died":
                    if not job.give_up_on_current(f"not checked: {payload}"):
                        running.remove(job)
                        finished(job.key, payload)
                    break
        now = time.monotonic()
        for job in list(running):
            if timeout != float("inf") and job.over(timeout, now):
                if not job.give_up_on_current(f"timed out after {timeout:g} s of CPU time: not proved"):
                    running.remove(job)
                    finished(job.key, f"timed out after {timeout:g} s of CPU time outside any link")

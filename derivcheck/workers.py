"""verify() in long-lived forked workers, one per job slot: a per-link CPU-time limit that really stops the work, and -j N.

Workers are forked once the parent has loaded every derivation, so a task is only an index
into that list (with its cited derivations as indices, or the reasons they cannot be used);
a worker verifies one derivation after another, keeping SymPy's caches warm. The parent never
runs SymPy for a derivation it hands out. A worker logs the start and outcome of every link, with
its CPU time then, to a pipe the parent reads every POLL seconds (so a link wakes nobody), and
sends its result on another, as JSON (Outcome.to_dict: plain data, no pickles). The limit counts
the worker's own CPU time (/proc/PID/stat), so a loaded machine never changes a verdict; when
one link uses more (or the worker dies, out of memory say) the parent kills it, records that
link as unproved, and forks a new worker that resumes the derivation after it with every
finished outcome preset. No signal handlers, no threads.
"""
import json
import os
import select
import signal
import struct
import time

from .model import UNPROVED, Check, DerivationResult, Outcome, StepResult
from .verdict import first_failure

MEMORY_LIMIT = 4 * 1024**3  # address space of one worker, bytes
POLL = 0.2  # seconds between looks at the workers' CPU time
MAX_RESTARTS = 50  # workers forked again for one derivation before it is given up
LOG_BYTES = 1 << 20  # the size asked for each worker's log pipe
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
    data = json.dumps(message).encode()
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd, size):
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _receive(fd):
    """The next whole message on fd, or None at end of file."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    data = _read_exactly(fd, _HEADER.unpack(header)[0])
    return None if data is None else json.loads(data)


def _event(fd, event, index, outcome=None):
    _send(fd, [event, index, outcome.to_dict() if isinstance(outcome, Outcome) else outcome])


def _result_payload(result):
    """Only the outcomes travel back (SymPy objects are slow to pickle): the parent has the rest."""
    return (result.verdict, result.claim.to_dict(), [(sr.step.index, sr.outcome.to_dict()) for sr in result.steps],
            [(c.kind, c.line, c.outcome.to_dict(), c.text) for c in result.checks], result.strict, result.seconds)


def _serve(tasks_fd, events_fd, log_fd, derivations, common):
    """Runs in a forked worker: verify each task the parent sends, logging every link and sending
    the result; ends (os._exit) when the parent closes the task pipe. Never returns."""

    def log(event, index, outcome=None):
        _send(log_fd, [event, index, outcome.to_dict() if outcome is not None else None, time.process_time()])

    from .engine import verify

    code = 0
    try:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        except (ImportError, ValueError, OSError):
            pass
        while True:
            task = _receive(tasks_fd)
            if task is None:
                break
            index, lemmas, preset = task
            lemmas = {name: derivations[v] if isinstance(v, int) else v for name, v in lemmas}
            preset = {item: Outcome.from_dict(o) for item, o in preset}
            try:
                result = verify(derivations[index], preset=preset, lemmas=lemmas,
                                progress=log, **common)
                _event(events_fd, "result", None, _result_payload(result))
            except MemoryError:
                _event(events_fd, "died", None, "ran out of memory")
                break
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
                _event(events_fd, "died", None, f"{type(exc).__name__}: {exc}")
                break
    except BaseException:  # noqa: BLE001 - a pipe failed: the parent sees end of file
        code = 1
    finally:
        os._exit(code)


def _split(buffer):
    """(the complete messages in buffer, the bytes after them)."""
    out = []
    while len(buffer) >= _HEADER.size:
        (size,) = _HEADER.unpack_from(buffer)
        if len(buffer) < _HEADER.size + size:
            break
        out.append(json.loads(buffer[_HEADER.size:_HEADER.size + size]))
        buffer = buffer[_HEADER.size + size:]
    return out, buffer


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


class _Worker:
    """One forked worker process and the derivation it is on (if any): its outcomes so far, the
    link it is on, how often it was forked again."""

    parent_ends = set()  # the parent's ends of every worker's pipes: a new worker closes them

    def __init__(self, derivations, common):
        self.derivations, self.common = derivations, common
        self.pid = self.tasks = self.events = None
        self.task = None

    def fork(self):
        (events_read, events_write), (tasks_read, tasks_write), (log_read, log_write) = os.pipe(), os.pipe(), os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: another worker's pipe held open here would never reach end of file
            for fd in self.parent_ends | {events_read, tasks_write, log_read}:
                os.close(fd)
            _serve(tasks_read, events_write, log_write, self.derivations, self.common)
        for fd in (events_write, tasks_read, log_write):
            os.close(fd)
        os.set_blocking(log_read, False)
        try:  # room for the links of a POLL interval: a full log would stop the worker until the next look
            import fcntl

            fcntl.fcntl(log_read, fcntl.F_SETPIPE_SZ, LOG_BYTES)
        except (ImportError, AttributeError, OSError):
            pass
        self.pid, self.tasks, self.events, self.log = pid, tasks_write, events_read, log_read
        self.buffer = self.log_buffer = b""
        self.parent_ends.update((tasks_write, events_read, log_read))

    def _closed(self):
        for fd in (self.events, self.tasks, self.log):
            os.close(fd)
            self.parent_ends.discard(fd)
        self.pid = None

    def begin(self, key, index, lemmas):
        """Start verifying derivations[index]; lemmas [(name, index or reason)]."""
        self.task = {"key": key, "index": index, "lemmas": lemmas, "preset": {}, "current": None, "restarts": 0}
        self._send_task()

    def _send_task(self):
        if self.pid is None:
            self.fork()
        t = self.task
        preset = [[item, o.to_dict()] for item, o in t["preset"].items()]
        t["current"] = None
        self.since, self.blocked_since = time.monotonic(), None
        found = cpu_and_state(self.pid)
        self.cpu_since = found[0] if found else None
        try:
            _send(self.tasks, [t["index"], t["lemmas"], preset])
        except OSError:
            pass  # the worker is gone: its end of file reports it

    def drain(self):
        """Read the worker's log so far: the link it is on, the outcomes it found, and its CPU time
        when the current item began (the limit counts from there)."""
        while True:
            try:
                chunk = os.read(self.log, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.log_buffer += chunk
        messages, self.log_buffer = _split(self.log_buffer)
        t = self.task
        for event, index, outcome, cpu in messages:
            if event == "start":
                t["current"] = index
            elif event == "done":
                t["preset"][index], t["current"] = Outcome.from_dict(outcome), None
            self.since, self.blocked_since = time.monotonic(), None
            if self.cpu_since is not None:
                self.cpu_since = cpu

    def over(self, timeout, now):
        """Whether the current item has used more than timeout seconds of the worker's CPU time
        (so a loaded machine never changes a verdict), or has waited, not computing, that long."""
        found = cpu_and_state(self.pid) if self.cpu_since is not None else None
        if found is None:
            return now - self.since > timeout  # no /proc: wall-clock time
        cpu, state = found
        if state in "SD":  # blocked (a busy worker only computes, so it is stuck)
            self.blocked_since = self.blocked_since or now
        else:
            self.blocked_since = None
        return cpu - self.cpu_since > timeout or (self.blocked_since is not None and now - self.blocked_since > timeout)

    def messages(self):
        """The complete messages read so far; ("died", ...) at end of file."""
        chunk = os.read(self.events, 1 << 16)
        if not chunk:
            return [("died", None, "the worker stopped")]
        messages, self.buffer = _split(self.buffer + chunk)
        return messages

    def stop(self):
        """Kill the worker and close its pipes; a later task forks a new one."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        self._closed()

    def close(self):
        """End an idle worker: it exits when its task pipe closes."""
        if self.pid is None:
            return
        pid = self.pid
        self._closed()
        os.waitpid(pid, 0)

    def give_up_on_current(self, reason):
        """Record the current link (or the claim) as unproved and resume after it in a new worker."""
        self.stop()
        t = self.task
        if t["current"] is None or t["restarts"] >= MAX_RESTARTS:
            return False
        t["preset"][t["current"]] = Outcome(UNPROVED, reason)
        t["restarts"] += 1
        self._send_task()
        return True


def run_all(derivations, ready, lemmas_of, finished, jobs, timeout, common):
    """Verify every derivation (keys 0..n-1, their indices), at most jobs at once in as many
    workers, each link within timeout seconds of its worker's CPU time.

    ready(key) says whether a derivation's cited derivations are done; lemmas_of(key) gives
    verify's lemmas when it starts ({name: a derivation of the list, or a reason}); common holds
    verify's other keyword arguments; finished(key, result_or_reason) is told of each end.
    """
    position = {id(d): n for n, d in enumerate(derivations)}
    waiting, idle, busy = list(range(len(derivations))), [], []
    try:
        while waiting or busy:
            free = jobs - len(busy)
            for key in [k for k in waiting if ready(k)][:free] if free > 0 else ():
                waiting.remove(key)
                worker = idle.pop() if idle else _Worker(derivations, common)
                lemmas = [(name, position[id(v)] if not isinstance(v, str) else v) for name, v in lemmas_of(key).items()]
                worker.begin(key, key, lemmas)
                busy.append(worker)
            if not busy:
                for key in waiting:  # nothing can start: cited derivations never finished
                    finished(key, "a cited derivation could not be verified")
                return
            ready_fds, _, _ = select.select([w.events for w in busy], [], [], POLL)
            for fd in ready_fds:
                worker = next(w for w in busy if w.events == fd)
                _hear(worker, busy, idle, finished)
            now = time.monotonic()
            for worker in list(busy):
                worker.drain()  # a full log would stop the worker
                if timeout != float("inf") and worker.over(timeout, now):
                    if not worker.give_up_on_current(f"timed out after {timeout:g} s of CPU time: not proved"):
                        busy.remove(worker)
                        idle.append(worker)
                        finished(worker.task["key"], f"timed out after {timeout:g} s of CPU time outside any link")
    finally:
        for worker in idle:
            worker.close()
        for worker in busy:
            worker.stop()


def _hear(worker, busy, idle, finished):
    """Handle what a busy worker sent: its result, or that it died."""
    t = worker.task
    for event, _, payload in worker.messages():
        worker.drain()  # every link it logged before (the log of a finished task is emptied too)
        if event == "result":
            busy.remove(worker)
            idle.append(worker)
            finished(t["key"], _rebuild(worker.derivations[t["index"]], payload))
            return
        if event == "died":
            if not worker.give_up_on_current(f"not checked: {payload}"):
                busy.remove(worker)
                idle.append(worker)
                finished(t["key"], payload)
            return

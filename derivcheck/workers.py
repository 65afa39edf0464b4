"""verify() in long-lived forked workers: a per-link CPU-time limit that really stops the work, and -j N.

A worker is forked from the parent after it loaded some derivations, so a task is only an index
into the parent's list (with its cited derivations as indices, or the reasons they cannot be
used); a worker verifies one derivation after another, keeping SymPy's caches warm, and knows
the derivations loaded before its fork (pool.py forks a new one for later ones). The parent
never runs SymPy for a derivation it hands out. A worker logs the start of every task and the
start and outcome of every link, with its CPU time then, to a pipe the parent reads every POLL
seconds (so a link wakes nobody), and sends its result on another, as JSON (Outcome.to_dict:
plain data, no pickles). The limit counts the worker's own CPU time (/proc/PID/stat), so a
loaded machine never changes a verdict; when one link uses more (or the worker dies, out of
memory say) the parent kills it, records that link as unproved, and forks a new worker that
resumes the derivation after it with every finished outcome preset. No signal handlers, no threads.
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
    """Runs in a forked worker: verify each task the parent sends, in order, logging the start of
    each task and every link (with the task's number, counted from 0 in this worker) and sending
    the result; ends (os._exit) when the parent closes the task pipe. Never returns."""
    serial = [-1]

    def log(event, index, outcome=None):
        _send(log_fd, [event, index, outcome.to_dict() if outcome is not None else None, time.process_time(),
                       serial[0]])

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
            serial[0] += 1
            log("task", None)
            lemmas = {name: derivations[v] if isinstance(v, int) else v for name, v in lemmas}
            preset = {item: Outcome.from_dict(o) for item, o in preset}
            try:
                result = verify(derivations[index], preset=preset, lemmas=lemmas,
                                progress=log, **common)
                _event(events_fd, "result", serial[0], _result_payload(result))
            except MemoryError:
                _event(events_fd, "died", serial[0], "ran out of memory")
                break
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
                _event(events_fd, "died", serial[0], f"{type(exc).__name__}: {exc}")
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


class Worker:
    """One forked worker process and the tasks sent to it, in order (queue[0] is the one it is on,
    or whose result is on its way): each task's outcomes so far, the link it is on, how often it
    was forked again. A worker knows the derivations loaded before its fork (known); one not
    forked yet knows them all."""

    parent_ends = set()  # the parent's ends of every worker's pipes: a new worker closes them

    def __init__(self, derivations, common):
        self.derivations, self.common = derivations, common
        self.pid = self.tasks = self.events = None
        self.queue = []
        self.known = 0

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
        self.known, self.serial, self.running = len(self.derivations), 0, None
        self.parent_ends.update((tasks_write, events_read, log_read))

    def knows(self, index, lemmas):
        """Whether this worker has derivations[index] and every cited one ([(name, index or reason)])."""
        return self.pid is None or all(i < self.known for i in [index] + [v for _, v in lemmas if isinstance(v, int)])

    def _closed(self):
        for fd in (self.events, self.tasks, self.log):
            os.close(fd)
            self.parent_ends.discard(fd)
        self.pid = None

    def begin(self, key, index, lemmas):
        """Send the task of verifying derivations[index] (lemmas [(name, index or reason)]); it starts
        when the tasks sent before it are done."""
        self.queue.append({"key": key, "index": index, "lemmas": lemmas, "preset": {}, "current": None, "restarts": 0})
        self._send_task(self.queue[-1])

    def resend(self):
        """Send every task of the queue again, to a new worker (the first forks it)."""
        for t in self.queue:
            self._send_task(t)

    def _send_task(self, t):
        if self.pid is None:
            self.fork()
        preset = [[item, o.to_dict()] for item, o in t["preset"].items()]
        t["current"], t["serial"] = None, self.serial
        self.serial += 1
        if t is self.queue[0]:  # the worker is idle: the limit counts from now
            self.since, self.blocked_since = time.monotonic(), None
            found = cpu_and_state(self.pid)
            self.cpu_since = found[0] if found else None
        try:
            _send(self.tasks, [t["index"], t["lemmas"], preset])
        except OSError:
            pass  # the worker is gone: its end of file reports it

    def drain(self):
        """Read the worker's log so far: the task and link it is on, the outcomes it found, and its
        CPU time when the current item began (the limit counts from there)."""
        while True:
            try:
                chunk = os.read(self.log, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.log_buffer += chunk
        messages, self.log_buffer = _split(self.log_buffer)
        for event, index, outcome, cpu, serial in messages:
            self.running = serial
            t = next((t for t in self.queue if t["serial"] == serial), None)
            if t is not None and event == "start":
                t["current"] = index
            elif t is not None and event == "done":
                t["preset"][index], t["current"] = Outcome.from_dict(outcome), None
            self.since, self.blocked_since = time.monotonic(), None
            if self.cpu_since is not None:
                self.cpu_since = cpu

    def on_first(self):
        """Whether the worker is on queue[0] (not yet on a later task, whose log arrived before
        queue[0]'s result was read: the result is in the pipe then)."""
        return self.running is None or self.running == self.queue[0]["serial"]

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
        """Record queue[0]'s current link (or claim) as unproved and resume after it in a new worker,
        with the tasks after it; False (the worker stopped) when it was outside any item or was
        forked again too often."""
        self.stop()
        t = self.queue[0]
        if t["current"] is None or t["restarts"] >= MAX_RESTARTS:
            return False
        t["preset"][t["current"]] = Outcome(UNPROVED, reason)
        t["restarts"] += 1
        self.resend()
        return True

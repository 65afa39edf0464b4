"""Verifying in the command's own process (no fork) under a per-item CPU-time alarm; an alarm or a failure restarts the command with workers.

A forked worker costs a one-file run about a tenth of its time. The command line (only it: the
entry point sets ENABLED) may verify in its own process instead, under the limits a worker has:
the same CPU time per item (link, claim, lemma check, counted from the previous one as
workers.py counts it) by ITIMER_PROF, and the same address-space limit. The outcome of an
attempt is used only when nothing unusual happened: no alarm, no exception out of verify, the
limits never reached. Otherwise the attempt is abandoned whole (Restart), since SymPy stopped
mid-call can keep half-built caches, and the command runs again from the start with workers
(DERIVCHECK_WORKERS=1), which give their own verdicts for the stopped links. So a verdict is always
one the worker path gives, and an abandoned attempt leaves nothing behind: link outcomes
computed after an alarm are not stored in the link cache. Unlike a worker's limit (the parent
kills it), the alarm stops Python code only between two bytecodes: a single call into C that
runs on (a huge integer power, say; load's guards refuse those) is stopped when it returns.
"""
import os
import signal
import sys

ENV = "DERIVCHECK_WORKERS"  # "1": never verify in the command's process (a restarted command)
ENABLED = False  # set by __main__.entry: only a whole command can be started again


class Restart(BaseException):
    """The attempt in this process is abandoned: the command must run again with workers."""


class _Alarm(BaseException):
    """Raised in the verifying code when an item used up its CPU time."""


def possible():
    """Whether this process may verify in itself: the entry point allowed it, no restart asked
    for workers, and the platform has a CPU-time alarm and can start the command again."""
    import threading

    return (ENABLED and os.environ.get(ENV) != "1" and hasattr(signal, "setitimer")
            and hasattr(signal, "SIGPROF") and hasattr(sys, "orig_argv") and hasattr(os, "execv")
            and threading.current_thread() is threading.main_thread())


class _GuardedMemo:
    """A link cache that stores nothing once the alarm has rung (those outcomes may come from a
    SymPy whose caches were cut off mid-call)."""

    def __init__(self, memo, guard):
        self.memo, self.guard = memo, guard

    def get(self, key):
        return self.memo.get(key)

    def put(self, key, outcome):
        if not self.guard.rang:
            self.memo.put(key, outcome)


class Guard:
    """The limits of a worker, in this process (a context manager around verifying): every
    item within timeout seconds of CPU time, the address space within memory bytes. Leaving it
    by an exception, or after the alarm rang, raises Restart."""

    def __init__(self, timeout, memory):
        self.timeout, self.memory = timeout, memory
        self.rang = False
        self._handler = self._limit = None

    def _ring(self, signum, frame):
        self.rang = True
        raise _Alarm()

    def tick(self, *event):
        """verify's progress callback: an item starts or ends, so the next one gets the full time."""
        if self.timeout != float("inf"):
            signal.setitimer(signal.ITIMER_PROF, self.timeout)

    def memo(self, memo):
        return None if memo is None else _GuardedMemo(memo, self)

    def __enter__(self):
        self._handler = signal.signal(signal.SIGPROF, self._ring)
        try:
            import resource

            self._limit = resource.getrlimit(resource.RLIMIT_AS)
            resource.setrlimit(resource.RLIMIT_AS, (self.memory, self._limit[1]))  # as workers.py does
        except (ImportError, ValueError, OSError):
            self._limit = None
        self.tick()
        return self

    def __exit__(self, kind, exc, tb):
        try:
            signal.setitimer(signal.ITIMER_PROF, 0)
        except _Alarm:  # it rang just now
            pass
        signal.signal(signal.SIGPROF, self._handler)
        if self._limit is not None:
            import resource

            try:
                resource.setrlimit(resource.RLIMIT_AS, self._limit)
            except (ValueError, OSError):
                pass
        if kind is KeyboardInterrupt:
            return False
        if kind is not None or self.rang:
            raise Restart() from exc
        return False


def restart():
    """Run this command again from the start, in this process's place, verifying in workers."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os.environ[ENV] = "1"
    os.execv(sys.executable, [sys.executable] + list(sys.orig_argv[1:]))

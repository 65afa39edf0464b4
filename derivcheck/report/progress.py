"""A progress display on stderr for runs longer than about a second (rich, only on a terminal)."""
import os
import sys
import threading

DELAY = 1.0


def wanted(stream):
    """Only an interactive terminal gets a progress display."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class Progress:
    """Call it with (done, total, name) as derivations finish; it shows a bar after `delay` seconds."""

    def __init__(self, stream=None, delay=DELAY, enabled=None, total=None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self.total, self.done, self.name = total, 0, ""
        self.bar = self.task = None
        self.lock = threading.Lock()
        self.timer = None
        if self.enabled:
            self.timer = threading.Timer(delay, self._show)
            self.timer.daemon = True
            self.timer.start()

    def _show(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        with self.lock:
            if self.timer is None:  # closed meanwhile
                return
            console = Console(file=self.stream, force_terminal=True)
            self.bar = Bar(
                SpinnerColumn(), TextColumn("verifying"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True)
            self.task = self.bar.add_task(self.name, total=self.total, completed=self.done)
            self.bar.start()

    def __call__(self, done, total, name):
        with self.lock:
            self.done, self.total, self.name = done, total, name
            if self.bar is not None:
                self.bar.update(self.task, completed=done, total=total, description=name)

    def close(self):
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if self.bar is not None:
                self.bar.stop()
                self.bar = None

"""Whole `verify` runs remembered with everything they read: a repeated run answered without SymPy.

A run is stored under a key of its command line, working folder, terminal, [tool.derivcheck]
file and derivcheck's code (digest.code_digest), together with what it read: what each target
was on disk (a folder's file list, a file, neither), the SHA-256 of every file's bytes as read
(source.read_bytes), and every search for a cited derivation in the repository (siblings.find).
It is answered only when all of those are found again unchanged. A run is stored only when it
read every input and every outcome is one the same inputs always give: no time or memory
limit reached, no worker lost (its verdict may be VERIFIED, not verified, or refuted).
"""
import os
import sys

ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "LINES", "PYTHONIOENCODING")
UNSETTLED = ("timed out", "not checked", "ran out of memory")  # outcome messages a limit or a lost worker gave
ARGV = None  # the command line of the click invocation in progress (cli.py sets it)


def _sha(data):
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _width(stream):
    try:
        return os.get_terminal_size(stream.fileno()).columns if stream.isatty() else None
    except (OSError, ValueError, AttributeError):
        return "unknown"


def key(argv):
    """The key of one command line (a list of arguments after the program name), or None when
    it cannot be told."""
    if argv is None:
        return None
    import json

    from .config import find
    from .digest import code_digest

    try:
        config = find()
        stream = sys.stdout
        parts = {"code": code_digest(), "argv": [str(a) for a in argv], "cwd": os.getcwd(),
                 "env": {k: os.environ.get(k) for k in ENVIRONMENT}, "tty": stream.isatty(),
                 "width": _width(stream), "stdout": [_width(sys.__stdout__), getattr(stream, "encoding", None)],
                 "config": [str(config), _sha(config.read_bytes())] if config else None}
        text = json.dumps(parts, sort_keys=True)
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return _sha(text.encode())


def _state(target):
    """What a target is on disk: a folder with its files (as runner.resolve lists them), a file, or neither."""
    from pathlib import Path

    from .source import files_in

    path = Path(target)
    if path.is_dir():
        return ["folder", [str(p) for p in files_in(path)]]
    return ["file"] if path.is_file() else ["neither"]


class Recorder:
    """Everything one run reads (a context manager around the run): its targets' states, the
    bytes of every file it reads, and every search for a cited derivation."""

    def __init__(self, targets):
        self.targets = [[str(t), _state(t)] for t in targets]
        self.reads, self.searches, self.clean = {}, [], True

    def __enter__(self):
        from . import siblings, source

        source.WATCHERS.append(self._read)
        siblings.WATCHERS.append(self._search)
        return self

    def __exit__(self, *exc):
        from . import siblings, source

        source.WATCHERS.remove(self._read)
        siblings.WATCHERS.remove(self._search)

    def _read(self, name, data):
        if data is None or self.reads.setdefault(str(name), _sha(data)) != _sha(data):
            self.clean = False  # a file that could not be read, or read twice with two contents

    def _search(self, name, near, found):
        self.searches.append([str(name), str(near), None if found is None else str(found)])

    def inputs(self):
        """The record of what the run read, or None when an input changed while it ran."""
        if not self.clean or any(_state(t) != state for t, state in self.targets):
            return None
        return {"targets": self.targets, "reads": self.reads, "searches": self.searches}


def _unchanged(inputs):
    """Whether a run of the same command now would read exactly what inputs records."""
    for target, state in inputs["targets"]:
        if _state(target) != state:
            return False
    for name, digest in inputs["reads"].items():
        try:
            with open(name, "rb") as f:
                if _sha(f.read()) != digest:
                    return False
        except OSError:
            return False
    if inputs["searches"]:
        from .siblings import find

        for name, near, found in inputs["searches"]:
            now = find(name, near)
            if (None if now is None else str(now)) != found:
                return False
    return True


def settled(results):
    """Whether every outcome of results (every derivation of the run, cited ones too) is one the
    same inputs always give: no limit reached, no worker lost."""
    for r in results:
        if any(c.kind == "worker" for c in r.checks):
            return False
        outcomes = [r.claim] + [s.outcome for s in r.steps] + [c.outcome for c in r.checks]
        if any(o.message.startswith(UNSETTLED) or "ran out of memory" in o.message for o in outcomes):
            return False
    return True


def _folder():
    from .cache import default_folder

    return default_folder()


def _path(key_):
    return os.path.join(_folder(), "runs", key_[:2], f"{key_}.json")


def get(key_):
    """(stdout text, exit code) of the remembered run of key_, if what it read is unchanged; else None."""
    if key_ is None:
        return None
    import json

    try:
        with open(_path(key_), encoding="utf-8") as f:
            data = json.load(f)
        stdout, code, inputs = data["stdout"], data["code"], data["inputs"]
        if isinstance(stdout, str) and code in (0, 1) and _unchanged(inputs):
            return stdout, code
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # an unreadable or damaged entry is a miss, never an answer
    return None


def put(key_, stdout, code, inputs):
    """Remember a run (exit 0 or 1) and what it read; nothing when key_ or inputs is None."""
    if key_ is None or inputs is None or code not in (0, 1):
        return
    import json
    import tempfile

    path = _path(key_)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(path), delete=False, suffix=".tmp",
                                         encoding="utf-8") as f:
            json.dump({"stdout": stdout, "code": code, "inputs": inputs}, f)
        os.replace(f.name, path)
    except OSError:
        pass


def answer(argv):
    """Write the remembered report of this command line and end the process, when there is one
    (the entry point calls it before importing click or SymPy); else return. A --no-cache run is
    never answered (nor keyed: no code digest is computed for it)."""
    if "--no-cache" in argv:
        return
    found = get(key(argv))
    if found is None:
        return
    stdout, code = found
    try:
        sys.stdout.write(stdout)
        sys.stdout.flush()
    except (OSError, ValueError):
        os._exit(1)
    os._exit(code)


class Tee:
    """A text stream that also keeps what is written to it."""

    def __init__(self, stream):
        self.stream, self.parts = stream, []

    def write(self, text):
        self.parts.append(text)
        return self.stream.write(text)

    def text(self):
        return "".join(self.parts)

    def __getattr__(self, name):
        return getattr(self.stream, name)

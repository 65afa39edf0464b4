"""Whole verified runs remembered by the bytes of their inputs: answered without importing SymPy."""
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .cache import default_folder
from .digest import code_digest

# every file a folder target may contribute (runner.resolve; a test keeps the two lists equal)
SUFFIXES = (".deriv.yaml", ".deriv.yml", ".md", ".markdown", ".tex", ".ipynb")
ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "LINES")


def _files(target):
    """(name, bytes digest) of every input a target stands for; a name that is no path is a
    built-in (its file is part of code_digest) or an error that will be reported."""
    path = Path(target)
    if path.is_dir():
        found = sorted({f for f in path.rglob("*") if f.name.endswith(SUFFIXES) and f.is_file()})
    elif path.is_file():
        found = [path]
    else:
        return [(f"name:{target}", "")]
    return [(str(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in found]


def key(targets, options):
    """The key of one `verify` run: derivcheck's code, the options, the working folder, the
    terminal, and the bytes of every input file; None when it cannot be told cheaply."""
    try:
        parts = {"code": code_digest(), "options": options, "cwd": os.getcwd(),
                 "env": {k: os.environ.get(k) for k in ENVIRONMENT}, "tty": sys.stdout.isatty(),
                 "width": shutil.get_terminal_size().columns if sys.stdout.isatty() else None,
                 "inputs": [(t, _files(t)) for t in targets]}
        text = json.dumps(parts, sort_keys=True, default=str)
    except (OSError, ValueError, TypeError):
        return None
    return hashlib.sha256(text.encode()).hexdigest()


def _path(key_):
    return default_folder() / "runs" / key_[:2] / f"{key_}.json"


def get(key_):
    """(stdout text, exit code) of the remembered run, or None."""
    if key_ is None:
        return None
    try:
        data = json.loads(_path(key_).read_text(encoding="utf-8"))
        if isinstance(data["stdout"], str) and data["code"] == 0:
            return data["stdout"], data["code"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def put(key_, stdout, code):
    """Remember a run that verified everything (exit 0); others are always run again."""
    if key_ is None or code != 0:
        return
    path = _path(key_)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as f:
            json.dump({"stdout": stdout, "code": code}, f)
        os.replace(f.name, path)
    except OSError:
        pass


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

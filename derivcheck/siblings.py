"""A cited derivation not among a run's files, found in the *.deriv.yaml files of the same repository."""
import os
import re
from pathlib import Path

from .source import YAML_SUFFIXES

SKIP = {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__", "build", "dist"}
MAX_FILES = 5000  # a repository with more derivation files than this is searched no further
WATCHERS = []  # callables told (name, near, found) of every search (filecache.py records a run's inputs)


def root_of(path):
    """The repository holding path: the nearest folder up with .git (or .hg), else path's own folder."""
    here = Path(path).resolve().parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists() or (folder / ".hg").exists():
            return folder
    return here


def derivation_files(root):
    """The *.deriv.yaml files under root, hidden and build folders left out, in a stable order."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
        found += [Path(folder) / f for f in sorted(files) if f.lower().endswith(YAML_SUFFIXES)]
        if len(found) >= MAX_FILES:
            break
    return found


def _declares(text, name):
    """Whether a YAML text names a derivation name (as `name:` or among `aliases:`), by a plain text scan."""
    n = re.escape(name)
    return bool(re.search(rf"^\s*(?:-\s+)?name:\s*['\"]?{n}['\"]?\s*(?:#.*)?$", text, re.M)
                or re.search(rf"^\s*aliases:\s*\[[^\]]*(?<![\w-]){n}(?![\w-])", text, re.M))


def find(name, near):
    """The first file of near's repository (other than near) that declares derivation name, or None."""
    found = _find(name, near)
    for watch in WATCHERS:
        watch(name, near, found)
    return found


def _find(name, near):
    if not near or str(near).startswith("builtin:") or not Path(near).is_file():
        return None
    me = Path(near).resolve()
    for path in derivation_files(root_of(near)):
        if path.resolve() == me:
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _declares(text, name):
            return path
    return None

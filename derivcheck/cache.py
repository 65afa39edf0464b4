"""Outcomes of checked links kept on disk, so an unchanged derivation re-verifies fast."""
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

from .model import Outcome


def default_folder():
    """$DERIVCHECK_CACHE, else $XDG_CACHE_HOME/derivcheck, else ~/.cache/derivcheck."""
    if os.environ.get("DERIVCHECK_CACHE"):
        return Path(os.environ["DERIVCHECK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "derivcheck"


@functools.lru_cache(maxsize=1)
def code_digest():
    """A SHA-256 of derivcheck's own source (rules included): a changed engine never reads old outcomes."""
    from . import rules  # in a source checkout the catalogue sits beside the package

    folders = {Path(__file__).resolve().parent, Path(rules.__file__).resolve().parent}
    files = sorted({p for folder in folders for p in folder.rglob("*.py")})
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class LinkCache:
    """One small JSON file per key (a SHA-256 of the link, its context, its rules, the seed, and
    derivcheck's own source)."""

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder else default_folder()

    def _path(self, key):
        key = hashlib.sha256((code_digest() + key).encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key):
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        try:
            return Outcome(
                status=data["status"],
                message=data["message"],
                counterexample=data["counterexample"],
                rules_found=tuple(data["rules_found"]),
                side_conditions=tuple(tuple(c) for c in data["side_conditions"]),
                samples=int(data["samples"]),
            )
        except (KeyError, TypeError, ValueError):
            return None  # an unreadable entry is a miss, never an answer

    def put(self, key, outcome):
        if outcome.message.startswith("timed out") or "ran out of memory" in outcome.message:
            return
        path = self._path(key)
        data = {"status": outcome.status, "message": outcome.message, "counterexample": outcome.counterexample,
                "rules_found": list(outcome.rules_found), "side_conditions": [list(c) for c in outcome.side_conditions],
                "samples": outcome.samples}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as f:
                json.dump(data, f)
            os.replace(f.name, path)
        except OSError:
            pass  # a cache that cannot be written is only slower

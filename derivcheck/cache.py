"""Outcomes of checked links kept on disk, so an unchanged derivation re-verifies fast."""
import json
import os
from pathlib import Path


def default_folder():
    """$DERIVCHECK_CACHE, else $XDG_CACHE_HOME/derivcheck, else ~/.cache/derivcheck."""
    if os.environ.get("DERIVCHECK_CACHE"):
        return Path(os.environ["DERIVCHECK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "derivcheck"


class LinkCache:
    """One small JSON file per key. Keys come from digest.py (a SHA-256 of everything the
    outcome depends on); this class only stores and reads them."""

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder else default_folder()

    def _path(self, key):
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a digest: {key!r}")
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key):
        from .model import Outcome

        try:
            return Outcome.from_dict(json.loads(self._path(key).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None  # an unreadable entry is a miss, never an answer

    def put(self, key, outcome):
        import tempfile

        if outcome.message.startswith("timed out") or "ran out of memory" in outcome.message:
            return
        path = self._path(key)
        try:
            text = json.dumps(outcome.to_dict())
        except (TypeError, ValueError):
            return  # not plain data: not remembered
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as f:
                f.write(text)
            os.replace(f.name, path)
        except OSError:
            pass  # a cache that cannot be written is only slower

"""Read a derivation file of any format into Derivation objects: a reader, then the elaborator."""
from pathlib import Path

from .elaborate import elaborate
from .source import MAX_FILE_BYTES, read_bytes  # noqa: F401 - MAX_FILE_BYTES is part of this module's API
from .source.yaml_reader import read_text as read_yaml


def load_file(path):
    """All derivations in one file; a DerivError (exit 2) if any part cannot be read."""
    return load_text(read_bytes(path), str(Path(path)))


def load_text(text, name="<text>"):
    """All derivations of a YAML text."""
    return [elaborate(raw) for raw in read_yaml(text, name)]

"""Readers, one per format: a file in, plain RawDerivation records out (no SymPy, no symbol table)."""
from pathlib import Path

from ..errors import DerivError

MAX_FILE_BYTES = 1_000_000
YAML_SUFFIXES = (".deriv.yaml", ".deriv.yml")


def read_bytes(path):
    """The UTF-8 text of a file, bounded in size; DerivError (exit 2) when it cannot be read."""
    path = Path(path)
    name = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DerivError(f"file larger than {MAX_FILE_BYTES} bytes", file=name)
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DerivError(f"not UTF-8 text ({exc.reason})", file=name) from None
    except OSError as exc:
        raise DerivError(f"cannot read: {exc.strerror}", file=name) from None


def reader_for(path):
    """The read_text function for a file name, by its ending (YAML for anything unknown)."""
    name = str(path).lower()
    if name.endswith((".md", ".markdown")):
        from .markdown_reader import read_text
    elif name.endswith(".tex"):
        from .latex_reader import read_text
    elif name.endswith(".ipynb"):
        from .notebook_reader import read_text
    else:
        from .yaml_reader import read_text
    return read_text


def is_document(path):
    return str(path).lower().endswith(DOCUMENT_SUFFIXES)


DOCUMENT_SUFFIXES = (".md", ".markdown", ".tex", ".ipynb")

"""Readers, one per format: a file in, plain RawDerivation records out (no SymPy, no symbol table)."""
from pathlib import Path

from ..errors import DerivError

MAX_FILE_BYTES = 1_000_000
YAML_SUFFIXES = (".deriv.yaml", ".deriv.yml")
WATCHERS = []  # callables told (name, bytes or None) of every file read (filecache.py records a run's inputs)


def read_bytes(path):
    """The UTF-8 text of a file, bounded in size; DerivError (exit 2) when it cannot be read."""
    path = Path(path)
    name = str(path)
    data = None
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DerivError(f"file larger than {MAX_FILE_BYTES} bytes", file=name)
        data = path.read_bytes()
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DerivError(f"not UTF-8 text ({exc.reason})", file=name) from None
    except OSError as exc:
        raise DerivError(f"cannot read: {exc.strerror}", file=name) from None
    finally:
        for watch in WATCHERS:
            watch(name, data)  # None: the file could not be read


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


def files_in(folder):
    """The derivation files and documents under folder, sorted (what a folder target stands for)."""
    folder = Path(folder)
    return sorted(set(folder.rglob("*.deriv.yaml")) | set(folder.rglob("*.deriv.yml"))
                  | {f for s in DOCUMENT_SUFFIXES for f in folder.rglob("*" + s)})

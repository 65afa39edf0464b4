"""Read a derivation file of any format into Derivation objects: a reader, then the elaborator."""
from pathlib import Path

from .elaborate import elaborate
from .errors import DerivError, DerivErrors
from .source import MAX_FILE_BYTES, read_bytes  # noqa: F401 - MAX_FILE_BYTES is part of this module's API
from .source.yaml_reader import read_text as read_yaml


def load_file(path):
    """All derivations in one file; a DerivError (exit 2) if any part cannot be read. For a document,
    the derivations it checks (load_document also lists the blocks it does not)."""
    from .source import is_document

    if is_document(path):
        return load_document(path)[0]
    return load_text(read_bytes(path), str(Path(path)))


def load_text(text, name="<text>"):
    """All derivations of a YAML text."""
    derivations, errors, shared = [], [], {}
    for raw in read_yaml(text, name):
        try:
            derivations.append(elaborate(raw, shared))
        except DerivError as exc:  # the next derivation is still read: every error of the file in one run
            errors += getattr(exc, "errors", None) or [exc]
    if errors:
        raise DerivErrors(errors)
    return derivations


def load_document(path):
    """(Derivations, Unchecked blocks) of a Markdown, LaTeX or notebook document: a derivation that
    cannot be elaborated is reported as blocks not checked, with the reason, never dropped."""
    from .source import reader_for
    from .source.raw import Unchecked

    name = str(Path(path))
    raws, unchecked = reader_for(name)(read_bytes(path), name)
    derivations, shared = [], {}
    for raw, blocks in raws:
        try:
            derivations.append(elaborate(raw, shared))
        except DerivError as exc:
            file = exc.file or name
            unchecked.append(Unchecked(file, exc.line or raw.at.line, exc.column, exc.message))
            for where in blocks:
                if where.line != (exc.line or raw.at.line):
                    unchecked.append(Unchecked(file, where.line, where.column + 1,
                                               f"part of the derivation at line {raw.at.line}, which cannot be read"))
    unchecked.sort(key=lambda u: (u.file, u.line or 0))
    return derivations, unchecked

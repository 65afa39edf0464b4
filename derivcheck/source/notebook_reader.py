"""Jupyter notebooks (.ipynb, read with nbformat): markdown cells as Markdown, positions as cell and line."""
from ..errors import DerivError
from .document import Assembler, Positions
from .markdown_reader import feed


def read_text(text, name="<text>"):
    """(RawDerivations with their blocks, Unchecked blocks) of a notebook's JSON text."""
    import nbformat

    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises many types for malformed JSON or schema
        raise DerivError(f"not a Jupyter notebook: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                         file=name) from None
    assembler = Assembler(name)
    for number, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        feed(source, assembler, Positions(source, f"{name}#cell{number}"))
    return assembler.result()

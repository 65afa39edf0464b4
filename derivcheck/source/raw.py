"""Plain derivation records that every reader produces: text and positions, no SymPy."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a piece of text stands: file, 1-based line, and the 0-based column of its first
    character when the text is that exact slice of the line (else None: columns stay relative)."""

    file: str
    line: int = None
    column: int = None
    cell: int = None  # a notebook's cell number (from 1); line is then the line in the cell
    offsets: tuple = None  # documents: the (line, column) of each character of the text it locates

    def at_column(self, column):
        """(line, 1-based column) in the file of the 1-based column of the located text."""
        if self.offsets and column is not None:
            line, col = self.offsets[max(0, min(column - 1, len(self.offsets) - 1))]
            return line, col + 1
        if column is not None and self.column is not None:
            return self.line, column + self.column
        return self.line, column


@dataclass
class RawStep:
    """One expression of a chain as written: its text, its syntax and its justification."""

    text: str
    at: Location
    syntax: str = "ascii"  # "ascii" | "tex"
    by: tuple = None  # rule names as written; None when no justification is given
    by_at: Location = None
    note: str = None


@dataclass
class RawCase:
    when: str
    when_at: Location
    steps: list  # RawStep | RawCases


@dataclass
class RawCases:
    at: Location
    cases: list  # RawCase


@dataclass
class RawDeclarations:
    """`symbols`, `define`, `assume` (and, in documents, `notation`) as text."""

    symbols: list = field(default_factory=list)  # (names, kind, Location)
    define: list = field(default_factory=list)  # (key, body, key Location, body Location)
    assume: list = field(default_factory=list)  # (text, Location)
    notation: list = field(default_factory=list)  # (LaTeX form, name, Location)
    at: Location = None


@dataclass
class RawDerivation:
    """A derivation as a reader found it. claim is None in documents: the chain's ends are the claim."""

    name: str
    at: Location
    declarations: RawDeclarations
    chain: list  # RawStep | RawCases
    claim: RawStep = None
    title: str = ""
    source: str = ""
    aliases: tuple = ()


@dataclass
class Unchecked:
    """A display-math block of a document that is not checked, and why."""

    file: str
    line: int
    column: int
    reason: str
    skipped: bool = False  # marked `skip` by its writer

"""Assemble a document's display-math blocks into RawDerivations (SPEC §7): declarations,
notation, continuation blocks, `when` cases and their merge, and the blocks not checked."""
import re
from dataclasses import dataclass, field

from ..errors import DerivError
from . import yaml_reader
from .mathblock import analyse, rule_names
from .raw import Location, RawCase, RawCases, RawDerivation, RawStep, Unchecked

DECL_KEYS = {"symbols", "define", "assume", "notation"}


class Positions:
    """Offsets of one text (a file, or a notebook cell) -> (line, column) in it."""

    def __init__(self, text, file, cell=None):
        self.file, self.cell, self.starts = file, cell, [0]
        for m in re.finditer("\n", text):
            self.starts.append(m.end())

    def line_col(self, offset):
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.starts[lo]

    def location(self, offsets):
        """The Location of a text whose characters stand at these offsets."""
        pairs = tuple(self.line_col(o) for o in offsets) or (self.line_col(0),)
        return Location(self.file, pairs[0][0], pairs[0][1], self.cell, pairs)


def declarations(text, positions, offset):
    """The RawDeclarations of a declarations comment whose YAML starts at offset."""
    line, col = positions.line_col(offset)
    padded = "\n" * (line - 1) + " " * col + text  # YAML lines and columns are the document's
    root = yaml_reader.compose(padded, positions.file)
    src = yaml_reader._Source(positions.file)
    if root is None:
        raise DerivError("an empty derivcheck declarations comment", file=positions.file, line=line)
    fields = yaml_reader._mapping(src, root, "the declarations")
    for key in fields:
        if key not in DECL_KEYS:
            raise src.error(f"unknown declarations field {key!r} (expected {', '.join(sorted(DECL_KEYS))})", fields[key])
    return yaml_reader.declarations(src, fields)


def annotation(text):
    """The dict of an annotation comment body (`when j == k`, `skip`, `name: x`, `aside`, `by: r`)."""
    body = text.strip()
    key, _, rest = body.partition(" ") if not re.match(r"\w+\s*:", body) else body.partition(":")
    key, rest = key.strip().lower(), rest.strip()
    if key in ("skip", "aside") and not rest:
        return {key: True}
    if key == "when" and rest:
        return {"when": rest}
    if key == "name" and rest:
        return {"name": rest}
    if key == "by" and rule_names(rest):
        return {"by": rule_names(rest)}
    return None


def _replace_notation(text, offsets, notation):
    """Replace each notation form (by whole tokens) by its name; offsets follow the text."""
    if not notation:
        return text, offsets
    forms = []
    for form, name, _ in notation:
        m = re.fullmatch(r"\s*(\w+)\s*(?:\[([\w\s,]+)\])?\s*", name)
        if m:  # a declared name, or an entry of one: name[i, j]
            to = m.group(1) if len(m.group(1)) == 1 else "\\text{" + m.group(1) + "}"
            to += "_{" + m.group(2) + "}" if m.group(2) else ""
        else:  # a LaTeX expression the form stands for
            to = "{" + name + "}"
        for variant in {form, form.replace("\\_", "_"), form.replace("_", "\\_").replace("\\\\_", "\\_")}:
            forms.append((variant, to))
    forms.sort(key=lambda f: -len(f[0]))
    out, outoff, i = [], [], 0
    while i < len(text):
        for form, to in forms:
            if text.startswith(form, i) and _boundary(text, i, form):
                out.append(to)
                outoff += [offsets[i]] * len(to)
                i += len(form)
                break
        else:
            out.append(text[i])
            outoff.append(offsets[i])
            i += 1
    return "".join(out), outoff


def _boundary(text, i, form):
    if form[0].isalpha() and i > 0 and (text[i - 1].isalpha() or text[i - 1] == "\\"):
        return False
    end = i + len(form)
    if form[-1].isalpha() and end < len(text) and text[end].isalpha():
        return False
    return True


@dataclass
class _Chain:
    """A derivation being assembled from blocks."""

    name: str
    first: Location
    section: int
    decl: object
    top: list = field(default_factory=list)
    target: list = None
    when_cases: RawCases = None
    expr_cases: tuple = None  # (RawCases, conditions) of the last cases expression
    dangles: bool = False
    blocks: list = field(default_factory=list)  # Locations of its blocks


class Assembler:
    """Feeds a document's events in order; collects RawDerivations and Unchecked blocks."""

    def __init__(self, file):
        self.file, self.stem = file, _slug(file)
        self.decl, self.chain = None, None
        self.derivations, self.unchecked, self.pending = [], [], {}
        self.chains = []

    def declare(self, text, positions, offset):
        self.decl = declarations(text, positions, offset)
        self.chain = None

    def annotate(self, note):
        self.pending.update(note)

    def math(self, content, positions, offset, section):
        note, self.pending = self.pending, {}
        block = analyse(content)
        where = positions.location([offset + block.reason_offset])
        if note.get("skip") or block.skip:
            return self._unchecked(where, "skip", skipped=True)
        if block.reason:
            return self._unchecked(where, block.reason)
        if self.decl is None:
            return self._unchecked(where, "no derivcheck declarations before this block (see `derivcheck declare`)")
        when = note.get("when") or (block.when and block.when[0])
        name = note.get("name") or block.name
        first_at = positions.location([offset + block.pieces[0].offsets[0]]) if block.pieces[0].offsets else where
        if block.pieces and note.get("by") and not block.pieces[-1].by:
            last = block.pieces[-1]
            last.by, last.by_offset = note["by"], (last.offsets or [0])[0]
        steps = [self._step(p, positions, offset) for p in block.pieces]
        cont = block.opens or (self.chain is not None and self.chain.dangles and self.chain.section == section)
        if cont:
            c = self.chain
            if c is None or c.section != section:
                return self._unchecked(where, "continues no chain: a block that begins with `=` follows a chain "
                                              "in its own section")
        else:
            if when:
                return self._unchecked(where, "a `when` block continues a chain: it begins with `=`")
            if steps[0].__class__ is not RawStep:
                return self._unchecked(where, "a chain starts with an expression, not with cases")
            c = _Chain(name or f"{self.stem}-{first_at.line}", first_at, section, self.decl)
            c.target = c.top
            self.chains.append(c)
            if not (block.aside or note.get("aside")):
                self.chain = c
        if name:
            c.name = name
        c.blocks.append(where)
        self._attach(c, steps, when, positions, offset, block)
        c.dangles = block.dangles

    def _attach(self, c, steps, when, positions, offset, block):
        if when:
            at = positions.location([offset + (block.when[1] if block.when else 0)])
            case = RawCase(_ascii_condition(when), at, [])
            if c.when_cases is None:
                c.when_cases = RawCases(at, [])
                c.target.append(c.when_cases)
            c.when_cases.cases.append(case)
            c.target = case.steps
        elif c.when_cases is not None and len(c.when_cases.cases) >= 2 and not c.dangles:
            c.target = c.top  # the merge: the next block of the chain without `when`
            c.when_cases = None
        for s in steps:
            if isinstance(s, RawCases):
                conds = tuple(k.when for k in s.cases)
                if c.expr_cases is not None and c.expr_cases[1] == conds and c.target and \
                        c.target[-1] is c.expr_cases[0]:
                    for branch, new in zip(c.expr_cases[0].cases, s.cases):
                        branch.steps += new.steps
                    continue
                c.expr_cases = (s, conds)
            else:
                c.expr_cases = None
            c.target.append(s)

    def _step(self, piece, positions, offset):
        by_at = positions.location([offset + piece.by_offset]) if piece.by else None
        if piece.rows:
            cases = []
            for value, cond, cond_off in piece.rows:
                text, offs = _replace_notation(value.text, [offset + o for o in value.offsets], self.decl.notation)
                step = RawStep(text, positions.location(offs), "tex", piece.by, by_at)
                cases.append(RawCase(cond, positions.location([offset + cond_off]), [step]))
            return RawCases(positions.location([offset + piece.offsets[0]]), cases)
        text, offs = _replace_notation(piece.text, [offset + o for o in piece.offsets], self.decl.notation)
        return RawStep(text, positions.location(offs), "tex", piece.by, by_at)

    def _unchecked(self, where, reason, skipped=False):
        self.unchecked.append(Unchecked(where.file if where.cell is None else f"{where.file}#cell{where.cell}",
                                        where.line, where.column + 1, reason, skipped))

    def result(self):
        """[(RawDerivation, [block Locations])], [Unchecked]."""
        out = []
        for c in self.chains:
            if sum(1 for _ in _steps(c.top)) < 2:
                self._unchecked(c.first, "a chain of one expression")
                continue
            out.append((RawDerivation(c.name, c.first, c.decl, c.top, title=f"{self.file}:{c.first.line}"), c.blocks))
        return out, self.unchecked


def _steps(chain):
    for e in chain:
        if isinstance(e, RawCases):
            for k in e.cases:
                yield from _steps(k.steps)
        else:
            yield e


def _ascii_condition(text):
    t = re.sub(r"\\(neq|ne)(?![A-Za-z])", "!=", text)
    return re.sub(r"(?<![=!<>])=(?!=)", "==", t).strip()


def _slug(file):
    stem = re.split(r"[\\/]", str(file))[-1]
    for suffix in (".markdown", ".md", ".tex", ".ipynb"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "document"

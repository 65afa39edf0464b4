"""One display-math block of a document: layout removed, annotations read, split into a chain (§7)."""
import re
from dataclasses import dataclass, field

from ..rules import lookup

_BREAK = "\x00\x00"  # a `\\\\` row break while the block is read
_SHAPES = re.compile(r"\\q?quad\s*\((\s*\w*\s*,)+\s*\w*\s*\)\s*=")
_RULE_NAME = re.compile(r"[a-z0-9-]+\Z")
_ENV = re.compile(r"\\(begin|end)\{(equation|align|aligned|alignedat|alignat|gather|gathered|multline|split|flalign)"
                  r"\*?\}(\{\d+\})?")
_DROP = re.compile(r"\\(label|tag)\*?\{[^{}]*\}|\\(nonumber|notag|displaystyle|textstyle)(?![A-Za-z])"
                   r"|\\(q?quad)(?![A-Za-z])|\\[,;:! ]|\\(left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![A-Za-z])\.?")
_TEXT = re.compile(r"\\(text|textrm|mbox|textit|mathrm)\s*\{([^{}]*)\}")
_RELATION = re.compile(r"\\(neq|ne|leq?|geq?|approx|to|rightarrow|Rightarrow|longrightarrow|implies|mapsto|equiv|"
                       r"propto|sim|simeq|cong|in|iff|Leftrightarrow)(?![A-Za-z])|<|>|:=")
_FILLER = re.compile(r"^\(?\s*(by|using|via|from|with)?\s*(the|a)?\s*(.*?)\s*\)?\s*[.,;:]?\s*$", re.I)


@dataclass
class Piece:
    """An expression of the block: its text and the block offset of each of its characters."""

    text: str
    offsets: list
    by: tuple = None
    by_offset: int = None
    rows: list = None  # a cases expression: [(value Piece, condition text, condition offset)]


@dataclass
class Block:
    """What a display-math block says: its chain pieces, or why it is not a chain."""

    pieces: list = field(default_factory=list)
    opens: bool = False  # begins with `=`: continues the chain before
    dangles: bool = False  # ends with `=`: the next block continues it
    when: tuple = None  # (condition text, block offset)
    name: str = None
    skip: bool = False
    aside: bool = False
    reason: str = None  # not a chain: why
    reason_offset: int = 0


def rule_names(text):
    """Rule names written in `by:` (comma separated), or None if one is neither a rule nor a name."""
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names or any(lookup(n) is None and not _RULE_NAME.match(n) for n in names):
        return None
    return names


def _justification(text):
    """The rules a `\\text{...}` names (`(quotient rule)`, `by the quotient rule`), else None: prose."""
    core = _FILLER.match(text.strip()).group(3)
    parts = [p for p in re.split(r"\s*,\s*|\s+and\s+", core) if p]
    found = [lookup(p) for p in parts]
    if not parts or any(f is None for f in found):
        return None
    return tuple(f.name for f in found)


def _blank(chars, start, end):
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _depths(text):
    """The brace + cases nesting depth before each character."""
    out, depth, i = [0] * (len(text) + 1), 0, 0
    while i < len(text):
        out[i] = depth
        if text.startswith("\\begin{cases}", i):
            depth += 1
        elif text.startswith("\\end{cases}", i):
            depth -= 1
        elif text[i] == "\\" and i + 1 < len(text):
            out[i + 1] = depth
            i += 2
            continue
        elif text[i] in "{(":
            depth += 1
        elif text[i] in "})":
            depth -= 1
        i += 1
    out[len(text)] = depth
    return out


def analyse(content):
    """The Block of a display-math content (the text between its delimiters)."""
    block, chars = Block(), list(content)
    comments = []
    for m in re.finditer(r"(?<!\\)%([^\n]*)", content):
        comments.append((m.start(), m.group(1).strip()))
        _blank(chars, m.start(), m.end())
    shape = _SHAPES.search("".join(chars))
    if shape:
        return _unread(block, "a shape annotation like `(N, H) = (N, D) · (D, H)` (shapes are not checked yet)",
                       shape.start())
    text = re.sub(r"\\\\", _BREAK, "".join(chars))  # row breaks first: `\\ ` is no `\ ` space
    chars = list(text)
    for m in list(_ENV.finditer(text)) + list(_DROP.finditer(text)):
        _blank(chars, m.start(), m.end())
    text = "".join(chars)
    depth = _depths(text)
    rows = [0]
    i = 0
    while i < len(text):
        if depth[i] == 0 and text.startswith(_BREAK, i):
            _blank(chars, i, i + 2)
            rows.append(i + 2)
            i += 2
            continue
        if depth[i] == 0 and text[i] == "&":
            chars[i] = " "
        i += 1
    text = "".join(chars)
    by_at = []  # (offset, rules)
    for off, body in comments:
        key, _, rest = body.partition(":")
        key = key.strip().lower()
        if key == "by":
            names = rule_names(rest)
            if names is None:
                return _unread(block, f"`% by:` names an unknown rule: {rest.strip()}", off)
            by_at.append((off, names))
        elif key == "when":
            block.when = (rest.strip(), off)
        elif key == "name":
            block.name = rest.strip()
        elif body.strip().lower() == "skip":
            block.skip = True
        elif body.strip().lower() == "aside":
            block.aside = True
    for m in _TEXT.finditer(text):  # \text{...} last on its row: a justification or prose
        row_end = min([r - 2 for r in rows if r - 2 >= m.end()] + [len(text)])
        if depth[m.start()] == 0 and not text[m.end():row_end].strip(" \n,.;"):
            names = _justification(m.group(2))
            if names:
                by_at.append((m.start(), names))
            _blank(chars, m.start(), m.end())
    text = "".join(chars)
    stripped = text.rstrip()
    if stripped.endswith((".", ",")) and not stripped.endswith("\\,"):
        chars[len(stripped) - 1] = " "
        text = "".join(chars)
    if not text.strip():
        return _unread(block, "an empty block", 0)
    rel = next((m for m in _RELATION.finditer(text) if depth[m.start()] == 0), None)
    if rel is not None:
        return _unread(block, f"not a chain of equalities ({rel.group(0)} at its top level)", rel.start())
    cuts = [i for i, c in enumerate(text) if c == "=" and depth[i] == 0]
    if not cuts:
        return _unread(block, "not a chain of equalities (no `=` at its top level)", 0)
    bounds = [-1] + cuts + [len(text)]
    for a, b in zip(bounds, bounds[1:]):
        lo, hi = a + 1, b
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        block.pieces.append(Piece(text[lo:hi], list(range(lo, hi))))
    block.opens = not block.pieces[0].text
    block.dangles = not block.pieces[-1].text and len(block.pieces) > 1
    for p in block.pieces[1 if block.opens else 0: len(block.pieces) - (1 if block.dangles else 0)]:
        if not p.text:
            return _unread(block, "an empty expression between two `=`", p.offsets[0] if p.offsets else 0)
    spans = list(zip(bounds, bounds[1:]))
    for off, names in by_at:
        k = next(n for n, (a, b) in enumerate(spans) if a < off <= b or (n == 0 and off <= b))
        if k == 0 and not block.opens and len(spans) > 1:
            k = 1  # the start takes no rules: they are the first link's
        block.pieces[k].by, block.pieces[k].by_offset = names, off
    block.pieces = [p for p in block.pieces if p.text or p.by]
    for p in block.pieces:
        if not p.text:
            return _unread(block, "`by` given for no expression", p.by_offset)
        if p.text.startswith("\\begin{cases}") and p.text.endswith("\\end{cases}"):
            reason = _cases(p)
            if reason:
                return _unread(block, reason[0], reason[1])
    for p in block.pieces:
        p.text = p.text.replace(_BREAK, "\\\\")
    return block


def _unread(block, reason, offset):
    block.reason, block.reason_offset, block.pieces = reason, offset, []
    return block


_CONDITION_WORDS = re.compile(r"\\text\s*\{\s*(if|when|for|where)?\s*\}|\\text\s*\{\s*(if|when|for|where)\s+|"
                              r"^\s*(if|when|for)\s+")


def _cases(piece):
    """Read the rows of a cases expression into piece.rows; (reason, offset) if one cannot be read."""
    text, base = piece.text, piece.offsets[0]
    inner_lo, inner_hi = len("\\begin{cases}"), len(text) - len("\\end{cases}")
    depth = _depths(text)
    rows, start = [], inner_lo
    for i in range(inner_lo, inner_hi + 1):
        if i == inner_hi or (depth[i] == 1 and text.startswith(_BREAK, i)):
            if text[start:i].strip():
                rows.append((start, i))
            start = i + 2
    if len(rows) < 2:
        return ("a cases expression needs two rows or more", base)
    out, conds = [], []
    for lo, hi in rows:
        row = text[lo:hi]
        amp = next((k for k, c in enumerate(row) if c == "&" and depth[lo + k] == 1), None)
        if amp is None:
            return ("a row of a cases expression has no `&` before its condition", piece.offsets[lo])
        vlo, vhi = lo, lo + amp
        while vlo < vhi and text[vlo].isspace():
            vlo += 1
        while vhi > vlo and (text[vhi - 1].isspace() or text[vhi - 1] == ","):
            vhi -= 1
        cond = _condition(row[amp + 1:])
        if cond is None:
            return (f"cannot read the case condition {row[amp + 1:].strip()!r}", piece.offsets[lo + amp])
        value = Piece(text[vlo:vhi], piece.offsets[vlo:vhi])
        out.append([value, cond, piece.offsets[lo + amp]])
        conds.append(cond)
    if "otherwise" in conds:
        simple = [c for c in conds if c != "otherwise"]
        if len(simple) != 1 or conds.count("otherwise") != 1:
            return ("`otherwise` needs exactly one other condition", base)
        a, op, b = simple[0].split()
        for row in out:
            if row[1] == "otherwise":
                row[1] = f"{a} {'!=' if op == '==' else '=='} {b}"
    piece.rows = [tuple(r) for r in out]
    return None


def _condition(text):
    """`\\text{if } j = k` -> `j == k`; `\\text{otherwise}` -> `otherwise`; None when unreadable."""
    t = re.sub(r"\\(left|right)(?![A-Za-z])|\\[,;:! ]|\\q?quad(?![A-Za-z])", " ", text)
    if re.fullmatch(r"\s*\\text\s*\{\s*(otherwise|else)\s*\}\s*[.,]?\s*", t):
        return "otherwise"
    t = _CONDITION_WORDS.sub(" ", t)
    t = re.sub(r"\\(neq|ne)(?![A-Za-z])", " != ", t)
    t = t.strip().rstrip(".,").strip()
    m = re.fullmatch(r"([A-Za-z])\s*(!=|==|=)\s*([A-Za-z])", t)
    if not m:
        return None
    return f"{m.group(1)} {'!=' if m.group(2) == '!=' else '=='} {m.group(3)}"

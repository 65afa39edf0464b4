"""`derivcheck declare FILE`: propose the declarations comment for a document that has none."""
import re
from collections import Counter, OrderedDict

from . import read_bytes, reader_for
from .document import Assembler

_SUM = re.compile(r"\\sum_\{?\s*([A-Za-z])\s*=\s*(\w+)\s*\}?\s*\^\s*\{?\s*\\?([A-Za-z]+|\d+)\s*\}?")
_NAME = r"(\\text\{[A-Za-z][\w\\]*\}|\\mathbf\{[A-Za-z]\}|\\[A-Za-z]+|[A-Za-z])"
_SUB = re.compile(_NAME + r"_(\{([^{}]*)\}|[A-Za-z0-9])")
_DEFINE = re.compile(r"^\s*" + _NAME + r"(_(\{[^{}]*\}|[A-Za-z0-9]))?\s*=(?!.*=)")
_COMMANDS = {"\\frac", "\\partial", "\\sum", "\\delta", "\\left", "\\right", "\\cdot", "\\log", "\\exp", "\\mathbb",
             "\\begin", "\\end", "\\text", "\\sqrt", "\\prod", "\\in", "\\neq"}


class _Collector(Assembler):
    """An assembler that only collects the display-math blocks."""

    def __init__(self, file):
        super().__init__(file)
        self.blocks = []

    def declare(self, text, positions, offset):
        self.has_declarations = True

    def math(self, content, positions, offset, section):
        self.blocks.append((positions.line_col(offset)[0], content))


def _plain(name):
    m = re.fullmatch(r"\\(?:text|mathbf)\{(.*)\}", name)
    name = (m.group(1) if m else name.lstrip("\\")).replace("\\_", "_")
    return name


def _indices(sub):
    sub = sub.strip("{}").strip()
    if "," in sub:
        return [s.strip() for s in sub.split(",")]
    if re.fullmatch(r"[A-Za-z]{2,3}", sub):
        return list(sub)
    return [sub]


def propose(path):
    """The proposed declarations comment (text) for the document at path."""
    import derivcheck.source.markdown_reader as md
    import derivcheck.source.latex_reader as tex

    text, name = read_bytes(path), str(path)
    collector = _Collector(name)
    module = reader_for(name).__module__
    if module.endswith("markdown_reader"):
        md.feed(text, collector, md.Positions(text, name))
    elif module.endswith("latex_reader"):
        _feed_tex(text, collector, tex)
    else:
        import nbformat

        for n, cell in enumerate(nbformat.reads(text, as_version=4).cells, 1):
            if cell.cell_type == "markdown":
                md.feed(cell.source, collector, md.Positions(cell.source, f"{name}#cell{n}"))
    sizes, ranges, arrays, defines = OrderedDict(), OrderedDict(), OrderedDict(), []
    blocks = [(line, re.sub(r"\\text\{[^{}]*\}(?!_)", " ", block)) for line, block in collector.blocks]
    for line, block in blocks:
        for m in _SUM.finditer(block):
            index, lo, hi = m.groups()
            size = None if hi.isdigit() else (hi.upper() if hi.islower() else hi)
            if size:
                sizes.setdefault(size, hi)
            ranges.setdefault(index, (lo, size or hi))
    default = next(iter(ranges.values()), ("1", next(iter(sizes), "N")))
    for line, block in blocks:
        flat = block.replace("\n", " ")
        d = _DEFINE.match(flat) or re.match(r"^\s*" + _NAME + r"(_(\{[^{}]*\}|[A-Za-z0-9]))?\s*=", flat)
        if d and not flat.lstrip().startswith("="):
            defines.append((line, _plain(d.group(1)), flat.strip()))
        for m in _SUB.finditer(block):
            base = m.group(1)
            if base in _COMMANDS:
                continue
            subs = _indices(m.group(3) or m.group(2))
            if all(re.fullmatch(r"[A-Za-z]", s) for s in subs):
                arrays.setdefault(_plain(base), (Counter(), subs))[0][len(subs)] += 1
                for s in subs:
                    ranges.setdefault(s, default)
    defined = {n for _, n, _ in defines}
    size = next(iter(sizes), "N")
    out = ["<!-- derivcheck", "symbols:"]
    if not sizes:
        out.append(f"  {size}: size  # no sum bound found: name the size")
    for s, written in sizes.items():
        out.append(f"  {s}: size" + (f"  # written {written}" if written != s else ""))
    by_range = OrderedDict()
    for i, (lo, hi) in ranges.items():
        if i in arrays or i in sizes or i in sizes.values():
            continue
        by_range.setdefault(hi if lo == "1" else f"{lo}..{hi}", []).append(i)
    for key, names in by_range.items():
        out.append(f"  {' '.join(names)}: index {key}")
    for a, (counts, subs) in arrays.items():
        if a in ranges or a in sizes or a in defined:
            continue
        n = counts.most_common(1)[0][0]
        axes = [ranges.get(x, default) for x in subs][:n] + [default] * n
        axes = [hi if lo == "1" else f"{lo}..{hi}" for lo, hi in axes[:n]]
        kind = {1: "vector", 2: "matrix"}.get(n)
        out.append(f"  {a}: {kind} {' '.join(axes)}" if kind else f"  # {a}: {n} subscripts: declare it")
    if defines:
        out.append("define:  # from blocks `name = ...`: write each body in derivcheck's notation (ASCII), or delete")
        for line, target, block in defines:
            out.append(f"  # {target}: ...   (line {line}: {block[:90]})")
    out.append("-->")
    return "\n".join(out) + "\n"


def _feed_tex(text, collector, tex):
    for m in tex._BLOCK.finditer(text):
        g = next(k for k in (1, 2, 3) if m.group(k) is not None)
        collector.blocks.append((text.count("\n", 0, m.start(g)) + 1, m.group(g)))

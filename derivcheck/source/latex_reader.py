"""LaTeX documents (.tex): `% derivcheck` declarations and the display-math environments, with positions."""
import re

from .document import Assembler, Positions, annotation

_ENVS = "equation|align|aligned|gather|gathered|multline|flalign|alignat"
_BLOCK = re.compile(r"\\\[(.*?)\\\]|\$\$(.*?)\$\$|(\\begin\{(" + _ENVS + r")(\*?)\}.*?\\end\{\4\5\})", re.S)
_SECTION = re.compile(r"\\(part|chapter|section|subsection|subsubsection)\*?\s*[\[{]")
_SKIP_ENV = re.compile(r"\\begin\{(verbatim|lstlisting|minted|comment)\}.*?\\end\{\1\}", re.S)
_DECL_START = re.compile(r"^[ \t]*%[ \t]*derivcheck[ \t]*$", re.M)
_DECL_END = re.compile(r"^[ \t]*%[ \t]*end[ \t]+derivcheck[ \t]*$", re.M)
_NOTE = re.compile(r"^[ \t]*%[ \t]*derivcheck:(.*)$", re.M)


def _comment_start(text, pos):
    """The offset of an unescaped `%` on pos's line before pos, or None."""
    line_start = text.rfind("\n", 0, pos) + 1
    for m in re.finditer(r"(?<!\\)%", text[line_start:pos]):
        return line_start + m.start()
    return None


def read_text(text, name="<text>"):
    """(RawDerivations with their blocks, Unchecked blocks) of a LaTeX text."""
    assembler, positions = Assembler(name), Positions(text, name)
    events = []
    hidden = [(m.start(), m.end()) for m in _SKIP_ENV.finditer(text)]
    for m in _DECL_START.finditer(text):
        end = _DECL_END.search(text, m.end())
        stop = end.start() if end else len(text)
        lines = text[m.end():stop]
        body = re.sub(r"(?m)^([ \t]*)%", lambda g: g.group(1) + " ", lines)  # drop each leading %: columns kept
        events.append((m.start(), "decl", (body, m.end())))
        hidden.append((m.start(), end.end() if end else len(text)))
    for m in _NOTE.finditer(text):
        note = annotation(m.group(1))
        if note:
            events.append((m.start(), "note", note))
    for m in _SECTION.finditer(text):
        if _comment_start(text, m.start()) is None:
            events.append((m.start(), "section", None))
    for m in _BLOCK.finditer(text):
        if _comment_start(text, m.start()) is not None or any(a <= m.start() < b for a, b in hidden):
            continue
        g = next(k for k in (1, 2, 3) if m.group(k) is not None)
        events.append((m.start(g), "math", m.group(g)))
    section = 0
    for start, kind, data in sorted(events, key=lambda e: e[0]):
        if kind == "decl":
            assembler.declare(data[0], positions, data[1])
        elif kind == "note":
            assembler.annotate(data)
        elif kind == "section":
            section += 1
        else:
            assembler.math(data, positions, start, section)
    return assembler.result()

"""Markdown documents (and notebook markdown cells): display math found with markdown-it-py."""
import functools
import re

from .document import Assembler, Positions, annotation

_COMMENT = re.compile(r"<!--\s*derivcheck\b(:?)(.*?)-->", re.S)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.S)


@functools.lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    return MarkdownIt("commonmark").use(dollarmath_plugin, double_inline=True).use(amsmath_plugin)


def feed(text, assembler, positions):
    """Feed the declarations, annotations, headings and display math of one Markdown text."""
    starts = positions.starts + [len(text)]

    def span(token):
        a, b = token.map
        return starts[min(a, len(starts) - 1)], starts[min(b, len(starts) - 1)]

    section = 0
    for token in _parser().parse(text):
        if token.map is None:
            continue
        lo, hi = span(token)
        if token.type == "heading_open":
            section += 1
        elif token.type == "html_block":
            for m in _COMMENT.finditer(text, lo, hi):
                if m.group(1):
                    note = annotation(m.group(2))
                    if note:
                        assembler.annotate(note)
                else:
                    assembler.declare(m.group(2), positions, m.start(2))
        elif token.type == "fence" and token.info.strip() == "derivcheck":
            body = text.index("\n", lo) + 1 if "\n" in text[lo:hi] else hi
            assembler.declare(token.content, positions, body)
        elif token.type in ("math_block", "math_block_label"):
            a = text.find("$$", lo, hi)
            b = text.rfind("$$", lo, hi)
            if a >= 0 and b > a:
                assembler.math(text[a + 2:b], positions, a + 2, section)
        elif token.type == "amsmath":
            a = text.find("\\begin", lo, hi)
            b = text.rfind("\\end", lo, hi)
            b = text.find("}", b) + 1 if b >= 0 else hi
            assembler.math(text[a:b], positions, a, section)
        elif token.type == "inline" and token.level >= 0:
            for m in _DISPLAY.finditer(text, lo, hi):
                g = 1 if m.group(1) is not None else 2
                assembler.math(m.group(g), positions, m.start(g), section)


def read_text(text, name="<text>"):
    """(RawDerivations with their blocks, Unchecked blocks) of a Markdown text."""
    assembler = Assembler(name)
    feed(text, assembler, Positions(text, name))
    return assembler.result()

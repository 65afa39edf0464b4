"""LaTeX marks on names: powers, transposes (X^\\top), layer labels (W^{(1)}), accents, norms, |x|."""
from .errors import DerivError
from .latex_products import _inner, _is, _tree
from .parse import Node

# \| .. \| and | .. | are paired left to right before parsing, each bar replaced by a character of
# the same width the grammar reads as an opening or closing bar (columns stay right).
NORM_OPEN, NORM_CLOSE, ABS_OPEN, ABS_CLOSE = "\\<", "\\>", "\u2983", "\u2984"


def pair_bars(text):
    """text with \\| and | bars marked as opening or closing, in order; an odd count is an error."""
    for mark in (NORM_OPEN, NORM_CLOSE, ABS_OPEN, ABS_CLOSE):
        if mark in text:
            raise DerivError(f"unexpected {mark!r} in LaTeX", column=text.index(mark) + 1)
    for bar, pair in (("\\|", (NORM_OPEN, NORM_CLOSE)), ("|", (ABS_OPEN, ABS_CLOSE))):
        parts = text.split(bar)
        if len(parts) % 2 == 0:
            raise DerivError(f"an unmatched {bar} (norms are \\|x\\|, absolute values |x|)",
                             column=len(bar.join(parts[:-1])) + 1)
        text = parts[0] + "".join(pair[n % 2] + part for n, part in enumerate(parts[1:]))
    return text


class Marks:
    """Mixin of the LaTeX reader: what a superscript, an accent or bars do to a name."""

    def _shape(self, node):
        """The shape of node's value (() for a scalar), or None when it does not build."""
        from .build import Builder
        from .errors import DerivError as Error
        from .matrices import MatrixValue

        try:
            value = Builder(self.ctx).build(node)
        except (Error, RecursionError, ValueError, TypeError):
            return None
        return value.shape if isinstance(value, MatrixValue) else ()

    def _pow(self, t, col):
        base_tree, sup = t.children[0], t.children[1]
        if _is(_inner(base_tree), "func"):
            return self._product([t], col)  # \exp^2 alone: needs its argument
        base = self.convert(base_tree)
        label = self._label(sup)
        if label is not None:
            return Node("name", self._labelled(base, label, col), col=col)
        shape = self._shape(base) if base.kind != "num" else ()
        if self._transpose_mark(sup, bool(shape)):
            return Node("transpose", args=(base,), col=col)
        exponent = self._sup(sup)
        inverse = exponent.kind == "neg" and exponent.args[0].kind == "num" and exponent.args[0].value == "1"
        if shape and inverse and base.kind == "name" and len(shape) == 2:
            return Node("call", "inv", (base,), col)  # X^{-1} of a declared square matrix: its inverse
        if shape:
            what = "the inverse of this matrix" if exponent.kind == "neg" else "a power of a matrix or vector"
            raise DerivError(f"^{{...}} of a value of shape {shape}: {what} is not supported yet (X^\\top "
                             "transposes; X \\odot X is the elementwise square)", column=col)
        if base.kind == "name" and base.value == "e" and "e" not in self.declared:
            return Node("call", "exp", (exponent,), col)
        return Node("pow", args=(base, exponent), col=col)

    def _pow_sub(self, t, col):  # a^2_i is a_i^2; W^{(1)}_{ij} is W1[i, j]
        base, sup, sub = t.children
        if not _is(_inner(base), "letter", "greek", "textname", "hat"):
            raise DerivError("only a name takes a subscript", column=col)
        label = self._label(sup)
        if label is not None:
            name = self._labelled(self.convert(base), label, col)
            return Node("index", name, tuple(self._indices(sub, col)), col)
        return self._pow(_tree("pow", [_tree("subscript", [base, sub], t.meta), sup], t.meta), col)

    def _label(self, sup):
        """'1' for a superscript (1) or [1]: a layer label, not a power."""
        (inner,) = sup.children
        inner = _inner(inner)
        if _is(inner, "paren") and len(inner.children) == 1 and _is(inner.children[0], "number") \
                and str(inner.children[0].children[0]).isdigit():
            return str(inner.children[0].children[0])
        if _is(inner, "paren"):
            body = self.convert(inner)
            if body.kind in ("name", "index"):
                raise DerivError("a superscript in parentheses is a label: only a number, such as W^{(1)}, "
                                 "is read (as the declared name W1 or W_1)", column=sup.meta.column)
        return None

    def _labelled(self, base, label, col):
        if base.kind != "name":
            raise DerivError("a label such as ^{(1)} follows a name", column=col)
        options = [f"{base.value}{label}", f"{base.value}_{label}"]
        found = [n for n in options if n in self.declared]
        if not found:
            raise DerivError(f"{base.value}^{{({label})}} stands for a declared name: {' or '.join(options)}",
                             column=col)
        return found[0]

    def _transpose_mark(self, sup, matrix):
        from lark import Token

        (inner,) = sup.children
        if isinstance(inner, Token) and inner.type == "TOP":
            return True
        name = str(inner) if isinstance(inner, Token) else self._name_of(inner) if _is(inner, "textname") else None
        return name == "T" and (matrix or "T" not in self.declared)

    def _sup(self, sup):
        from lark import Token

        (inner,) = sup.children
        if isinstance(inner, Token) and inner.type == "TOP":
            raise DerivError("\\top transposes a matrix", column=inner.column)
        if isinstance(inner, Token) and inner.type in ("LETTER", "DIGITS"):
            self._single(inner, "a superscript")
        if isinstance(inner, Token) and inner.type == "GREEK":
            return Node("name", str(inner)[1:], col=inner.column)
        if isinstance(inner, Token) and inner.type == "TEXTNAME":
            return self._textname(_tree("textname", [inner]), inner.column)
        return self.convert(inner)

    def _hat(self, t, col):
        raw = str(t.children[0])
        accent, letter = raw[1:].split("{")[0].split()[0].rstrip("{"), raw.rstrip("} ")[-1]
        accent = {"widehat": "hat"}.get(accent, accent)
        options = [f"{letter}_{accent}", f"{letter}{accent}", f"{accent}_{letter}", f"{accent}{letter}"]
        found = [n for n in options if n in self.declared]
        if not found:
            raise DerivError(f"\\{accent}{{{letter}}} stands for a declared name: one of {', '.join(options)}",
                             column=col)
        return Node("name", found[0], col=col)

    def _absval(self, t, col):
        return Node("call", "abs", (self.convert(self._args(t)[0]),), col)

    def _norm(self, t, col, sub=None):
        """\\|x\\| (x a vector), \\|x\\|_2, \\|A\\|_F: norm(.); \\|A\\| and \\|A\\|_2 of a matrix are refused."""
        inner = self.convert(self._args(t)[0])
        which = None
        if sub is not None:
            (mark,) = sub.children if _is(sub, "sub_one") else (None,)
            which = str(mark) if mark is not None and getattr(mark, "type", "") in ("LETTER", "DIGITS") else None
            if which not in ("2", "F"):
                raise DerivError("a norm's subscript is 2 (a vector's length) or F (Frobenius)", column=col)
        shape = self._shape(inner)
        if which != "F" and shape is not None and len(shape) == 2 and 1 not in shape:
            raise DerivError("\\|A\\| of a matrix is read two ways (spectral or Frobenius): write \\|A\\|_F for "
                             "the Frobenius norm; the spectral norm is not supported yet", column=col)
        return Node("call", "norm", (inner,), col)

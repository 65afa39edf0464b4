"""LaTeX input (`tex:`, `claim_tex:`): the lark tree of latex_grammar.py -> the ASCII AST."""
import functools

from .errors import DerivError
from .latex_grammar import GRAMMAR
from .latex_sums import ellipsis_sum, leaked_index
from .latex_leibniz import Derivatives, Operator
from .latex_marks import Marks, pair_bars
from .latex_products import Products, _col, _inner, _is, _tree
from .parse import MAX_LENGTH, Node

_BRACKETS = ("LEFT", "RIGHT", "LBRACE", "RBRACE", "FRAC", "SUM", "DELTA", "INDICATOR", "SQRT", "NABLA", "NORMOPEN",
             "NORMCLOSE", "ABSOPEN", "ABSCLOSE")


@functools.lru_cache(maxsize=1)
def _parser():
    from lark import Lark  # lazily: only files that use `tex:` pay for it

    return Lark(GRAMMAR, parser="lalr", start="start", propagate_positions=True, maybe_placeholders=False)


class _Reader(Products, Derivatives, Marks):
    """Turns the lark tree into parse.Node trees, the input of build.Builder."""

    def __init__(self, ctx, text):
        self.ctx, self.text, self.declared = ctx, text, ctx.names()

    def convert(self, tree):
        from lark import Token

        if isinstance(tree, Token):
            return self._token(tree)
        method = getattr(self, "_" + tree.data, None)
        if method is None:
            raise DerivError(f"LaTeX form {tree.data!r} is not supported", column=_col(tree))
        node = method(tree, _col(tree))
        if isinstance(node, Operator):
            raise DerivError("a derivative operator needs what it differentiates after it", column=node.col)
        return node

    def _args(self, tree):
        from lark import Token

        return [c for c in tree.children if not (isinstance(c, Token) and c.type in _BRACKETS)]

    def _token(self, tok):
        if tok.type == "LETTER":
            return Node("name", str(tok), col=tok.column)
        if tok.type == "DIGITS":
            return Node("num", str(tok), col=tok.column)
        raise DerivError(f"unexpected {tok!s}", column=tok.column)

    def _single(self, tok, where):
        """A one-character sub- or superscript: x_12 is x_1 2 in LaTeX, e^xy is e^x y (x^2y is x²y)."""
        nxt = self.text[tok.end_pos: tok.end_pos + 1]
        if len(str(tok)) > 1 or (nxt.isalnum() and not (str(tok).isdigit() and nxt.isalpha())):
            raise DerivError(f"{where} without braces takes one character (LaTeX shows {tok}{nxt} as two "
                             f"things): write {{{tok}{nxt}}}", column=tok.column)

    # -- relations and arithmetic ------------------------------------------
    def _eq(self, t, col):
        a, b = (self.convert(c) for c in t.children)
        return Node("eq", args=(a, b), col=col)

    def _ne(self, t, col):
        a, _, b = t.children
        return Node("ne", args=(self.convert(a), self.convert(b)), col=col)

    def _add(self, t, col):
        index = leaked_index(t.children[0], t.children[1], self.text)
        if index:
            raise DerivError(f"{index} is the index of a \\sum whose summand ends at this '+' or '-', yet the "
                             f"next term uses it: write \\sum_{index} (...) around both, or another index",
                             column=_col(t.children[1]))
        a, b = (self.convert(c) for c in t.children)
        if a.kind == "dots_open":  # a_0 + a_1 + ... + a_k: a sum over the index that varies
            return ellipsis_sum(a.args, b, self.ctx, col)
        return Node("add", args=(a, b), col=col)

    def _sub(self, t, col):
        node = self._add(t, col)
        a, b = node.args
        return Node("add", args=(a, Node("neg", args=(b,), col=col)), col=col)

    def _dots(self, t, col):
        terms = _flatten_add(self.convert(t.children[0]))
        return Node("dots_open", args=tuple(terms), col=col)

    def _neg(self, t, col):
        return Node("neg", args=(self.convert(t.children[0]),), col=col)

    def _mul(self, t, col):
        a, _, b = t.children
        return Node("mul", "product", (self.convert(a), self.convert(b)), col)

    def _odot(self, t, col):
        a, _, b = t.children
        return Node("mul", args=(self.convert(a), self.convert(b)), col=col)

    def _div(self, t, col):
        a, b = t.children
        if _is(b, "jux"):
            raise DerivError("a / b c is read two ways: write \\frac{a}{b c} or \\frac{a}{b} c", column=_col(b))
        return Node("mul", args=(self.convert(a), Node("recip", args=(self.convert(b),), col=col)), col=col)

    def _paren(self, t, col):
        return self.convert(self._args(t)[0])

    _group = _paren

    def _arglist(self, t, col):
        raise DerivError("a list (a, b) is only read as the arguments of a function", column=col)

    # -- products: functions, operators and names applied to parentheses ------
    # -- powers ---------------------------------------------------------------
    # -- names, subscripts, functions ----------------------------------------
    def _letter(self, t, col):
        return Node("name", str(t.children[0]), col=col)

    def _greek(self, t, col):
        return Node("name", str(t.children[0])[1:], col=col)

    def _textname(self, t, col):
        raw = str(t.children[0])
        inner = raw[raw.index("{") + 1: raw.rindex("}")].strip().replace("\\_", "_")
        return Node("name", inner, col=col)

    def _number(self, t, col):
        return Node("num", str(t.children[0]), col=col)

    def _sub_one(self, t, col):
        self._single(t.children[0], "a subscript")
        return [self.convert(t.children[0])]

    def _sub_list(self, t, col):
        return [self.convert(c) for c in t.children]

    def _indices(self, sub, col):
        items = self.convert(sub)
        if len(items) == 1 and items[0].kind == "mul" and all(a.kind in ("name", "index") for a in items[0].args):
            return list(items[0].args)  # z_{ij}: one index per letter
        return items

    def _subscript(self, t, col):
        atom, sub = t.children
        if _is(_inner(atom), "func"):
            raise DerivError(f"{_inner(atom).children[0]}_...: a subscript on a function is not supported yet "
                             "(a logarithm to another base, for one)", column=col)
        if _is(_inner(atom), "norm"):
            return self._norm(_inner(atom), _col(atom), sub)
        base = self.convert(atom)
        if base.kind != "name":
            raise DerivError("only a name takes a subscript", column=col)
        return Node("index", base.value, tuple(self._indices(sub, col)), col)

    def _prime(self, t, col):
        raise DerivError("f' is read as the derivative of a defined function f, applied: f'(x)", column=col)

    def _sqrt(self, t, col):
        return Node("call", "sqrt", (self.convert(self._args(t)[0]),), col)

    def _delta(self, t, col):
        indices = self._indices(self._args(t)[0], col)
        if len(indices) != 2:
            raise DerivError(f"\\delta takes two indices, got {len(indices)}", column=col)
        return Node("call", "delta", tuple(indices), col)

    def _indicator(self, t, col):
        rel = self.convert(self._args(t)[0])
        if rel.kind != "eq":
            raise DerivError("an indicator is written \\mathbb{I}_{\\{a = b\\}}", column=col)
        return Node("call", "delta", rel.args, col)

    # -- calculus ------------------------------------------------------------
    def _bigsum(self, t, col):
        args = self._args(t)
        limits, rest = args[0], args[1:]
        upper = rest[0] if len(rest) == 2 else None
        summand = self.convert(rest[-1])
        letter = limits.children[0]
        if limits.data == "sum_index" and self.text[letter.start_pos - 1] == "_":
            self._single(letter, "a subscript")
        k = Node("name", str(letter), col=col)
        hi = self._limit(upper) if upper is not None else None
        if limits.data == "sum_except":  # \\sum_{j=1, j \\neq k}: the term j = k left out
            j, lo, j2, _, other = limits.children
            if str(j2) != str(j):
                raise DerivError("write the excluded value of the same index: \\sum_{j=1, j \\neq k}", column=col)
            if hi is None:
                raise DerivError("a sum from a lower limit needs an upper one", column=col)
            keep = Node("add", args=(Node("num", "1"), Node("neg", args=(Node("call", "delta", (k, self.convert(other))),))))
            return Node("call", "Sum", (Node("mul", args=(keep, summand)), Node("tuple", args=(k, self.convert(lo), hi))), col)
        if limits.data == "sum_index":
            if hi is not None:
                raise DerivError("write the lower limit too: \\sum_{k=1}^{N}", column=col)
            return Node("call", "Sum", (summand, k), col)
        if hi is None:
            raise DerivError("a sum from a lower limit needs an upper one: \\sum_{k=1}^{N}", column=col)
        return Node("call", "Sum", (summand, Node("tuple", args=(k, self.convert(limits.children[1]), hi), col=col)), col)

    def _limit(self, upper):
        from lark import Token

        (inner,) = upper.children
        if isinstance(inner, Token):
            self._single(inner, "a superscript")
        return self.convert(inner)



def _flatten_add(node):
    if node.kind == "add":
        return [t for a in node.args for t in _flatten_add(a)]
    return [node]



_SUPPORTED = "\\frac, \\partial, \\sum, e^{...}, \\exp, \\log, \\ln, \\cdot, \\delta_{ij}, \\mathbb{I}_{\\{j=k\\}}, \\text{name}"


def parse_tex(text, ctx, allow=()):
    """Parse LaTeX text into the AST of parse.py; relations in allow ('eq', 'ne') permitted."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

    if not isinstance(text, str) or not text.strip():
        raise DerivError("empty LaTeX expression")
    if len(text) > MAX_LENGTH:
        raise DerivError(f"expression longer than {MAX_LENGTH} characters")
    if text.count("{") > 200 or text.count("(") > 200:
        raise DerivError("LaTeX expression nested too deep")
    original, text = text, pair_bars(text)
    try:
        tree = _parser().parse(text)
    except UnexpectedCharacters as exc:
        rest = original[exc.pos_in_stream:]
        found = rest[:12].split()[0] if rest.strip() else ""
        raise DerivError(f"cannot read LaTeX at {found!r} (supported: {_SUPPORTED})", column=exc.column) from None
    except UnexpectedEOF:
        raise DerivError("the LaTeX expression ends too early", column=len(text) + 1) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        what = "end of expression" if token is None or token.type == "$END" else repr(str(token))
        if what == "','":
            raise DerivError("a comma is read in a function's arguments and a subscript list; a sum over two "
                             "indices is \\sum_i \\sum_j", column=getattr(exc, "column", None)) from None
        if what in ("'^'", "'_'"):
            kind = "superscript" if what == "'^'" else "subscript"
            raise DerivError(f"a double {kind} is read two ways: write braces, x^{{a^b}} or {{x^a}}^b",
                             column=getattr(exc, "column", None)) from None
        raise DerivError(f"unexpected {what} in LaTeX", column=getattr(exc, "column", None)) from None
    except RecursionError:
        raise DerivError("LaTeX expression nested too deep") from None
    try:
        node = _Reader(ctx, text).convert(tree)
    except VisitError as exc:
        raise exc.orig_exc from None
    except RecursionError:
        raise DerivError("LaTeX expression nested too deep") from None
    if node.kind in ("eq", "ne") and node.kind not in allow:
        raise DerivError("a relation is only allowed in claim_tex", column=node.col)
    return node

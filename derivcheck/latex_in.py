"""LaTeX input (`tex:`, `claim_tex:`): a lark grammar for the seeds' notation -> the ASCII AST."""
import functools

from .errors import DerivError
from .parse import MAX_LENGTH, Node

GRAMMAR = r"""
?start: relation
?relation: expr
    | expr "=" expr              -> eq
    | expr NEQ expr              -> ne

?expr: term
    | expr "+" term              -> add
    | expr "-" term              -> sub
    | expr "+" DOTS              -> dots

?term: mterm
    | "-" term                   -> neg
    | "+" term

?mterm: chain
    | mterm MULOP chain          -> mul
    | mterm "/" chain            -> div

?chain: item
    | chain item                 -> mul
    | bigsum
    | chain bigsum               -> mul
    | dop
    | chain dop                  -> mul

bigsum: SUM sumsub sumsup? term
sumsub: "_" LETTER               -> sum_index
    | "_" "{" LETTER "}"         -> sum_index
    | "_" "{" LETTER "=" expr "}" -> sum_from
    | "_" "{" LETTER "=" expr "," LETTER NEQ expr "}" -> sum_except
sumsup: "^" LETTER
    | "^" DIGITS
    | "^" "{" expr "}"

dop: FRAC "{" PARTIAL "}" "{" PARTIAL item "}" dchain
?dchain: item
    | dchain item                -> mul
    | bigsum
    | dchain bigsum              -> mul

?item: power
    | FUNC power                 -> func
    | FUNC "^" sup power         -> func_pow

?power: postfix
    | postfix "^" sup            -> pow

sup: LETTER | DIGITS | "{" expr "}"

?postfix: atom
    | atom "_" sub               -> subscript

sub: LETTER                      -> sub_one
    | DIGITS                     -> sub_one
    | "{" expr ("," expr)* "}"   -> sub_list

?atom: LETTER                    -> letter
    | GREEK                      -> greek
    | TEXTNAME                   -> textname
    | DIGITS                     -> number
    | "(" expr ")"
    | LEFT "(" expr RIGHT ")"
    | "[" expr "]"
    | LEFT "[" expr RIGHT "]"
    | "{" expr "}"
    | LBRACE expr RBRACE
    | LEFT LBRACE expr RIGHT RBRACE
    | FRAC "{" expr "}" "{" expr "}"                       -> frac
    | FRAC "{" PARTIAL expr "}" "{" PARTIAL item "}"       -> dfrac
    | DELTA "_" sub                                        -> delta
    | INDICATOR "_" "{" LBRACE relation RBRACE "}"         -> indicator
    | INDICATOR "_" LBRACE relation RBRACE                 -> indicator
    | SQRT "{" expr "}"                                    -> sqrt

NEQ: "\\neq" | "\\ne" | "!="
DOTS: /\\(c|l)?dots(?![a-zA-Z])/ | "..."
MULOP: "\\cdot" | "\\times" | "*"
SUM: "\\sum"
FRAC: "\\frac" | "\\dfrac" | "\\tfrac"
PARTIAL: "\\partial"
FUNC: /\\(exp|log|ln|tanh|sin|cos)(?![a-zA-Z])/
SQRT: "\\sqrt"
DELTA: "\\delta"
INDICATOR: /\\mathbb\{(I|1)\}/ | /\\mathbf\{1\}/ | /\\mathbb\s+(I|1)/
LEFT: "\\left"
RIGHT: "\\right"
LBRACE: "\\{"
RBRACE: "\\}"
GREEK.2: /\\(alpha|beta|gamma|Gamma|epsilon|varepsilon|zeta|eta|theta|Theta|iota|kappa|lambda|Lambda|mu|nu|xi|Xi|pi|Pi|rho|sigma|Sigma|tau|upsilon|phi|Phi|varphi|chi|psi|Psi|omega|Omega)(?![a-zA-Z])/
TEXTNAME: /\\(text|mathrm|operatorname|mathit)\s*\{\s*[A-Za-z](\\_|[A-Za-z0-9_])*\s*\}/
LETTER: /[A-Za-z]/
DIGITS: /[0-9]+(\.[0-9]+)?/
SPACE: /\\[,;:! ]/ | /\\q?quad(?![a-zA-Z])/ | "~" | /\\(displaystyle|textstyle)(?![a-zA-Z])/
%import common.WS
%ignore WS
%ignore SPACE
"""


@functools.lru_cache(maxsize=1)
def _parser():
    from lark import Lark  # lazily: only files that use `tex:` pay for it

    return Lark(GRAMMAR, parser="lalr", start="start", propagate_positions=True, maybe_placeholders=False)


class _ToAst:
    """Turns the lark tree into parse.Node trees, the input of build.Builder."""

    def __init__(self, ctx):
        self.ctx = ctx

    def convert(self, tree):
        from lark import Token

        if isinstance(tree, Token):
            raise DerivError(f"unexpected {tree!s}", column=tree.column)
        method = getattr(self, "_" + tree.data, None)
        col = getattr(tree.meta, "column", 1) if hasattr(tree, "meta") else 1
        if method is None:
            raise DerivError(f"LaTeX form {tree.data!r} is not supported", column=col)
        return method(tree, col)

    def _args(self, tree):
        from lark import Token

        return [c for c in tree.children if not (isinstance(c, Token) and c.type in (
            "LEFT", "RIGHT", "LBRACE", "RBRACE", "FRAC", "PARTIAL", "SUM", "DELTA", "INDICATOR", "SQRT"))]

    def _node(self, item):
        from lark import Token

        return self.convert(item) if not isinstance(item, Token) else self._token(item)

    def _token(self, tok):
        if tok.type == "LETTER":
            return Node("name", str(tok), col=tok.column)
        if tok.type == "DIGITS":
            return Node("num", str(tok), col=tok.column)
        raise DerivError(f"unexpected {tok!s}", column=tok.column)

    def _atom(self, t, col):
        """A bracketed expression: (..), \\left( .. \\right), [..], \\{..\\}, {..}."""
        (inner,) = self._args(t)
        return self._node(inner)

    # -- relations and arithmetic ------------------------------------------
    def _eq(self, t, col):
        a, b = (self._node(c) for c in self._args(t))
        return Node("eq", args=(a, b), col=col)

    def _ne(self, t, col):
        a, _, b = t.children
        return Node("ne", args=(self._node(a), self._node(b)), col=col)

    def _add(self, t, col):
        a, b = (self._node(c) for c in t.children)
        if a.kind == "dots_open":  # a_0 + a_1 + ... + a_k: a sum over the index that varies
            return _ellipsis(a.args, b, self.ctx, col)
        return Node("add", args=(a, b), col=col)

    def _dots(self, t, col):
        terms = _flatten_add(self._node(t.children[0]))
        return Node("dots_open", args=tuple(terms), col=col)

    def _sub(self, t, col):
        a, b = (self._node(c) for c in t.children)
        return Node("add", args=(a, Node("neg", args=(b,), col=col)), col=col)

    def _neg(self, t, col):
        return Node("neg", args=(self._node(t.children[0]),), col=col)

    def _mul(self, t, col):
        parts = [self._node(c) for c in t.children if getattr(c, "type", None) != "MULOP"]
        return Node("mul", args=tuple(parts), col=col)

    def _div(self, t, col):
        a, b = (self._node(c) for c in t.children)
        return Node("mul", args=(a, Node("recip", args=(b,), col=col)), col=col)

    def _frac(self, t, col):
        a, b = (self._node(c) for c in self._args(t))
        return Node("mul", args=(a, Node("recip", args=(b,), col=col)), col=col)

    def _pow(self, t, col):
        base, sup = t.children
        base, exponent = self._node(base), self._sup(sup)
        if base.kind == "name" and base.value == "e" and "e" not in self.ctx.names():
            return Node("call", "exp", (exponent,), col)
        return Node("pow", args=(base, exponent), col=col)

    def _sup(self, sup):
        (inner,) = sup.children
        return self._node(inner)

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
        return [self._node(t.children[0])]

    def _sub_list(self, t, col):
        return [self._node(c) for c in t.children]

    def _indices(self, sub, col):
        items = self.convert(sub)
        if len(items) == 1 and items[0].kind == "mul" and all(a.kind in ("name", "index") for a in items[0].args):
            return list(items[0].args)  # z_{ij}: one index per letter
        return items

    def _subscript(self, t, col):
        atom, sub = t.children
        base = self._node(atom)
        if base.kind != "name":
            raise DerivError("only a name takes a subscript", column=col)
        return Node("index", base.value, tuple(self._indices(sub, col)), col)

    def _func(self, t, col):
        name, arg = t.children
        fn = str(name)[1:]
        return Node("call", "log" if fn == "ln" else fn, (self._node(arg),), col)

    def _func_pow(self, t, col):
        name, sup, arg = t.children
        inner = Node("call", "log" if str(name)[1:] == "ln" else str(name)[1:], (self._node(arg),), col)
        return Node("pow", args=(inner, self._sup(sup)), col=col)

    def _sqrt(self, t, col):
        return Node("call", "sqrt", (self._node(self._args(t)[0]),), col)

    def _delta(self, t, col):
        indices = self._indices(self._args(t)[0], col)
        if len(indices) != 2:
            raise DerivError(f"\\delta takes two indices, got {len(indices)}", column=col)
        return Node("call", "delta", tuple(indices), col)

    def _indicator(self, t, col):
        rel = self._node(self._args(t)[0])
        if rel.kind != "eq":
            raise DerivError("an indicator is written \\mathbb{I}_{\\{a = b\\}}", column=col)
        return Node("call", "delta", rel.args, col)

    # -- calculus ------------------------------------------------------------
    def _dfrac(self, t, col):
        f, x = (self._node(c) for c in self._args(t))
        return Node("call", "D", (f, x), col)

    def _dop(self, t, col):
        x, f = (self._node(c) for c in self._args(t))
        return Node("call", "D", (f, x), col)

    def _bigsum(self, t, col):
        args = self._args(t)
        limits, rest = args[0], args[1:]
        upper = rest[0] if len(rest) == 2 else None
        summand = self._node(rest[-1])
        k = Node("name", str(limits.children[0]), col=col)
        if limits.data == "sum_except":  # \\sum_{j=1, j \\neq k}: the term j = k left out
            j, lo, j2, _, other = limits.children
            if str(j2) != str(j):
                raise DerivError("write the excluded value of the same index: \\sum_{j=1, j \\neq k}", column=col)
            hi = self._node(upper.children[0]) if upper is not None else None
            if hi is None:
                raise DerivError("a sum from a lower limit needs an upper one", column=col)
            keep = Node("add", args=(Node("num", "1"), Node("neg", args=(Node("call", "delta", (k, self._node(other))),))))
            return Node("call", "Sum", (Node("mul", args=(keep, summand)), Node("tuple", args=(k, self._node(lo), hi))), col)
        if limits.data == "sum_index":
            if upper is not None:
                raise DerivError("write the lower limit too: \\sum_{k=1}^{N}", column=col)
            return Node("call", "Sum", (summand, k), col)
        if upper is None:
            raise DerivError("a sum from a lower limit needs an upper one: \\sum_{k=1}^{N}", column=col)
        lo = self._node(limits.children[1])
        hi = self._node(upper.children[0])
        return Node("call", "Sum", (summand, Node("tuple", args=(k, lo, hi), col=col)), col)


def _flatten_add(node):
    if node.kind == "add":
        return [t for a in node.args for t in _flatten_add(a)]
    return [node]


def _differences(a, b, out):
    """Collect the places where the trees a and b differ; False if they differ in shape."""
    if a == b:
        return True
    if a.kind == "num" or b.kind == "num":
        out.append((a, b))
        return True
    if a.kind != b.kind or a.value != b.value or len(a.args) != len(b.args):
        return False
    return all(_differences(x, y, out) for x, y in zip(a.args, b.args))


def _replace(node, old, new):
    if node == old:
        return new
    return Node(node.kind, node.value, tuple(_replace(a, old, new) for a in node.args), node.col)


def _ellipsis(terms, last, ctx, col):
    """t(lo) + t(lo+1) + ... + t(hi) as Sum(t(k), (k, lo, hi)), k an index the terms leave free."""
    first, diffs = terms[0], []
    if not _differences(first, last, diffs) or not diffs or len({(a.value, b) for a, b in diffs}) != 1:
        raise DerivError("cannot see which index runs in this '\\dots' sum", column=col)
    start, upper = diffs[0]
    if start.kind != "num":
        raise DerivError("the first term of a '\\dots' sum must show a number where the last shows the limit", column=col)
    used = {n.value for t in list(terms) + [last] for n in _names(t)}
    free = [name for name in ctx.indices if name not in used]
    if not free:
        raise DerivError("no declared index is free to run this '\\dots' sum", column=col)
    k = Node("name", free[0], col=col)
    summand = _replace(first, start, k)
    for step, term in enumerate(terms[1:], 1):  # the terms written out must follow the pattern
        expect = _replace(first, start, Node("num", str(int(start.value) + step)))
        if _strip_cols(term) != _strip_cols(expect):
            raise DerivError("the terms before '\\dots' do not follow one pattern", column=col)
    return Node("call", "Sum", (summand, Node("tuple", args=(k, start, upper))), col)


def _names(node):
    if node.kind == "name":
        yield node
    for a in node.args:
        yield from _names(a)


def _strip_cols(node):
    return (node.kind, node.value, tuple(_strip_cols(a) for a in node.args))


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
    try:
        tree = _parser().parse(text)
    except UnexpectedCharacters as exc:
        found = text[exc.pos_in_stream: exc.pos_in_stream + 12].split()[0] if text[exc.pos_in_stream:].strip() else ""
        raise DerivError(f"cannot read LaTeX at {found!r} (supported: {_SUPPORTED})", column=exc.column) from None
    except UnexpectedEOF:
        raise DerivError("the LaTeX expression ends too early", column=len(text) + 1) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        what = "end of expression" if token is None or token.type == "$END" else repr(str(token))
        raise DerivError(f"unexpected {what} in LaTeX", column=getattr(exc, "column", None)) from None
    except RecursionError:
        raise DerivError("LaTeX expression nested too deep") from None
    try:
        node = _ToAst(ctx).convert(tree)
    except VisitError as exc:
        raise exc.orig_exc from None
    except RecursionError:
        raise DerivError("LaTeX expression nested too deep") from None
    if node.kind in ("eq", "ne") and node.kind not in allow:
        raise DerivError("a relation is only allowed in claim_tex", column=node.col)
    return node


"""Whitelist parser for SPEC §3 expressions: text -> AST, never evaluating anything."""
import re
from dataclasses import dataclass, field

from .errors import DerivError

MAX_LENGTH = 20_000  # characters in one expression
MAX_DEPTH = 60  # nesting of parentheses, calls and unary operators

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z][A-Za-z0-9_]*)
  | (?P<op>\*\*|==|!=|\.\.|\.T(?![A-Za-z0-9_])|[-+*/^()\[\],@])
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Node:
    """One AST node: kind is num, name, index, call, tuple, add, mul, recip, pow, neg, eq, ne,
    matmul (A @ B) or transpose (A.T).

    add and mul are n-ary (a - b is add(a, neg(b)); a / b is mul(a, recip(b))), so a long
    sum is a flat node, not a deep one.
    """

    kind: str
    value: str = ""
    args: tuple = field(default_factory=tuple)
    col: int = 1


def tokenize(text):
    """Split text into (kind, value, column) tokens; unknown characters are an error."""
    if len(text) > MAX_LENGTH:
        raise DerivError(f"expression longer than {MAX_LENGTH} characters")
    tokens = []
    for m in _TOKEN.finditer(text):  # every character is in some token: `bad` takes any other one
        kind = m.lastgroup
        if kind == "ws":
            continue
        if kind == "bad":
            raise DerivError(f"unexpected character {m.group()!r}", column=m.start() + 1)
        tokens.append((kind, m.group(), m.start() + 1))
    tokens.append(("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text):
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    # -- token helpers -------------------------------------------------
    def peek(self):
        return self.tokens[self.pos]

    def take(self):
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def accept(self, value):
        if self.peek()[1] == value and self.peek()[0] in ("op",):
            return self.take()
        return None

    def expect(self, value):
        tok = self.peek()
        if tok[1] != value or tok[0] != "op":
            found = "end of expression" if tok[0] == "end" else repr(tok[1])
            raise DerivError(f"expected {value!r}, found {found}", column=tok[2])
        return self.take()

    def enter(self, col):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise DerivError(f"expression nested more than {MAX_DEPTH} deep", column=col)

    # -- grammar ---------------------------------------------------------
    def relation(self, allowed):
        left = self.sum()
        tok = self.peek()
        if tok[0] == "op" and tok[1] in ("==", "!="):
            kind = "eq" if tok[1] == "==" else "ne"
            if kind not in allowed:
                raise DerivError(f"{tok[1]!r} is not allowed here", column=tok[2])
            self.take()
            right = self.sum()
            return Node(kind, args=(left, right), col=tok[2])
        return left

    def sum(self):
        first = self.term()
        tokens, terms = self.tokens, None
        while True:
            tok = tokens[self.pos]
            if tok[0] == "op" and (tok[1] == "+" or tok[1] == "-"):
                self.pos += 1
                term = self.term()
                if terms is None:
                    terms = [first]
                terms.append(term if tok[1] == "+" else Node("neg", args=(term,), col=tok[2]))
            else:
                return first if terms is None else Node("add", args=tuple(terms), col=first.col)

    def term(self):
        node = self.unary()
        tokens = self.tokens
        while True:
            tok = tokens[self.pos]
            if tok[0] == "op" and tok[1] in ("*", "/", "@"):
                self.pos += 1
                right = self.unary()
                if tok[1] == "@":
                    node = Node("matmul", args=(node, right), col=tok[2])
                    continue
                factor = right if tok[1] == "*" else Node("recip", args=(right,), col=tok[2])
                if node.kind == "mul":
                    node = Node("mul", args=node.args + (factor,), col=node.col)
                else:
                    node = Node("mul", args=(node, factor), col=node.col)
            else:
                return node

    def unary(self):
        tok = self.tokens[self.pos]
        if tok[0] == "op" and (tok[1] == "-" or tok[1] == "+"):
            self.pos += 1
            self.enter(tok[2])
            operand = self.unary()
            self.depth -= 1
            return Node("neg", args=(operand,), col=tok[2]) if tok[1] == "-" else operand
        return self.power()

    def power(self):
        base = self.postfix()
        tok = self.tokens[self.pos]
        if tok[0] == "op" and (tok[1] == "**" or tok[1] == "^"):
            self.pos += 1
            self.enter(tok[2])
            exponent = self.unary()  # right associative; 2**-1 allowed
            self.depth -= 1
            return Node("pow", args=(base, exponent), col=tok[2])
        return base

    def postfix(self):
        node = self._indexed()
        tokens = self.tokens
        while tokens[self.pos][0] == "op" and tokens[self.pos][1] == ".T":
            tok = tokens[self.pos]
            self.pos += 1
            node = Node("transpose", args=(node,), col=tok[2])
        return node

    def _indexed(self):
        node = self.atom()
        tok = self.tokens[self.pos]
        if tok[0] == "op" and tok[1] == "[":
            if node.kind != "name":
                raise DerivError("only a name can be indexed", column=tok[2])
            self.pos += 1
            args = self.arguments("]")
            if not args:
                raise DerivError(f"{node.value}[] needs at least one index", column=tok[2])
            node = Node("index", node.value, tuple(args), node.col)
        return node

    def arguments(self, close):
        args = []
        tokens = self.tokens
        tok = tokens[self.pos]
        if tok[1] == close and tok[0] == "op":
            self.pos += 1
            return args
        while True:
            args.append(self.item())
            tok = tokens[self.pos]
            if tok[1] == close and tok[0] == "op":
                self.pos += 1
                return args
            self.expect(",")

    def item(self):
        """An argument: an expression, or a parenthesised tuple (k, lo, hi)."""
        return self.sum()

    def atom(self):
        tokens = self.tokens
        kind, value, col = tokens[self.pos]
        self.pos += 1
        if kind == "name":
            nxt = tokens[self.pos]
            if nxt[1] == "(" and nxt[0] == "op":
                self.pos += 1
                self.enter(col)
                args = self.arguments(")")
                self.depth -= 1
                return Node("call", value, tuple(args), col)
            return Node("name", value, col=col)
        if kind == "num":
            return Node("num", value, col=col)
        if kind == "op" and value == "(":
            self.enter(col)
            first = self.sum()
            if self.accept(","):
                items = [first] + self.arguments(")")
                self.depth -= 1
                return Node("tuple", args=tuple(items), col=col)
            self.expect(")")
            self.depth -= 1
            return first
        found = "end of expression" if kind == "end" else repr(value)
        raise DerivError(f"unexpected {found}", column=col)


def parse(text, allow=()):
    """Parse one expression; allow names the relations ('eq', 'ne') permitted at its top."""
    if not isinstance(text, str):
        raise DerivError(f"expected an expression as text, got {type(text).__name__}")
    if not text.strip():
        raise DerivError("empty expression")
    parser = _Parser(text)
    try:
        node = parser.relation(allow)
    except RecursionError:
        raise DerivError(f"expression nested more than {MAX_DEPTH} deep") from None
    tok = parser.peek()
    if tok[0] != "end":
        raise DerivError(f"unexpected {tok[1]!r} after the expression", column=tok[2])
    return node


def parse_range(text):
    """Parse `lo..hi` of an index declaration into two AST nodes."""
    parser = _Parser(text)
    lo = parser.sum()
    parser.expect("..")
    hi = parser.sum()
    if parser.peek()[0] != "end":
        raise DerivError("unexpected text after the range", column=parser.peek()[2])
    return lo, hi

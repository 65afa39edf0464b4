"""Turn a parsed AST into a SymPy expression, resolving names against the symbol table."""
import re

import sympy
from sympy import Indexed, IndexedBase, KroneckerDelta, Rational, Sum, Symbol

from .calculus import D
from .errors import DerivError
from .parse import parse

MAX_NUMBER_DIGITS = 40
MAX_SUM_TERMS = 10**6  # a Sum over explicit bounds wider than this is refused
MAX_NUMERIC_EXPONENT = 1000

_UNARY = {
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "tanh": sympy.tanh,
    "sin": sympy.sin,
    "cos": sympy.cos,
}


def _err(message, node):
    return DerivError(message, column=node.col)


class Builder:
    """Builds expressions for one Context (declared symbols and defined names)."""

    def __init__(self, ctx):
        self.ctx = ctx

    def build(self, node):
        method = getattr(self, "_" + node.kind)
        return method(node)

    # -- leaves ----------------------------------------------------------
    def _num(self, node):
        text = node.value
        mantissa, _, exponent = text.lower().partition("e")
        if len(mantissa) > MAX_NUMBER_DIGITS or (exponent and abs(int(exponent)) > 50):
            raise _err(f"number {text} is too large", node)
        return Rational(text)  # exact: 0.5 is 1/2

    def _name(self, node):
        ctx, name = self.ctx, node.value
        if name in ctx.sizes:
            return ctx.sizes[name]
        if name in ctx.indices:
            return ctx.indices[name]
        if name in ctx.scalars:
            return ctx.scalars[name][0]
        if name in ctx.definitions:
            d = ctx.definitions[name]
            if d.params:
                raise _err(f"{name} is defined with indices: write {name}[...]", node)
            return d.target
        if name in ctx.arrays:
            raise _err(f"{name} is a {ctx.arrays[name].kind}: write an entry such as {name}[i]", node)
        if name in _UNARY or name in ("D", "Sum", "delta"):
            raise _err(f"{name} is a function: write {name}(...)", node)
        raise _err(f"undeclared name {name!r}", node)

    def _index(self, node):
        ctx, name = self.ctx, node.value
        idx = tuple(self._integer(a, "an index") for a in node.args)
        if name in ctx.arrays:
            arr = ctx.arrays[name]
            if len(idx) != len(arr.axes):
                raise _err(f"{name} takes {len(arr.axes)} index(es), got {len(idx)}", node)
            return arr.base[idx]
        if name in ctx.definitions:
            d = ctx.definitions[name]
            if len(idx) != len(d.params) or not d.params:
                raise _err(f"{name} is defined with {len(d.params)} index(es), got {len(idx)}", node)
            return d.target[idx]
        if name in ctx.sizes or name in ctx.indices or name in ctx.scalars:
            raise _err(f"{name} is a scalar and cannot be indexed", node)
        raise _err(f"undeclared name {name!r}", node)

    def _integer(self, node, what):
        value = self.build(node)
        if value.is_integer is not True:
            raise _err(f"{what} must be an integer expression (an index, a size or a label entry)", node)
        return value

    # -- operators -------------------------------------------------------
    def _add(self, node):
        return sympy.Add(*[self.build(a) for a in node.args])

    def _mul(self, node):
        return sympy.Mul(*[self.build(a) for a in node.args])

    def _neg(self, node):
        return -self.build(node.args[0])

    def _recip(self, node):
        value = self.build(node.args[0])
        if value == 0:
            raise _err("division by zero", node)
        return 1 / value

    def _pow(self, node):
        base, exponent = (self.build(a) for a in node.args)
        if exponent.is_Number and abs(exponent) > MAX_NUMERIC_EXPONENT:
            raise _err(f"exponent {exponent} is too large", node)
        if base == 0 and exponent.is_Number and exponent <= 0:
            raise _err("zero to a non-positive power", node)
        return sympy.Pow(base, exponent)

    def _tuple(self, node):
        raise _err("a parenthesised tuple is only allowed as Sum's range (k, lo, hi)", node)

    def _eq(self, node):
        raise _err("'==' is only allowed in claim, assume and when", node)

    _ne = _eq

    # -- functions -------------------------------------------------------
    def _call(self, node):
        name, args = node.value, node.args
        if name in _UNARY:
            if len(args) != 1:
                raise _err(f"{name} takes one argument", node)
            return _UNARY[name](self.build(args[0]))
        if name == "D":
            return self._derivative(node)
        if name == "Sum":
            return self._sum(node)
        if name == "delta":
            if len(args) != 2:
                raise _err("delta takes two indices: delta(i, j)", node)
            return KroneckerDelta(*(self._integer(a, "a delta argument") for a in args))
        raise _err(f"unknown function {name!r}", node)

    def _derivative(self, node):
        if len(node.args) != 2:
            raise _err("D takes two arguments: D(f, x)", node)
        f = self.build(node.args[0])
        x = self.build(node.args[1])
        if isinstance(x, Indexed):
            arr = self.ctx.array_of(x.base)
            if arr is None and self.ctx.definition_for(x.base) is None:
                raise _err("D(f, x) needs x to be a real name or an entry such as z[j]", node.args[1])
            if arr is not None and arr.kind in ("labels",):
                raise _err("cannot differentiate with respect to an integer label", node.args[1])
        elif not (isinstance(x, Symbol) and any(x == s for s, _ in self.ctx.scalars.values())):
            raise _err("D(f, x) needs x to be a real name or an entry such as z[j]", node.args[1])
        return D(f, x)

    def _sum(self, node):
        args = node.args
        if len(args) != 2:
            raise _err("Sum takes a summand and an index: Sum(f, k) or Sum(f, (k, lo, hi))", node)
        spec = args[1]
        if spec.kind == "name":
            k = self._bound_index(spec)
            lo, hi = self.ctx.ranges[k]
        elif spec.kind == "tuple" and len(spec.args) == 3:
            k = self._bound_index(spec.args[0])
            lo = self._integer(spec.args[1], "a Sum bound")
            hi = self._integer(spec.args[2], "a Sum bound")
        else:
            raise _err("Sum's second argument is an index k or a range (k, lo, hi)", spec)
        width = hi - lo
        if width.is_Number and abs(width) > MAX_SUM_TERMS:
            raise _err(f"a Sum over more than {MAX_SUM_TERMS} terms", spec)
        return Sum(self.build(args[0]), (k, lo, hi))

    def _bound_index(self, node):
        if node.kind == "name" and node.value not in self.ctx.names():
            raise _err(f"undeclared name {node.value!r} (a Sum runs over a declared index)", node)
        if node.kind != "name" or node.value not in self.ctx.indices:
            raise _err("a Sum runs over a declared index", node)
        return self.ctx.indices[node.value]


def expression(ctx, text, allow=(), tex=False):
    """Parse (ASCII, or LaTeX when tex) and build text; relations in allow come back as (op, lhs, rhs)."""
    if tex:
        from .latex_in import parse_tex

        node = parse_tex(text, ctx, allow)
    else:
        node = parse(text, allow)
    builder = Builder(ctx)
    if node.kind in ("eq", "ne"):
        return (node.kind, builder.build(node.args[0]), builder.build(node.args[1]))
    return builder.build(node)


_TARGET = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\[([^\]]*)\])?\s*\Z")


def definition_target(ctx, text):
    """Split a `define` key `p[i, j]` into (name, params); params must be distinct indices."""
    m = _TARGET.match(text) if isinstance(text, str) else None
    if not m:
        raise DerivError(f"a define key is `name` or `name[i, ...]`, not {text!r}")
    name, inner = m.group(1), m.group(2)
    params = []
    if inner is not None:
        for part in inner.split(","):
            part = part.strip()
            if part not in ctx.indices:
                raise DerivError(f"{part!r} in {text!r} is not a declared index")
            params.append(ctx.indices[part])
        if len(set(params)) != len(params) or not params:
            raise DerivError(f"the indices of {text!r} must be distinct")
    return name, tuple(params)


def new_target(name, params):
    return IndexedBase(name, real=True) if params else Symbol(name, real=True)

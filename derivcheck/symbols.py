"""The symbol table of SPEC §2: declared sizes, indices, scalars, arrays and defined names."""
import re
from dataclasses import dataclass, field, fields, replace

import sympy

from . import vocabulary
from .linalg import SymBase
from .errors import DerivError

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
FUNCTIONS = vocabulary.RESERVED  # every name the syntax gives a meaning: never a declared name
MAX_INDEX_CONSTANT = 10_000  # range ends, constant indices and Sum bounds: the numeric checks enumerate them
MAX_CONSTANT_ENTRIES = 100_000  # entries of an array whose extents are constants
ARRAY_KINDS = {"vector": 1, "positive": 1, "onehot": 1, "simplex": 1, "matrix": 2, "labels": 2}
# posdef N: samples positive-definite; sym N: A[i, j] == A[j, i]; sym N posdef (kind "sympd"): both
MATRIX_KINDS = ("matrix", "posdef", "sym", "sympd")
SYMMETRIC_KINDS = ("sym", "sympd")  # entries tied: never differentiated by
POSDEF_KINDS = ("posdef", "sympd")  # sampled symmetric positive-definite: invertible


@dataclass
class Array:
    """A declared vector, matrix or label array; axes are (lo, hi) ranges."""

    base: sympy.IndexedBase
    kind: str
    axes: tuple
    values: tuple = None  # (lo, hi) of the entries themselves, for labels


@dataclass
class Definition:
    """`name[params]: body` from `define`; target is the IndexedBase or Symbol it names."""

    name: str
    target: object
    params: tuple
    body: object = None
    line: int = None


def _refuse(self, *args, **kwargs):
    raise TypeError("the symbol table is frozen after elaboration")


class _FrozenDict(dict):
    """A dict that refuses writes (pickles and copies as a plain dict)."""

    __setitem__ = __delitem__ = update = pop = popitem = setdefault = clear = _refuse

    def __reduce__(self):
        return (dict, (dict(self),))


class _FrozenList(list):
    """A list that refuses writes (pickles and copies as a plain list)."""

    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __iadd__ = __imul__ = _refuse

    def __reduce__(self):
        return (list, (list(self),))


@dataclass(frozen=True)
class UserFunction:
    """`name(u, v): body` from `define`: a function applied as name(expr, ...), unfolded by
    `definition`; head is its SymPy function class, params the real symbols of its body, and
    derivative the UserFunction F' of a one-parameter F (chain_rule's F'(u))."""

    name: str
    head: object
    params: tuple
    body: object
    line: int = None
    derivative: object = None


@dataclass
class Context:
    """Everything a file declares, as SymPy objects, looked up by name."""

    sizes: dict = field(default_factory=dict)
    indices: dict = field(default_factory=dict)
    ranges: dict = field(default_factory=dict)  # index Symbol -> (lo, hi)
    scalars: dict = field(default_factory=dict)  # name -> (Symbol, kind)
    arrays: dict = field(default_factory=dict)  # name -> Array
    definitions: dict = field(default_factory=dict)  # name -> Definition
    assumptions: list = field(default_factory=list)  # (lhs, rhs, line)
    assumption_texts: dict = field(default_factory=dict)  # (lhs, rhs, line) of an assume entry -> its text
    parameters: set = field(default_factory=set)  # indices free in a definition beyond its own: never summed
    shapes: dict = field(default_factory=dict)  # defined name -> shape, for names defined by a matrix expression
    losses: dict = field(default_factory=dict)  # name -> (Symbol, base, shape): L = loss(Z), unspecified
    functions: dict = field(default_factory=dict)  # name -> UserFunction (F' included, by its head's name)
    frozen: bool = False  # set by freeze(): the elaborator wrote everything; nothing is written after it

    def freeze(self):
        """Make every table read-only: after elaboration nothing may write the symbol table."""
        for name in ("sizes", "indices", "ranges", "scalars", "arrays", "definitions", "shapes", "losses", "functions",
                     "assumption_texts"):
            object.__setattr__(self, name, _FrozenDict(getattr(self, name)))
        object.__setattr__(self, "assumptions", _FrozenList(self.assumptions))
        object.__setattr__(self, "parameters", frozenset(self.parameters))
        object.__setattr__(self, "frozen", True)
        return self

    def copy(self, line=None):
        """A copy whose tables can be written without touching these (the SymPy objects, immutable, are
        shared); line maps the line of each definition, function and assume entry to the copy's."""
        line = line or (lambda n: n)
        tables = {}
        for f in fields(self):
            v = getattr(self, f.name)
            tables[f.name] = type(v)(v) if isinstance(v, (dict, list, set)) and f.name != "frozen" else v
        tables["frozen"] = False
        tables["definitions"] = {n: replace(d, line=line(d.line)) for n, d in self.definitions.items()}
        functions = {n: replace(f, line=line(f.line)) for n, f in self.functions.items()}
        tables["functions"] = {n: replace(f, derivative=functions[f.derivative.name]) if f.derivative else f
                               for n, f in functions.items()}
        tables["assumptions"] = [(a, b, line(n)) for a, b, n in self.assumptions]
        tables["assumption_texts"] = {(a, b, line(n)): t for (a, b, n), t in self.assumption_texts.items()}
        return Context(**tables)

    def __setattr__(self, name, value):
        if getattr(self, "frozen", False):
            raise TypeError(f"the symbol table is frozen: cannot set {name}")
        object.__setattr__(self, name, value)

    def loss_of(self, symbol):
        """(base, shape) when symbol is an unspecified loss, else None."""
        for sym, base, shape in self.losses.values():
            if sym == symbol:
                return base, shape
        return None

    def definition_for(self, target):
        """The Definition whose IndexedBase/Symbol is target, or None."""
        if not self.definitions:
            return None
        for d in self.definitions.values():
            if d.target == target:
                return d
        return None

    def array_of(self, base):
        for a in self.arrays.values():
            if a.base == base:
                return a
        return None

    def index_range(self, expr, scope=None):
        """(lo, hi) of an integer-valued expression: a bound or declared index, or a label entry."""
        if scope and expr in scope:
            return scope[expr]
        if expr in self.ranges:
            return self.ranges[expr]
        if isinstance(expr, sympy.Indexed):
            arr = self.array_of(expr.base)
            if arr is not None and arr.values is not None:
                return arr.values
        if expr.is_Integer:
            return (expr, expr)
        return None

    def names(self):
        seen = {}
        seen.update(self.sizes)
        seen.update(self.indices)
        seen.update({k: v[0] for k, v in self.scalars.items()})
        seen.update(self.arrays)
        seen.update(self.definitions)
        seen.update(self.losses)
        seen.update(self.functions)
        return seen

    def function_of(self, node):
        """The UserFunction applied at node (an applied SymPy function), or None."""
        f = self.functions.get(getattr(node.func, "__name__", None)) if self.functions else None
        return f if f is not None and node.func == f.head else None


def _bound(ctx, text, line):
    """A range bound: an integer literal or a declared size."""
    text = text.strip()
    if re.fullmatch(r"\d+", text):
        if len(text) > 9 or int(text) > MAX_INDEX_CONSTANT:
            raise DerivError(f"range bound {text} is too large (more than {MAX_INDEX_CONSTANT})", line=line)
        return sympy.Integer(int(text))
    if text in ctx.sizes:
        return ctx.sizes[text]
    raise DerivError(f"range bound {text!r} is neither an integer nor a declared size", line=line)


def _range(ctx, text, line):
    if ".." in text:
        lo, _, hi = text.partition("..")
        return (_bound(ctx, lo, line), _bound(ctx, hi, line))
    return (sympy.Integer(1), _bound(ctx, text, line))


def _check_entries(name, axes, line):
    entries = 1
    for lo, hi in axes:
        if lo.is_Integer and hi.is_Integer:
            entries *= max(0, int(hi) - int(lo) + 1)
    if entries > MAX_CONSTANT_ENTRIES:
        raise DerivError(f"{name} has {entries} entries (more than {MAX_CONSTANT_ENTRIES})", line=line)


def declare(ctx, names_text, kind_text, line):
    """Add one `symbols:` line (`i j k: index N`) to ctx."""
    if not isinstance(names_text, str) or not isinstance(kind_text, str):
        raise DerivError("a symbols entry is `names: kind`, both text", line=line)
    names = names_text.split()
    words = kind_text.split()
    if not names or not words:
        raise DerivError("a symbols entry needs names and a kind", line=line)
    kind, args = words[0], words[1:]
    for name in names:
        if not NAME.match(name):
            raise DerivError(f"{name!r} is not a valid name", line=line)
        if name in FUNCTIONS and kind != "size":  # a size D is never called: D(...) stays the derivative
            raise DerivError(f"{name!r} is a built-in function name", line=line)
        if name in ctx.names():
            raise DerivError(f"{name!r} is declared twice", line=line)
        if kind == "size" and not args:
            ctx.sizes[name] = sympy.Symbol(name, integer=True, positive=True)
        elif kind == "index" and len(args) == 1:
            sym = sympy.Symbol(name, integer=True)
            ctx.indices[name] = sym
            ctx.ranges[sym] = _range(ctx, args[0], line)
        elif kind in ("real", "positive") and not args:
            ctx.scalars[name] = (sympy.Symbol(name, **{kind: True}), kind)
        elif kind == "posdef" and len(args) == 1:  # a square matrix sampled positive-definite
            axes = (_range(ctx, args[0], line),) * 2
            _check_entries(name, axes, line)
            ctx.arrays[name] = Array(sympy.IndexedBase(name, real=True), kind, axes)
        elif kind == "sym" and (len(args) == 1 or args[1:] == ["posdef"]):  # entries tied: A[i, j] is A[j, i]
            axes = (_range(ctx, args[0], line),) * 2
            _check_entries(name, axes, line)
            ctx.arrays[name] = Array(SymBase(name, real=True), "sympd" if len(args) == 2 else kind, axes)
        elif kind in ARRAY_KINDS and len(args) == ARRAY_KINDS[kind]:
            assumptions = {"positive": True} if kind in ("positive",) else {"real": True}
            if kind == "labels":
                axes = (_range(ctx, args[0], line),)
                base = sympy.IndexedBase(name, integer=True)
                ctx.arrays[name] = Array(base, kind, axes, values=_range(ctx, args[1], line))
            else:
                if kind == "simplex":
                    assumptions = {"nonnegative": True}
                axes = tuple(_range(ctx, a, line) for a in args)
                _check_entries(name, axes, line)
                ctx.arrays[name] = Array(sympy.IndexedBase(name, **assumptions), kind, axes)
        else:
            raise DerivError(
                f"unknown symbol kind {kind_text!r} (expected size, index R, real, positive, "
                "vector R, positive R, onehot R, simplex R, matrix R C, sym N, sym N posdef, posdef N or labels R C)",
                line=line,
            )

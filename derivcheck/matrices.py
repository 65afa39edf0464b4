"""Matrix expressions (X @ W + b, A.T, elementwise f) lowered to index notation, shapes checked."""
from dataclasses import dataclass

from sympy import Heaviside, Integer, KroneckerDelta, Max, Sum, Symbol, exp

from .errors import DerivError


@dataclass
class MatrixValue:
    """A matrix (shape (R, C)) or vector (shape (C,)) given by its entry at symbolic indices."""

    shape: tuple  # sizes, as SymPy symbols (or integers)
    entry: object  # entry(*indices) -> scalar SymPy expression

    def at(self, *indices):
        return self.entry(*indices)


def show(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


class Lowering:
    """Fresh bound indices for the sums a product or a row sum introduces."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.count = 0

    def bound(self, size):
        """A new bound index for a sum over 1..size, never a declared name."""
        taken = self.ctx.names()
        while True:
            self.count += 1
            name = f"{str(size).lower()}_{self.count}"
            if name not in taken:
                return Symbol(name, integer=True)

    def sum(self, body, k, size):
        return Sum(body, (k, Integer(1), size))


def _err(message, col=None):
    return DerivError(message, column=col)


def elementwise(fn, m):
    return MatrixValue(m.shape, lambda *ix: fn(m.at(*ix)))


def scale(c, m):
    return MatrixValue(m.shape, lambda *ix: c * m.at(*ix))


def add(a, b, col=None):
    """a + b with a length-C vector broadcast as a row over an (R, C) matrix."""
    if not isinstance(a, MatrixValue):
        return MatrixValue(b.shape, lambda *ix: a + b.at(*ix))
    if not isinstance(b, MatrixValue):
        return MatrixValue(a.shape, lambda *ix: a.at(*ix) + b)
    if a.shape == b.shape:
        return MatrixValue(a.shape, lambda *ix: a.at(*ix) + b.at(*ix))
    if len(a.shape) == 2 and len(b.shape) == 1 and b.shape[0] == a.shape[1]:
        return MatrixValue(a.shape, lambda r, c: a.at(r, c) + b.at(c))
    if len(b.shape) == 2 and len(a.shape) == 1 and a.shape[0] == b.shape[1]:
        return MatrixValue(b.shape, lambda r, c: a.at(c) + b.at(r, c))
    raise _err(f"shapes {show(a.shape)} and {show(b.shape)} cannot be added", col)


def hadamard(a, b, col=None):
    """The element-wise product of two values of one shape."""
    if a.shape != b.shape:
        raise _err(f"element-wise product of shapes {show(a.shape)} and {show(b.shape)}", col)
    return MatrixValue(a.shape, lambda *ix: a.at(*ix) * b.at(*ix))


def matmul(a, b, low, col=None):
    """(R, K) @ (K, C): entry (r, c) = Σ_k a[r, k] b[k, c]."""
    if not (isinstance(a, MatrixValue) and isinstance(b, MatrixValue)) or len(a.shape) != 2 or len(b.shape) != 2:
        shapes = [show(v.shape) if isinstance(v, MatrixValue) else "a scalar" for v in (a, b)]
        raise _err(f"@ multiplies two matrices, not {shapes[0]} and {shapes[1]}", col)
    if a.shape[1] != b.shape[0]:
        raise _err(f"shapes {show(a.shape)} and {show(b.shape)} cannot be multiplied: "
                   f"{a.shape[1]} columns against {b.shape[0]} rows", col)
    size = a.shape[1]

    def entry(r, c):
        k = low.bound(size)
        return low.sum(a.at(r, k) * b.at(k, c), k, size)

    return MatrixValue((a.shape[0], b.shape[1]), entry)


def transpose(m, col=None):
    if len(m.shape) != 2:
        raise _err(f".T transposes a matrix, not shape {show(m.shape)}", col)
    return MatrixValue((m.shape[1], m.shape[0]), lambda r, c: m.at(c, r))


def sum_rows(m, low, col=None):
    """Σ over the rows of an (R, C) matrix: the length-C vector of column sums (numpy's axis=0)."""
    if len(m.shape) != 2:
        raise _err(f"sum_rows takes a matrix, not shape {show(m.shape)}", col)
    size = m.shape[0]

    def entry(c):
        k = low.bound(size)
        return low.sum(m.at(k, c), k, size)

    return MatrixValue((m.shape[1],), entry)


def sum_all(m, low):
    """The sum of every entry: a scalar."""
    out = None
    ks = [low.bound(size) for size in m.shape]
    out = m.at(*ks)
    for k, size in reversed(list(zip(ks, m.shape))):
        out = low.sum(out, k, size)
    return out


def softmax_rows(m, low, col=None):
    """softmax over each row: entry (r, c) = exp(m[r, c]) / Σ_k exp(m[r, k])."""
    if len(m.shape) != 2:
        raise _err(f"softmax takes a matrix, not shape {show(m.shape)}", col)
    size = m.shape[1]

    def entry(r, c):
        k = low.bound(size)
        return exp(m.at(r, c)) / low.sum(exp(m.at(r, k)), k, size)

    return MatrixValue(m.shape, entry)


def onehot(labels_base, rows, classes):
    """The (R, C) one-hot matrix of integer labels: entry (r, c) = δ(c, y[r])."""
    return MatrixValue((rows, classes), lambda r, c: KroneckerDelta(c, labels_base[r]))


SCALAR_FUNCTIONS = {
    "relu": lambda u: Max(u, 0),
    "step": lambda u: Heaviside(u),  # relu's derivative
    "sigmoid": lambda u: 1 / (1 + exp(-u)),
}


def entry_indices(ctx, shape, declare=None):
    """The free indices a value of this shape stands at: the first declared indices of each size
    (the next one when a size repeats). A size that has none gets a new index through declare(name,
    symbol, size), the elaborator's writer; without one that is an error (nothing else writes ctx)."""
    used, out = set(), []
    for size in shape:
        choice = None
        for sym, (lo, hi) in ctx.ranges.items():
            if lo == 1 and hi == size and sym not in used and sym not in ctx.parameters:
                choice = sym
                break
        if choice is None:
            if declare is None:
                raise DerivError(f"no declared index runs over 1..{size}: declare one")
            n = 0
            while True:
                name = f"{str(size).lower()}{n or ''}"
                if name not in ctx.names():
                    break
                n += 1
            choice = Symbol(name, integer=True)
            declare(name, choice, size)
        used.add(choice)
        out.append(choice)
    return tuple(out)


def lower(value, ctx, declare=None):
    """A scalar as it is; a matrix or vector as its entry at its entry indices."""
    if isinstance(value, MatrixValue):
        return value.at(*entry_indices(ctx, value.shape, declare))
    return value

"""Matrix expressions (X @ W + b, A.T, elementwise f) lowered to index notation, shapes checked."""
from dataclasses import dataclass

from sympy import Integer, KroneckerDelta, Sum, Symbol, exp, sqrt

from .errors import DerivError


@dataclass
class MatrixValue:
    """A matrix (shape (R, C)), a column vector (shape (C,)) or a row vector (shape (1, C)), given by
    its entry at symbolic indices. Vectors are columns, as in the books: x.T is a row."""

    shape: tuple  # sizes, as SymPy symbols (or integers)
    entry: object  # entry(*indices) -> scalar SymPy expression

    def at(self, *indices):
        return self.entry(*indices)


def normal(value):
    """The one form of a value: (R, 1) is the column vector (R,), (1, 1) and () are scalars."""
    if not isinstance(value, MatrixValue):
        return value
    shape = value.shape
    if len(shape) == 2 and shape[1] == 1:
        if shape[0] == 1:
            return value.at(Integer(1), Integer(1))
        return MatrixValue((shape[0],), lambda r, v=value: v.at(r, Integer(1)))
    return value


def is_row(shape):
    return len(shape) == 2 and shape[0] == 1


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
    """a + b; a scalar is added to every entry, and a length-C vector or a (1, C) row is broadcast
    as a row over an (R, C) matrix (a bias over the batch, as numpy does)."""
    if not isinstance(a, MatrixValue):
        return MatrixValue(b.shape, lambda *ix: a + b.at(*ix))
    if not isinstance(b, MatrixValue):
        return MatrixValue(a.shape, lambda *ix: a.at(*ix) + b)
    if a.shape == b.shape:
        return MatrixValue(a.shape, lambda *ix: a.at(*ix) + b.at(*ix))
    row = _as_row(b, a.shape)
    if row is not None:
        return MatrixValue(a.shape, lambda r, c: a.at(r, c) + row(c))
    row = _as_row(a, b.shape)
    if row is not None:
        return MatrixValue(b.shape, lambda r, c: row(c) + b.at(r, c))
    raise _err(f"shapes {show(a.shape)} and {show(b.shape)} cannot be added", col)


def _as_row(v, shape):
    """v's entry by column when v broadcasts as a row over a matrix of this shape, else None."""
    if len(shape) != 2 or is_row(shape):
        return None
    if len(v.shape) == 1 and v.shape[0] == shape[1]:
        return v.at
    if is_row(v.shape) and v.shape[1] == shape[1]:
        return lambda c: v.at(Integer(1), c)
    return None


def hadamard(a, b, col=None):
    """The element-wise product of two values of one shape."""
    if a.shape != b.shape:
        raise _err(f"element-wise product of shapes {show(a.shape)} and {show(b.shape)}", col)
    return MatrixValue(a.shape, lambda *ix: a.at(*ix) * b.at(*ix))


def _count(n, word):
    return f"1 {word}" if n == 1 else f"{n} {word}s"


def _two(shape):
    """A shape as (rows, columns): a column vector (C,) is (C, 1)."""
    return shape if len(shape) == 2 else (shape[0], Integer(1))


def matmul(a, b, low, col=None):
    """(R, K) @ (K, C): entry (r, c) = Σ_k a[r, k] b[k, c]; vectors are columns, so X @ w is a
    vector, w.T @ x a scalar and x @ y.T an outer product (the result in its normal form)."""
    if not (isinstance(a, MatrixValue) and isinstance(b, MatrixValue)):
        shapes = [show(v.shape) if isinstance(v, MatrixValue) else "a scalar" for v in (a, b)]
        raise _err(f"@ multiplies matrices and vectors, not {shapes[0]} and {shapes[1]} (use * for a scalar)", col)
    (rows, inner), (inner_b, cols) = _two(a.shape), _two(b.shape)
    if inner != inner_b:
        hint = ""
        if len(a.shape) == 1 and len(b.shape) == 1:
            hint = " (vectors are columns: x.T @ y is the inner product, x @ y.T the outer one)"
        elif len(a.shape) == 1:
            hint = " (a vector is a column: write x.T @ A for the row vector times A)"
        raise _err(f"shapes {show(a.shape)} and {show(b.shape)} cannot be multiplied: "
                   f"{_count(inner, 'column')} against {_count(inner_b, 'row')}{hint}", col)
    left = a.entry if len(a.shape) == 2 else (lambda r, k: a.at(r))
    right = b.entry if len(b.shape) == 2 else (lambda k, c: b.at(k))
    if inner == 1:  # an outer product: no sum
        return normal(MatrixValue((rows, cols), lambda r, c: left(r, Integer(1)) * right(Integer(1), c)))

    def entry(r, c):
        k = low.bound(inner)
        return low.sum(left(r, k) * right(k, c), k, inner)

    return normal(MatrixValue((rows, cols), entry))


def transpose(m, col=None):
    if len(m.shape) == 1:  # a column vector's transpose is a row
        return MatrixValue((Integer(1), m.shape[0]), lambda r, c: m.at(c))
    return normal(MatrixValue((m.shape[1], m.shape[0]), lambda r, c: m.at(c, r)))


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


def trace(m, low, col=None):
    """Σ_k A[k, k] of a square matrix."""
    if len(m.shape) != 2 or m.shape[0] != m.shape[1]:
        raise _err(f"trace takes a square matrix, not shape {show(m.shape)}", col)
    k = low.bound(m.shape[0])
    return low.sum(m.at(k, k), k, m.shape[0])


def eye(size):
    """The (size, size) identity: entry δ(r, c)."""
    return MatrixValue((size, size), lambda r, c: KroneckerDelta(r, c))


def ones(size):
    """The column vector of ones."""
    return MatrixValue((size,), lambda r: Integer(1))


def diag(m, col=None):
    """diag(v): the square matrix with v on its diagonal; diag(A): A's diagonal as a vector."""
    if len(m.shape) == 1:
        return MatrixValue((m.shape[0], m.shape[0]), lambda r, c: KroneckerDelta(r, c) * m.at(r))
    if len(m.shape) == 2 and m.shape[0] == m.shape[1] and not is_row(m.shape):
        return MatrixValue((m.shape[0],), lambda r: m.at(r, r))
    raise _err(f"diag takes a vector or a square matrix, not shape {show(m.shape)}", col)


def norm(m, low):
    """The 2-norm of a vector, the Frobenius norm of a matrix: sqrt of the sum of squared entries."""
    ks = [low.bound(size) for size in m.shape]
    out = m.at(*ks) ** 2
    for k, size in reversed(list(zip(ks, m.shape))):
        out = low.sum(out, k, size)
    return sqrt(out)




def entry_indices(ctx, shape, declare=None):
    """The free indices a value of this shape stands at: the first declared indices of each size
    (the next one when a size repeats). A size that has none gets a new index through declare(name,
    symbol, size), the elaborator's writer; without one that is an error (nothing else writes ctx).
    An axis of size 1 has the one entry 1, not an index."""
    used, out = set(), []
    for size in shape:
        if size == 1:
            out.append(Integer(1))
            continue
        choice = None
        for sym, (lo, hi) in ctx.ranges.items():
            if lo == 1 and hi == size and sym not in used and sym not in ctx.parameters:
                choice = sym
                break
        if choice is None:
            if declare is None:
                raise DerivError(f"no declared index runs over 1..{size}: declare one")
            stem = str(size).lower() if not size.is_Integer else f"r{size}"
            n = 0
            while True:
                name = f"{stem}{n or ''}"
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

"""inv(X), det(X) and symmetric matrices (`sym N`): SymPy nodes the rules and the numeric checks know."""
import sympy
from sympy import Indexed, IndexedBase, Integer, default_sort_key


def _ordered(r, c):
    """The two indices of a symmetric entry in one order (A[i, j] and A[j, i] are one node)."""
    r, c = (Integer(a) if isinstance(a, int) else a for a in (r, c))
    return (c, r) if default_sort_key(c) < default_sort_key(r) else (r, c)


class SymIndexed(Indexed):
    """An entry of a symmetric matrix: its two indices are kept in one order whenever the node is
    built (a substitution or a renaming of bound indices rebuilds it), so A[k, m] is A[m, k]."""

    def __new__(cls, base, *args, **kwargs):
        if len(args) == 2:
            args = _ordered(*args)
        return Indexed.__new__(cls, base, *args, **kwargs)


class SymBase(IndexedBase):
    """The IndexedBase of a matrix declared `sym N`: its entries are SymIndexed."""

    def __getitem__(self, indices, **kwargs):
        if not isinstance(indices, tuple):
            indices = (indices,)
        return SymIndexed(self, *indices, **kwargs)


def is_symmetric(base):
    return isinstance(base, SymBase)


class InvEntry(sympy.Function):
    """InvEntry(X, r, c): the entry (r, c) of X⁻¹, X the IndexedBase of a declared square matrix."""

    nargs = 3
    is_real = True
    is_commutative = True

    @classmethod
    def eval(cls, x, r, c):
        """The inverse of a symmetric matrix is symmetric: its entries are ordered as the matrix's."""
        if is_symmetric(x) and _ordered(r, c) != (r, c):
            return cls(x, *_ordered(r, c))
        return None

    def _latex(self, printer):
        x, r, c = self.args
        return r"\left(%s^{-1}\right)_{%s %s}" % (printer._print(x), printer._print(r), printer._print(c))

    def _sympystr(self, printer):
        x, r, c = self.args
        return "inv(%s)[%s, %s]" % (printer._print(x), printer._print(r), printer._print(c))


class DetOf(sympy.Function):
    """DetOf(X): the determinant of the declared square matrix X (its IndexedBase)."""

    nargs = 1
    is_real = True
    is_commutative = True

    def _latex(self, printer):
        return r"\det %s" % printer._print(self.args[0])

    def _sympystr(self, printer):
        return "det(%s)" % printer._print(self.args[0])


def invertible(base, ctx, exprs):
    """How X (an IndexedBase) is known invertible: "posdef" (declared positive-definite), "written"
    (X⁻¹ or det X⁻¹ stands in exprs, so they are stated only where X⁻¹ exists), else None."""
    arr = ctx.array_of(base)
    if arr is not None and arr.kind in ("posdef", "sympd"):
        return "posdef"
    for e in exprs:
        if isinstance(e, sympy.Basic) and any(node.args[0] == base for node in e.atoms(InvEntry)):
            return "written"
    return None


def solve(rows):
    """(inverse, determinant) of a square matrix given as a list of rows, by Gauss-Jordan
    elimination with partial pivoting; entries may be dual numbers (only + - * / are used).
    The inverse is None when a pivot is zero (a singular matrix)."""
    from .evidence.values import real

    n = len(rows)
    a = [list(row) + [1 if i == j else 0 for j in range(n)] for i, row in enumerate(rows)]
    det = 1
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(real(a[r][col])))
        if real(a[pivot][col]) == 0:
            return None, 0
        if pivot != col:
            a[col], a[pivot] = a[pivot], a[col]
            det = -det
        p = a[col][col]
        det = det * p
        a[col] = [v / p for v in a[col]]
        for r in range(n):
            f = a[r][col]
            if r != col and not (isinstance(f, (int, float)) and f == 0):
                a[r] = [v - f * w for v, w in zip(a[r], a[col])]
    return [row[n:] for row in a], det

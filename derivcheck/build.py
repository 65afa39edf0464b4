"""Turn a parsed AST into a SymPy expression, resolving names against the symbol table."""
import sympy
from sympy import Indexed, KroneckerDelta, Rational, Sum, Symbol

from . import matrices as mx
from . import vocabulary
from .calculus import D
from .errors import DerivError
from .guards import check_index_constant, check_product, check_sum, coefficient_digits, refuse_big, sample, softmax_nesting
from .linalg import DetOf, InvEntry
from .matrices import MatrixValue
from .parse import parse
from .symbols import MATRIX_KINDS, MAX_INDEX_CONSTANT, SYMMETRIC_KINDS
from .targets import definition_target, function_target, new_target  # noqa: F401 - their old home

MAX_NUMBER_DIGITS = 40
MAX_SUM_TERMS = MAX_INDEX_CONSTANT  # a Sum over explicit bounds wider than this is refused
MAX_NUMERIC_EXPONENT = 1000
MAX_SOFTMAX_NESTING = 4  # each softmax doubles the lowered entry

MATRIX_FUNCTIONS, SIZE_FUNCTIONS, SQUARE_FUNCTIONS = vocabulary.MATRIX, vocabulary.SIZE, vocabulary.SQUARE


def _err(message, node):
    return DerivError(message, column=node.col)


class Builder:
    """Builds expressions for one Context (declared symbols and defined names)."""

    def __init__(self, ctx, memo=None):
        self.ctx = ctx
        self.low = mx.Lowering(ctx)
        self.memo, self._keys = memo, {}  # memo: a BuildMemo valid for ctx as it stands, or None

    def build(self, node):
        memo = self.memo
        if memo is None:
            return getattr(self, "_" + node.kind)(node)
        key = memo.key(node, self._keys)
        value = memo.values.get(key)
        if value is None:
            count = self.low.count
            value = getattr(self, "_" + node.kind)(node)
            if count == self.low.count and not isinstance(value, MatrixValue):  # no bound index handed out
                memo.values[key] = value
        return value

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
        if name in ctx.losses:
            return ctx.losses[name][0]
        if name in ctx.definitions:
            d = ctx.definitions[name]
            if name in ctx.shapes:
                return MatrixValue(ctx.shapes[name], lambda *ix: d.target[ix])
            if d.params:
                raise _err(f"{name} is defined with indices: write {name}[...]", node)
            return d.target
        if name in ctx.arrays:
            arr = ctx.arrays[name]
            if arr.kind == "labels" or any(lo != 1 for lo, _ in arr.axes):
                raise _err(f"{name} is a {arr.kind}: write an entry such as {name}[i]"
                           + (" or onehot(y)" if arr.kind == "labels" else ""), node)
            return mx.normal(MatrixValue(tuple(hi for _, hi in arr.axes), lambda *ix: arr.base[ix]))
        if name in vocabulary.CONSTANTS:
            return vocabulary.CONSTANTS[name]
        if name in vocabulary.BY_NAME or name in vocabulary.OTHER:
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

    def _scalar(self, node, what="this"):
        value = self.build(node)
        if isinstance(value, MatrixValue):
            raise _err(f"{what} must be a scalar, not a value of shape {mx.show(value.shape)}", node)
        return value

    def _integer(self, node, what):
        value = self._scalar(node, what)
        if value.is_integer is not True:
            raise _err(f"{what} must be an integer expression (an index, a size or a label entry)", node)
        check_index_constant(value, node)
        return value

    # -- operators (matrices lowered by derivcheck.matrices) ---------------
    def _add(self, node):
        total = 0
        values = [self.build(term) for term in node.args]
        check_sum(values, node, self.low)
        for term, value in zip(node.args, values):
            if isinstance(total, MatrixValue) or isinstance(value, MatrixValue):
                total = mx.add(total, value, term.col)
            else:
                total = total + value
        return total

    def _mul(self, node):
        scalar, matrix = sympy.Integer(1), None
        values = [self.build(factor) for factor in node.args]
        check_product(values, node, self.low)
        for factor, value in zip(node.args, values):
            if isinstance(value, MatrixValue) and matrix is not None and node.value == "product":
                matrix = mx.matmul(matrix, value, self.low, factor.col)  # LaTeX's X W, X \cdot W
                if not isinstance(matrix, MatrixValue):  # w^T w: a scalar
                    scalar, matrix = scalar * matrix, None
            elif isinstance(value, MatrixValue):
                matrix = value if matrix is None else mx.hadamard(matrix, value, factor.col)
            else:
                scalar = scalar * value
        return scalar if matrix is None else mx.scale(scalar, matrix)

    def _matmul(self, node):
        a, b = (self.build(x) for x in node.args)
        check_product([a, b], node, self.low)
        return mx.matmul(a, b, self.low, node.col)

    def _transpose(self, node):
        value = self.build(node.args[0])
        if not isinstance(value, MatrixValue):
            raise _err(".T transposes a matrix, not a scalar", node)
        return mx.transpose(value, node.col)

    def _neg(self, node):
        value = self.build(node.args[0])
        return mx.scale(-1, value) if isinstance(value, MatrixValue) else -value

    def _recip(self, node):
        value = self.build(node.args[0])
        if isinstance(value, MatrixValue):
            return mx.elementwise(lambda u: 1 / u, value)
        if value == 0:
            raise _err("division by zero", node)
        return 1 / value

    def _pow(self, node):
        base = self.build(node.args[0])
        exponent = self._scalar(node.args[1], "an exponent")
        if exponent.is_Number and abs(exponent) > MAX_NUMERIC_EXPONENT:
            raise _err(f"exponent {exponent} is too large", node)
        if exponent.is_Number:
            refuse_big(coefficient_digits(sample(base, self.low)) * abs(float(exponent)), "this power", node)
        if isinstance(base, MatrixValue):
            return mx.elementwise(lambda u: u**exponent, base)
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
        unary = vocabulary.BY_NAME[name].build if name in vocabulary.BY_NAME else None
        if unary is not None:
            if len(args) != 1:
                raise _err(f"{name} takes one argument", node)
            value = self.build(args[0])
            return mx.elementwise(unary, value) if isinstance(value, MatrixValue) else unary(value)
        if name == "D":
            return self._derivative(node)
        if name == "Sum":
            return self._sum(node)
        if name == "max":
            if len(args) != 2:
                raise _err("max takes two arguments: max(a, b)", node)
            a, b = (self._scalar(a, "an argument of max") for a in args)
            return sympy.Max(a, b)
        if name == "delta":
            if len(args) != 2:
                raise _err("delta takes two indices: delta(i, j)", node)
            return KroneckerDelta(*(self._integer(a, "a delta argument") for a in args))
        if name in SQUARE_FUNCTIONS:
            return self._square_function(name, args, node)
        if name in SIZE_FUNCTIONS:
            if len(args) != 1:
                raise _err(f"{name} takes one size: {name}(N)", node)
            size = self._integer(args[0], f"the size of {name}")
            if not (size in self.ctx.sizes.values() or (size.is_Integer and size > 0)):
                raise _err(f"{name} takes a declared size or a positive integer", args[0])
            return mx.eye(size) if name == "eye" else mx.ones(size)
        if name in MATRIX_FUNCTIONS:
            if len(args) != 1:
                raise _err(f"{name} takes one argument", node)
            return self._matrix_function(name, args[0], node)
        if name in self.ctx.functions:
            return self._user_function(self.ctx.functions[name], node)
        if name == "loss":
            raise _err("loss(M) defines a name: write it in `define` (L: loss(Z))", node)
        raise _err(f"unknown function {name!r}", node)

    def _square_function(self, name, args, node):
        """inv(X): the matrix X⁻¹ (entries InvEntry(X, r, c)); det(X): a scalar; X a declared square matrix."""
        arr = self.ctx.arrays.get(args[0].value) if len(args) == 1 and args[0].kind == "name" else None
        if arr is None or arr.kind not in MATRIX_KINDS or arr.axes[0] != arr.axes[1] or arr.axes[0][0] != 1:
            raise _err(f"{name} takes a declared square matrix: {name}(X) with X: matrix N N", node)
        if name == "det":
            return DetOf(arr.base)
        return MatrixValue((arr.axes[0][1],) * 2, lambda r, c: InvEntry(arr.base, r, c))

    def _user_function(self, f, node):
        """sigma(u) applied: kept as sigma(...) (unfolded by `definition`), elementwise on an array."""
        if len(node.args) != len(f.params):
            raise _err(f"{f.name} takes {len(f.params)} argument(s), got {len(node.args)}", node)
        if len(f.params) == 1:
            value = self.build(node.args[0])
            return mx.elementwise(f.head, value) if isinstance(value, MatrixValue) else f.head(value)
        return f.head(*(self._scalar(a, f"an argument of {f.name}") for a in node.args))

    def _matrix_function(self, name, arg, node):
        if name == "onehot":
            arr = self.ctx.arrays.get(arg.value) if arg.kind == "name" else None
            if arr is None or arr.kind != "labels":
                raise _err("onehot takes declared labels: onehot(y)", arg)
            return mx.onehot(arr.base, arr.axes[0][1], arr.values[1])
        value = self.build(arg)
        if not isinstance(value, MatrixValue):
            raise _err(f"{name} takes a matrix", arg)
        if name == "transpose":
            return mx.transpose(value, node.col)
        if name == "sum_rows":
            return mx.sum_rows(value, self.low, node.col)
        if name == "sum_all":
            return mx.sum_all(value, self.low)
        if name == "trace":
            return mx.trace(value, self.low, node.col)
        if name == "diag":
            return mx.diag(value, node.col)
        if name == "norm":
            return mx.norm(value, self.low)
        return mx.softmax_rows(value, self.low, node.col)

    def _derivative(self, node):
        if len(node.args) != 2:
            raise _err("D takes two arguments: D(f, x)", node)
        f = self.build(node.args[0])
        x = self.build(node.args[1])
        if isinstance(f, MatrixValue) or isinstance(x, MatrixValue):
            return self._jacobian(f, x, node)
        return self._partial(f, x, node)

    def _jacobian(self, f, x, node):
        """D(F, X) of a matrix or vector F or X: entry (F's indices, X's indices) is D(F[..], X[..]);
        a scalar by a matrix has X's shape, a vector by a vector is the (m, n) Jacobian."""
        if isinstance(x, MatrixValue) and node.args[1].kind != "name":
            raise _err("D(f, X) differentiates by a declared or defined matrix or vector name", node.args[1])
        fs = f.shape if isinstance(f, MatrixValue) else ()
        xs = x.shape if isinstance(x, MatrixValue) else ()
        if mx.is_row(fs) or mx.is_row(xs):
            raise _err("D(F, x) takes column vectors and matrices, not a row", node)
        if len(fs) + len(xs) > 2:
            raise _err(f"D(F, X) of shapes {mx.show(fs)} and {mx.show(xs)} would have more than two axes", node)
        fa = f.at if fs else (lambda: f)
        xa = x.at if xs else (lambda: x)
        nf = len(fs)
        return MatrixValue(fs + xs, lambda *ix: self._partial(fa(*ix[:nf]), xa(*ix[nf:]), node))

    def _partial(self, f, x, node):
        """D(f, x) of a scalar f by a real name or an entry."""
        if isinstance(x, Indexed):
            arr = self.ctx.array_of(x.base)
            if arr is None and self.ctx.definition_for(x.base) is None:
                raise _err("D(f, x) needs x to be a real name or an entry such as z[j]", node.args[1])
            if arr is not None and arr.kind in ("labels",):
                raise _err("cannot differentiate with respect to an integer label", node.args[1])
            if arr is not None and arr.kind in SYMMETRIC_KINDS:
                raise _err(f"cannot differentiate with respect to the symmetric matrix {x.base} (sym): its entries "
                           f"{x.base}[i, j] and {x.base}[j, i] are one variable, so D(f, {x.base}[i, j]) has no single "
                           f"meaning; declare {x.base}: matrix N N to differentiate by its entries as free variables",
                           node.args[1])
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
        if width.as_coeff_Add()[0].is_Number and abs(width.as_coeff_Add()[0]) > MAX_SUM_TERMS:
            raise _err(f"a Sum over more than {MAX_SUM_TERMS} terms", spec)
        return Sum(self._scalar(args[0], "a Sum's summand"), (k, lo, hi))

    def _bound_index(self, node):
        if node.kind == "name" and node.value not in self.ctx.names():
            raise _err(f"undeclared name {node.value!r} (a Sum runs over a declared index)", node)
        if node.kind != "name" or node.value not in self.ctx.indices:
            raise _err("a Sum runs over a declared index", node)
        return self.ctx.indices[node.value]


def _parse(ctx, text, allow, tex):
    if tex:
        from .latex_in import parse_tex

        return parse_tex(text, ctx, allow)
    return parse(text, allow)


def value(ctx, text, allow=(), tex=False, declare=None, memo=None):
    """(built value, shape): a relation (op, lhs, rhs) or an expression; matrices lowered to
    their entries at the entry indices of their shape (new ones through declare); shape () for a scalar.
    memo: a BuildMemo for ctx as it stands (the caller takes a new one after writing ctx), or None."""
    node = _parse(ctx, text, allow, tex) if memo is None else memo.parse(ctx, text, allow, tex, _parse)
    if (tex or "softmax" in text) and softmax_nesting(node) > MAX_SOFTMAX_NESTING:  # ASCII calls are names in text
        raise _err(f"softmax nested more than {MAX_SOFTMAX_NESTING} deep", node)
    builder = Builder(ctx, memo)
    if node.kind in ("eq", "ne"):
        lhs, rhs = builder.build(node.args[0]), builder.build(node.args[1])
        for side in (lhs, rhs):
            if getattr(side, "is_integer", None) is True:
                check_index_constant(side, node)
        shapes = [v.shape if isinstance(v, MatrixValue) else () for v in (lhs, rhs)]
        if shapes[0] != shapes[1]:
            raise _err(f"the two sides have shapes {mx.show(shapes[0])} and {mx.show(shapes[1])}", node)
        return (node.kind, mx.lower(lhs, ctx, declare), mx.lower(rhs, ctx, declare)), shapes[0]
    built = builder.build(node)
    return mx.lower(built, ctx, declare), (built.shape if isinstance(built, MatrixValue) else ())


def expression(ctx, text, allow=(), tex=False):
    """Parse (ASCII, or LaTeX when tex) and build text; relations in allow come back as (op, lhs, rhs)."""
    return value(ctx, text, allow, tex)[0]

"""Load-time size guards: numbers, sums and products whose exact value would be huge are refused."""
import math

import sympy

from .errors import DerivError
from .matrices import MatrixValue
from .symbols import MAX_INDEX_CONSTANT

MAX_RESULT_DIGITS = 1000  # digits of a number an expression computes to (refused before it is computed)


def _err(message, node):
    return DerivError(message, column=node.col)


# -- numbers a file may make SymPy compute (exactly) at load ---------------------------------
def digits(r):
    """log10 of numerator and denominator together: the size of the exact number r."""
    return (math.log10(abs(r.p)) if r.p else 0.0) + math.log10(r.q)


def multiplied(v):
    """The digits of the numbers SymPy multiplies together when v is a factor of a product
    (a 2-term sum's numbers get the other factors' coefficient: 2*(x + 1) is 2*x + 2)."""
    if isinstance(v, sympy.Add):
        return max((coefficient_digits(t) for t in v.args), default=0.0)
    return coefficient_digits(v)


def coefficient_digits(v):
    if isinstance(v, sympy.Rational):
        return digits(v)
    if isinstance(v, sympy.Mul):
        return sum(coefficient_digits(a) for a in v.args)
    if isinstance(v, sympy.Pow) and v.args[1].is_Number:
        return coefficient_digits(v.args[0]) * abs(float(v.args[1]))
    return 0.0


def sample(v, low):
    """A scalar standing for v: a matrix's entry at fresh indices (the names of bound indices
    the lowering hands out are not used up by this look)."""
    if isinstance(v, MatrixValue):
        count = low.count
        try:
            return v.at(*(sympy.Symbol(f"_guard{n}", integer=True) for n in range(len(v.shape))))
        finally:
            low.count = count
    return sympy.Integer(v) if isinstance(v, int) else v


def refuse_big(digits, what, node):
    if digits > MAX_RESULT_DIGITS:
        raise _err(f"{what} would compute a number of about {int(digits)} digits "
                   f"(more than {MAX_RESULT_DIGITS})", node)


def check_product(values, node, low):
    refuse_big(sum(multiplied(sample(v, low)) for v in values), "this product", node)


def check_sum(values, node, low):
    """Like terms add their coefficients (1/3 + 1/7 = 10/21): their digits add up."""
    groups = {}
    for v in values:
        v = sample(v, low)
        for term in sympy.Add.make_args(v):
            coeff, rest = term.as_coeff_Mul()
            groups[rest] = groups.get(rest, 0.0) + (digits(coeff) if isinstance(coeff, sympy.Rational) else 0.0)
    refuse_big(max(groups.values(), default=0.0), "this sum", node)


def check_index_constant(value, node):
    """An index, a bound or a compared integer may not be offset by a huge constant (the numeric
    checks enumerate index values and sizes up to every constant a derivation mentions)."""
    const = value.as_coeff_Add()[0] if isinstance(value, sympy.Expr) else value
    if const.is_Number and abs(const) > MAX_INDEX_CONSTANT:
        raise _err(f"the constant {const} in an index or bound is too large (more than {MAX_INDEX_CONSTANT})", node)


def softmax_nesting(node):
    inner = max((softmax_nesting(a) for a in node.args), default=0)
    return inner + (node.kind == "call" and node.value == "softmax")

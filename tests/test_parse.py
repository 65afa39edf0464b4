"""The whitelist parser: what it accepts, what it refuses (with a column), and fuzzing."""
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derivcheck.build import expression
from derivcheck.calculus import D
from derivcheck.errors import DerivError
from derivcheck.parse import MAX_DEPTH, parse
from derivcheck.symbols import Context, declare


def ctx():
    c = Context()
    for names, kind in {"N": "size", "i j k": "index N", "z": "vector N", "x": "real", "W": "matrix N N"}.items():
        declare(c, names, kind, 1)
    return c


CTX = ctx()
i, j, k = (CTX.indices[n] for n in "ijk")
N = CTX.sizes["N"]
z = CTX.arrays["z"].base
x = CTX.scalars["x"][0]


@pytest.mark.parametrize("text,expected", [
    ("0.5 * x", sympy.Rational(1, 2) * x),
    ("x^2", x**2),
    ("x**-1", 1 / x),
    ("-x**2", -(x**2)),
    ("2**3**2", sympy.Integer(2**9)),
    ("a", None),
])
def test_arithmetic(text, expected):
    if expected is None:
        with pytest.raises(DerivError, match="undeclared name 'a'"):
            expression(CTX, text)
    else:
        assert expression(CTX, text) == expected


def test_calculus_forms():
    assert expression(CTX, "D(exp(z[i]), z[j])") == D(sympy.exp(z[i]), z[j])
    assert expression(CTX, "Sum(z[k], k)") == sympy.Sum(z[k], (k, 1, N))
    assert expression(CTX, "Sum(z[k], (k, 2, N))") == sympy.Sum(z[k], (k, 2, N))
    assert expression(CTX, "delta(i, j)") == sympy.KroneckerDelta(i, j)
    assert expression(CTX, "W[i, j]") == CTX.arrays["W"].base[i, j]


@pytest.mark.parametrize("text,message,column", [
    ("x + ", "unexpected end of expression", 5),
    ("x $ 2", "unexpected character '$'", 3),
    ("z @ W", "shapes (N,) and (N, N) cannot be multiplied: 1 column against N rows (a vector is a column", 3),
    ("z @ z", "(vectors are columns: x.T @ y is the inner product", 3),
    ("W @ W.T @ z[i]", "@ multiplies matrices and vectors, not (N, N) and a scalar", 9),
    ("z[i, j]", "takes 1 index", 1),
    ("D(x)", "D takes two arguments", 1),
    ("D(x, 2)", "needs x to be a real name", 6),
    ("Sum(z[k], x)", "a Sum runs over a declared index", 11),
    ("foo(x)", "unknown function 'foo'", 1),
    ("x == 1", "'==' is not allowed here", 3),
    ("z[x]", "must be an integer expression", 3),
    ("10**10**10", "too large", 3),
    ("1 / 0", "division by zero", 3),
    ("(x, x)", "tuple", 1),
    ("__import__('os').system('true')", "unexpected character '_'", 1),
])
def test_errors_name_the_column(text, message, column):
    with pytest.raises(DerivError) as info:
        expression(CTX, text)
    assert message in info.value.message
    assert info.value.column == column


def test_deep_nesting_is_a_clean_error():
    with pytest.raises(DerivError, match="nested more than"):
        parse("(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5))
    with pytest.raises(DerivError, match="nested more than"):
        parse("-" * (MAX_DEPTH + 5) + "x")


def test_long_flat_sums_are_fine():
    e = expression(CTX, " + ".join(["x"] * 2000))
    assert e == 2000 * x


ALPHABET = st.sampled_from(list("xzijkN()[]+-*/^,.0123456789 _=!\"'") + ["exp", "D", "Sum", "delta", "**", "log", "\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_fuzz_parser_gives_an_expression_or_a_clean_error(text):
    try:
        expression(CTX, text, ("eq", "ne"))
    except DerivError as exc:
        assert exc.message
        assert exc.column is None or 1 <= exc.column <= len(text) + 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_parser_with_any_text(text):
    try:
        expression(CTX, text)
    except DerivError:
        pass

"""canonical_bound: memoised, renaming in one pass, and never freeing a bound index."""
from sympy import IndexedBase, Integer, Sum, Symbol, symbols

from derivcheck import bound, canon
from derivcheck.canon import canonical_bound, equal

j, k, n, N = symbols("j k n N", integer=True)
x = IndexedBase("x")


def free(expr):
    return {s for s in expr.free_symbols if isinstance(s, Symbol)}


def test_dependent_limits_keep_their_indices_bound():
    expr = Sum(x[j] * k, (j, 1, k), (k, 1, N))
    out = canonical_bound(expr)
    assert free(out) == free(expr)
    assert canonical_bound(Sum(x[n] * j, (n, 1, j), (j, 1, N))) == out


def test_orders_of_independent_limits_meet():
    a = Sum(x[j] * x[k] ** 2, (j, 1, N), (k, 1, N))
    b = Sum(x[n] * x[j] ** 2, (j, 1, N), (n, 1, N))
    assert canonical_bound(a) == canonical_bound(b)
    assert free(canonical_bound(a)) == free(a)


def test_swapped_names_are_renamed_simultaneously():
    b0, b1 = bound._bound_name(0), bound._bound_name(1)
    expr = Sum(x[b0] * x[b1] ** 2, (b1, 1, N), (b0, 1, 3))
    out = canonical_bound(expr)
    assert free(out) == free(expr)
    assert equal(out, expr)


def test_memo_returns_the_same_form():
    bound._bound_memo.clear()
    expr = Sum(Sum(x[j] * x[k], (j, 1, N)), (k, 1, N))
    first = canonical_bound(expr)
    assert expr in bound._bound_memo
    assert canonical_bound(expr) is first
    bound._bound_memo.clear()
    assert canonical_bound(expr) == first


def test_normal_memo_sees_declarations_added_later():
    """normal depends on the declared ranges: a range declared after a first call is used."""
    from derivcheck.symbols import Context, declare

    ctx = Context()
    declare(ctx, "N", "size", None)
    size = ctx.sizes["N"]
    i = Symbol("i", integer=True)
    expr = Sum(Integer(1), (k, i, size))  # i..N counts N - i + 1 only when i <= N + 1 is known
    before = canon.normal(expr, ctx)
    assert canon.normal(expr, ctx) is before
    declare(ctx, "i", "index N", None)
    i = ctx.indices["i"]
    after = canon.normal(Sum(Integer(1), (k, i, size)), ctx)
    assert not after.has(Sum)
    assert before.has(Sum)

"""canonical_bound keeps a Sum's value when a name is bound twice or a limit's end names a fresh index."""
import pytest
from sympy import IndexedBase, Integer, Rational, Sum, Symbol

from derivcheck.canon import canonical_bound

N = Symbol("N", integer=True, positive=True)
i, j, k = (Symbol(n, integer=True) for n in "ijk")
z = IndexedBase("z")
FREE_B0 = Symbol("_b0", integer=True)  # a free symbol spelled like a renamed index
VALUES = {z[n]: Rational(n * n + 3, n + 1) for n in range(1, 8)}


def value(expr, env=None):
    """expr's value by loops, each bound name shadowing the free one of its spelling."""
    env = {N: 5, FREE_B0: 3} if env is None else env
    if isinstance(expr, Sum):
        def loop(limits, env):
            if not limits:
                return value(expr.function, env)
            name, lo, hi = limits[-1]  # the outermost limit
            return sum(loop(limits[:-1], {**env, name: n}) for n in range(value(lo, env), value(hi, env) + 1))
        return loop(list(expr.limits), env)
    if expr in env:
        return env[expr]
    if expr.is_Indexed:
        return VALUES[z[value(expr.indices[0], env)]]
    if not expr.args:
        return expr
    return expr.func(*(value(a, env) for a in expr.args))


@pytest.mark.parametrize("expr", [
    Sum(Sum(z[k], (k, 1, 2)), (k, 1, N)),  # SymPy merges it: one Sum binding k twice; z[k] is the inner k
    Sum(z[k] * k, (k, 1, 2), (k, 1, N)),
    Sum(z[i], (i, 1, FREE_B0), (j, 1, 2)),  # i's end names _b0, the name j would be given
    Sum(z[i] * j, (i, 1, j), (j, 1, FREE_B0)),
    Sum(z[i], (i, 1, j + FREE_B0 - 2), (j, 1, 2)),  # dependent limits: one order only
    Sum(z[k], (FREE_B0, 1, 2), (k, 1, FREE_B0), (j, 1, N)),  # k's end reads the free _b0, bound only inside k
])
def test_renaming_keeps_the_value(expr):
    assert value(canonical_bound(expr)) == value(expr)

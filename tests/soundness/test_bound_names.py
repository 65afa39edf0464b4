"""Bound-name attacks on canon: canonical_bound keeps a value, equal alpha_keys mean equal values (by loops).

Random nested (and SymPy-merged) Sums over i, j, k with shadowing, ranges reading other indices and δ;
each expression is evaluated by explicit loops (a limit's ends read outside it), never by SymPy.
"""
import random

import pytest
from sympy import Add, IndexedBase, Integer, KroneckerDelta, Mul, Pow, Sum, Symbol

from derivcheck.canon import alpha_key, canonical_bound

N = Symbol("N", integer=True, positive=True)
NAMES = [Symbol(n, integer=True) for n in "ijk"]
z, w = IndexedBase("z"), IndexedBase("w")
FREE_B0 = Symbol("_b0", integer=True)  # spelled like a renamed index, as in a normal form


def generate(rng, depth):
    r = rng.random()
    if depth <= 0 or r < 0.25:
        c = rng.random()
        if c < 0.4:
            return z[rng.choice(NAMES)]
        if c < 0.6:
            return w[rng.choice(NAMES), rng.choice(NAMES)]
        if c < 0.75:
            return KroneckerDelta(rng.choice(NAMES), rng.choice(NAMES))
        if c < 0.85:
            return rng.choice(NAMES)
        return Integer(rng.randint(1, 3))
    if r < 0.45:
        return generate(rng, depth - 1) + generate(rng, depth - 1)
    if r < 0.6:
        return generate(rng, depth - 1) * generate(rng, depth - 1)
    limits = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        lo = rng.choice([Integer(1), Integer(1), rng.choice(NAMES)])
        hi = rng.choice([N, N, rng.choice(NAMES), rng.choice(NAMES) + 1])
        limits.append((rng.choice(NAMES), lo, hi))
    return Sum(generate(rng, depth - 1), *limits)  # SymPy merges a Sum of a Sum into one multi-limit Sum


class Values:
    """Random integer entries, drawn on first read (the same entry always has one value)."""

    def __init__(self, rng):
        self.rng, self.table = rng, {}

    def __call__(self, expr, env):  # noqa: C901 - one branch per node kind
        if expr.is_Integer:
            return int(expr)
        if isinstance(expr, Symbol):
            return env[expr]
        if expr.is_Indexed:
            key = (expr.base.name,) + tuple(self(i, env) for i in expr.indices)
            return self.table.setdefault(key, self.rng.randint(-5, 5))
        if isinstance(expr, KroneckerDelta):
            return int(self(expr.args[0], env) == self(expr.args[1], env))
        if isinstance(expr, Add):
            return sum(self(a, env) for a in expr.args)
        if isinstance(expr, Mul):
            out = 1
            for a in expr.args:
                out *= self(a, env)
            return out
        if isinstance(expr, Pow) and expr.args[1].is_Integer and expr.args[1] >= 0:
            return self(expr.args[0], env) ** int(expr.args[1])
        if isinstance(expr, Sum):
            def loop(limits, env):
                if not limits:
                    return self(expr.function, env)
                name, lo, hi = limits[-1]  # the outermost limit; its ends are read outside it
                return sum(loop(limits[:-1], {**env, name: v}) for v in range(self(lo, env), self(hi, env) + 1))
            return loop(list(expr.limits), env)
        raise TypeError(type(expr).__name__)


def points(rng, count=3):
    for _ in range(count):
        env = {s: rng.randint(1, 3) for s in NAMES}
        env[N], env[FREE_B0] = rng.randint(1, 3), rng.randint(1, 3)
        yield env


def expressions(seed, count):
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        e = generate(rng, 4)
        if e.has(Sum):
            out.append(e)
    return rng, out


@pytest.mark.parametrize("seed", range(4))
def test_canonical_bound_keeps_the_value(seed):
    rng, exprs = expressions(seed, 40)
    value = Values(rng)
    for e in exprs:
        c = canonical_bound(e)
        for env in points(rng):
            assert value(c, env) == value(e, env), (e, c, env)


def _mutants(rng, e):
    """e with one Sum's names renamed carelessly (capture, shadowing) or its limits reordered."""
    sums = sorted(e.atoms(Sum), key=str)
    for _ in range(8):
        s = rng.choice(sums)
        if rng.random() < 0.6:
            a, b = rng.sample(NAMES, 2)
            yield e.xreplace({s: s.xreplace({a: b})})
        else:
            limits = list(s.limits)
            rng.shuffle(limits)
            yield e.xreplace({s: Sum(s.function, *limits)})


@pytest.mark.parametrize("seed", range(4))
def test_equal_alpha_keys_mean_equal_values(seed):
    rng, exprs = expressions(100 + seed, 40)
    value = Values(rng)
    met = 0
    for e in exprs:
        key = alpha_key(e)
        for m in _mutants(rng, e):
            if m == e or key is None or alpha_key(m) != key:
                continue
            met += 1
            for env in points(rng):
                assert value(m, env) == value(e, env), (e, m, env)
    assert met, "no mutant met its expression's key: the test checks nothing"


def test_alpha_key_tells_shadowed_merged_sums_apart():
    k, j = NAMES[2], NAMES[1]
    inner = Sum(Sum(z[k], (k, 1, 2)), (k, 1, N))  # N (z1 + z2)
    outer = Sum(Sum(z[j], (k, 1, 2)), (j, 1, N))  # 2 Σ_j z_j
    assert alpha_key(inner) != alpha_key(outer)
    assert canonical_bound(inner) != canonical_bound(outer)


def test_free_name_in_an_end_is_not_captured():
    i, j, k = NAMES
    e = Sum(z[k], (FREE_B0, 1, 2), (k, 1, FREE_B0), (j, 1, N))  # k's range ends at the FREE _b0
    value = Values(random.Random(0))
    c = canonical_bound(e)
    for env in points(random.Random(1), 5):
        assert value(c, env) == value(e, env), (e, c, env)

"""The sample points: sizes with their edges and beyond every constant, seeded inputs per round."""
import functools
import itertools
import random

from sympy import Indexed, Integer, KroneckerDelta, Sum

from ..cases import partitions

BASE_SIZES = (1, 2, 3, 4)
SCALAR_ROUNDS = 8  # input draws for a derivation without sizes (one point each)
MAX_SIZE = 40
CANDIDATES = 700  # rows of sizes a covering compares at each step, at most
PATTERN_SIZES = 4  # sizes up to which every pattern of equal and unequal sizes is a round
MAX_ROUNDS = 12  # a constant index beyond this is not reached numerically (the link cannot be proved by samples there)


def _int_atoms(expr):
    return {abs(int(a)) for a in expr.atoms(Integer)} if hasattr(expr, "atoms") else set()


class _Constants:
    """The integers of expressions in one walk per node (SymPy's atoms() walks a tree once per type
    asked for): those in an entry's indices, a δ's arguments and a Sum's bounds. Nodes are memoised by
    identity (hashing a fresh SymPy tree costs more than the walk); the walker lives only while the
    expressions it walks are held by the caller."""

    def __init__(self):
        self._ints, self._used = {}, {}

    def ints(self, expr):
        """{|n|} for every Integer node of expr (expr included): _int_atoms."""
        found = self._ints.get(id(expr))
        if found is None:
            if isinstance(expr, Integer):
                found = frozenset((abs(int(expr)),))
            else:
                found = frozenset().union(*(self.ints(a) for a in expr.args)) if expr.args else frozenset()
            self._ints[id(expr)] = found
        return found

    def used(self, expr):
        """The integers of the indices of every Indexed, the two arguments of every KroneckerDelta and
        the bounds of every Sum in expr (nested ones included, as atoms() finds them)."""
        found = self._used.get(id(expr))
        if found is None:
            out = set()
            if isinstance(expr, Indexed):
                for i in expr.indices:
                    out |= self.ints(i)
            elif isinstance(expr, KroneckerDelta):
                for a in expr.args[:2]:
                    out |= self.ints(a)
            elif isinstance(expr, Sum):
                for _, lo, hi in expr.limits:
                    out |= self.ints(lo) | self.ints(hi)
            for a in expr.args:
                out |= self.used(a)
            found = self._used[id(expr)] = frozenset(out)
        return found


def constants(exprs, conditions, ctx):
    """The integers the derivation uses as indices, bounds, case constants or range ends."""
    found = {0}
    walk = _Constants()
    for expr in exprs:
        if hasattr(expr, "atoms"):
            found |= walk.used(expr)
    for _, a, b in conditions:
        found |= _int_atoms(a) | _int_atoms(b)
    for lo, hi in ctx.ranges.values():
        found |= _int_atoms(lo) | _int_atoms(hi)
    for arr in ctx.arrays.values():
        for lo, hi in tuple(arr.axes) + ((arr.values,) if arr.values else ()):
            found |= _int_atoms(lo) | _int_atoms(hi)
    return found


def size_values(consts):
    """1, 2, 3, 4, every constant (a size may be compared with it) and one past each (at most MAX_SIZE)."""
    consts = {c for c in consts if 0 < c < MAX_SIZE}
    values = set(BASE_SIZES) | consts | {c + 1 for c in consts}
    if len(values) > MAX_ROUNDS:  # many constants: the constants themselves and one past the largest
        values = set(BASE_SIZES) | consts
    return tuple(sorted(values | {min(max(consts | {0}) + 1, MAX_SIZE)}))


def size_rounds(ctx, values):
    """One {size: value} per round; 8 rounds without sizes. Every size takes every value; with several
    sizes, the cyclic rounds (v_r, v_r+1, ...), the all-equal ones (N == M == D) and enough more that
    every two sizes take every pair of values, each round with the full index coverage: N == M + 1 at
    any index pattern is sampled whatever the order of the declarations; with up to PATTERN_SIZES
    sizes, every pattern of equal and unequal sizes is sampled too (N == M != K). Other relations of
    three sizes at once (N == M + 1 == K + 2) are not promised."""
    syms = list(ctx.sizes.values())
    if not syms:
        return [{} for _ in range(SCALAR_ROUNDS)]
    v = len(values)
    rows = [[(r + pos) % v for pos in range(len(syms))] for r in range(v)]
    if len(syms) > 1:
        rows += [[x] * len(syms) for x in range(v)]
        rows += _patterns(len(syms), v, tuple(map(tuple, rows)))
        rows += _covering(len(syms), v, tuple(map(tuple, rows)))
    return [{s: values[x] for s, x in zip(syms, row)} for row in rows]


@functools.lru_cache(maxsize=64)
def _patterns(k, v, rows):
    """More rows such that, with rows, every pattern of equal and unequal columns (a partition of the
    k columns, into at most v blocks) occurs, when k is at most PATTERN_SIZES; each block's distinct
    value chosen so that the row takes most pairs of values no row had yet (ties to the first)."""
    if k > PATTERN_SIZES:
        return ()
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    had = {(i, j, row[i], row[j]) for row in rows for i, j in pairs}
    seen = {tuple(row.index(x) for x in row) for row in rows}  # each column -> the first column equal to it
    out = []
    for part in partitions(list(range(k))):  # every set partition of the columns
        if len(part) > v:
            continue
        options = []
        for values in itertools.permutations(range(v), len(part)):
            row = [0] * k
            for value, block in zip(values, part):
                for column in block:
                    row[column] = value
            options.append(tuple(row))
        if tuple(options[0].index(x) for x in options[0]) in seen:
            continue
        row = max(options, key=lambda r: sum((i, j, r[i], r[j]) not in had for i, j in pairs))
        seen.add(tuple(row.index(x) for x in row))
        had |= {(i, j, row[i], row[j]) for i, j in pairs}
        out.append(row)
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _covering(k, v, rows):
    """More rows of k columns over range(v) such that, with rows (a tuple of tuples), every two columns
    take every pair of values: each new row is the one covering most pairs still open (among every
    row when there are at most CANDIDATES, else built column by column), ties to the first."""
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    open_ = {(i, j, a, b) for i, j in pairs for a in range(v) for b in range(v)}
    open_ -= {(i, j, row[i], row[j]) for row in rows for i, j in pairs}
    everything = list(itertools.product(range(v), repeat=k)) if v ** k <= CANDIDATES else None
    out = []
    while open_:
        if everything is not None:
            row = max(everything, key=lambda r: sum((i, j, r[i], r[j]) in open_ for i, j in pairs))
        else:
            i, j, a, b = min(open_)
            row = [None] * k
            row[i], row[j] = a, b
            for p in range(k):
                if row[p] is None:
                    def gain(x, p=p, row=row):
                        return sum((min(p, q), max(p, q), *((x, row[q]) if p < q else (row[q], x))) in open_
                                   for q in range(k) if row[q] is not None)
                    row[p] = max(range(v), key=lambda x: (gain(x), -x))
        open_ -= {(i, j, row[i], row[j]) for i, j in pairs}
        out.append(tuple(row))
    return tuple(out)


def as_int(expr, sizes):
    return expr if isinstance(expr, int) else int(Integer(expr.xreplace(sizes)))


def keys_of(axes, sizes):
    ranges = [range(as_int(lo, sizes), as_int(hi, sizes) + 1) for lo, hi in axes]
    return list(itertools.product(*ranges)), ranges


def inputs(ctx, losses, sizes, rng):
    """(scalars: {Symbol: value}, arrays: {IndexedBase: {key tuple: value}}) of the declared kinds."""
    scalars, arrays = {}, {}
    for sym, kind in ctx.scalars.values():
        scalars[sym] = rng.uniform(0.5, 2.0) if kind == "positive" else rng.uniform(-2.0, 2.0)
    for arr in ctx.arrays.values():
        keys, _ = keys_of(arr.axes, sizes)
        if arr.kind == "labels":
            vlo, vhi = (as_int(v, sizes) for v in arr.values)
            data = {key: rng.randint(vlo, vhi) for key in keys} if vlo <= vhi else {}
        elif arr.kind == "onehot":
            hot = rng.choice(keys) if keys else None
            data = {key: 1.0 if key == hot else 0.0 for key in keys}
        elif arr.kind == "simplex":
            weights = [rng.expovariate(1.0) for _ in keys]
            data = {key: w / sum(weights) for key, w in zip(keys, weights)}
        elif arr.kind in ("posdef", "sympd"):  # M Mᵀ/n + I/2: symmetric positive-definite
            n = len({key[0] for key in keys})
            m = {key: rng.uniform(-1.0, 1.0) for key in keys}
            data = {(i, j): sum(m[(i, k)] * m[(j, k)] for k in range(1, n + 1)) / n + (0.5 if i == j else 0.0)
                    for i, j in keys}
        elif arr.kind == "sym":  # symmetric: one draw per entry of the upper triangle, mirrored
            data = {}
            for i, j in keys:
                data[(i, j)] = data[(j, i)] if (j, i) in data else rng.uniform(-2.0, 2.0)
        else:
            lo, hi = (0.5, 2.0) if arr.kind == "positive" else (-2.0, 2.0)
            data = {key: rng.uniform(lo, hi) for key in keys}
        arrays[arr.base] = data
    for _, g, q, shape in losses.values():  # the random smooth loss standing for an unspecified one
        keys, _ = keys_of([(1, s) for s in shape], sizes)
        for base, lo, hi in ((g, -1.0, 1.0), (q, 0.2, 1.0)):
            arrays[base] = {key: rng.uniform(lo, hi) for key in keys}
    return scalars, arrays


def index_tuples(ranges, limit, rng):
    """Every tuple of the ranges when there are at most limit, else the corners and a seeded sample."""
    total = 1
    for r in ranges:
        total *= len(r)
    if total <= limit:
        return list(itertools.product(*ranges))
    ends = [sorted({r[0], r[-1]}) for r in ranges]
    corners = set(itertools.islice(itertools.product(*ends), limit // 4))
    picked = {tuple(rng.choice(r) for r in ranges) for _ in range(limit - len(corners))}
    for pos, r in enumerate(ranges):  # every index at each of its ends at least once
        for v in (r[0], r[-1]):
            picked.add(tuple(v if p == pos else rng.choice(q) for p, q in enumerate(ranges)))
    return sorted(corners | picked)


def round_rng(seed, r, what=""):
    return random.Random(f"derivcheck:{what}{seed}:{r}")

"""Numeric spot checks: lambdified sides, derivatives by finite differences, seeded samples.

Functions are lambdified to Python's math module and arrays are dicts keyed by index (z[i],
W[i, k]): no numpy import on the hot path, and the same numbers on every platform.
"""
import itertools
import math
import random

from sympy import Indexed, IndexedBase, Integer, Sum, Symbol, lambdify
from sympy.printing.pycode import PythonCodePrinter

from .vocabulary import FUNCTIONS as _VOCABULARY
from .calculus import free_indices, instantiate, unfold_all

NUMERIC = {f.name: f.numeric for f in _VOCABULARY}  # the printer prints unknown functions by name
SIZE_VALUES = (3, 4, 5)
MAX_TUPLES = 400  # index tuples per size round; more are sampled
RTOL, ATOL = 1e-6, 1e-8
STEP = [1e-4]  # relative step of the finite differences; a mismatch is confirmed at a tenth of it


class _FDPrinter(PythonCodePrinter):
    """Prints D(f, x) as a central difference of f in x, with x's whole array rebound."""

    ctx = None  # set per Sampler: defined names are tabulated from their definitions

    def _print_D(self, expr):
        f, x = expr.args
        if isinstance(x, Indexed):
            name = str(x.base.label)
            idx = ", ".join(self._print(i) for i in x.indices)
            d = self.ctx.definition_for(x.base) if self.ctx is not None else None
            start = name if d is None else self._table(d)
            return f"_fd(lambda {name}: ({self._print(f)}), {start}, ({idx}))"
        return f"_fd_scalar(lambda {x.name}: ({self._print(f)}), {x.name})"

    def _table(self, d):
        """{index: value} of a defined name at the current inputs, as a dict comprehension."""
        loop = [Symbol(f"_t{n}", integer=True) for n in range(len(d.params))]
        body = unfold_all(instantiate(d, loop), self.ctx)
        key = ", ".join(v.name for v in loop)
        fors = " ".join(
            f"for {v.name} in range({self._print(self.ctx.ranges[p][0])}, {self._print(self.ctx.ranges[p][1])} + 1)"
            for v, p in zip(loop, d.params))
        return f"{{({key}): ({self._print(body)}) {fors}}}"

    def _print_Heaviside(self, expr):
        u = self._print(expr.args[0])
        return f"(1.0 if ({u}) > 0 else (0.5 if ({u}) == 0 else 0.0))"

    def _print_KroneckerDelta(self, expr):
        a, b = (self._print(x) for x in expr.args)
        return f"(1 if {a} == {b} else 0)"


def _step(x):
    return STEP[0] * max(abs(x), 1e-3)


def _stencil(f, h):
    """The 4-point central difference (error O(h^4)) of f at 0."""
    return (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h)


def _fd(fun, arr, idx):
    def moved(dx):
        new = dict(arr)
        new[idx] += dx
        return fun(new)

    return _stencil(moved, _step(arr[idx]))


def _fd_scalar(fun, x):
    return _stencil(lambda dx: fun(x + dx), _step(x))


def _value(v):
    """A float with 12 significant digits, for reports that are byte-identical run to run."""
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        return str(v)
    return float(f"{v:.12g}")


class Sampler:
    """Evaluates expressions of one Context at seeded inputs for sizes 3..5."""

    def __init__(self, ctx, seed=0):
        self.ctx = ctx
        self.seed = seed
        self.args = list(ctx.sizes.values()) + list(ctx.indices.values())
        self.args += [s for s, _ in ctx.scalars.values()]
        self.args += [Symbol(str(a.base.label)) for a in ctx.arrays.values()]
        self.losses = {sym: _test_loss(name, base, shape) for name, (sym, base, shape) in ctx.losses.items()}
        self.args += [Symbol(str(b.label)) for _, g, q, _ in self.losses.values() for b in (g, q)]
        self._cache = {}
        self.rounds = [self._round(r) for r in range(len(SIZE_VALUES))]

    # -- inputs -----------------------------------------------------------
    def _round(self, r):
        rng = random.Random(f"derivcheck:{self.seed}:{r}")
        sizes = {s: SIZE_VALUES[(r + pos) % len(SIZE_VALUES)] for pos, s in enumerate(self.ctx.sizes.values())}
        values = dict(sizes)
        for name, (sym, kind) in self.ctx.scalars.items():
            values[sym] = rng.uniform(0.5, 2.0) if kind == "positive" else rng.uniform(-2.0, 2.0)
        for name, arr in self.ctx.arrays.items():
            axes = [range(self._int(lo, sizes), self._int(hi, sizes) + 1) for lo, hi in arr.axes]
            keys = list(itertools.product(*axes)) if len(axes) > 1 else list(axes[0])
            if arr.kind == "labels":
                vlo, vhi = (self._int(v, sizes) for v in arr.values)
                data = {key: rng.randint(vlo, vhi) for key in keys}
            elif arr.kind == "onehot":
                hot = rng.choice(keys)
                data = {key: 1.0 if key == hot else 0.0 for key in keys}
            elif arr.kind == "simplex":
                weights = [rng.expovariate(1.0) for _ in keys]
                data = {key: w / sum(weights) for key, w in zip(keys, weights)}
            else:
                lo, hi = (0.5, 2.0) if arr.kind == "positive" else (-2.0, 2.0)
                data = {key: rng.uniform(lo, hi) for key in keys}
            values[Symbol(name)] = data
        for _, g, q, shape in self.losses.values():  # the random smooth loss standing for an unspecified one
            for base, lo, hi in ((g, -1.0, 1.0), (q, 0.2, 1.0)):
                axes = [range(1, sizes[s] + 1) for s in shape]
                keys = list(itertools.product(*axes)) if len(axes) > 1 else list(axes[0])
                values[Symbol(str(base.label))] = {key: rng.uniform(lo, hi) for key in keys}
        return sizes, values

    @staticmethod
    def _int(expr, sizes):
        return int(Integer(expr.xreplace(sizes))) if not isinstance(expr, int) else expr

    # -- evaluation ---------------------------------------------------------
    def compile(self, expr):
        """(function of self.args, free indices) for expr, definitions unfolded, D as differences."""
        fn = self._cache.get(expr)
        if fn is None:
            body = expr.xreplace({sym: test for sym, (test, _, _, _) in self.losses.items()}) if self.losses else expr
            body = unfold_all(body, self.ctx)
            free = free_indices(body, set(self.ctx.ranges)) | free_indices(expr, set(self.ctx.ranges))
            printer = _FDPrinter({"fully_qualified_modules": False, "inline": True,
                                  "allow_unknown_functions": True, "user_functions": {}})
            printer.ctx = self.ctx
            fn = lambdify(
                self.args,
                body,
                modules=[{"_fd": _fd, "_fd_scalar": _fd_scalar, **NUMERIC}, "math"],
                printer=printer,
                dummify=False,
                cse=False,
            )
            fn = self._cache[expr] = (fn, free)
        return fn

    def _call(self, fn, values):
        try:
            return float(fn(*[values.get(a, 1) for a in self.args]))
        except (ArithmeticError, LookupError, ValueError, TypeError):
            return float("nan")

    def tuples(self, indices, sizes, conditions):
        """Every tuple of values of the given free indices that satisfies the conditions."""
        indices = sorted(indices, key=lambda s: s.name)
        ranges = []
        for s in indices:
            lo, hi = self.ctx.ranges[s]
            ranges.append(range(self._int(lo, sizes), self._int(hi, sizes) + 1))
        total = math.prod(len(r) for r in ranges)
        if total > MAX_TUPLES:  # sample without building every tuple
            rng = random.Random(f"tuples:{self.seed}:{total}")
            combos = sorted({tuple(rng.choice(r) for r in ranges) for _ in range(MAX_TUPLES)})
        else:
            combos = list(itertools.product(*ranges))
        for combo in combos:
            env = dict(zip(indices, combo))
            if all(holds(c, env) for c in conditions):
                yield env

    def compare(self, a, b, conditions=()):
        """Evaluate a and b everywhere sampled: (counterexample or None, samples, max deviation)."""
        (fa, free_a), (fb, free_b) = self.compile(a), self.compile(b)
        idx = free_a | free_b
        for op, x, y in conditions:
            idx |= free_indices(x, set(self.ctx.ranges)) | free_indices(y, set(self.ctx.ranges))
        samples, worst = 0, 0.0
        for sizes, values in self.rounds:
            for env in self.tuples(idx, sizes, conditions):
                point = dict(values)
                point.update(env)
                va, vb = self._call(fa, point), self._call(fb, point)
                if math.isnan(va) and math.isnan(vb):
                    continue
                samples += 1
                dev = abs(va - vb)
                if not _close(va, vb) and not self._confirm_close(fa, fb, point):
                    return self.counterexample(sizes, env, values, va, vb), samples, dev
                worst = max(worst, dev)
        return None, samples, worst

    def _confirm_close(self, fa, fb, point):
        """A mismatch that vanishes with a ten times smaller step was finite-difference error."""
        STEP[0] /= 10
        try:
            return _close(self._call(fa, point), self._call(fb, point))
        finally:
            STEP[0] *= 10

    def counterexample(self, sizes, env, values, va, vb):
        inputs = {}
        for name, arr in self.ctx.arrays.items():
            data = values[Symbol(name)]
            axes = [range(self._int(lo, sizes), self._int(hi, sizes) + 1) for lo, hi in arr.axes]
            fmt = (lambda v: v) if arr.kind == "labels" else _value
            if len(axes) == 1:
                inputs[name] = [fmt(data[a]) for a in axes[0]]
            else:
                inputs[name] = [[fmt(data[(a, b)]) for b in axes[1]] for a in axes[0]]
        for name, (sym, _) in self.ctx.scalars.items():
            inputs[name] = _value(values[sym])
        return {
            "sizes": {s.name: v for s, v in sizes.items()},
            "indices": {s.name: v for s, v in sorted(env.items(), key=lambda kv: kv[0].name)},
            "inputs": inputs,
            "lhs": _value(va),
            "rhs": _value(vb),
        }


def _test_loss(name, base, shape):
    """(Σ g·Z + ½ q·Z², g, q, shape): a smooth stand-in for an unspecified loss of Z's entries."""
    g, q = IndexedBase(f"_g_{name}", real=True), IndexedBase(f"_q_{name}", real=True)
    ix = [Symbol(f"_r{n}", integer=True) for n in range(len(shape))]
    entry = base[tuple(ix)]
    body = g[tuple(ix)] * entry + q[tuple(ix)] * entry**2 / 2
    for k, size in reversed(list(zip(ix, shape))):
        body = Sum(body, (k, 1, size))
    return body, g, q, shape


def _close(va, vb):
    return abs(va - vb) <= ATOL + RTOL * max(abs(va), abs(vb))


def holds(cond, env):
    """Whether a case condition (op, a, b) holds at the index values env."""
    op, a, b = cond
    va, vb = a.xreplace(env), b.xreplace(env)
    return (va == vb) if op == "eq" else (va != vb)


"""Numeric spot checks: lambdified sides, derivatives by finite differences, seeded samples."""
import itertools
import math
import random

from sympy import Indexed, Integer, Symbol, lambdify
from sympy.printing.numpy import NumPyPrinter

from .calculus import D, free_indices, unfold_all

SIZE_VALUES = (3, 4, 5)
MAX_TUPLES = 400  # index tuples per size round; more are sampled
RTOL, ATOL = 1e-6, 1e-8
STEP = 1e-5


class _FDPrinter(NumPyPrinter):
    """Prints D(f, x) as a central difference of f in x, with x's whole array rebound."""

    def _print_D(self, expr):
        f, x = expr.args
        if isinstance(x, Indexed):
            name = str(x.base.label)
            idx = ", ".join(self._print(i) for i in x.indices)
            return f"_fd(lambda {name}: ({self._print(f)}), {name}, ({idx},))"
        return f"_fd_scalar(lambda {x.name}: ({self._print(f)}), {x.name})"

    def _print_KroneckerDelta(self, expr):
        a, b = (self._print(x) for x in expr.args)
        return f"(1 if {a} == {b} else 0)"


def _fd(fun, arr, idx):
    h = STEP * max(1.0, abs(float(arr[idx])))
    up, down = arr.copy(), arr.copy()
    up[idx] += h
    down[idx] -= h
    return (fun(up) - fun(down)) / (2 * h)


def _fd_scalar(fun, x):
    h = STEP * max(1.0, abs(float(x)))
    return (fun(x + h) - fun(x - h)) / (2 * h)


def _value(v):
    """A float with 12 significant digits, for reports that are byte-identical run to run."""
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        return str(v)
    return float(f"{v:.12g}")


class Sampler:
    """Evaluates expressions of one Context at seeded inputs for sizes 3..5."""

    def __init__(self, ctx, seed=0):
        import numpy  # lazily: only numeric checks need it

        self.np = numpy
        self.ctx = ctx
        self.seed = seed
        self.args = list(ctx.sizes.values()) + list(ctx.indices.values())
        self.args += [s for s, _ in ctx.scalars.values()]
        self.args += [Symbol(str(a.base.label)) for a in ctx.arrays.values()]
        self._cache = {}
        self.rounds = [self._round(r) for r in range(len(SIZE_VALUES))]

    # -- inputs -----------------------------------------------------------
    def _round(self, r):
        np = self.np
        rng = np.random.default_rng([self.seed, r])
        sizes = {s: SIZE_VALUES[(r + pos) % len(SIZE_VALUES)] for pos, s in enumerate(self.ctx.sizes.values())}
        values = dict(sizes)
        for name, (sym, kind) in self.ctx.scalars.items():
            values[sym] = float(rng.uniform(0.5, 2.0) if kind == "positive" else rng.uniform(-2.0, 2.0))
        for name, arr in self.ctx.arrays.items():
            bounds = [(self._int(lo, sizes), self._int(hi, sizes)) for lo, hi in arr.axes]
            shape = tuple(hi + 1 for _, hi in bounds)
            if arr.kind == "labels":
                vlo, vhi = (self._int(v, sizes) for v in arr.values)
                data = np.zeros(shape, dtype=np.int64)
                data[bounds[0][0]:] = rng.integers(vlo, vhi + 1, size=shape[0] - bounds[0][0])
            else:
                data = np.full(shape, np.nan)
                region = tuple(slice(lo, hi + 1) for lo, hi in bounds)
                n = [hi - lo + 1 for lo, hi in bounds]
                if arr.kind == "positive":
                    data[region] = rng.uniform(0.5, 2.0, size=n)
                elif arr.kind == "onehot":
                    block = np.zeros(n)
                    block[int(rng.integers(0, n[0]))] = 1.0
                    data[region] = block
                elif arr.kind == "simplex":
                    data[region] = rng.dirichlet(np.ones(n[0]))
                else:
                    data[region] = rng.uniform(-2.0, 2.0, size=n)
            values[Symbol(name)] = data
        return sizes, values

    @staticmethod
    def _int(expr, sizes):
        return int(Integer(expr.xreplace(sizes))) if not isinstance(expr, int) else expr

    # -- evaluation ---------------------------------------------------------
    def compile(self, expr):
        """A numpy function of self.args for expr with definitions unfolded and D as differences."""
        fn = self._cache.get(expr)
        if fn is None:
            body = unfold_all(expr, self.ctx)
            fn = lambdify(
                self.args,
                body,
                modules=[{"_fd": _fd, "_fd_scalar": _fd_scalar}, "numpy"],
                printer=_FDPrinter({"fully_qualified_modules": False, "inline": True,
                                    "allow_unknown_functions": True, "user_functions": {}}),
                dummify=False,
                cse=False,
            )
            self._cache[expr] = fn
        return fn

    def _call(self, fn, values):
        try:
            with self.np.errstate(all="ignore"):
                return float(fn(*[values.get(a, 1) for a in self.args]))
        except (ArithmeticError, IndexError, ValueError, TypeError, OverflowError):
            return float("nan")

    def tuples(self, indices, sizes, conditions):
        """Every tuple of values of the given free indices that satisfies the conditions."""
        indices = sorted(indices, key=lambda s: s.name)
        ranges = []
        for s in indices:
            lo, hi = self.ctx.ranges[s]
            ranges.append(range(self._int(lo, sizes), self._int(hi, sizes) + 1))
        combos = list(itertools.product(*ranges))
        if len(combos) > MAX_TUPLES:
            combos = random.Random(self.seed).sample(combos, MAX_TUPLES)
        for combo in combos:
            env = dict(zip(indices, combo))
            if all(_condition(c, env) for c in conditions):
                yield env

    def compare(self, a, b, conditions=()):
        """Evaluate a and b everywhere sampled: (counterexample or None, samples, max deviation)."""
        fa, fb = self.compile(a), self.compile(b)
        idx = free_indices(a, set(self.ctx.ranges)) | free_indices(b, set(self.ctx.ranges))
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
                if not dev <= ATOL + RTOL * max(abs(va), abs(vb)):
                    return self.counterexample(sizes, env, values, va, vb), samples, dev
                worst = max(worst, dev)
        return None, samples, worst

    def counterexample(self, sizes, env, values, va, vb):
        inputs = {}
        for name, arr in self.ctx.arrays.items():
            data = values[Symbol(name)]
            lo = [self._int(l, sizes) for l, _ in arr.axes]
            region = data[tuple(slice(x, None) for x in lo)]
            inputs[name] = self.np.vectorize(_value)(region).tolist() if arr.kind != "labels" else region.tolist()
        for name, (sym, _) in self.ctx.scalars.items():
            inputs[name] = _value(values[sym])
        return {
            "sizes": {s.name: v for s, v in sizes.items()},
            "indices": {s.name: v for s, v in sorted(env.items(), key=lambda kv: kv[0].name)},
            "inputs": inputs,
            "lhs": _value(va),
            "rhs": _value(vb),
        }


def _condition(cond, env):
    op, a, b = cond
    va, vb = a.xreplace(env), b.xreplace(env)
    return (va == vb) if op == "eq" else (va != vb)


__all__ = ["Sampler", "D"]

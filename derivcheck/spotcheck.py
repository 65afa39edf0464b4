"""Numeric spot checks: both sides of a link evaluated at seeded sample points and compared.

Expressions are compiled by evidence.compiler (closures, exact dual-number derivatives); the
points come from evidence.sampling (sizes 1, 2, 3, 4, every constant and one past it, index values
with their range ends). Two values agree when they differ by at most RTOL times the magnitudes
that went into them (a running rounding-error bound), so a common tiny factor hides nothing. A
point where a side has no finite real value is counted as undefined, never as a counterexample.
"""
import dataclasses
import math
from typing import NamedTuple

from sympy import Indexed, IndexedBase, Sum, Symbol

from .calculus import free_indices
from .evidence.compiler import Program
from .evidence.evaluator import Evaluator
from .evidence.sampling import (
    constants, index_tuples, inputs, keys_of, round_rng, size_rounds, size_values,
)
from .evidence.values import HP, Mag, Undefined, finite

MAX_TUPLES = 240  # index tuples per size round; more are sampled (the range ends always)
RTOL = 1e-12  # times the rounding-error bound of both sides in ulps (the bound itself is first order: ~4500 times it)
HP_RTOL = 1e-45  # the same, for the 50-digit evaluation that decides points with cancellation
DECIDED = 1e-9  # a rounding bound this small against the values decides a point
MAX_DIGITS = 3000  # a cancellation needing more digits leaves the point undecided (not a sample)
_FAILURES = (ArithmeticError, ValueError, TypeError, KeyError, RecursionError)


class Evidence(NamedTuple):
    """What the samples say about a = b."""

    counter: dict  # a counterexample, or None
    samples: int  # points where both sides have a value
    undefined: int  # points skipped: a side undefined there
    worst: float  # the largest deviation, relative to the magnitudes


class Round:
    """One size assignment with its seeded inputs and the evaluators of its points."""

    def __init__(self, program, sizes, scalars, arrays):
        self.sizes, self.scalars, self.arrays = sizes, scalars, arrays
        self.program = program
        self.ev = self.evaluator(float, reverse=True)  # floats: derivatives by a reverse sweep where they can be
        self._mag = self._precise = None

    def evaluator(self, number, precise=False, reverse=False):
        """An evaluator of this round's inputs, each real input made a number(value) (ints kept)."""
        slot = self.program.slot
        env = {slot(s): v for s, v in self.sizes.items()}
        env.update({slot(s): number(v) for s, v in self.scalars.items()})
        arrays = {slot(b): {k: (v if isinstance(v, int) else number(v)) for k, v in data.items()}
                  for b, data in self.arrays.items()}
        return Evaluator(self.program, env, arrays, precise=precise, reverse=reverse)

    def mag(self):
        """The evaluator of magnitudes (built when a comparison needs it)."""
        if self._mag is None:
            self._mag = self.evaluator(lambda v: Mag(v, abs(v)))
        return self._mag

    def precise(self):
        """The evaluator with 50-digit numbers (built when a comparison needs it)."""
        if self._precise is None:
            self._precise = self.evaluator(HP.mpf, precise=True)
        return self._precise

    def point(self, env):
        """Every value of the point: sizes, scalars, indices, and the arrays by base."""
        out = dict(self.sizes)
        out.update(self.scalars)
        out.update(self.arrays)
        out.update(env)
        return out


_LAST = []  # the last Sampler's (declarations, seed, sizes, state): one file's derivations share their points


def _shared(view, seed, sizes):
    """The state of the last Sampler if it had equal declarations (every field of the Context but
    line numbers and texts), seed and sizes: its points are these points, so its closures and tables serve."""
    if _LAST:
        last_view, last_seed, last_sizes, state = _LAST[0]
        if last_seed == seed and last_sizes == sizes and last_view == view:
            return state
    return None


def _declarations(obj):
    """obj as plain tuples and SymPy objects, without where it was written (line numbers); a dict as its
    items in order, since the inputs are drawn and the sizes assigned in declaration order."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return (type(obj).__name__,) + tuple((f.name, _declarations(getattr(obj, f.name)))
                                             for f in dataclasses.fields(obj)
                                             if f.name not in ("line", "assumption_texts"))
    if isinstance(obj, dict):
        return tuple((k, _declarations(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return tuple(_declarations(x) for x in obj)
    return obj


class Sampler:
    """Evaluates expressions of one Context at seeded points; exprs are the derivation's (for constants)."""

    def __init__(self, ctx, seed=0, exprs=(), conditions=()):
        self.ctx = ctx
        self.seed = seed
        exprs = list(exprs) + [d.body for d in ctx.definitions.values() if d.body is not None]
        exprs += [e for lhs, rhs, _ in ctx.assumptions for e in (lhs, rhs)]
        self.sizes = size_values(constants(exprs, conditions, ctx))
        view = _declarations(ctx)
        shared = _shared(view, seed, self.sizes)
        if shared is not None:  # the same declarations, seed and sizes: the same points, tables and closures
            self.losses, self.program, self.rounds, self._free, self._points = shared
            return
        self.losses = {sym: _test_loss(name, base, shape) for name, (sym, base, shape) in ctx.losses.items()}
        self.program = Program(ctx, {sym: body for sym, (body, _, _, _) in self.losses.items()})
        self.rounds = []
        for r, sizes in enumerate(size_rounds(ctx, self.sizes)):
            scalars, arrays = inputs(ctx, self.losses, sizes, round_rng(seed, r))
            canon = self.program.canon  # the closures' own objects: lookups by identity
            scalars = {canon(s): v for s, v in scalars.items()}
            arrays = {canon(b): v for b, v in arrays.items()}
            sizes = {canon(s): v for s, v in sizes.items()}
            self.rounds.append(Round(self.program, sizes, scalars, arrays))
        self._free = {}
        self._points = {}  # (indices, round, conditions) -> the sampled points (see points())
        _LAST[:] = [(view, seed, self.sizes, (self.losses, self.program, self.rounds, self._free, self._points))]

    # -- points -------------------------------------------------------------
    def free(self, expr):
        """The declared indices expr's value depends on (through definitions too)."""
        found = self._free.get(expr)
        if found is None:
            found = {s for s in self.program.varying(expr) if s in self.ctx.ranges}
            found |= free_indices(expr, set(self.ctx.ranges))
            self._free[expr] = found
        return found

    def tuples(self, indices, rnd, conditions):
        """{index: value} for the sampled tuples of the indices (range ends included) where the conditions hold."""
        indices = sorted(indices, key=lambda s: s.name)
        ranges = [range(_int(lo, rnd.sizes), _int(hi, rnd.sizes) + 1) for lo, hi in (self.ctx.ranges[s] for s in indices)]
        if any(len(r) == 0 for r in ranges):
            return
        rng = round_rng(self.seed, sum(rnd.sizes.values()), "tuples:")
        for combo in index_tuples(ranges, MAX_TUPLES, rng):
            env = dict(zip(indices, combo))
            if not conditions or all(self.holds(c, rnd, env) for c in conditions):
                yield env

    def points(self, idx, r, conditions):
        """[(point {index: value}, the same by slot)] of tuples(idx, round r, conditions), sampled once
        per (indices, round, conditions): the points depend on nothing else."""
        return self._sampled(idx, r, conditions)[0]

    def _sampled(self, idx, r, conditions):
        """(points(idx, r, conditions), {expression: its values at those points, once all were had}):
        a side shared by two links is looked up once per round, not once per point."""
        key = (frozenset(idx), r, tuple(conditions))
        found = self._points.get(key)
        if found is None:
            slot = self.program.slot
            found = self._points[key] = ([(point, {slot(s): v for s, v in point.items()})
                                          for point in self.tuples(idx, self.rounds[r], conditions)], {})
        return found

    def holds(self, cond, rnd, env):
        """Whether a case condition holds at the point (indices, sizes and label entries substituted)."""
        return holds(cond, rnd.point(env))

    # -- comparing ----------------------------------------------------------
    def compare(self, a, b, conditions=()):
        """Evaluate a and b at every sampled point: Evidence (counterexample or None, counts, deviation)."""
        fa, fb = self.program.compile(a), self.program.compile(b)
        idx = self.free(a) | self.free(b)
        for _, x, y in conditions:
            idx |= free_indices(x, set(self.ctx.ranges)) | free_indices(y, set(self.ctx.ranges))
        samples = undefined = 0
        worst = 0.0
        for r, rnd in enumerate(self.rounds):
            ev, env = rnd.ev, rnd.ev.env
            points, known = self._sampled(idx, r, conditions)
            la, lb = known.get(a), known.get(b)  # each side's values at these points, if had before
            new_a = [] if la is None else None
            new_b = [] if lb is None else None
            for n, (point, at) in enumerate(points):
                if new_a is not None or new_b is not None:
                    env.update(at)
                if new_a is None:
                    va = la[n]
                else:
                    va = _value(fa, ev)
                    new_a.append(va)
                if new_b is None:
                    vb = lb[n]
                else:
                    vb = _value(fb, ev)
                    new_b.append(vb)
                if va is None or vb is None:
                    undefined += 1
                    continue
                dev = abs(va - vb)
                scale = max(abs(va), abs(vb))
                if dev > RTOL * scale:
                    scale = self._magnitude(rnd, at, fa, fb)
                    if scale is None:
                        undefined += 1
                        continue
                    if dev > RTOL * scale:
                        return Evidence(self.counterexample(rnd, point, va, vb), samples + 1, undefined,
                                        dev / scale if scale else math.inf)
                    precise = self._precise(rnd, at, fa, fb)  # within the rounding of a cancellation
                    if precise is None:
                        undefined += 1
                        continue
                    va, vb, dev = precise
                    if dev > HP_RTOL * scale:
                        return Evidence(self.counterexample(rnd, point, va, vb), samples + 1, undefined, dev / scale)
                    if HP_RTOL * scale > DECIDED * max(abs(va), abs(vb)):  # 50 digits cannot see the values
                        decided = self._deeper(rnd, at, fa, fb, scale, max(abs(va), abs(vb)))
                        if decided is None:
                            undefined += 1
                            continue
                        va, vb, dev, tol = decided
                        if dev > tol:
                            return Evidence(self.counterexample(rnd, point, va, vb), samples + 1, undefined,
                                            dev / scale)
                samples += 1
                if dev:
                    worst = max(worst, dev / scale)
            if new_a is not None:  # every point of the round had: the values serve the next link
                known[a] = new_a
            if new_b is not None:
                known[b] = new_b
        return Evidence(None, samples, undefined, worst)

    def _magnitude(self, rnd, at, fa, fb):
        """The rounding-error magnitudes of both sides together, or None when they have none."""
        mev = rnd.mag()
        mev.env.update(at)
        total = 0.0
        for f in (fa, fb):
            try:
                v = f(mev)
                m = v.m if isinstance(v, Mag) else abs(finite(v))
            except _FAILURES:
                return None
            if math.isnan(m) or math.isinf(m):
                return None
            total += m
        return total

    def _precise(self, rnd, at, fa, fb):
        """Both sides evaluated with 50 digits and their difference (as floats), or None where one has no value."""
        pev = rnd.precise()
        pev.env.update(at)
        try:
            pa, pb = fa(pev), fb(pev)
            if not (HP.isfinite(pa) and HP.isfinite(pb)):
                return None
            return float(pa), float(pb), float(abs(pa - pb))
        except _FAILURES:
            return None

    def _deeper(self, rnd, at, fa, fb, scale, size):
        """Both sides with as many digits as the cancellation needs (up to MAX_DIGITS): (va, vb,
        deviation, its rounding bound), or None when even that cannot tell them apart from equal."""
        digits = 50 + math.ceil(math.log10(scale / size if size else scale * 1e300)) + 20
        if not (digits <= MAX_DIGITS):
            return None
        saved = HP.dps
        HP.dps = digits
        try:
            ev = rnd.evaluator(HP.mpf, precise=True)
            ev.env.update(at)
            pa, pb = fa(ev), fb(ev)
            if not (HP.isfinite(pa) and HP.isfinite(pb)):
                return None
            tol = scale * 10.0 ** (5 - digits)
            va, vb, dev = float(pa), float(pb), float(abs(pa - pb))
        except _FAILURES:
            return None
        finally:
            HP.dps = saved
        if dev <= tol and tol > DECIDED * max(abs(va), abs(vb)):
            return None  # still within the rounding: no evidence either way
        return va, vb, dev, tol

    def counterexample(self, rnd, env, va, vb):
        inputs_ = {}
        for name, arr in self.ctx.arrays.items():
            data = rnd.arrays[arr.base]
            keys, axes = keys_of(arr.axes, rnd.sizes)
            fmt = (lambda v: v) if arr.kind == "labels" else _report
            if len(axes) == 1:
                inputs_[name] = [fmt(data[(a,)]) for a in axes[0]]
            else:
                inputs_[name] = [[fmt(data[(a, b)]) for b in axes[1]] for a in axes[0]]
        for name, (sym, _) in self.ctx.scalars.items():
            inputs_[name] = _report(rnd.scalars[sym])
        return {
            "sizes": {s.name: v for s, v in rnd.sizes.items()},
            "indices": {s.name: v for s, v in sorted(env.items(), key=lambda kv: kv[0].name)},
            "inputs": inputs_,
            "lhs": _report(va),
            "rhs": _report(vb),
        }


def _value(fn, ev):
    """fn's finite real value at the evaluator's point, or None where it has none."""
    try:
        return finite(fn(ev))
    except _FAILURES:
        return None


def _int(expr, sizes):
    return expr if isinstance(expr, int) else int(expr.xreplace(sizes))


def _report(v):
    """A float with 12 significant digits, for reports that are byte-identical run to run."""
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        return str(v)
    return float(f"{v:.12g}")


def _test_loss(name, base, shape):
    """(Σ g·Z + ½ q·Z², g, q, shape): a smooth stand-in for an unspecified loss of Z's entries."""
    g, q = IndexedBase(f"_g_{name}", real=True), IndexedBase(f"_q_{name}", real=True)
    ix = [Symbol(f"_r{n}", integer=True) for n in range(len(shape))]
    entry = base[tuple(ix)]
    body = g[tuple(ix)] * entry + q[tuple(ix)] * entry**2 / 2
    for k, size in reversed(list(zip(ix, shape))):
        body = Sum(body, (k, 1, size))
    return body, g, q, shape


def _int_value(expr, point):
    """An integer-valued expression (indices, sizes, label entries, constants) at the point."""
    if isinstance(expr, int) or expr.is_Integer:
        return int(expr)
    if isinstance(expr, Symbol):
        return point[expr]
    if isinstance(expr, Indexed):
        return point[expr.base][tuple(_int_value(i, point) for i in expr.indices)]
    if expr.is_Add:
        return sum(_int_value(a, point) for a in expr.args)
    if expr.is_Mul:
        return math.prod(_int_value(a, point) for a in expr.args)
    raise Undefined(f"{expr} in a case condition")


def holds(cond, point):
    """Whether a case condition (op, a, b) holds at the point (Symbols and array bases to values)."""
    op, a, b = cond
    try:
        va, vb = _int_value(a, point), _int_value(b, point)
    except (KeyError, Undefined):
        return False
    return (va == vb) if op == "eq" else (va != vb)

"""`derivcheck emit`: a standalone numpy module with a function per expression and a spot check."""
import importlib.util
import re
import tempfile
from pathlib import Path

from sympy import Indexed, Symbol
from sympy.printing.pycode import PythonCodePrinter

from . import __version__, vocabulary
from .calculus import free_indices, instantiate, unfold_all
from .errors import DerivError
from .model import links

# the function table's numpy forms, under the names SymPy's Python printer writes (vocabulary.py)
VOCABULARY = "\n".join(f"{f.emit[0]} = {f.emit[1]}" for f in vocabulary.FUNCTIONS if f.emit)

TEMPLATE = '''"""Numeric functions for the derivation {name!r}, emitted by derivcheck {version}.

Needs only numpy. Every function takes the declared symbols, in this order:
    {signature}
Arrays are numpy arrays indexed from 0 up to their last index (entries below the first index
are unused); a D(f, x) is a 4-point central finite difference. spot_check(seed) evaluates
every link of the chain at random inputs of the declared kinds, for sizes 3..5 and every tuple
of the free indices, and the claim against finite differences of the definitions.
"""
import builtins
import itertools

import math
import numpy
from math import copysign
from numpy import pi

{vocabulary}


def InvEntry(X, r, c):  # noqa: N802 - the entry (r, c) of inv(X), X indexed from 1
    return numpy.linalg.inv(X[1:, 1:])[r - 1, c - 1]


def DetOf(X):  # noqa: N802 - det(X), X indexed from 1
    return numpy.linalg.det(X[1:, 1:])

STEP = 1e-4


def _stencil(f, h):
    return (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h)


def _fd(fun, arr, idx):
    def moved(dx):
        new = arr.copy() if hasattr(arr, "copy") else dict(arr)
        new[idx] = new[idx] + dx
        return fun(new)

    return _stencil(moved, STEP * max(abs(arr[idx]), 1e-3))


def _fd_scalar(fun, x):
    return _stencil(lambda dx: fun(x + dx), STEP * max(abs(x), 1e-3))


def _delta(a, b):  # KroneckerDelta(a, b), element-wise when the indices are arrays (claim_array)
    if isinstance(a, numpy.ndarray) or isinstance(b, numpy.ndarray):
        return numpy.equal(a, b) * 1
    return 1 if a == b else 0


def _step(u):  # Heaviside(u) with H(0) = 1/2, element-wise on arrays
    if isinstance(u, numpy.ndarray):
        return numpy.heaviside(u, 0.5)
    return 1.0 if u > 0 else (0.5 if u == 0 else 0.0)


{functions}

SIZES = {sizes}
INDICES = {indices}  # name: (lo, hi) as functions of the sizes
SCALARS = {scalars}  # name: kind
ARRAYS = {arrays}  # name: (kind, [(lo, hi) per axis], (lo, hi) of label values or None)
CHAIN = {chain}  # (index, line, function)
LINKS = {links}  # (previous index, index, free indices, conditions)
CLAIM = ({claim_lhs}, {claim_rhs}, {claim_free})


def _inputs(sizes, rng):
    values = dict(sizes)
    for name, kind in SCALARS.items():
        values[name] = rng.uniform(0.5, 2.0) if kind == "positive" else rng.uniform(-2.0, 2.0)
    for name, (kind, axes, labels) in ARRAYS.items():
        bounds = [(lo(sizes), hi(sizes)) for lo, hi in axes]
        shape = tuple(hi + 1 for _, hi in bounds)
        region = tuple(slice(lo, hi + 1) for lo, hi in bounds)
        n = [hi - lo + 1 for lo, hi in bounds]
        if kind == "labels":
            data = numpy.zeros(shape, dtype=int)
            data[region] = rng.integers(labels[0](sizes), labels[1](sizes) + 1, size=n)
        else:
            data = numpy.full(shape, numpy.nan)
            if kind == "positive":
                data[region] = rng.uniform(0.5, 2.0, size=n)
            elif kind == "onehot":
                block = numpy.zeros(n)
                block[int(rng.integers(0, n[0]))] = 1.0
                data[region] = block
            elif kind == "simplex":
                data[region] = rng.dirichlet(numpy.ones(n[0]))
            elif kind in ("posdef", "sympd"):  # M Mᵀ/n + I/2: symmetric positive-definite
                m = rng.uniform(-1.0, 1.0, size=n)
                data[region] = m @ m.T / n[0] + numpy.eye(n[0]) / 2
            elif kind == "sym":  # symmetric: the upper triangle mirrored
                m = numpy.triu(rng.uniform(-2.0, 2.0, size=n))
                data[region] = m + numpy.triu(m, 1).T
            else:
                data[region] = rng.uniform(-2.0, 2.0, size=n)
        values[name] = data
    return values


def _holds(conditions, point):
    for op, a, b in conditions:
        if (point[a] == point[b]) != (op == "eq"):
            return False
    return True


def _agree(f, g, free, conditions, values, sizes):
    ranges = [range(INDICES[i][0](sizes), INDICES[i][1](sizes) + 1) for i in free]
    for combo in itertools.product(*ranges):
        point = dict(values, **dict(zip(free, combo)))
        if not _holds(conditions, point):
            continue
        args = [point.get(name, 1) for name in SIGNATURE]
        with numpy.errstate(all="ignore"):
            a, b = float(f(*args)), float(g(*args))
        if numpy.isnan(a) and numpy.isnan(b):
            continue
        if not abs(a - b) <= 1e-8 + 1e-6 * max(abs(a), abs(b)):
            return False
    return True


def spot_check(seed=0):
    """True when every link and the claim agree numerically at seeded random inputs."""
    functions = dict((index, fn) for index, _, fn in CHAIN)
    for r in range(3):
        rng = numpy.random.default_rng([seed, r])
        sizes = dict((s, 3 + (r + pos) % 3) for pos, s in enumerate(SIZES))
        values = _inputs(sizes, rng)
        for prev, index, free, conditions in LINKS:
            if not _agree(functions[prev], functions[index], free, conditions, values, sizes):
                return False
        if not _agree(CLAIM[0], CLAIM[1], CLAIM[2], (), values, sizes):
            return False
    return True


def _sizes_from(given):
    """The sizes, from keyword arguments or from the shapes of 0-based arrays of the declared axes."""
    sizes = dict((s, given.get(s)) for s in SIZES)
    for name, arr in given.items():
        if name not in ARRAYS:
            continue
        shape = numpy.shape(arr)
        for axis, (lo, hi) in enumerate(ARRAYS[name][1]):
            for s in SIZES:
                if sizes[s] is not None or axis >= len(shape):
                    continue
                trial = dict((t, sizes[t] if sizes[t] is not None else 1) for t in SIZES)

                def length(n):
                    trial[s] = n
                    return hi(trial) - lo(trial) + 1

                if length(1) != length(2):
                    found = [n for n in range(0, shape[axis] + 3) if length(n) == shape[axis]]
                    sizes[s] = found[0] if found else None
    missing = [s for s in SIZES if sizes[s] is None]
    if missing:
        raise ValueError("give the size(s) " + ", ".join(missing) + " (or arrays whose shapes fix them)")
    return sizes


def _declared(name, arr, sizes):
    """A 0-based array as the declared one: entry k of an axis lo..hi at position lo + k (labels: lowest label 0)."""
    kind, axes, labels = ARRAYS[name]
    arr = numpy.asarray(arr)
    lows = [lo(sizes) for lo, _ in axes]
    if kind == "labels":
        out = numpy.zeros(tuple(l + n for l, n in zip(lows, arr.shape)), dtype=int)
        arr = arr.astype(int) + labels[0](sizes)
    else:
        out = numpy.full(tuple(l + n for l, n in zip(lows, arr.shape)), numpy.nan)
    out[tuple(slice(l, None) for l in lows)] = arr
    return out


def claim_array(side="rhs", **given):
    """A side of the claim ("rhs", or "lhs": finite differences of the definitions) as a numpy array over
    the claim's free indices in the order they appear in it (ORDER), from 0-based numpy arrays: for the softmax
    Jacobian claim_array(z=z) is the N x N matrix J[i, j] = dp_i/dz_j; for a gradient D(L, z[m]) an array of
    z's shape. Sizes come from the arrays' shapes (or are given: N=3); scalars are given by name."""
    sizes = _sizes_from(given)
    values = dict(sizes)
    for name, value in given.items():
        if name in ARRAYS:
            values[name] = _declared(name, value, sizes)
        elif name in SCALARS:
            values[name] = value
    fn = CLAIM[1] if side == "rhs" else CLAIM[0]
    ranges = [range(INDICES[i][0](sizes), INDICES[i][1](sizes) + 1) for i in ORDER]
    shape = tuple(len(r) for r in ranges)
    if VECTORISE and side == "rhs":  # "lhs" is a finite difference per entry
        out = _vectorised(fn, values, ranges, shape)
        if out is not None:
            return out
    positions = itertools.product(*[range(n) for n in shape])
    return _entries(fn, values, ranges, numpy.empty(shape), positions)


VECTORISE = True  # claim_array("rhs") evaluates the claim once on index arrays (numpy broadcasting)


def _entries(fn, values, ranges, out, positions):
    """out[position] = fn at the index tuple of each position (one call each)."""
    for position in positions:
        point = dict(values, **dict(zip(ORDER, (r[k] for r, k in zip(ranges, position)))))
        with numpy.errstate(all="ignore"):
            out[position] = float(fn(*[point.get(name, 1) for name in SIGNATURE]))
    return out


def _vectorised(fn, values, ranges, shape):
    """fn at every index tuple in one call, ORDER's indices as an open grid of arrays; None where the claim's
    code does not broadcast (a free index in a range, max, a conditional) or disagrees with the entry-wise
    value at the first, middle and last index tuple (checked on every call)."""
    grids = numpy.ix_(*[numpy.arange(r.start, r.stop) for r in ranges]) if ranges else ()
    point = dict(values, **dict(zip(ORDER, grids)))
    try:
        with numpy.errstate(all="ignore"):
            out = numpy.broadcast_to(numpy.asarray(fn(*[point.get(name, 1) for name in SIGNATURE]), dtype=float),
                                     shape).copy()
    except (TypeError, ValueError, IndexError):
        return None
    probes = dict.fromkeys([tuple(0 for _ in shape), tuple(n - 1 for n in shape), tuple(n // 2 for n in shape)])
    probes = [p for p in probes if all(0 <= k < n for k, n in zip(p, shape))]
    expected = _entries(fn, values, ranges, numpy.empty(shape), probes)
    for p in probes:
        a, b = out[p], expected[p]
        if not (numpy.isnan(a) and numpy.isnan(b)) and not abs(a - b) <= 1e-12 + 1e-9 * max(abs(a), abs(b)):
            return None
    return out


SIGNATURE = {signature_list}
ORDER = {order}  # the claim's free indices, in the order they appear in it: the axes of claim_array()

if __name__ == "__main__":
    print("spot_check:", spot_check())
'''


class _FDPrinter(PythonCodePrinter):
    """Prints D(f, x) as a central difference of f in x, with x's whole array rebound."""

    ctx = None  # defined names are tabulated from their definitions

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
        return f"_step({self._print(expr.args[0])})"

    def _print_KroneckerDelta(self, expr):
        a, b = (self._print(x) for x in expr.args)
        return f"_delta({a}, {b})"


def _printer(ctx):
    printer = _FDPrinter({"fully_qualified_modules": False, "inline": True,
                          "allow_unknown_functions": True, "user_functions": {}})
    printer.ctx = ctx
    return printer


def _bound(expr, sizes):
    """A range bound as a lambda of the sizes dict s."""
    named = expr.xreplace({sym: Symbol(f"s[{sym.name!r}]") for sym in expr.free_symbols if sym.name in sizes})
    return f"lambda s: int({named})"


def module_source(deriv):
    """The text of a standalone module for deriv (see TEMPLATE)."""
    ctx = deriv.ctx
    if ctx.losses:
        names = ", ".join(ctx.losses)
        raise DerivError(f"cannot emit {deriv.name}: {names} is an unspecified loss(...), with no numbers to compute")
    printer = _printer(ctx)
    signature = [s.name for s in ctx.sizes.values()] + [s.name for s in ctx.indices.values()]
    signature += list(ctx.scalars) + list(ctx.arrays)
    args = ", ".join(signature)
    index_set = set(ctx.ranges)

    def function(name, expr, doc):
        body = printer.doprint(unfold_all(expr, ctx))
        return f"def {name}({args}):\n    \"\"\"{doc}\"\"\"\n    return {body}\n"

    functions, chain = [], []
    for d in ctx.definitions.values():
        expr = d.target[d.params] if d.params else d.target
        functions.append(function(f"define_{d.name}", instantiate(d, d.params) if d.params else d.body,
                                  f"{expr} := {d.body}".replace('"', "'")))
    steps = deriv.steps()
    for step in steps:
        functions.append(function(f"step_{step.index}", step.expr, f"line {step.line}: {step.text}".replace('"', "'")
                                  .replace("\\", "\\\\")))
        chain.append(f"({step.index}, {step.line}, step_{step.index})")
    functions.append(function("claim_lhs", deriv.claim_lhs, f"the claim's left side: {deriv.claim_lhs}"))
    functions.append(function("claim_rhs", deriv.claim_rhs, f"the claim's right side: {deriv.claim_rhs}"))
    link_rows = []
    for prev, step, conds in links(deriv.chain):
        free = sorted(s.name for s in free_indices(unfold_all(prev.expr, ctx), index_set)
                      | free_indices(unfold_all(step.expr, ctx), index_set)
                      | {x for _, a, b in conds for x in (a.free_symbols | b.free_symbols) if x in index_set})
        conditions = tuple((op, str(a), str(b)) for op, a, b in conds)
        link_rows.append(f"({prev.index}, {step.index}, {tuple(free)!r}, {conditions!r})")
    claim_free = sorted(s.name for s in free_indices(unfold_all(deriv.claim_lhs, ctx), index_set)
                        | free_indices(unfold_all(deriv.claim_rhs, ctx), index_set))
    sizes = [s.name for s in ctx.sizes.values()]
    indices = "{" + ", ".join(f"{name!r}: ({_bound(lo, sizes)}, {_bound(hi, sizes)})"
                              for name, sym in ctx.indices.items() for lo, hi in [ctx.ranges[sym]]) + "}"
    arrays = "{" + ", ".join(
        f"{name!r}: ({a.kind!r}, [{', '.join(f'({_bound(lo, sizes)}, {_bound(hi, sizes)})' for lo, hi in a.axes)}], "
        + (f"({_bound(a.values[0], sizes)}, {_bound(a.values[1], sizes)})" if a.values else "None") + ")"
        for name, a in ctx.arrays.items()) + "}"
    return TEMPLATE.format(
        vocabulary=VOCABULARY, name=deriv.name, version=__version__, signature=args or "(none)", functions="\n\n".join(functions),
        sizes=sizes, indices=indices, scalars={n: k for n, (_, k) in ctx.scalars.items()}, arrays=arrays,
        chain="[" + ", ".join(chain) + "]", links="[" + ", ".join(link_rows) + "]",
        claim_lhs="claim_lhs", claim_rhs="claim_rhs", claim_free=tuple(claim_free), signature_list=signature,
        order=_order(claim_free, f"{deriv.claim_lhs} {deriv.claim_rhs}"),
    )


def _order(names, text):
    """names in the order they first appear (as whole words) in text."""
    def first(name):
        m = re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text)
        return m.start() if m else len(text)

    return sorted(names, key=first)


def load_module(source, name="derivcheck_emitted"):
    """Import emitted source as a module (written to a temporary file, imported by importlib)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module



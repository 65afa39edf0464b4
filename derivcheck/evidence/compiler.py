"""SymPy expressions compiled once into Python closures, evaluated at a point by an Evaluator.

No source text is generated, so no user name (a scalar called `range`, `max`, `math`) can
shadow anything: every name is a key of the evaluator's tables. D(f, x) is the ε part of f
evaluated with x perturbed by a dual number of a fresh tag (exact, nested derivatives exact);
inside D(f, p[n]) for a defined p, p's entries are independent inputs (calculus.FROZEN).
Defined entries, sums and derivatives are memoised per point: a table is built once.
"""
import itertools

import sympy
from sympy import Heaviside, Indexed, IndexedBase, KroneckerDelta, Max, Min, Sum, Symbol

from ..calculus import D, substitute
from .. import vocabulary
from ..linalg import DetOf, InvEntry, solve
from .reach import Reach
from .values import BY_NAME as _OWN, HP, Dual, Undefined, derivative, general_power, power, real

UNARY = {vocabulary.BY_NAME[name].head: f for name, f in _OWN.items()}  # the function table's entries, evidence side
_MISSING = object()
_TAGS = itertools.count(1)


def as_int(v):
    """An index value: an int, else Undefined."""
    if type(v) is int:
        return v
    v = real(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, int):
        return v
    raise Undefined("an index that is not an integer")


class Program:
    """The compiled closures of one Context: each expression compiled once."""

    def __init__(self, ctx, losses):
        self.ctx = ctx
        self.losses = losses  # loss Symbol -> the expression standing for it
        self._canon = {}  # one object per symbol and base: dict lookups hit identity, never SymPy's __eq__
        for x in list(ctx.sizes.values()) + list(ctx.ranges) + [s for s, _ in ctx.scalars.values()] + self._bases():
            self.canon(x)
        self.defs = {self.canon(d.target): d for d in ctx.definitions.values()}
        self.params = {t: tuple(self.canon(p) for p in d.params) for t, d in self.defs.items()}
        self.sizes = frozenset(ctx.sizes.values())
        self.labels = {b.label for b in self._bases()}
        self._closures = {}
        self._deps = {}
        self._bodies = {}
        self._extras = {}
        self.reach = Reach(self)

    def _bases(self):
        out = [a.base for a in self.ctx.arrays.values()]
        out += [d.target for d in self.ctx.definitions.values() if isinstance(d.target, IndexedBase)]
        for body in self.losses.values():
            out += list(body.atoms(IndexedBase))
        return out

    # -- static facts -------------------------------------------------------
    def canon(self, x):
        """The one object standing for x (equal SymPy objects are not always identical)."""
        return self._canon.setdefault(x, x)

    def _direct(self, expr):
        out = {self.canon(e) for e in expr.atoms(IndexedBase)}  # entries' bases, and inv(X), det(X)
        out |= {self.canon(s) for s in expr.free_symbols if isinstance(s, Symbol) and s not in self.labels}
        return out

    def deps(self, target):
        """Every base and symbol whose value target's value (a name or an expression) may depend on."""
        found = self._deps.get(target)
        if found is None:
            self._deps[target] = frozenset({target})  # a cycle guard
            body = self.losses.get(target)
            if body is None and target in self.defs:
                body = self.defs[target].body
            if body is None and isinstance(target, sympy.Basic) and not isinstance(target, (Symbol, IndexedBase)):
                body = target
            out = {target}
            if body is not None:
                for t in self._direct(body):
                    out |= self.deps(t)
            found = self._deps[target] = frozenset(out)
        return found

    def varying(self, expr):
        """The index symbols whose values expr's value depends on (sizes and inputs are per round)."""
        out = self._ints(expr)
        for t in self.deps(expr):
            if t in self.defs:
                out |= set(self.extras(t))
        return tuple(self.canon(s) for s in sorted(out, key=lambda s: s.name))

    def extras(self, target):
        """The index symbols free in target's definition besides its parameters."""
        found = self._extras.get(target)
        if found is None:
            d = self.defs[target]
            found = tuple(sorted(self._ints(d.body) - set(d.params), key=lambda s: s.name))
            found = self._extras[target] = tuple(self.canon(s) for s in found)
        return found

    def _ints(self, expr):
        return {s for s in expr.free_symbols
                if isinstance(s, Symbol) and s.is_integer and s not in self.sizes and s not in self.labels}

    # -- compiling ----------------------------------------------------------
    def compile(self, expr):
        """A closure ev -> value of expr, memoised per point (the chain shares sides)."""
        fn = self._closures.get(("top", expr))
        if fn is None:
            fn = self._closures[("top", expr)] = self._memoised(expr, self._node(expr))
        return fn

    def body(self, target):
        fn = self._bodies.get(target)
        if fn is None:
            fn = self._bodies[target] = self._node(self.defs[target].body)
        return fn

    def _memoised(self, expr, inner):
        deps, keys, ident = self.deps(expr), self.varying(expr), object()

        def memo(ev):
            while ev.parent is not None and ev.var not in deps:
                ev = ev.parent
            env = ev.env
            key = (ident, tuple([env[s] for s in keys]))
            v = ev.memo.get(key, _MISSING)
            if v is _MISSING:
                v = ev.memo[key] = inner(ev)
            return v

        return memo

    def _node(self, expr):
        fn = self._closures.get(expr)
        if fn is None:
            fn = self._closures[expr] = self._build(expr)
        return fn

    def _build(self, e):  # noqa: C901 - one branch per kind of node
        if e.is_Integer:
            v = int(e)
            return lambda ev: v
        if e.is_number and not e.has(Sum, D):  # a constant, with its 50-digit value for precise evaluation
            try:
                v, hp = float(e), {HP.dps: _precise(e)}
            except (TypeError, ValueError, OverflowError):  # complex, zoo, beyond floats
                return _undefined

            def constant(ev):
                if not ev.precise:
                    return v
                found = hp.get(HP.dps)  # the precision of this evaluation (more digits for a cancellation)
                if found is None:
                    found = hp[HP.dps] = _precise(e)
                return found

            return constant
        if isinstance(e, Symbol):
            if e in self.losses:
                return self._node(self.losses[e])
            e = self.canon(e)
            if e in self.defs:
                return lambda ev: ev.defined(e, ())
            return lambda ev: ev.env[e]
        if isinstance(e, Indexed):
            return self._indexed(e)
        if isinstance(e, sympy.Add):
            return self._fold(e.args, lambda x, y: x + y)
        if isinstance(e, sympy.Mul):
            return self._fold(e.args, lambda x, y: x * y)
        if isinstance(e, sympy.Pow):
            base = self._node(e.args[0])
            if e.args[1].is_number:
                if e.args[1].is_Integer:
                    n = int(e.args[1])
                    return lambda ev: power(base(ev), n)
                n, nhp = float(e.args[1]), _precise(e.args[1])
                return lambda ev: power(base(ev), nhp if ev.precise else n)
            ex = self._node(e.args[1])
            return lambda ev: general_power(base(ev), ex(ev))
        if isinstance(e, Sum):
            return self._memoised(e, self._sum(e))
        if isinstance(e, D):
            return self._derivative(e)
        if e.func in UNARY:
            f, arg = UNARY[e.func], self._node(e.args[0])
            return lambda ev: f(arg(ev))
        if isinstance(e, (Max, Min)):
            args, pick = [self._node(a) for a in e.args], max if isinstance(e, Max) else min
            return lambda ev: pick((f(ev) for f in args), key=real)
        if isinstance(e, Heaviside):
            arg = self._node(e.args[0])
            h0 = float(e.args[1]) if len(e.args) > 1 else 0.5
            return lambda ev: _heaviside(real(arg(ev)), h0)
        if isinstance(e, KroneckerDelta):
            a, b = self._node(e.args[0]), self._node(e.args[1])
            return lambda ev: 1 if as_int(a(ev)) == as_int(b(ev)) else 0
        if isinstance(e, (InvEntry, DetOf)):
            return self._memoised(e, self._linalg(e))
        user = self.ctx.function_of(e) if isinstance(e, sympy.Function) and self.ctx.functions else None
        if user is not None:  # sigma(u) defined in the file: its body at the arguments
            return self._node(substitute(user.body, dict(zip(user.params, e.args))))
        return _undefined

    def _fold(self, args, op):
        fs = [self._node(a) for a in args]
        if len(fs) == 2:
            f0, f1 = fs
            return lambda ev: op(f0(ev), f1(ev))
        first, rest = fs[0], fs[1:]

        def fold(ev):
            s = first(ev)
            for f in rest:
                s = op(s, f(ev))
            return s

        return fold

    def _linalg(self, e):
        """inv(X)[r, c] or det(X) of the declared matrix X at the point (dual entries included)."""
        base, idx = self.canon(e.args[0]), [self._node(i) for i in e.args[1:]]

        def value(ev):
            key = ("linalg", base)
            solved = ev.memo.get(key)
            if solved is None:
                data = ev.arrays[base]
                n = max(k[0] for k in data)
                solved = ev.memo[key] = solve([[data[(i, j)] for j in range(1, n + 1)] for i in range(1, n + 1)])
            inverse, det = solved
            if not idx:
                return det
            if inverse is None:
                raise Undefined("a singular matrix has no inverse")
            r, c = (as_int(f(ev)) for f in idx)
            if not (1 <= r <= len(inverse) and 1 <= c <= len(inverse)):
                raise Undefined("no such entry")
            return inverse[r - 1][c - 1]

        return value

    def _indexed(self, e):
        base, idx = self.canon(e.base), [self._node(i) for i in e.indices]
        if base in self.defs:
            return lambda ev: ev.defined(base, tuple([as_int(f(ev)) for f in idx]))

        def entry(ev):
            try:
                return ev.arrays[base][tuple([as_int(f(ev)) for f in idx])]
            except KeyError:
                raise Undefined("no such entry") from None

        return entry

    def _sum(self, e):
        body = self._node(e.function)
        limits = [(self.canon(k), self._node(lo), self._node(hi)) for k, lo, hi in e.limits]

        def loop(ev, level):
            k, lo, hi = limits[level]
            total = 0
            env = ev.env
            for v in range(as_int(lo(ev)), as_int(hi(ev)) + 1):
                env[k] = v
                total = total + (body(ev) if level == 0 else loop(ev, level - 1))
            return total

        def run(ev):
            env = ev.env
            saved = [env.get(k, _MISSING) for k, _, _ in limits]
            try:
                return loop(ev, len(limits) - 1)
            finally:
                for (k, _, _), old in zip(limits, saved):
                    if old is _MISSING:
                        env.pop(k, None)
                    else:
                        env[k] = old

        return run

    def _derivative(self, e):
        """D(f, x): memoised per point by (f, x's base, the entry's key), so D(L, Z[n, k]) and
        D(L, Z[m, c]) (the same function at the same entry) are computed once."""
        f, x = e.args
        body = self._node(f)
        if isinstance(x, Indexed):
            var, idx = self.canon(x.base), [self._node(i) for i in x.indices]
        else:
            var, idx = self.canon(x), []
        frozen = var in self.defs
        if not frozen and not (isinstance(x, Indexed) and self.ctx.array_of(var) is not None) and not (
                isinstance(x, Symbol) and any(s == x for s, _ in self.ctx.scalars.values())):
            return _undefined  # a derivative in a size, an index or a label: no value
        deps, keys = self.deps(e), self.varying(f)
        ident = self._closures.setdefault(("D", f, var), object())

        def compute(ev, key):
            tag = next(_TAGS)
            child = ev.child(var, key, tag, frozen)
            if isinstance(var, Symbol) and not frozen:
                env = ev.env
                old = env[var]
                env[var] = Dual(tag, old, 1)
                try:
                    return derivative(body(child), tag)
                finally:
                    env[var] = old
            return derivative(body(child), tag)

        def deriv(ev):
            key = tuple([as_int(i(ev)) for i in idx])
            while ev.parent is not None and ev.var not in deps:
                ev = ev.parent
            env = ev.env
            mkey = (ident, key, tuple([env[s] for s in keys]))
            v = ev.memo.get(mkey, _MISSING)
            if v is _MISSING:
                v = ev.memo[mkey] = compute(ev, key)
            return v

        return deriv


def _precise(e):
    """A SymPy number to HP's digits (50, more for a cancellation) as an HP number, or ValueError."""
    if e.is_Rational:
        return HP.mpf(int(e.p)) / int(e.q)
    value = HP.mpf(str(e.evalf(HP.dps + 10)))
    if not HP.isfinite(value):
        raise ValueError("not finite")
    return value


def _heaviside(u, h0):
    return 1.0 if u > 0 else (h0 if u == 0 else 0.0)


def _undefined(ev):
    raise Undefined("no numeric value for this form")


class Evaluator:
    """The values of one point: env (symbols), arrays (inputs), and memoised defined entries.

    A child evaluator (inside a derivative) perturbs one variable var: an input array's entry,
    a scalar (in the shared env), or a defined name, frozen: its entries read from the parent.
    Whatever does not depend on var is read from the parent, computed once.
    """

    __slots__ = ("program", "env", "arrays", "memo", "parent", "var", "key", "tag", "frozen", "precise")

    def __init__(self, program, env, arrays, parent=None, var=None, key=(), tag=0, frozen=frozenset(), precise=False):
        self.program, self.env, self.arrays, self.memo, self.precise = program, env, arrays, {}, precise
        self.parent, self.var, self.key, self.tag, self.frozen = parent, var, key, tag, frozen

    def child(self, var, key, tag, frozen):
        arrays = self.arrays
        if not frozen and isinstance(var, IndexedBase):
            data = self.arrays.get(var)
            if data is None or key not in data:
                raise Undefined("no such entry")
            data = dict(data)
            data[key] = Dual(tag, data[key], 1)
            arrays = dict(arrays)
            arrays[var] = data
        return Evaluator(self.program, self.env, arrays, self, var, key, tag,
                         self.frozen | {var} if frozen else self.frozen, self.precise)

    def defined(self, target, args):
        """The entry target[args] of a defined name (args () for a scalar)."""
        if self.parent is not None:
            if target in self.frozen:
                v = self.parent.defined(target, args)
                if args == self.key and target == self.var:
                    v = Dual(self.tag, v, 1)
                return v
            if self.var not in self.program.deps(target):
                return self.parent.defined(target, args)
            if self.key and not self.program.reach.may_depend(target, args, self.var, self.key):
                return self.parent.defined(target, args)  # an entry that does not read var[key]: unchanged
        extras = self.program.extras(target)
        key = (target, args, tuple([self.env[s] for s in extras])) if extras else (target, args)
        v = self.memo.get(key, _MISSING)
        if v is _MISSING:
            v = self.memo[key] = self._compute(target, args)
        return v

    def _compute(self, target, args):
        params = self.program.params[target]
        if len(args) != len(params):
            raise Undefined("a defined name with another number of indices")
        env = self.env
        saved = [env.get(p, _MISSING) for p in params]
        for p, a in zip(params, args):
            env[p] = a
        try:
            return self.program.body(target)(self)
        finally:
            for p, old in zip(params, saved):
                if old is _MISSING:
                    env.pop(p, None)
                else:
                    env[p] = old

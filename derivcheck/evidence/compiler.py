"""SymPy expressions compiled once into Python closures, evaluated at a point by an Evaluator.

No source text is generated, so no user name (a scalar called `range`, `max`, `math`) can
shadow anything: every name is a key of the evaluator's tables, its slot (an int standing for
the one canonical SymPy object, so lookups never call SymPy's hash). D(f, x) is the ε part of f
evaluated with x perturbed by a dual number of a fresh tag (exact, nested derivatives exact);
inside D(f, p[n]) for a defined p, p's entries are independent inputs (calculus.FROZEN).
Defined entries, sums and derivatives are memoised per point: a table is built once, a side
shared by two links is evaluated once, and inside a derivative only the entries that read the
perturbed entry are computed again (reach.py); D(f, x[key]) is memoised by (f, x, key). The float
evaluator of a point takes D(f, x[key]) for every key at once by a reverse sweep (values.Adj) where
f has no derivative inside and x is a real input array or a frozen table without extra indices.
"""
import itertools

import sympy
from sympy import Heaviside, Indexed, KroneckerDelta, Max, Min, Sum, Symbol

from ..calculus import D, substitute
from .. import vocabulary
from ..linalg import DetOf, InvEntry, solve
from .entries import EntryReads, as_int
from .facts import Facts
from .reach import WILD, assignments
from .values import BY_NAME as _OWN, HP, TAPE, Dual, Undefined, backward, derivative, general_power, power, real

UNARY = {vocabulary.BY_NAME[name].head: f for name, f in _OWN.items()}  # the function table's entries, evidence side
_MISSING = object()
_SWEEP_FAILURES = (ArithmeticError, ValueError, TypeError, KeyError, IndexError, RecursionError)
_TAGS = itertools.count(1)


class Program(EntryReads, Facts):
    """The compiled closures of one Context: each expression compiled once."""

    def __init__(self, ctx, losses):
        super().__init__(ctx, losses)
        self._closures = {}
        self._bodies = {}
        self._runtime = {}

    def runtime(self, tslot):
        """(param slots, extra index slots, dep slots, body closure) of the defined name with slot tslot."""
        found = self._runtime.get(tslot)
        if found is None:
            target = self._objects[tslot]
            found = self._runtime[tslot] = (tuple(id(p) for p in self.params[target]),
                                            tuple(id(x) for x in self.extras(target)),
                                            self.body(target))
        return found

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
        deps, keys, ident = self.dep_slots(expr), tuple(self.slot(k) for k in self.varying(expr)), object()

        def memo(ev):
            while ev.parent is not None and ev.var not in deps:
                ev = ev.parent
            env = ev.env
            key = (ident, tuple([env[s] for s in keys]))
            v = ev.memo.get(key, _MISSING)
            if v is _MISSING:
                v = ev.memo[key] = inner(ev)
            return v

        if len(keys) == 1:  # the same key as memo's, built without a list
            s0 = keys[0]

            def memo1(ev):
                while ev.parent is not None and ev.var not in deps:
                    ev = ev.parent
                key = (ident, (ev.env[s0],))
                v = ev.memo.get(key, _MISSING)
                if v is _MISSING:
                    v = ev.memo[key] = inner(ev)
                return v

            return memo1
        if len(keys) == 2:
            s0, s1 = keys

            def memo2(ev):
                while ev.parent is not None and ev.var not in deps:
                    ev = ev.parent
                env = ev.env
                key = (ident, (env[s0], env[s1]))
                v = ev.memo.get(key, _MISSING)
                if v is _MISSING:
                    v = ev.memo[key] = inner(ev)
                return v

            return memo2
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
        if not any(self._scan(e)) and not e.has(Sum, D) and e.is_number:  # a constant, with its 50-digit value for precise evaluation
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
            s = self.slot(e)
            if self.canon(e) in self.defs:
                return lambda ev: ev.defined(s, ())
            return lambda ev: ev.env[s]
        if isinstance(e, Indexed):
            return self._indexed(e)
        if isinstance(e, sympy.Add):
            return self._fold(e.args, False)
        if isinstance(e, sympy.Mul):
            return self._fold(e.args, True)
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

    def _fold(self, args, mul):
        """The sum (product when mul) of the args, left to right: ((a0 op a1) op a2) ..., an Integer
        argument read as its int without a call."""
        fs = [self._node(a) for a in args]
        consts = [int(a) if a.is_Integer else None for a in args]
        if len(fs) == 2:
            (f0, f1), c0 = fs, consts[0]
            if c0 is not None:  # 2 * x, -1 * x, 1 + x: SymPy puts the number first
                return (lambda ev: c0 * f1(ev)) if mul else (lambda ev: c0 + f1(ev))
            return (lambda ev: f0(ev) * f1(ev)) if mul else (lambda ev: f0(ev) + f1(ev))
        first, rest = fs[0], fs[1:]

        if mul:
            def fold(ev):
                s = first(ev)
                for f in rest:
                    s = s * f(ev)
                return s
        else:
            def fold(ev):
                s = first(ev)
                for f in rest:
                    s = s + f(ev)
                return s

        return fold

    def _sweepable(self, f, var, frozen, array):
        """Whether D(f, var[key]) may be had by a reverse sweep: var a real input array or a frozen
        defined table without extra indices, and no derivative inside f (through its definitions too)."""
        if frozen:
            if self.extras(var):
                return False
        elif not array or self.ctx.array_of(var).kind == "labels":
            return False
        if any(fn.body is not None and fn.body.has(D) for fn in self.ctx.functions.values()):
            return False
        return not f.has(D) and not any(t in self.defs and self.defs[t].body is not None and self.defs[t].body.has(D)
                                        for t in self.deps(f))

    def _linalg(self, e):
        """inv(X)[r, c] or det(X) of the declared matrix X at the point (dual entries included)."""
        base, idx = self.slot(e.args[0]), [self._node(i) for i in e.args[1:]]

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

    def _sum(self, e):
        body = self._node(e.function)
        limits = [(self.slot(k), self._node(lo), self._node(hi)) for k, lo, hi in e.limits]

        def loop(ev, level):
            k, lo, hi = limits[level]
            total = 0
            env = ev.env
            for v in range(as_int(lo(ev)), as_int(hi(ev)) + 1):
                env[k] = v
                total = total + (body(ev) if level == 0 else loop(ev, level - 1))
            return total

        patterns = {}  # var slot -> where the summand reads that variable (reach.sum_patterns)

        def restricted(ev):
            """Inside D(f, V[K]): the Sum without the perturbation (the parent's value) plus the ε
            part of only the terms that can read V[K]; None when every term may (then all are summed)."""
            pats = patterns.get(ev.var)
            if pats is None:
                pats = patterns[ev.var] = self.reach.sum_patterns(e, self._objects[ev.var])
            chosen = None if pats is WILD else assignments(pats, ev.key, len(limits))
            if chosen is None:
                return None
            value = self._closures[e](ev.parent)  # this Sum, memoised, where V[K] is not perturbed
            env, tangent = ev.env, None
            for values in chosen:
                for level in range(len(limits) - 1, -1, -1):  # the outermost first: inner ranges may use it
                    k, lo, hi = limits[level]
                    if not as_int(lo(ev)) <= values[level] <= as_int(hi(ev)):
                        break
                    env[k] = values[level]
                else:
                    d = derivative(body(ev), ev.tag)
                    tangent = d if tangent is None else tangent + d
            if tangent is None or (type(tangent) is int and tangent == 0):
                return value
            return Dual(ev.tag, value, tangent)

        def run(ev):
            env = ev.env
            saved = [env.get(k, _MISSING) for k, _, _ in limits]
            try:
                if ev.parent is not None and ev.key:
                    v = restricted(ev)
                    if v is not None:
                        return v
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
            var, key_of = self.canon(x.base), self._key(x.indices)
        else:
            var, key_of = self.canon(x), lambda ev: ()
        frozen = var in self.defs
        array = not frozen and isinstance(x, Indexed) and self.ctx.array_of(var) is not None
        scalar = not frozen and isinstance(x, Symbol) and any(s == x for s, _ in self.ctx.scalars.values())
        if not (frozen or array or scalar):
            return _undefined  # a derivative in a size, an index or a label: no value
        deps, keys = self.dep_slots(e), tuple(self.slot(k) for k in self.varying(f))
        ident = self._closures.setdefault(("D", f, var), object())
        sweepable = self._sweepable(f, var, frozen, array)
        var = self.slot(var)

        def sweep(ev):
            """{key: D(f, var[key])} for every entry of var by one reverse sweep at ev (the float
            evaluator of the point), or None where it cannot be had (then forward mode decides)."""
            tape = TAPE
            start = len(tape)
            try:
                child, leaves = ev.sweep_child(var, frozen)
                out = body(child)
                backward(out, tape[start:])
            except _SWEEP_FAILURES:
                return None
            finally:
                del tape[start:]
            return {k: leaf.g for k, leaf in dict.items(leaves)}  # the entries f read

        def compute(ev, key):
            tag = next(_TAGS)
            child = ev.child(var, key, tag, frozen, array)
            if scalar:
                env = ev.env
                old = env[var]
                env[var] = Dual(tag, old, 1)
                try:
                    return derivative(body(child), tag)
                finally:
                    env[var] = old
            return derivative(body(child), tag)

        def deriv(ev):
            key = key_of(ev)
            while ev.parent is not None and ev.var not in deps:
                ev = ev.parent
            env = ev.env
            at = tuple([env[s] for s in keys])
            mkey = (ident, key, at)
            v = ev.memo.get(mkey, _MISSING)
            if v is _MISSING:
                if sweepable and ev.reverse:  # the whole gradient of f at once, memoised by (f, var, point)
                    grads = ev.memo.get((ident, at), _MISSING)
                    if grads is _MISSING:
                        grads = ev.memo[(ident, at)] = sweep(ev)
                    if grads is not None:
                        v = grads.get(key, _MISSING)
                        if v is _MISSING and (frozen or key in ev.arrays[var]):
                            v = 0  # an entry f never reads (an entry the array lacks: Undefined below)
                if v is _MISSING:
                    v = compute(ev, key)
                ev.memo[mkey] = v
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

"""What the numeric evidence knows about a Context before evaluating: names, slots, dependencies."""
import sympy
from sympy import Indexed, IndexedBase, Sum, Symbol

from ..calculus import substitute
from .reach import WILD, Reach, matches


class Facts:
    """The static facts of one Context: one canonical object (and slot) per name, what each
    definition, loss and expression depends on, and which index values it varies with."""

    def __init__(self, ctx, losses):
        self.ctx = ctx
        self.losses = losses  # loss Symbol -> the expression standing for it
        self._canon = {}  # one object per symbol and base: dict lookups hit identity, never SymPy's __eq__
        self._objects = {}  # slot -> its canonical object
        for x in list(ctx.sizes.values()) + list(ctx.ranges) + [s for s, _ in ctx.scalars.values()] + self._bases():
            self.canon(x)
        self.defs = {self.canon(d.target): d for d in ctx.definitions.values()}
        self.params = {t: tuple(self.canon(p) for p in d.params) for t, d in self.defs.items()}
        self.sizes = frozenset(ctx.sizes.values())
        self.labels = {b.label for b in self._bases()}
        self._deps = {}
        self._extras = {}
        self._scans = {}
        self._decide = {}
        self.reach = Reach(self)

    def _bases(self):
        out = [a.base for a in self.ctx.arrays.values()]
        out += [d.target for d in self.ctx.definitions.values() if isinstance(d.target, IndexedBase)]
        for body in self.losses.values():
            out += list(body.atoms(IndexedBase))
        return out

    def canon(self, x):
        """The one object standing for x (equal SymPy objects are not always identical)."""
        return self._canon.setdefault(x, x)

    def slot(self, x):
        """The key standing for x in the evaluators' tables (env, arrays, memo): an int."""
        x = self._canon.setdefault(x, x)
        self._objects[id(x)] = x
        return id(x)

    def dep_slots(self, expr):
        """deps(expr) as slots."""
        return frozenset(id(self._canon.get(t, t)) for t in self.deps(expr))

    def reads(self, tslot, args, vslot, key):
        """Whether the defined entry (tslot, args) may read the perturbed var (vslot, key)."""
        found = self._decide.get((tslot, vslot))
        if found is None:
            target, var = self._objects[tslot], self._objects[vslot]
            if var not in self.deps(target):
                found = False
            elif not key:
                found = True
            else:
                found = self.reach.compiled(target, var, len(key))
                found = True if found is WILD else found
            self._decide[(tslot, vslot)] = found
        if found is True or found is False:
            return found
        return matches(found, args, key)

    def _direct(self, expr):
        bases, symbols = self._scan(expr)  # entries' bases (and inv(X), det(X)), free symbols
        return {self.canon(e) for e in bases} | {self.canon(s) for s in symbols if s not in self.labels}

    def _scan(self, expr):
        """(the IndexedBases in expr, the Symbols free in it: a Sum binds its indices), memoised per node.

        Like SymPy's free_symbols without its cost (Sum.free_symbols rebuilds the Sum)."""
        found = self._scans.get(expr)
        if found is not None:
            return found
        bases, symbols = set(), set()
        if isinstance(expr, Symbol):
            symbols.add(expr)
        elif isinstance(expr, IndexedBase):
            bases.add(expr)
        elif isinstance(expr, Sum):
            bases, symbols = (set(x) for x in self._scan(expr.function))
            for k, lo, hi in expr.limits:  # the innermost first: its bounds may use the outer indices
                symbols.discard(k)
                for x in (lo, hi):
                    b, f = self._scan(x)
                    bases |= b
                    symbols |= f
        elif isinstance(expr, sympy.Function) and self.ctx.functions and self.ctx.function_of(expr) is not None:
            user = self.ctx.function_of(expr)  # its body reads names besides its arguments (a scalar a in a * u)
            bases, symbols = self._scan(substitute(user.body, dict(zip(user.params, expr.args))))
        elif isinstance(expr, sympy.Basic):
            parts = expr.indices if isinstance(expr, Indexed) else expr.args
            if isinstance(expr, Indexed):
                bases.add(expr.base)
            for a in parts:
                b, f = self._scan(a)
                bases |= b
                symbols |= f
        found = self._scans[expr] = (frozenset(bases), frozenset(symbols))
        return found

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
        return {s for s in self._scan(expr)[1] if s.is_integer and s not in self.sizes and s not in self.labels}

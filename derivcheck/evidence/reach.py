"""Which entries of a defined table can change when one entry of a variable is perturbed (index patterns).

Inside D(f, V[key]) only the entries of a defined table that read V[key] (directly or through
other tables) take new values; every other entry is the parent's, so it is not computed again.
A pattern is a tuple over V's index positions: ("arg", j) means "equal to the entry's j-th index",
("const", c) "equal to c", None "any value". patterns() over-approximates the reads: anything it
does not understand (a derivative inside a body, a whole-matrix read, index arithmetic) is WILD or None.
"""
import sympy
from sympy import Indexed, IndexedBase, Sum, Symbol

from ..calculus import D, substitute
from ..linalg import DetOf, InvEntry

WILD = "wild"  # every entry may depend on every entry of the variable
_ALL = object()  # a read of everything (a derivative inside a body)


class Reach:
    """The index patterns of one Program's definitions and losses, computed once each."""

    def __init__(self, program):
        self.program = program
        self._reads = {}
        self._patterns = {}
        self._compiled = {}

    def may_depend(self, target, args, var, key):
        """Whether the entry target[args] may read var[key] (False only when it certainly does not)."""
        pats = self.compiled(target, var, len(key))
        return pats is WILD or matches(pats, args, key)

    def compiled(self, target, var, rank):
        """WILD, or per pattern the constraints (position, is_arg, value) on the perturbed entry's key."""
        found = self._compiled.get((target, var, rank))
        if found is None:
            found = self._compiled[(target, var, rank)] = _compile(self.patterns(target, var), rank)
        return found

    def patterns(self, target, var):
        """WILD, or the element tuples (one per way target reads var) over var's index positions."""
        found = self._patterns.get((target, var))
        if found is None:
            self._patterns[(target, var)] = WILD  # a cycle guard: unknown means every entry
            found = self._patterns[(target, var)] = self._compute(target, var)
        return found

    def _compute(self, target, var):
        return self._collect(self.reads(target), var)

    def sum_patterns(self, expr, var):
        """WILD, or the element tuples under which the summand of the Sum expr reads var, ("arg", j)
        standing for the j-th index the Sum binds (in the order of its limits)."""
        params = {k: j for j, (k, _, _) in enumerate(expr.limits)}
        out = []
        self._walk(expr.function, params, out)
        return self._collect(out, var)

    def _collect(self, reads, var):
        prog = self.program
        pats = set()
        for base, elems in reads:
            if base is _ALL:
                return WILD
            if base is var:
                if elems is None:
                    return WILD
                pats.add(elems)
            elif (base in prog.defs or base in prog.losses) and var in prog.deps(base):
                sub = self.patterns(base, var)
                if sub is WILD or elems is None or len(elems) != len(prog.params.get(base, ())):
                    return WILD
                for pat in sub:  # base's j-th index is elems[j] in target's terms
                    pats.add(tuple(el if el is None or el[0] == "const" else elems[el[1]] for el in pat))
        return tuple(pats)

    def reads(self, target):
        """(base, index elements or None for a whole read) for every read in target's body."""
        found = self._reads.get(target)
        if found is None:
            prog = self.program
            body = prog.losses.get(target)
            if body is None:
                body = prog.defs[target].body
            params = {p: j for j, p in enumerate(prog.params.get(target, ()))}
            out = []
            self._walk(body, params, out)
            found = self._reads[target] = tuple(out)
        return found

    def _walk(self, e, params, out):  # noqa: C901 - one branch per kind of read
        prog = self.program
        if isinstance(e, Indexed):
            out.append((prog.canon(e.base), tuple(_element(i, params) for i in e.indices)))
            for i in e.indices:
                self._walk(i, params, out)
        elif isinstance(e, IndexedBase):
            out.append((prog.canon(e), None))
        elif isinstance(e, Symbol):
            s = prog.canon(e)
            if s in prog.defs or s in prog.losses:
                out.append((s, ()))
        elif isinstance(e, Sum):
            bound = {k for k, _, _ in e.limits}
            inner = {p: j for p, j in params.items() if p not in bound}
            for _, lo, hi in e.limits:
                self._walk(lo, inner, out)
                self._walk(hi, inner, out)
            self._walk(e.function, inner, out)
        elif isinstance(e, D):
            out.append((_ALL, None))
        elif isinstance(e, (InvEntry, DetOf)):
            out.append((prog.canon(e.args[0]), None))
            for a in e.args[1:]:
                self._walk(a, params, out)
        elif isinstance(e, sympy.Basic):
            user = prog.ctx.function_of(e) if isinstance(e, sympy.Function) and prog.ctx.functions else None
            if user is not None:
                e = substitute(user.body, dict(zip(user.params, e.args)))
                self._walk(e, params, out)
                return
            for a in e.args:
                self._walk(a, params, out)
        else:
            out.append((_ALL, None))  # not a SymPy node: nothing is known about it


def _element(index, params):
    if index in params:
        return ("arg", params[index])
    if getattr(index, "is_Integer", False):
        return ("const", int(index))
    return None


def matches(pats, args, key):
    """Whether some compiled pattern admits the entry args reading the entry key."""
    try:
        for pat in pats:
            for pos, is_arg, val in pat:
                if (args[val] if is_arg else val) != key[pos]:
                    break
            else:
                return True
    except IndexError:  # another number of indices than declared: computed (and refused) as before
        return True
    return False


def assignments(pats, key, count):
    """The values of a Sum's count bound indices at which its summand may read the entry key, in
    the order the Sum runs them (the outermost slowest); None when some index is left free."""
    out = set()
    for pat in pats:
        if len(pat) != len(key):
            return None
        chosen = [None] * count
        for pos, el in enumerate(pat):
            if el is None:
                continue
            kind, val = el
            if kind == "const":
                if key[pos] != val:
                    break
            elif chosen[val] is None:
                chosen[val] = key[pos]
            elif chosen[val] != key[pos]:
                break
        else:
            if None in chosen:
                return None
            out.add(tuple(chosen))
    return sorted(out, key=lambda c: c[::-1])


def _compile(pats, rank):
    """WILD, or per pattern the constraints (position, is_arg, value) on the perturbed entry's key."""
    if pats is WILD:
        return WILD
    out = []
    for pat in pats:
        if len(pat) != rank:
            return WILD
        cons = tuple((pos, el[0] == "arg", el[1]) for pos, el in enumerate(pat) if el is not None)
        if not cons:
            return WILD
        out.append(cons)
    return tuple(out)

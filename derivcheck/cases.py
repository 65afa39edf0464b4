"""Case coverage decided for every size: exactly one `when` condition holds at every assignment.

Conditions compare terms of a small fragment: declared indices, sizes, label entries y[t] (t a
term of the fragment) and integer constants. Whether `a == b` holds depends only on which terms
are equal to which (and to which constant), so it suffices to look at the finitely many equality
patterns of the terms: each block of a set partition of the terms is equal to one of the
constants the conditions mention, or to none of them. A pattern in which none or several
conditions hold is a counterexample when it is realisable under the declarations (sizes >= 1,
every index within its range, every label within its values, y[t] defined only for t on y's
axis, and y[s] = y[t] whenever s = t); realisability is decided by a bounded search whose bound
is complete (small-model argument below), and the witness found is the counterexample.

Small model: every variable is bounded below by a constant (an index by its lower bound, which
is a constant or a size >= 1; a label likewise), so no value lies below the least constant.
Values above the greatest constant can be renumbered max+1, max+2, ... keeping their order, and
every relation of the fragment (=, != and the <= of the ranges) is kept. Hence a realisation
exists iff one exists with every value in [least constant, greatest constant + #variables].
"""
import itertools

from sympy import Indexed

from .model import PROVED, REFUTED, UNPROVED, Outcome

MAX_TERMS = 8  # terms compared by the conditions: beyond, the split is left unproved
MAX_PATTERNS = 200_000
MAX_NODES = 200_000  # search nodes per realisability question


class Undecided(Exception):
    """The question is outside the fragment or beyond the bounds: the split stays unproved."""


def decide(conditions, outer, ctx):
    """The Outcome of the coverage check: exactly one of conditions holds wherever outer all hold."""
    try:
        return _Decision(conditions, outer, ctx).run()
    except Undecided as why:
        return Outcome(UNPROVED, f"case coverage not decided: {why}")


class _Decision:
    def __init__(self, conditions, outer, ctx):
        self.ctx = ctx
        self.sizes = set(ctx.sizes.values())
        self.conditions = [self._relation(c, strict=True) for c in conditions]
        # an enclosing condition outside the fragment is dropped: coverage over more
        # assignments implies it over fewer, but a gap found may lie outside the enclosing case
        self.outer, self.partial = [], False
        for c in outer:
            try:
                self.outer.append(self._relation(c, strict=True))
            except Undecided:
                self.partial = True
        rels = self.conditions + self.outer
        self.atoms = list(dict.fromkeys(t for _, a, b in rels for t in (a, b) if not t.is_Integer))
        self.consts = sorted({int(t) for _, a, b in rels for t in (a, b) if t.is_Integer})
        if len(self.atoms) > MAX_TERMS:
            raise Undecided(f"more than {MAX_TERMS} terms compared")
        self.variables = self._closure(self.atoms)

    # -- the fragment ---------------------------------------------------------
    def _relation(self, cond, strict):
        op, a, b = cond
        for side in (a, b):
            self._check_term(side)
        return op, a, b

    def _check_term(self, t):
        if t.is_Integer or t in self.ctx.ranges or t in self.sizes:
            return
        if isinstance(t, Indexed) and len(t.indices) == 1:
            arr = self.ctx.array_of(t.base)
            if arr is not None and arr.kind == "labels" and len(arr.axes) == 1:
                self._check_term(t.indices[0])
                return
        raise Undecided(f"`{t}` is outside what derivcheck decides (indices, sizes, label entries, integers)")

    def _bounds(self, t):
        """The (lo, hi) terms bounding variable t; hi None for a size."""
        if t in self.sizes:
            return None
        if t in self.ctx.ranges:
            return self.ctx.ranges[t]
        return self.ctx.array_of(t.base).values

    def _closure(self, atoms):
        """Every variable the realisability of the atoms involves: the atoms, label entry indices, range bounds."""
        out, todo = [], list(atoms)
        while todo:
            t = todo.pop(0)
            if t.is_Integer or t in out:
                continue
            out.append(t)
            more = list(self._bounds(t) or ())
            if isinstance(t, Indexed):
                more += [t.indices[0], *self.ctx.array_of(t.base).axes[0]]
            for m in more:
                self._check_term(m)
                todo.append(m)
        return out

    # -- patterns -------------------------------------------------------------
    def patterns(self):
        """(blocks, labels): set partitions of the atoms, each block equal to a distinct constant or to none."""
        count = 0
        for blocks in partitions(self.atoms):
            for labels in _labellings(len(blocks), self.consts):
                count += 1
                if count > MAX_PATTERNS:
                    raise Undecided(f"more than {MAX_PATTERNS} equality patterns")
                yield blocks, labels

    @staticmethod
    def _key(t, where, labels):
        if t.is_Integer:
            return ("c", int(t))
        block = where[t]
        return ("c", labels[block]) if labels[block] is not None else ("b", block)

    def _holds(self, rel, where, labels):
        op, a, b = rel
        same = self._key(a, where, labels) == self._key(b, where, labels)
        return same if op == "eq" else not same

    def run(self):
        seen = 0
        for blocks, labels in self.patterns():
            where = {t: n for n, block in enumerate(blocks) for t in block}
            if not all(self._holds(r, where, labels) for r in self.outer):
                continue
            held = [n for n, r in enumerate(self.conditions) if self._holds(r, where, labels)]
            if len(held) == 1:
                seen += 1
                continue
            witness = self.realise(blocks, labels)
            if witness is None:
                continue
            if self.partial:
                raise Undecided("an enclosing case condition is outside the fragment, and an assignment where "
                                "no single condition holds may lie outside that case")
            return self._refuted(held, witness)
        return Outcome(PROVED, f"decided for every size: exactly one case condition holds in each equality "
                               f"pattern of {', '.join(str(a) for a in self.atoms)}"
                       + (f" and the constants {', '.join(map(str, self.consts))}" if self.consts else ""))

    # -- realisability ----------------------------------------------------------
    def realise(self, blocks, labels):
        """A {term: value} realising the pattern under the declarations, or None when there is none."""
        slot = {t: n for n, block in enumerate(blocks) for t in block}
        for t in self.variables:
            if t not in slot:
                slot[t] = len(set(slot.values()))
        nslots = len(set(slot.values()))
        consts = set(self.consts) | {1}
        for t in self.variables:
            for bound in self._bounds(t) or ():
                if bound.is_Integer:
                    consts.add(int(bound))
            if isinstance(t, Indexed):
                consts |= {int(b) for b in (*self.ctx.array_of(t.base).axes[0], t.indices[0]) if b.is_Integer}
        lo, hi = min(consts), max(consts) + nslots
        cons = self._constraints(slot, len(blocks), labels)
        domains = []
        for s in range(nslots):
            if s < len(blocks) and labels[s] is not None:
                domains.append([labels[s]])
            elif s < len(blocks):
                domains.append([v for v in range(lo, hi + 1) if v not in self.consts])
            else:
                domains.append(list(range(lo, hi + 1)))
        values = _search(domains, cons, self._order(slot, nslots))
        if values is None:
            return None
        return {t: values[s] for t, s in slot.items()}

    def _order(self, slot, nslots):
        rank = [3] * nslots
        for t, s in slot.items():
            kind = 0 if t in self.sizes else (1 if t in self.ctx.ranges else 2)
            rank[s] = min(rank[s], kind)
        return sorted(range(nslots), key=lambda s: (rank[s], s))

    def _constraints(self, slot, nblocks, labels):
        """(slots, test(values)) pairs: ranges, sizes >= 1, distinct blocks, label congruence."""
        def val(t):
            return (lambda v: int(t)) if t.is_Integer else (lambda v, s=slot[t]: v[s])

        cons = []
        for a, b in itertools.combinations(range(nblocks), 2):
            cons.append(((a, b), lambda v, a=a, b=b: v[a] != v[b]))
        for t in self.variables:
            me = val(t)
            if t in self.sizes:
                cons.append(((slot[t],), lambda v, me=me: me(v) >= 1))
                continue
            ranges = [(t, self._bounds(t))]
            if isinstance(t, Indexed):
                ranges.append((t.indices[0], self.ctx.array_of(t.base).axes[0]))
            for term, (b_lo, b_hi) in ranges:
                x, f_lo, f_hi = val(term), val(b_lo), val(b_hi)
                used = tuple(slot[u] for u in (term, b_lo, b_hi) if not u.is_Integer)
                cons.append((used, lambda v, x=x, f_lo=f_lo, f_hi=f_hi: f_lo(v) <= x(v) <= f_hi(v)))
        entries = [t for t in self.variables if isinstance(t, Indexed)]
        for s, t in itertools.combinations(entries, 2):
            if s.base == t.base:
                fs, ft, gs, gt = val(s.indices[0]), val(t.indices[0]), val(s), val(t)
                used = tuple(slot[u] for u in (s.indices[0], t.indices[0], s, t) if not u.is_Integer)
                cons.append((used, lambda v, fs=fs, ft=ft, gs=gs, gt=gt: fs(v) != ft(v) or gs(v) == gt(v)))
        return cons

    def _refuted(self, held, witness):
        what = ("no case condition holds" if not held else
                "more than one case condition holds (" + "; ".join(_show(self.conditions[n]) for n in held) + ")")
        counter = _counterexample(self.ctx, witness)
        at = ", ".join(f"{k} = {v}" for k, v in list(counter["sizes"].items()) + list(counter["indices"].items()))
        labels = "".join(f", {t} = {witness[t]}" for t in self.variables if isinstance(t, Indexed))
        return Outcome(REFUTED, f"{what} at {at}{labels}", counterexample=counter)


def _show(rel):
    op, a, b = rel
    return f"{a} {'==' if op == 'eq' else '!='} {b}"


def _counterexample(ctx, witness):
    """sizes, indices and label arrays of a witness, in the form of a link's counterexample."""
    sizes = {s.name: witness.get(s, 1) for s in ctx.sizes.values()}
    by_size = {s: witness.get(s, 1) for s in ctx.sizes.values()}

    def num(t):
        return int(t.xreplace(by_size))

    indices = {t.name: v for t, v in sorted(witness.items(), key=lambda kv: str(kv[0])) if t in ctx.ranges}
    inputs = {}
    for name, arr in ctx.arrays.items():
        given = {num(t.indices[0]) if t.indices[0].is_Integer else witness[t.indices[0]]: v
                 for t, v in witness.items() if isinstance(t, Indexed) and t.base == arr.base}
        if given:
            (a_lo, a_hi), fill = arr.axes[0], num(arr.values[0])
            inputs[name] = [given.get(n, fill) for n in range(num(a_lo), num(a_hi) + 1)]
    out = {"sizes": sizes, "indices": indices}
    if inputs:
        out["inputs"] = inputs
    return out


def partitions(items):
    """Every set partition of items (lists of lists), in a fixed order."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        yield [[first]] + part
        for n in range(len(part)):
            yield part[:n] + [[first] + part[n]] + part[n + 1:]


def _labellings(nblocks, consts):
    """Each block equal to a distinct constant or to none (None)."""
    def go(n, used):
        if n == nblocks:
            yield []
            return
        for c in [None] + [c for c in consts if c not in used]:
            for tail in go(n + 1, used | ({c} if c is not None else set())):
                yield [c] + tail

    yield from go(0, frozenset())


def _search(domains, constraints, order):
    """Values for the slots (a list), every constraint true, or None; bounded by MAX_NODES."""
    position = {s: n for n, s in enumerate(order)}
    due = [[] for _ in order]  # constraints checked once their last slot (in order) is set
    for slots, test in constraints:
        if not slots:
            if not test([]):
                return None
            continue
        due[max(position[s] for s in slots)].append(test)
    values = [None] * len(domains)
    nodes = [0]

    def go(depth):
        if depth == len(order):
            return True
        s = order[depth]
        for v in domains[s]:
            nodes[0] += 1
            if nodes[0] > MAX_NODES:
                raise Undecided("the realisability search exceeded its bound")
            values[s] = v
            if all(test(values) for test in due[depth]) and go(depth + 1):
                return True
        values[s] = None
        return False

    return list(values) if go(0) else None

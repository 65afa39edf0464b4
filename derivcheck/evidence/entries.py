"""Closures that read an entry at a point: the key of its index values, an input array's entry, a defined entry."""
from sympy import Symbol

from .values import Undefined, real


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


class EntryReads:
    """The entry-reading part of a Program (a mixin over Facts: slot, canon, defs, losses, _node)."""

    def _indexed(self, e):
        base = self.slot(e.base)
        defined = self.canon(e.base) in self.defs
        if len(e.indices) <= 2 and self._plain(e.indices):  # x[i], X[i, j]: the key read inline (one call less)
            s0, s1 = (self.slot(i) for i in (e.indices * 2)[:2])
            if len(e.indices) == 1:
                def at(ev):
                    v = ev.env[s0]
                    return ev.defined(base, (v if type(v) is int else as_int(v),))

                def entry(ev):
                    v = ev.env[s0]
                    try:
                        return ev.arrays[base][(v if type(v) is int else as_int(v),)]
                    except KeyError:
                        raise Undefined("no such entry") from None
            else:
                def at(ev):
                    env = ev.env
                    v, w = env[s0], env[s1]
                    return ev.defined(base, (v if type(v) is int else as_int(v), w if type(w) is int else as_int(w)))

                def entry(ev):
                    env = ev.env
                    v, w = env[s0], env[s1]
                    try:
                        return ev.arrays[base][(v if type(v) is int else as_int(v), w if type(w) is int else as_int(w))]
                    except KeyError:
                        raise Undefined("no such entry") from None
            return at if defined else entry
        key = self._key(e.indices)
        if defined:
            return lambda ev: ev.defined(base, key(ev))

        def entry(ev):
            try:
                return ev.arrays[base][key(ev)]
            except KeyError:
                raise Undefined("no such entry") from None

        return entry

    def _plain(self, indices):
        """Whether every index is a plain index symbol (read straight from env)."""
        return all(isinstance(i, Symbol) and i not in self.losses and self.canon(i) not in self.defs for i in indices)

    def _key(self, indices):
        """A closure ev -> the tuple of the index values (ints; Undefined if one is not an integer)."""
        plain = self._plain(indices)
        if plain and len(indices) == 1:  # the common entries x[i] and X[i, j]: read straight from env
            s0 = self.slot(indices[0])

            def key1(ev):
                v = ev.env[s0]
                return (v if type(v) is int else as_int(v),)

            return key1
        if plain and len(indices) == 2:
            s0, s1 = self.slot(indices[0]), self.slot(indices[1])

            def key2(ev):
                env = ev.env
                v, w = env[s0], env[s1]
                return (v if type(v) is int else as_int(v), w if type(w) is int else as_int(w))

            return key2
        idx = [self._node(i) for i in indices]
        return lambda ev: tuple([as_int(f(ev)) for f in idx])

"""The values at one sample point: env, input arrays and the defined tables, each entry computed once."""
from .values import Adj, Dual, Undefined

_MISSING = object()


class Leaves(dict):
    """An input array's entries as Adj leaves, each made when it is first read (a sweep costs what
    f reads, not the array's size); iterating gives every key of the array."""

    def __init__(self, source):
        super().__init__()
        self.source = source

    def __missing__(self, key):
        leaf = self[key] = Adj(self.source[key])  # KeyError for an entry the array does not have
        return leaf

    def __iter__(self):
        return iter(self.source)

    def __len__(self):
        return len(self.source)


class Evaluator:
    """The values of one point: env (symbols), arrays (inputs), and memoised defined entries.

    Every table is keyed by the Program's slots (ints), never by SymPy objects. A child
    evaluator (inside a derivative) perturbs one variable var: an input array's entry, a scalar
    (in the shared env), or a defined name, frozen: its entries read from the parent. Whatever
    does not read var[key] (Program.reads: by the names it depends on, then by index patterns)
    is read from the parent, computed once. A sweep child (reverse mode, only under the float
    evaluator of a point, whose reverse is True) makes every entry of var an Adj leaf at once.
    """

    __slots__ = ("program", "env", "arrays", "memo", "parent", "var", "key", "tag", "frozen", "precise",
                 "reverse", "leaves")

    def __init__(self, program, env, arrays, parent=None, var=None, key=(), tag=0, frozen=frozenset(), precise=False,
                 reverse=False):
        self.program, self.env, self.arrays, self.memo, self.precise = program, env, arrays, {}, precise
        self.parent, self.var, self.key, self.tag, self.frozen = parent, var, key, tag, frozen
        self.reverse, self.leaves = reverse, None

    def child(self, var, key, tag, frozen, array):
        """The evaluator with var[key] (an input array's entry when array, else a scalar or a
        defined name, frozen) carrying the tag's ε part."""
        arrays = self.arrays
        if array:
            data = arrays.get(var)
            if data is None or key not in data:
                raise Undefined("no such entry")
            data = dict(data)
            data[key] = Dual(tag, data[key], 1)
            arrays = dict(arrays)
            arrays[var] = data
        return Evaluator(self.program, self.env, arrays, self, var, key, tag,
                         self.frozen | {var} if frozen else self.frozen, self.precise)

    def sweep_child(self, var, frozen):
        """(the evaluator where every entry of var is an Adj leaf, {key: leaf}): var an input array
        or (frozen) a defined name; a leaf is made when its entry is first read."""
        arrays, leaves = self.arrays, {}
        if not frozen:
            data = arrays.get(var)
            if data is None:
                raise Undefined("no such entry")
            leaves = Leaves(data)
            arrays = dict(arrays)
            arrays[var] = leaves
        ev = Evaluator(self.program, self.env, arrays, self, var, (), 0,
                       self.frozen | {var} if frozen else self.frozen, self.precise)
        ev.leaves = leaves
        return ev, leaves

    def defined(self, target, args):
        """The entry target[args] of a defined name (args () for a scalar)."""
        parent = self.parent
        if parent is not None:
            if target in self.frozen:
                if target == self.var and self.leaves is not None:  # a sweep: every entry is a leaf
                    v = self.leaves.get(args)
                    if v is None:
                        v = self.leaves[args] = Adj(parent.defined(target, args))
                    return v
                v = parent.defined(target, args)
                if target == self.var and args == self.key:
                    v = Dual(self.tag, v, 1)
                return v
            if not self.program.reads(target, args, self.var, self.key):
                return parent.defined(target, args)  # an entry that does not read var[key]: unchanged
        params, extras, body = self.program.runtime(target)
        if extras:
            env = self.env
            key = (target, args, tuple([env[s] for s in extras]))
        else:
            key = (target, args)
        v = self.memo.get(key, _MISSING)
        if v is _MISSING:
            v = self.memo[key] = self._compute(params, body, args)
        return v

    def _compute(self, params, body, args):
        if len(args) != len(params):
            raise Undefined("a defined name with another number of indices")
        env = self.env
        saved = [env.get(p, _MISSING) for p in params]
        for p, a in zip(params, args):
            env[p] = a
        try:
            return body(self)
        finally:
            for p, old in zip(params, saved):
                if old is _MISSING:
                    env.pop(p, None)
                else:
                    env[p] = old

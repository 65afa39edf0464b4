"""Scalars already built for one symbol table, found again by the structure of their AST."""


class BuildMemo:
    """One derivation's built scalars, keyed by AST structure (kind, value and arguments; the column
    aside, it only locates errors and a value that built raised none). A value is stored only when
    its build handed out no bound index (the names a lowering numbers depend on what came before it),
    so a hit is the very expression a new build would return. The elaborator clears it whenever it
    writes the symbol table."""

    def __init__(self):
        self._ids = {}  # (kind, value, argument ids) -> a small int naming that structure
        self.values = {}  # structure id -> built scalar

    def clear(self):
        self.values.clear()

    def key(self, node, keys):
        """The structure id of node; keys caches (node, id) by id(node) for one AST (holding the node
        keeps its id from being reused)."""
        seen = keys.get(id(node))
        if seen is not None:
            return seen[1]
        args = node.args
        shape = (node.kind, node.value, tuple([self.key(a, keys) for a in args]) if args else ())
        k = self._ids.get(shape)
        if k is None:
            k = self._ids[shape] = len(self._ids)
        keys[id(node)] = (node, k)
        return k

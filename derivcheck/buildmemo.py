"""Scalars already built (and texts already parsed) for one symbol table, found again by AST structure."""


class BuildMemo:
    """One derivation's built scalars, keyed by AST structure (kind, value and arguments; the column
    aside, it only locates errors and a value that built raised none). A value is stored only when
    its build handed out no bound index (the names a lowering numbers depend on what came before it),
    so a hit is the very expression a new build would return. The elaborator takes a new one whenever
    it writes the symbol table (one may be shared by derivations with equal tables)."""

    def __init__(self):
        self._ids = {}  # (kind, value, argument ids) -> a small int naming that structure
        self.values = {}  # structure id -> built scalar
        self.parsed = {}  # (text, allowed relations, tex) -> AST (LaTeX reads the table: valid as long)

    def parse(self, ctx, text, allow, tex, parse):
        """parse(ctx, text, allow, tex), once per text."""
        if not isinstance(text, str):
            return parse(ctx, text, allow, tex)  # refused there
        key = (text, tuple(allow), tex)
        node = self.parsed.get(key)
        if node is None:
            node = self.parsed[key] = parse(ctx, text, allow, tex)
        return node

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

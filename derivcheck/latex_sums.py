"""The scope of LaTeX sums: `a_0 + ... + a_K` as a Sum, and a \\sum index used past its summand."""
from .errors import DerivError
from .parse import Node

_SPINE = ("add", "sub", "neg", "mul", "div", "odot", "jux", "group")


def _bound_on_spine(tree):
    """Indices of the \\sum operators whose summand runs to the right end of tree."""
    found = []
    while getattr(tree, "data", None) in _SPINE + ("bigsum",):
        if tree.data == "bigsum":
            limits = [c for c in tree.children if getattr(c, "data", None) in ("sum_index", "sum_from", "sum_except")]
            found.append(str(limits[0].children[0]))
        tree = tree.children[-1]
    return found


def _free_letters(tree, bound=frozenset()):
    from lark import Token

    if isinstance(tree, Token):
        return {str(tree)} - bound if tree.type == "LETTER" else set()
    if tree.data == "bigsum":
        limits = [c for c in tree.children if getattr(c, "data", None) in ("sum_index", "sum_from", "sum_except")]
        inner = bound | {str(limits[0].children[0])}
        out = set()
        for child in tree.children:
            out |= _free_letters(child, inner)  # the index letter in the limits is not a use
        return out
    out = set()
    for child in tree.children:
        out |= _free_letters(child, bound)
    return out


def leaked_index(left, right, text=None):
    """The index of a \\sum ending just before `+ right` that right still uses (Σ_k a_k + b_k), or None."""
    free = _free_letters(right)
    for k in _bound_on_spine(left):
        if k in free:
            return k
    return None


def _differences(a, b, out):
    """Collect the places where the trees a and b differ; False if they differ in shape."""
    if a == b:
        return True
    if a.kind == "num" or b.kind == "num":
        out.append((a, b))
        return True
    if a.kind != b.kind or a.value != b.value or len(a.args) != len(b.args):
        return False
    return all(_differences(x, y, out) for x, y in zip(a.args, b.args))


def _replace(node, old, new):
    if node == old:
        return new
    return Node(node.kind, node.value, tuple(_replace(a, old, new) for a in node.args), node.col)


def _names(node):
    if node.kind == "name":
        yield node
    for a in node.args:
        yield from _names(a)


def _strip_cols(node):
    return (node.kind, node.value, tuple(_strip_cols(a) for a in node.args))


def ellipsis_sum(terms, last, ctx, col):
    """t(lo) + t(lo+1) + ... + t(hi) as Sum(t(k), (k, lo, hi)), k an index the terms leave free."""
    first, diffs = terms[0], []
    if not _differences(first, last, diffs) or not diffs or len({(a.value, b) for a, b in diffs}) != 1:
        raise DerivError("cannot see which index runs in this '\\dots' sum", column=col)
    start, upper = diffs[0]
    if start.kind != "num":
        raise DerivError("the first term of a '\\dots' sum must show a number where the last shows the limit", column=col)
    used = {n.value for t in list(terms) + [last] for n in _names(t)}
    free = [name for name in ctx.indices if name not in used]
    if not free:
        raise DerivError("no declared index is free to run this '\\dots' sum", column=col)
    k = Node("name", free[0], col=col)
    summand = _replace(first, start, k)
    for step, term in enumerate(terms[1:], 1):  # the terms written out must follow the pattern
        expect = _replace(first, start, Node("num", str(int(start.value) + step)))
        if _strip_cols(term) != _strip_cols(expect):
            raise DerivError("the terms before '\\dots' do not follow one pattern", column=col)
    return Node("call", "Sum", (summand, Node("tuple", args=(k, start, upper))), col)

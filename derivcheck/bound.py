"""Bound indices named canonically: canonical_bound (a normal form of sums' names and limit order) and alpha_key."""
import itertools

from sympy import Add, IndexedBase, KroneckerDelta, Max, Min, Mul, Product, Sum, Symbol, default_sort_key

from .calculus import bound_symbols


def _bound_name(depth):
    return Symbol(f"_b{depth}", integer=True)


def _sum_depth(expr):
    if isinstance(expr, Sum):
        return 1 + _sum_depth(expr.function)
    return max((_sum_depth(a) for a in expr.args), default=0)


_MEMO_LIMIT = 4096  # entries kept in each memo below before it is emptied (bounded memory)
_bound_memo = {}


def canonical_bound(expr):
    """expr with every Sum's bound index renamed _b<d>, d the number of sums nested inside.

    Sum(y[k], (k,1,N)) and Sum(y[n], (n,1,N)) then compare equal; so do Σ_n Σ_k and Σ_k Σ_n
    over independent ranges (the smallest form over the orders of the limits is kept).
    A pure function of expr (the Dummies it makes never survive): memoised.
    """
    if not expr.has(Sum):
        return expr
    found = _bound_memo.get(expr)
    if found is None:
        if len(_bound_memo) >= _MEMO_LIMIT:
            _bound_memo.clear()
        found = _bound_memo[expr] = _canonical_bound(expr)
    return found


def _canonical_bound(expr):
    if isinstance(expr, Sum):
        body = canonical_bound(expr.function)
        limits = list(expr.limits)
        bound = {lim[0] for lim in limits}
        independent = len(bound) == len(limits) and not any(lo.has(*bound) or hi.has(*bound) for _, lo, hi in limits)
        if independent and len(limits) == 2:
            orders = itertools.permutations(limits)
        elif independent and len(limits) <= 4:
            orders = _orders(body, limits)
        else:
            orders = [limits]
        depth = _sum_depth(body)
        # a limit's ends are read outside it: a name there is free unless a limit further out binds it
        ends = set().union(*((lo.free_symbols | hi.free_symbols) - {v for v, *_ in limits[pos + 1:]}
                             for pos, (_, lo, hi) in enumerate(limits)))
        taken = ((body.free_symbols | bound_symbols(body)) - bound) | ends  # the same for every order: computed once
        return min((_rename(body, list(order), depth, taken) for order in orders), key=default_sort_key)
    args = [canonical_bound(a) for a in expr.args]
    return expr if tuple(args) == expr.args else expr.func(*args)


_SYMMETRIC = (Add, Mul, Max, Min)  # the order of their arguments carries no meaning


def _orders(body, limits):
    """The orders of independent limits worth trying: sorted by what each index does in body (its
    shape, the others' indices masked) and its range, which no renaming or reordering changes;
    only limits that tie are tried in every order among themselves. Two sums that differ in the
    order of their limits and the names of their indices get the same candidates, so the same
    smallest one, without building every order (24 for four limits)."""
    bound = [lim[0] for lim in limits]
    keyed = sorted((((_shape(body, {v: ("#" if v == k else "@") for v in bound}), str(lo), str(hi)), (k, lo, hi))
                    for k, lo, hi in limits), key=lambda kl: kl[0])
    groups = [[lim for key, lim in group] for _, group in itertools.groupby(keyed, key=lambda kl: kl[0])]
    for choice in itertools.product(*(itertools.permutations(g) for g in groups)):
        yield [lim for part in choice for lim in part]


def _shape(expr, marks):
    """A text of expr's tree with the symbols of marks replaced by their marks, the arguments of
    sums, products and max/min in sorted order (so their order in SymPy's tree does not matter)."""
    if expr in marks:
        return marks[expr]
    if not expr.args or isinstance(expr, IndexedBase):
        return str(expr)
    parts = [_shape(a, marks) for a in expr.args]
    if isinstance(expr, _SYMMETRIC):
        parts.sort()
    return f"{type(expr).__name__}({','.join(parts)})"


def alpha_key(expr):
    """A key (nested tuples, no SymPy object built) equal for two expressions that differ only in
    the names of the indices their Sums bind, the order of the terms and factors of sums and
    products, and the order of δ(a, b): each bound index is replaced by its binder's position from
    the outside in (de Bruijn levels), a limit's range read outside it. Equal keys mean equal
    values; unequal keys mean nothing (a cheap first test before the normal form). None for a node
    that binds names some other way (no key)."""
    try:
        return _key(expr, {}, 0)
    except _NoKey:
        return None


class _NoKey(Exception):
    """A node the key does not cover."""


def _key(expr, env, depth):
    """(hash, name, parts) of expr; env maps each bound index in scope to its level."""
    if not expr.args or isinstance(expr, IndexedBase):
        level = env.get(expr)
        if level is not None:
            return (hash(("bound", level)), "bound", level)
        name = type(expr).__name__
        return (hash((name, expr)), name, expr)
    if isinstance(expr, (Sum, Product)):
        inner, kids = dict(env), []
        for limit in reversed(expr.limits):  # the last limit is the outermost; its range is read outside it
            if len(limit) != 3:
                raise _NoKey(str(limit))
            var, lo, hi = limit
            kids += [_key(lo, inner, depth), _key(hi, inner, depth)]
            inner[var] = depth
            depth += 1
        kids.append(_key(expr.function, inner, depth))
    elif getattr(expr, "bound_symbols", None):
        raise _NoKey(type(expr).__name__)
    else:
        kids = [_key(a, env, depth) for a in expr.args]
        if isinstance(expr, _SYMMETRIC) and expr.is_commutative is not False:
            kids.sort(key=lambda k: k[0])
        elif isinstance(expr, KroneckerDelta):
            kids[:2] = sorted(kids[:2], key=lambda k: k[0])
    name = type(expr).__name__
    return (hash((name, tuple(k[0] for k in kids))), name, tuple(kids))


def _rename(body, limits, depth, taken):
    """Sum(body, *limits) with limits[0] innermost, bound indices renamed by depth (depth: the
    sums nested in body): limits[pos] gets _b<depth + len(limits) - 1 - pos>.

    One simultaneous xreplace: no new name meets an old one. The names are deeper than any sum
    inside body; and when one of them is already in the body (free there, bound by an enclosing sum
    named before, as when a normal form is normalised again), all are shifted past it, so renaming
    never captures. taken: the names in body other than the limits' own indices.
    """
    last = len(limits) - 1
    shift = 0
    while any(_bound_name(depth + shift + q) in taken for q in range(last + 1)):
        shift += 1
    names = [_bound_name(depth + shift + last - pos) for pos in range(len(limits))]
    # a name bound twice (SymPy merges Sum(Sum(f, (k, 1, 2)), (k, 1, N))) means its innermost binding:
    # inner limits are written last so they win
    body = body.xreplace({lim[0]: new for lim, new in reversed(list(zip(limits, names)))})
    renamed = []
    for pos, (_, lo, hi) in enumerate(limits):  # a limit's ends may use the indices of the limits outside it
        outer = {limits[q][0]: names[q] for q in range(len(limits) - 1, pos, -1)}  # the nearest wins
        renamed.append((names[pos], lo.xreplace(outer), hi.xreplace(outer)))
    return Sum(body, *renamed)

"""The unevaluated derivative D(f, x) and the tree helpers every rule shares."""
import sympy
from sympy import Indexed, IndexedBase, Product, Sum, Symbol


class D(sympy.Function):
    """∂f/∂x, kept unevaluated: only the engine's rules rewrite it."""

    nargs = 2
    is_commutative = True  # SymPy's default evaluation returns None: D(f, x) is never evaluated

    def _latex(self, printer):
        f, x = self.args
        if isinstance(f, (Symbol, Indexed)):
            return r"\frac{\partial %s}{\partial %s}" % (printer._print(f), printer._print(x))
        return r"\frac{\partial}{\partial %s}\left(%s\right)" % (printer._print(x), printer._print(f))

    def _sympystr(self, printer):
        return "D(%s, %s)" % (printer._print(self.args[0]), printer._print(self.args[1]))


def limits_scope(expr, scope):
    """scope extended with the (lo, hi) of each bound index of the Sum expr."""
    new = dict(scope)
    for k, lo, hi in expr.limits:
        new[k] = (lo, hi)
    return new


def within(rng, lo, hi):
    """Whether the index range rng = (a, b) lies inside lo..hi: a >= lo and b <= hi for every size.

    rng None (an expression of no known range) is not inside anything.
    """
    return rng is not None and (rng[0] - lo).is_nonnegative is True and (hi - rng[1]).is_nonnegative is True


FROZEN = "frozen"  # scope key: the defined names held fixed, inside D(f, p[n]) for a defined p


def variable_base(x):
    """The IndexedBase of an entry z[j], or the Symbol x itself."""
    return x.base if isinstance(x, Indexed) else x


def bottom_up(expr, fn, scope=None, memo=None):
    """Rebuild expr leaves-first, replacing each node by fn(node, scope).

    scope maps each bound index of the enclosing sums to its (lo, hi), and scope[FROZEN] holds
    the variables of the enclosing derivatives (a defined p is not unfolded inside D(f, p[n])).
    Bound index symbols, the bases of entries, the limits of sums and the variable of a
    derivative (all but its indices) are not visited. memo (a dict, kept by the caller across
    calls with the same fn) remembers the result of each (subtree, scope): fn must then be a
    pure function of (node, scope), so a subtree met again is not walked again.
    """
    scope = scope or {}
    if memo is None:
        return _walk(expr, fn, scope)
    return _walk_memo(expr, fn, scope, frozenset(scope.items()), memo)


def _walk(expr, fn, scope):
    if isinstance(expr, Sum):
        inner = limits_scope(expr, scope)
        body = _walk(expr.function, fn, inner)
        new = expr if body == expr.function else Sum(body, *expr.limits)
    elif isinstance(expr, D):
        f, x = expr.args
        inner = dict(scope)
        inner[FROZEN] = scope.get(FROZEN, frozenset()) | {variable_base(x)}
        body = _walk(f, fn, inner)
        if isinstance(x, Indexed):
            idx = tuple(_walk(i, fn, scope) for i in x.indices)
            x = x if idx == x.indices else x.base[idx]
        new = expr if (body, x) == expr.args else D(body, x)
    elif isinstance(expr, Indexed):
        idx = [_walk(i, fn, scope) for i in expr.indices]
        new = expr if tuple(idx) == expr.indices else expr.base[tuple(idx)]
    elif isinstance(expr, IndexedBase) or not expr.args:
        new = expr
    else:
        args = [_walk(a, fn, scope) for a in expr.args]
        new = expr if tuple(args) == expr.args else expr.func(*args)
    return fn(new, scope)


def _walk_memo(expr, fn, scope, key, memo):
    """_walk with memo[(expr, key)], key the frozen items of scope."""
    found = memo.get((expr, key))
    if found is not None:
        return found
    if isinstance(expr, Sum):
        inner = limits_scope(expr, scope)
        body = _walk_memo(expr.function, fn, inner, frozenset(inner.items()), memo)
        new = expr if body == expr.function else Sum(body, *expr.limits)
    elif isinstance(expr, D):
        f, x = expr.args
        inner = dict(scope)
        inner[FROZEN] = scope.get(FROZEN, frozenset()) | {variable_base(x)}
        body = _walk_memo(f, fn, inner, frozenset(inner.items()), memo)
        if isinstance(x, Indexed):
            idx = tuple(_walk_memo(i, fn, scope, key, memo) for i in x.indices)
            x = x if idx == x.indices else x.base[idx]
        new = expr if (body, x) == expr.args else D(body, x)
    elif isinstance(expr, Indexed):
        idx = [_walk_memo(i, fn, scope, key, memo) for i in expr.indices]
        new = expr if tuple(idx) == expr.indices else expr.base[tuple(idx)]
    elif isinstance(expr, IndexedBase) or not expr.args:
        new = expr
    else:
        args = [_walk_memo(a, fn, scope, key, memo) for a in expr.args]
        new = expr if tuple(args) == expr.args else expr.func(*args)
    out = memo[(expr, key)] = fn(new, scope)
    return out


def bound_symbols(expr):
    """Every index symbol bound by a Sum anywhere in expr."""
    return {lim[0] for s in expr.atoms(Sum) for lim in s.limits}


def free_indices(expr, index_symbols):
    """The declared index symbols that occur free in expr (outside the sums that bind them)."""
    found = set()

    def walk(e, bound):
        if isinstance(e, Sum):
            inner = bound | {lim[0] for lim in e.limits}
            walk(e.function, inner)
            for _, lo, hi in e.limits:
                walk(lo, bound)
                walk(hi, bound)
        elif isinstance(e, Symbol):
            if e in index_symbols and e not in bound:
                found.add(e)
        elif isinstance(e, IndexedBase):
            return
        else:
            for a in e.args:
                walk(a, bound)

    walk(expr, frozenset())
    return found


def fresh_index(avoid, like):
    """An integer symbol named after like that is not among avoid."""
    n = 1
    while True:
        cand = Symbol(f"{like.name}_{n}", integer=True)
        if cand not in avoid:
            return cand
        n += 1


def rename_bound(sum_expr, avoid):
    """sum_expr with each bound index that clashes with avoid renamed to a fresh one."""
    body, limits = sum_expr.function, []
    taken = set(avoid) | sum_expr.free_symbols | bound_symbols(sum_expr)
    for k, lo, hi in sum_expr.limits:
        if k in avoid:
            new = fresh_index(taken, k)
            taken.add(new)
            body = body.xreplace({k: new})
            k = new
        limits.append((k, lo, hi))
    return Sum(body, *limits)


def substitute(expr, mapping, avoid=()):
    """expr with each key of mapping replaced by its value, simultaneously and capture-free.

    Inside a Sum (or Product) a key that the Sum binds is another variable and is left alone, and
    a bound index that occurs free in a value put inside is first renamed to a fresh index (not
    among avoid, nor any name of expr or of the values). The limits of a sum are substituted in
    the scope outside it. Every rule and lemma that substitutes goes through here.
    """
    mapping = {a: v for a, v in mapping.items() if a != v}
    if not mapping:
        return expr
    taken = set(avoid) | expr.free_symbols | bound_symbols(expr) | set(mapping)
    for v in mapping.values():
        taken |= v.free_symbols | bound_symbols(v)
    return _subst(expr, mapping, taken)


def _subst(expr, mapping, taken):
    if not mapping:
        return expr
    if expr in mapping:
        return mapping[expr]
    if isinstance(expr, (Sum, Product)):
        body, limits = _subst_limits(expr.function, list(expr.limits), mapping, taken)
        return expr.func(body, *limits)
    if isinstance(expr, IndexedBase) or not expr.args:
        return expr
    args = [_subst(a, mapping, taken) for a in expr.args]
    return expr if tuple(args) == expr.args else expr.func(*args)


def _subst_limits(body, limits, mapping, taken):
    """(body, limits) substituted; limits innermost first, so the last is the outermost binder."""
    if not limits:
        return _subst(body, mapping, taken), []
    k, lo, hi = limits[-1]
    lo, hi = _subst(lo, mapping, taken), _subst(hi, mapping, taken)
    inner = {a: v for a, v in mapping.items() if a != k}  # k bound here: another variable inside
    scope = [body] + [b for lim in limits[:-1] for b in lim[1:]]
    if any(k in v.free_symbols and any(e.has(a) for e in scope) for a, v in inner.items()):
        new = fresh_index(taken, k)  # a value inside mentions the outer k: rename the bound k
        taken.add(new)
        inner[k] = new
        k = new
    body, rest = _subst_limits(body, limits[:-1], inner, taken)
    return body, rest + [(k, lo, hi)]


def depends(expr, x, ctx, _seen=None):
    """Whether expr may depend on the variable x (a scalar Symbol or an entry z[j]).

    Conservative: any entry of x's array counts, and defined names are looked through.
    """
    _seen = _seen or set()
    if isinstance(x, Indexed):
        if x.base in expr.atoms(IndexedBase):  # an entry of x's array, or the whole array (inv(X), det(X))
            return True
    elif x in expr.free_symbols:
        return True
    if getattr(ctx, "functions", None):  # a function defined in the file depends on what its body does
        for node in expr.atoms(sympy.Function):
            f = ctx.function_of(node)
            if f is not None and f.name not in _seen and depends(f.body, x, ctx, _seen | {f.name}):
                return True
    for sym, base, _ in ctx.losses.values():  # L = loss(Z) depends on whatever Z's entries do
        if sym in expr.free_symbols and (variable_base(x) == base or (
                ctx.definition_for(base) is not None and base.label.name not in _seen
                and depends(ctx.definition_for(base).body, x, ctx, _seen | {base.label.name}))):
            return True
    for d in ctx.definitions.values():
        if d.name in _seen:
            continue
        uses = (
            any(e.base == d.target for e in expr.atoms(Indexed))
            if isinstance(d.target, IndexedBase)
            else d.target in expr.free_symbols
        )
        if uses and d.body is not None and depends(d.body, x, ctx, _seen | {d.name}):
            return True
    for node in expr.atoms(sympy.Function) if getattr(ctx, "functions", None) else ():
        fn = ctx.function_of(node)  # sigma(u) := u x depends on x through its body, whatever u is
        if fn is not None and fn.name not in _seen and depends(
                fn.body.xreplace({p: sympy.Dummy() for p in fn.params}), x, ctx, _seen | {fn.name}):
            return True
    return False



def instantiate(definition, indices):
    """The body of a defined name at other indices, bound indices renamed to avoid capture."""
    return substitute(definition.body, dict(zip(definition.params, tuple(indices))))


def unfold_node(node, ctx, frozen=frozenset(), bound=frozenset()):
    """One defined name (p[j] or L) replaced by its definition, unless frozen; else node.

    bound holds the indices of the sums around node: a body whose own free indices (parameters,
    not the arguments) are among them would be captured there, so it is not unfolded.
    """
    if isinstance(node, Indexed):
        d = ctx.definition_for(node.base)
        if d is not None and node.base not in frozen and not _captured(d, bound):
            return instantiate(d, node.indices)
    elif isinstance(node, Symbol):
        d = ctx.definition_for(node)
        if d is not None and not d.params and node not in frozen and not _captured(d, bound):
            return d.body
    elif isinstance(node, sympy.Function) and getattr(ctx, "functions", None):
        f = ctx.function_of(node)
        if f is not None:  # sigma(z[i]) with sigma(u): body
            return substitute(f.body, dict(zip(f.params, node.args)))
    return node


def _captured(definition, bound):
    return bool(bound) and bool((definition.body.free_symbols - set(definition.params)) & set(bound))


def unfold_all(expr, ctx, limit=50):
    """expr with every defined name unfolded, recursively, except inside D(f, p[n]) for p itself."""
    for _ in range(limit):
        new = bottom_up(expr, lambda n, s: unfold_node(n, ctx, s.get(FROZEN, frozenset())))
        if new == expr:
            return new
        expr = new
    return expr


def unfold_except(expr, ctx, keep):
    """expr with every defined name unfolded except the names in keep."""
    for _ in range(50):
        new = bottom_up(expr, lambda n, s: unfold_node(n, ctx, keep | s.get(FROZEN, frozenset())))
        if new == expr:
            return new
        expr = new
    return expr


def constrains(lhs, rhs, variables, ctx):
    """Whether the fact lhs = rhs involves any of variables (those of the enclosing D's): then it may not
    be used there, a fact about values being no fact about their derivatives."""
    for v in variables:
        x = v[Symbol("_any", integer=True)] if isinstance(v, IndexedBase) else v
        if depends(lhs, x, ctx) or depends(rhs, x, ctx):
            return True
    return False


def real_definition(target, ctx):
    """Whether target is a defined name whose body SymPy finds real, through every defined name it uses
    (its folded real symbol then assumes nothing its value does not have). Memoised per ctx (frozen
    after elaboration; the entry holds ctx, so its id is not reused)."""
    held, found = _real_memo.get(id(ctx), (None, None))
    if held is not ctx:
        if len(_real_memo) >= 256:
            _real_memo.clear()
        found = {}
        _real_memo[id(ctx)] = (ctx, found)
    if target not in found:
        found[target] = _real_definition(target, ctx, frozenset())
    return found[target]


_real_memo = {}


def _real_definition(target, ctx, seen):
    d = ctx.definition_for(target)
    if d is None or d.body is None or d.name in seen or d.body.is_real is not True:
        return False
    used = {e.base if isinstance(e, Indexed) else e for e in d.body.atoms(Indexed, Symbol)}
    return all(_real_definition(u, ctx, seen | {d.name}) for u in used if ctx.definition_for(u) is not None)

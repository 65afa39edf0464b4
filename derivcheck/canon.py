"""The `algebra` normal form: canonical bound indices, linear sums, and a bounded zero test."""
from sympy import (Add, Dummy, Heaviside, Indexed, Integer, KroneckerDelta, Max, Mul, Pow, Product, Sum, Symbol, cos,
                   cosh, default_sort_key, diff, exp, expand, fraction, log, sec, sech, sin, sinh, tan, tanh, together)

from .bound import alpha_key, canonical_bound
from .calculus import D, substitute
from .vocabulary import Sigmoid, sigmoid_body

def _expand(expr):
    """expand, keeping exp(Σ...) an exponential (SymPy would make it a Product)."""
    return expand(expr, power_exp=False)


MAX_OPS = 4000  # operations in one side before we refuse to normalise
MAX_EXPANDED_TERMS = 20000
_MEMO_LIMIT = 4096  # entries kept in each memo below before it is emptied (bounded memory)


class TooLarge(Exception):
    """The expression is too big to normalise within bounded time."""


def nonnegative(expr, ctx=None, scope=None, _depth=0):
    """Whether expr >= 0 follows from the declarations: SymPy's assumptions (sizes are positive
    integers), then, for an expression linear in an index (or label entry), at both ends of its range.

    ctx supplies the declared ranges (ctx.index_range), scope those of the enclosing sums' indices.
    """
    if expr.is_nonnegative is True:
        return True
    if ctx is None or _depth > 8:
        return False
    for atom in sorted(expr.atoms(Symbol, Indexed), key=default_sort_key):
        rng = ctx.index_range(atom, scope)
        if rng is None or atom.is_positive or rng == (atom, atom) or diff(expr, atom).has(atom):
            continue  # not an index with a range, or not linear in it: its ends say nothing
        return all(nonnegative(expr.xreplace({atom: end}), ctx, scope, _depth + 1) for end in rng)
    return False


def count(lo, hi, ctx=None, scope=None):
    """The number of k in lo..hi (Python's convention: 0 when hi < lo) as hi - lo + 1 when
    hi >= lo - 1 follows from the declarations, 0 when hi < lo does, else None (not known in closed form)."""
    n = hi - lo + 1
    if nonnegative(n, ctx, scope):
        return n
    return Integer(0) if nonnegative(-n, ctx, scope) else None


def _split_sum(body, limit, ctx=None, scope=None):
    """Σ_k (f + g) = Σ_k f + Σ_k g and factors free of k out of Σ_k, for a normal body.

    A k-free term t becomes t·(hi - lo + 1) only when that count is known to be >= 0 (see count);
    otherwise t·Σ_k 1 stays, so an empty range is never counted as hi - lo + 1 < 0 (Karr's convention).
    """
    k, lo, hi = limit
    n = count(lo, hi, ctx, scope)
    out = []
    for term in Add.make_args(_expand(body)):
        const, dep = [], []
        for factor in Mul.make_args(term):
            (dep if factor.has(k) else const).append(factor)
        if not dep:
            out.append(Mul(*const) * (n if n is not None else canonical_bound(Sum(Integer(1), (k, lo, hi)))))
        else:
            out.append(Mul(*const) * canonical_bound(_merged(dep, limit)))
    return Add(*out)


def _merged(factors, limit):
    """Σ_k of a product, with every factor that is itself a sum over ranges free of k taken inside:
    Σ_c a_c Σ_j b_jc = Σ_{j,c} a_c b_jc (finite sums), so nested sums in either order meet in one
    multi-limit Sum (canonical_bound orders its limits). The inner bound indices are renamed apart."""
    k = limit[0]
    limits, body = [], []
    for factor in factors:
        if isinstance(factor, Sum) and not any(lo.has(k) or hi.has(k) for _, lo, hi in factor.limits):
            fresh = {lim[0]: Dummy(integer=True) for lim in factor.limits}
            body.append(factor.function.xreplace(fresh))
            limits += [(fresh[v], lo, hi) for v, lo, hi in factor.limits]
        else:
            body.append(factor)
    if not limits:
        return Sum(Mul(*factors), limit)
    return Sum(_expand(Mul(*body)), *limits, limit)


def _exp_log(node):
    """exp/log laws that hold for positive arguments."""
    if isinstance(node, log):
        (u,) = node.args
        if isinstance(u, exp) and u.args[0].is_real:
            return u.args[0]
        if isinstance(u, Mul) and all(positive(f) for f in u.args):
            return Add(*[log(f) for f in u.args])
        if isinstance(u, Pow) and positive(u.args[0]) and u.args[1].is_real:
            return u.args[1] * log(u.args[0])
    return node


def positive(expr):
    """A sufficient test that expr > 0: positive atoms, exp of reals, sums/products of positives."""
    if expr.is_positive:
        return True
    if isinstance(expr, exp):
        return expr.args[0].is_real is True
    if isinstance(expr, Sum):
        return all((hi - lo).is_nonnegative is True for _, lo, hi in expr.limits) and positive(expr.function)
    if isinstance(expr, (Add, Mul)):
        return all(positive(a) for a in expr.args)
    if isinstance(expr, Pow):
        return positive(expr.args[0]) and expr.args[1].is_real is True
    return False


def normal(expr, ctx=None, scope=None):
    """The structural normal form: applied leaves-first to every node.

    ctx (the declarations) and scope (the ranges of enclosing sums' indices) decide which
    counts hi - lo + 1 are known to be >= 0; without them only SymPy's assumptions are used.
    A pure function of (expr, ctx, scope): memoised, per ctx object (the declarations do not
    change while a derivation is replayed; the entry holds ctx, so its id is not reused).
    """
    if not expr.args:
        return expr
    sizes = (len(ctx.ranges), len(ctx.arrays)) if ctx is not None else None  # a declaration added later: a new key
    key = (id(ctx), sizes, expr, frozenset(scope.items()) if scope else None)
    found = _normal_memo.get(key)
    if found is not None and found[0] is ctx:
        return found[1]
    if len(_normal_memo) >= _MEMO_LIMIT:
        _normal_memo.clear()
    out = _normal(expr, ctx, scope)
    _normal_memo[key] = (ctx, out)
    return out


_normal_memo = {}


def _normal(expr, ctx, scope):
    if isinstance(expr, Sum):  # Sum(f, L1, L2) is Σ_L2 Σ_L1 f: split from the innermost limit out
        scope = dict(scope or {})
        outer = [dict(scope)]
        for k, lo, hi in reversed(expr.limits):  # limit p may use the indices of limits p+1.. (outer)
            scope[k] = (lo, hi)
            outer.insert(0, dict(scope))
        if any(count(lo, hi, ctx, outer[pos + 1]) == 0 for pos, (_, lo, hi) in enumerate(expr.limits)):
            return Integer(0)  # an empty range (for every value of the outer indices): the sum is 0
        body = normal(expr.function, ctx, scope)
        for pos, limit in enumerate(expr.limits):
            body = _split_sum(body, limit, ctx, outer[pos + 1])
        return body
    args = [normal(a, ctx, scope) for a in expr.args]
    node = expr.func(*args) if tuple(args) != expr.args else expr
    if isinstance(node, D):
        f, x = node.args
        f = _expand(f)
        coeff, rest = f.as_coeff_Mul()  # D(x, x) = 1 is not applied here: see rules/index_rule
        if coeff != 1 and rest != 1:
            return coeff * D(rest, x)
        return D(f, x) if f != node.args[0] else node
    if isinstance(node, exp):  # exp(a + b) = exp(a) exp(b); a sum Σ stays in its exponential
        return Mul(*[exp(t) for t in Add.make_args(_expand(node.args[0]))])
    if isinstance(node, Product) and isinstance(node.function, exp):
        return exp(Sum(node.function.args[0], *node.limits))
    if isinstance(node, Pow) and isinstance(node.args[0], KroneckerDelta) and node.args[1].is_positive:
        return node.args[0]
    if isinstance(node, Mul) and node.has(Heaviside):
        node = _relu_step(node)
    if isinstance(node, Mul) and any(isinstance(f, KroneckerDelta) for f in node.args):
        node = _delta_equates(node)
    return _exp_log(node)


def _delta_equates(node):
    """δ(a, b)·f(b) = δ(a, b)·f(a) (the product is 0 unless a = b): beside δ(a, b) of two index
    symbols, the later one (in SymPy's order) is replaced by the earlier in the other factors,
    without capture, so δ(l, m)/p_l and δ(l, m)/p_m meet in one form."""
    factors = list(Mul.make_args(node))
    for pos, f in enumerate(factors):
        if not (isinstance(f, KroneckerDelta) and all(isinstance(a, Symbol) for a in f.args)):
            continue
        keep, drop = sorted(f.args, key=default_sort_key)
        others = [g for q, g in enumerate(factors) if q != pos]
        if any(g.has(drop) for g in others):
            return Mul(f, *[substitute(g, {drop: keep}) for g in others])
    return node


# for the zero test: tan, sec, tanh, sech through sin, cos, sinh, cosh; then sin² = 1 − cos²,
# cosh² = 1 + sinh² in the numerator, so sin² + cos² = 1 and 1 − tanh² = sech² are seen
_QUOTIENTS = {tan: lambda u: sin(u) / cos(u), sec: lambda u: 1 / cos(u),
              tanh: lambda u: sinh(u) / cosh(u), sech: lambda u: 1 / cosh(u)}
_SQUARES = {sin: lambda u: 1 - cos(u) ** 2, cosh: lambda u: 1 + sinh(u) ** 2}


def _pythagoras(expr):
    """expr with sin^n (n >= 2) and cosh^n written through cos² and sinh², expanded."""
    def square(e):
        base, n = e.args[0], int(e.args[1])
        return _SQUARES[type(base)](base.args[0]) ** (n // 2) * base ** (n % 2)

    return _expand(expr.replace(
        lambda e: isinstance(e, Pow) and type(e.args[0]) in _SQUARES and e.args[1].is_Integer and e.args[1] >= 2, square))


def _relu_step(node):
    """relu(u)·step(u) = u·step(u) (both 0 for u <= 0): max(u, 0) beside Heaviside(u) is u."""
    steps = {f.args[0] for f in node.args if isinstance(f, Heaviside)}
    out = []
    for f in node.args:
        if isinstance(f, Max) and len(f.args) == 2 and 0 in f.args:
            u = f.args[0] if f.args[1] == 0 else f.args[1]
            if u in steps:
                f = u
        out.append(f)
    return Mul(*out)


def _guard(expr):
    if expr.count_ops() > MAX_OPS:
        raise TooLarge(f"more than {MAX_OPS} operations")
    for p in expr.atoms(Pow):
        base, n = p.args
        if isinstance(base, Add) and n.is_Integer and len(base.args) ** min(abs(int(n)), 64) > MAX_EXPANDED_TERMS:
            raise TooLarge(f"expanding {p} would give too many terms")


def equal(a, b, ctx=None):
    """Whether a - b normalises to 0 (a sound test: True only for an identity).

    ctx, the declarations, lets counts of sums over ranges such as i..N be used (see count).
    """
    if a == b:
        return True
    _guard(a)
    _guard(b)
    key = alpha_key(a)
    if key is not None and key == alpha_key(b):  # the same up to bound names and the order of terms
        return True
    delta = normal(a, ctx) - normal(b, ctx)
    if delta == 0:
        return True
    num, _ = fraction(together(_expand(delta)))
    num = _expand(num)
    if num == 0:
        return True
    if not num.has(*_QUOTIENTS, *_SQUARES, cos, sinh, Sigmoid):
        return False
    trig = delta.replace(lambda e: type(e) in _QUOTIENTS, lambda e: _QUOTIENTS[type(e)](e.args[0]))
    trig = trig.replace(lambda e: isinstance(e, Sigmoid), lambda e: sigmoid_body(e.args[0]))
    num, _ = fraction(together(_expand(trig)))
    return _pythagoras(_expand(num)) == Integer(0)

"""chain_rule: D(F(u), x) = F'(u)·D(u, x); over an index, D(f, x) = Σ_n D(f, q_n)·D(q_n, x)."""
from sympy import Dummy, Function, Heaviside, Indexed, IndexedBase, Max, Pow, Sum, Symbol

from derivcheck.calculus import D, bound_symbols, depends, fresh_index, limits_scope, unfold_except, variable_base, within
from derivcheck.rulebase import Rule, fill
from derivcheck.vocabulary import derivative
from .power_rule import power

# the first is proved from the declarations (else no rewrite); the others are the domain of F(u): notes
SIDE_CONDITIONS = ("f depends on x only through q", "u ≠ 0 (relu is not differentiable at 0)",
                   "a ≠ b (max is not differentiable where they meet)")


def _nearest_first(f, ctx):
    """The defined names f is written in, then those their definitions are written in, and so on."""
    order, frontier = [], [f]
    while frontier:
        found = []
        for e in frontier:
            for atom in e.atoms(Indexed, Symbol):
                d = ctx.definition_for(atom.base if isinstance(atom, Indexed) else atom)
                if d is not None and d not in order and d not in found:
                    found.append(d)
        order += found
        frontier = [d.body for d in found]
    return order


def _through(f, x, ctx, scope):
    """The defined indexed q nearest to f such that f depends on x only through q's entries."""
    loss = ctx.loss_of(f)
    if loss is not None:  # L = loss(Z): through Z, by declaration
        d = ctx.definition_for(loss[0])
        ok = d is not None and variable_base(x) != loss[0] and depends(d.body, x, ctx)
        return d if ok else None
    for d in _nearest_first(f, ctx):
        q = d.target
        if not isinstance(q, IndexedBase) or not depends(d.body, x, ctx):
            continue
        if isinstance(f, Indexed) and f.base == q or variable_base(x) == q:
            continue  # D(q_n, x) itself, or x an entry of q: no regress
        g = unfold_except(f, ctx, frozenset({q, variable_base(x)}))  # x's own name stays visible
        uses_q = any(e.base == q for e in g.atoms(Indexed))
        direct = any(e.base == variable_base(x) for e in g.atoms(Indexed)) or (
            not isinstance(x, Indexed) and x in g.free_symbols)
        if uses_q and not direct and _within(g, d, ctx, scope):
            return d
    return None


def _within(expr, d, ctx, scope):
    """Every entry of d's name in expr lies in d's declared index ranges (the n of Σ_n covers it)."""
    if isinstance(expr, Sum):
        return _within(expr.function, d, ctx, limits_scope(expr, scope))
    if isinstance(expr, Indexed) and expr.base == d.target:
        return all(within(ctx.index_range(index, scope), *ctx.ranges[param])
                   for index, param in zip(expr.indices, d.params))
    return all(_within(a, d, ctx, scope) for a in expr.args)


def _index_chain(f, x, env, scope):
    d = _through(f, x, env.ctx, scope)
    if d is None:
        return None
    taken = set(f.free_symbols) | set(x.free_symbols) | bound_symbols(f) | env.ctx.parameters
    entry_indices, limits = [], []
    for param in d.params:
        n = param if param not in taken else fresh_index(taken, param)
        taken.add(n)
        entry_indices.append(n)
        limits.append((n, *env.ctx.ranges[param]))
    entry = d.target[tuple(entry_indices)]
    env.note("chain_rule", fill(SIDE_CONDITIONS[0], f=f, x=x, q=d.name))
    body = D(f, entry) * D(entry, x)
    for lim in reversed(limits):
        body = Sum(body, lim)
    return body


def transform(node, env, scope):
    if not isinstance(node, D):
        return node
    f, x = node.args
    user = env.ctx.function_of(f) if isinstance(f, Function) and env.ctx.functions else None
    if user is not None and user.derivative is not None:  # sigma(u) defined in the file: sigma'(u) D(u, x)
        (u,) = f.args
        if depends(user.body.xreplace({p: Dummy() for p in user.params}), x, env.ctx):
            return node  # f(u) := u x: D(f(y), x) has a direct term too; the chain rule alone is not it
        return user.derivative.head(u) * D(u, x)
    outer = derivative(f)  # F(u) of the function table: F'(u) D(u, x)
    if outer is not None:
        (u,), (fprime, condition) = f.args, outer
        if condition:
            env.note("chain_rule", condition)
        return fprime * D(u, x)
    if isinstance(f, Max) and len(f.args) == 2 and 0 in f.args:  # relu
        u = f.args[0] if f.args[1] == 0 else f.args[1]
        env.note("chain_rule", fill(SIDE_CONDITIONS[1], u=u))
        return Heaviside(u) * D(u, x)
    if isinstance(f, Max) and len(f.args) == 2:  # max(a, b): the larger one's derivative
        a, b = f.args
        env.note("chain_rule", fill(SIDE_CONDITIONS[2], a=a, b=b))
        return Heaviside(a - b) * D(a, x) + Heaviside(b - a) * D(b, x)
    if isinstance(f, Pow):
        out = power(node, env, "chain_rule")  # a constant power, its domain noted as power_rule does
        if out is not None:
            return out
    chained = _index_chain(f, x, env, scope)
    return node if chained is None else chained


RULE = Rule(
    name="chain_rule",
    summary="D(F(u), x) = F'(u) D(u, x); over an index: D(L, z_m) = Σ_n D(L, p_n) D(p_n, z_m)",
    statement=r"\frac{\partial F(u)}{\partial x} = F'(u)\,\frac{\partial u}{\partial x},\quad "
    r"\frac{\partial L}{\partial z_m} = \sum_n \frac{\partial L}{\partial p_n}\frac{\partial p_n}{\partial z_m}",
    side_conditions=("F is a function of derivcheck's table (derivcheck/vocabulary.py: exp, log (u > 0), trig, "
                     "hyperbolic, inverse trig (|u| < 1), erf, abs (u ≠ 0)), relu (u ≠ 0) or a constant power",
                     "over an index: L depends on z only through the defined p (no direct z)") + SIDE_CONDITIONS,
    aliases=("chain rule", "multivariable chain rule", "chain rule over an index"),
    examples=(
        ("D(tanh(x**2), x)", "(1 - tanh(x**2)**2) * 2 * x"),
        ("D(sin(z[i]), z[j])", "cos(z[i]) * D(z[i], z[j])"),
        ("D(Sum(y[k] * log(p[k]), k), z[j])", "Sum(D(Sum(y[k] * log(p[k]), k), p[n]) * D(p[n], z[j]), n)"),
    ),
    transform=transform,
)

"""Verified derivations cited as rules: `by: softmax-jacobian` rewrites with that claim."""
from sympy import Indexed, IndexedBase, Symbol
from sympy.core.function import AppliedUndef

from .calculus import FROZEN, bound_symbols, constrains, free_indices, instantiate, substitute, within
from .canon import canonical_bound, equal
from .rulebase import Rule


def citations(deriv, is_rule):
    """[(name, step)] of every `by` name in deriv that is not a rule: cited derivations."""
    return [(name, step) for step in deriv.steps() for name in (step.rules or ()) if not is_rule(name)]


def _names(expr):
    """The arrays, defined names, sizes and scalars an expression refers to."""
    out = {e.base for e in expr.atoms(Indexed)} | {f.func for f in expr.atoms(AppliedUndef)}
    labels = {base.label for base in out if isinstance(base, IndexedBase)}
    for s in expr.free_symbols:
        is_index = s.is_integer and s.is_positive is not True
        if isinstance(s, Symbol) and not is_index and s not in labels:
            out.add(s)
    return out


def incompatibility(lemma, ctx):
    """Why lemma's claim cannot be used with the declarations ctx, or None if it can."""
    lctx = lemma.ctx
    todo, seen = list(_names(lemma.claim_lhs) | _names(lemma.claim_rhs)), set()
    for lhs, rhs, line in lctx.assumptions:
        if line is not None and not any(equal(lhs, a) and equal(rhs, b) for a, b, _ in ctx.assumptions):
            return f"{lemma.name} assumes {lhs} = {rhs} (line {line}), which is not assumed here"
        todo += list(_names(lhs) | _names(rhs))  # an assumption means the same only if its names do
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if isinstance(name, IndexedBase) and lctx.array_of(name) is not None:
            mine, theirs = ctx.array_of(name), lctx.array_of(name)
            if mine is None or (mine.kind, mine.axes, mine.values) != (theirs.kind, theirs.axes, theirs.values):
                return f"{name} is not declared here as in {lemma.name} ({theirs.kind})"
        elif lctx.loss_of(name) is not None:  # L = loss(Z): the same unspecified loss of the same Z
            if ctx.loss_of(name) != lctx.loss_of(name):
                return f"{name} is not the same loss here as in {lemma.name}"
            todo.append(lctx.loss_of(name)[0])
        elif isinstance(name, type):  # a function defined in the file: sigma(u): body
            theirs, mine = lctx.functions.get(name.__name__), ctx.functions.get(name.__name__)
            if theirs is None:
                return f"{name.__name__} has no declaration in {lemma.name} that derivcheck can compare"
            if mine is None or len(mine.params) != len(theirs.params) or not equal(
                    substitute(theirs.body, dict(zip(theirs.params, mine.params))), mine.body):
                return f"the function {name.__name__} is not defined here as in {lemma.name}"
            todo += list(_names(theirs.body) - set(theirs.params))
        elif lctx.definition_for(name) is not None:
            theirs, mine = lctx.definition_for(name), ctx.definition_for(name)
            if mine is None or len(mine.params) != len(theirs.params):
                return f"{name} is not defined here as in {lemma.name}"
            if not equal(instantiate(theirs, mine.params), mine.body):
                return f"{name} is defined differently here than in {lemma.name}"
            for index in free_indices(theirs.body, set(lctx.ranges)) - set(theirs.params):
                if not within(ctx.index_range(index), *lctx.ranges[index]):  # a parameter, as in y[j]: delta(j, l)
                    return f"{name}'s index {index} does not range here within {lemma.name}'s range of it"
            todo += list(_names(theirs.body))
        elif name in lctx.sizes.values():
            if name not in ctx.sizes.values():
                return f"size {name} is not declared here"
        elif any(name == s for s, _ in lctx.scalars.values()):
            if lctx.scalars.get(str(name)) != ctx.scalars.get(str(name)):
                return f"{name} is not declared here as in {lemma.name}"
        else:
            return f"{name} has no declaration in {lemma.name} that derivcheck can compare"
    return None


def _match(pat, expr, pvars, binding):
    if pat in pvars:
        if pat in binding:
            return binding[pat] == expr
        if expr.is_integer is not True:
            return False
        binding[pat] = expr
        return True
    if not pat.args:
        return pat == expr
    if type(pat) is not type(expr) or len(pat.args) != len(expr.args):
        return False
    return all(_match(p, e, pvars, binding) for p, e in zip(pat.args, expr.args))


def lemma_rule(lemma, ctx):
    """A Rule rewriting lemma's claim left side into its right side, within ctx."""
    lctx = lemma.ctx
    pattern = canonical_bound(lemma.claim_lhs)
    pvars = free_indices(lemma.claim_lhs, set(lctx.ranges))
    rhs = lemma.claim_rhs
    rhs_only = free_indices(rhs, set(lctx.ranges)) - pvars  # the claim holds for each of their values

    def transform(node, env, scope):
        if type(node) is not type(pattern):
            return node
        binding, canonical = {}, canonical_bound(node)
        if not _match(pattern, canonical, pvars, binding):
            return node
        if any(v.free_symbols & bound_symbols(canonical) for v in binding.values()):
            return node  # a free index of the lemma matched an index bound in the node
        for var, value in binding.items():
            if not within(ctx.index_range(value, scope), *lctx.ranges[var]):
                return node
        for var in rhs_only:  # free only on the right: its range here must lie inside the lemma's
            if not within(ctx.index_range(var, scope), *lctx.ranges[var]):
                return node
        new = substitute(rhs, binding, ctx.parameters)
        if constrains(node, new, scope.get(FROZEN, ()), ctx):
            return node  # a fact about values (Σ_k p_k = 1, one-hot y) is no fact about their derivatives
        env.note(lemma.name, f"lemma (line {lemma.claim_line} of {lemma.file}) with "
                 + ", ".join(f"{k} = {v}" for k, v in sorted(binding.items(), key=lambda kv: kv[0].name)))
        return new

    return Rule(
        name=lemma.name,
        summary=f"the verified claim {lemma.claim_text}",
        statement=lemma.claim_text,
        side_conditions=("the lemma is verified; its names are declared and defined alike here",
                         "not inside a derivative by a variable the lemma's sides involve (a fact about values is no "
                         "fact about their derivatives)"),
        transform=transform,
    )

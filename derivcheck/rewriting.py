"""Rewriting with declared rules: apply them to an expression, prove two sides equal, find the rules a link needs."""
from sympy import Indexed, Symbol

from . import canon
from .calculus import D, bottom_up, real_definition, variable_base
from .rulebase import Env
from .rules import BOOKKEEPING, BY_NAME, RULES
from .rules.index_rule import self_derivative

MAX_PASSES = 40
ALGEBRA = BY_NAME["algebra"]


_silent = self_derivative  # D(x, x) = 1 (declared in rules/index_rule), applied wherever a rule leaves it


def rewrite(expr, rules, env, memo=None, silent=None):
    """Apply the transforms of rules leaves-first, pass after pass, until nothing changes.

    memo (a dict) remembers each subtree's result of a pass, so a subtree already rewritten is not
    walked again: pass the same dict only to calls with the same rules and env (the transforms are
    pure functions of node, env.ctx, env.conditions, env.sides and scope; their notes are already in env).
    silent (a list), if given, receives each (node, scope) where no rule applied."""
    active = [r for r in rules if r is not ALGEBRA]

    def step(node, scope):
        for rule in active:
            new = rule.transform(node, env, scope)
            if new is not node and new != node:
                env.fired.add(rule.name)
                return new
        if silent is not None:
            silent.append((node, scope))
        return _silent(node, scope)

    memo = {} if memo is None else memo
    for _ in range(MAX_PASSES):
        new = bottom_up(expr, step, memo=memo)
        if new == expr:
            return new
        expr = new
    return expr


def proves(a, b, rules, env, silent=None):
    """Whether rules (and algebra) bring a and b to one normal form (silent: see rewrite)."""
    memo = {}  # the same rules and env throughout: one memo for the four rewrites
    ra, rb = rewrite(a, rules, env, memo, silent), rewrite(b, rules, env, memo, silent)
    if env.folded and _names_in(ra, env.folded) != _names_in(rb, env.folded):
        return False  # a name kept folded on one side only: the normal form is costly here, the full try decides
    if canon.equal(ra, rb, env.ctx):
        return True
    na = rewrite(canon.normal(ra, env.ctx), rules, env, memo, silent)
    nb = rewrite(canon.normal(rb, env.ctx), rules, env, memo, silent)
    return canon.equal(na, nb, env.ctx)


def _try(a, b, rules, ctx, conditions, first=(), trace=None, fold=False):
    """(whether rules prove a = b, their Env); the rules in first are applied alone before (so a
    named rule acts on the form the author wrote, before the bookkeeping unfolds it). trace (a
    dict), if given, gets under "first" and "main" the (node, scope) where no rule of first, or
    of rules, applied: what another rule would have been tried on (see _idle).

    fold: first try with the derivatives' defined variables kept folded outside every D (folded_names):
    a proof there holds for every value of their entries, so at their own; the full try runs if it fails."""
    if fold and trace is None:
        folded = folded_names(a, b, ctx)
        if folded:
            env = Env(ctx, conditions, sides=(a, b), folded=folded)
            if _attempt(a, b, rules, env, first, None):
                return True, env
    env = Env(ctx, conditions, sides=(a, b))
    return _attempt(a, b, rules, env, first, trace), env


def _attempt(a, b, rules, env, first, trace):
    if trace is not None:
        trace.update(first=[], main=[])
    try:
        if first:
            memo, silent = {}, trace["first"] if trace is not None else None
            a, b = rewrite(a, list(first), env, memo, silent), rewrite(b, list(first), env, memo, silent)
        return proves(a, b, list(rules), env, trace["main"] if trace is not None else None)
    except canon.TooLarge:
        return False
    except Exception:  # noqa: BLE001 - SymPy failing on an odd form proves nothing: not proved
        return False


def _names_in(expr, names):
    """Which of names (IndexedBases or Symbols) occur in expr."""
    return {e.base if isinstance(e, Indexed) else e for e in expr.atoms(Indexed, Symbol)} & names


def folded_names(a, b, ctx):
    """The defined names that are the variable of a D in a or b and whose bodies are real (real_definition):
    outside every D their entries may stand for their values as real atoms."""
    names = {variable_base(n.args[1]) for side in (a, b) for n in side.atoms(D)}
    return frozenset(v for v in names if real_definition(v, ctx))


def _justifying(a, b, ctx, conditions, named=(), reference=None):
    """The rules that prove a = b beyond named and the bookkeeping: a short tuple (empty when the
    bookkeeping alone proves it), or None when nothing does.

    reference: the trace of the failed try of named with the bookkeeping (first=named), when named.
    """
    base = list(named) + [r for r in BOOKKEEPING if r not in named]
    if not named:
        reference = {}
        ok, env = _try(a, b, base, ctx, conditions, trace=reference)
        if ok:
            return ()
        reference["first"] = _nodes(a) + _nodes(b)  # a rule alone, first, is tried on every node
        if any(_silent(node, scope) is not node for node, scope in reference["first"]):
            reference = None  # D(x, x) = 1 would change a side before the rules: no shortcut
    for rule in RULES:
        if rule in base:
            continue
        if reference and _idle(rule, reference, Env(ctx, conditions, sides=(a, b))):
            continue  # the try would repeat the failed one step for step
        ok, env = _try(a, b, base + [rule], ctx, conditions, first=list(named) + [rule])
        if ok:
            return (rule.name,)
    ok, env = _try(a, b, RULES, ctx, conditions)
    if not ok:
        return None
    return tuple(r.name for r in RULES if r.name in env.fired and r not in base)


def _nodes(expr):
    """Every (node, scope) a rewrite of expr visits in its first pass."""
    out = []
    bottom_up(expr, lambda node, scope: out.append((node, scope)) or node, memo={})
    return out


def _idle(rule, reference, env):
    """Whether rule changes none of the nodes where no rule of a failed try applied (reference,
    its trace): then the try with rule added last (to first and to the rules) takes the same steps
    and fails the same way. A rule that raises on one of them is not idle. env: as the try's
    (declarations, conditions, sides)."""
    for node, scope in reference["first"] + reference["main"]:
        try:
            new = rule.transform(node, env, scope)
        except Exception:  # noqa: BLE001 - the try would have met this: run it
            return False
        if new is not node and new != node:
            return False
    return True

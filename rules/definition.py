"""definition: unfold (or, read backwards, fold) a name from `define`."""
from derivcheck.calculus import FROZEN, unfold_node
from derivcheck.rulebase import Rule


def transform(node, env, scope):
    bound = frozenset(k for k in scope if k != FROZEN)  # the indices of the enclosing sums
    return unfold_node(node, env.ctx, scope.get(FROZEN, env.folded), bound)  # env.folded: outside every D


RULE = Rule(
    name="definition",
    summary="unfold or fold a defined name, at any or all of its occurrences",
    statement=r"p_{j} = \mathrm{body}[i \to j] \quad\text{for } p_i := \mathrm{body}",
    side_conditions=("bound indices of the body are renamed so none is captured",
                     "p is not unfolded inside D(f, p[n]): there p is the variable"),
    aliases=("def", "definition of p", "by definition"),
    examples=(("p[j]", "exp(z[j]) / Sum(exp(z[k]), k)"), ("D(S, x)", "D(Sum(exp(z[n]), n), x)")),
    transform=transform,
    role="bookkeeping",
)

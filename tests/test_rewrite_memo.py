"""The symbolic shortcuts of issue 14 give what the long way gives: the memo of a rewrite is keyed
by scope, and alpha_key never makes two different expressions equal."""
from sympy import IndexedBase, Product, Sum, symbols

from derivcheck.calculus import D, bottom_up
from derivcheck.canon import alpha_key, equal
from derivcheck.engine import rewrite
from derivcheck.rulebase import Env
from derivcheck.rules import BY_NAME
from test_rules import CTX

j, k, n, N = symbols("j k n N", integer=True)
x = IndexedBase("x")


def _p(index):
    return CTX.definitions["p"].target[index]


def _z(index):
    return CTX.arrays["z"].base[index]


def test_a_subtree_in_two_scopes_is_rewritten_in_each():
    """p[j] is unfolded outside D(., p[i]) and kept inside it (p is the variable there): the same
    subtree, two results; a memo that forgot the scope would give one of them to both."""
    i, jj = CTX.indices["i"], CTX.indices["j"]
    rules = [BY_NAME["definition"], BY_NAME["index_rule"]]
    for expr in (_p(jj) + D(_p(jj), _p(i)), D(_p(jj), _p(i)) * _p(jj) + _z(i)):
        env = Env(CTX)
        out = rewrite(expr, rules, env)
        slow = expr
        for _ in range(40):  # the same passes without a memo
            step = bottom_up(slow, lambda node, scope: _step(node, scope, rules, Env(CTX)))
            if step == slow:
                break
            slow = step
        assert out == slow
        assert not out.has(D) and out.has(CTX.arrays["z"].base)
        assert out.has(_delta(i, jj))


def _delta(a, b):
    from sympy import KroneckerDelta

    return KroneckerDelta(a, b)


def _step(node, scope, rules, env):
    for rule in rules:
        new = rule.transform(node, env, scope)
        if new is not node and new != node:
            return new
    return node


def test_memo_is_reused_across_passes_and_calls():
    memo = {}
    env = Env(CTX)
    i, jj = CTX.indices["i"], CTX.indices["j"]
    rules = [BY_NAME["definition"], BY_NAME["index_rule"]]
    first = rewrite(_p(jj) + D(_p(jj), _p(i)), rules, env, memo)
    assert memo
    size = len(memo)
    assert rewrite(_p(jj) + D(_p(jj), _p(i)), rules, env, memo) == first
    assert len(memo) == size  # met again: nothing walked again


def test_alpha_key_meets_renamed_bound_indices_only():
    a = Sum(x[j] * x[k] ** 2, (j, 1, N))
    assert alpha_key(a) == alpha_key(Sum(x[n] * x[k] ** 2, (n, 1, N)))
    assert alpha_key(a) != alpha_key(Sum(x[k] * x[j] ** 2, (k, 1, N)))  # k free in a, j free here
    assert alpha_key(Sum(x[j] * k, (j, 1, N))) != alpha_key(Sum(x[k] * j, (k, 1, N)))
    assert not equal(Sum(x[j] * k, (j, 1, N)), Sum(x[k] * j, (k, 1, N)))
    assert equal(Sum(x[j] * k, (j, 1, N)), Sum(x[n] * k, (n, 1, N)))
    assert alpha_key(Sum(x[j], (j, 1, N))) != alpha_key(Sum(x[j], (j, 2, N)))
    assert alpha_key(Sum(x[j], (j, 1, N))) != alpha_key(Product(x[j], (j, 1, N)))
    assert alpha_key(x[j] - x[k]) != alpha_key(x[k] - x[j])
    assert alpha_key(j ** k) != alpha_key(k ** j)
    assert alpha_key(Sum(j ** n, (n, 1, N))) != alpha_key(Sum(n ** j, (n, 1, N)))


def test_alpha_key_never_confuses_a_free_name_with_a_bound_one():
    """A free index named like another expression's bound one stays free."""
    a = Sum(x[j] * k, (j, 1, N))
    assert alpha_key(a) != alpha_key(Sum(x[k] * k, (k, 1, N)))
    assert not equal(a, Sum(x[k] * k, (k, 1, N)))
    inner_shadows = Sum(x[j] * Sum(x[j], (j, 1, N)), (j, 1, N))  # the inner j is another index
    assert alpha_key(inner_shadows) == alpha_key(Sum(x[k] * Sum(x[n], (n, 1, N)), (k, 1, N)))
    assert alpha_key(inner_shadows) != alpha_key(Sum(x[k] * Sum(x[k], (n, 1, N)), (k, 1, N)))


def test_alpha_key_reads_a_range_outside_its_own_index():
    """Σ_{k=1}^{N} Σ_{j=1}^{k}: the inner range uses the outer index; a range never sees its own index."""
    a = Sum(x[j] * k, (j, 1, k), (k, 1, N))
    assert alpha_key(a) == alpha_key(Sum(x[n] * j, (n, 1, j), (j, 1, N)))
    assert alpha_key(a) != alpha_key(Sum(x[j] * k, (j, 1, N), (k, 1, N)))
    own = Sum(x[k], (k, 1, k))  # the range's k is a free k
    assert alpha_key(own) != alpha_key(Sum(x[n], (n, 1, n)))
    assert alpha_key(own) == alpha_key(Sum(x[n], (n, 1, k)))


def test_alpha_key_orders_terms_factors_and_delta():
    from sympy import KroneckerDelta

    a = Sum(KroneckerDelta(j, k) * x[j] + x[k] * 2, (j, 1, N))
    b = Sum(2 * x[k] + x[n] * KroneckerDelta(k, n), (n, 1, N))
    assert alpha_key(a) == alpha_key(b)
    assert equal(a, b)
    assert alpha_key(KroneckerDelta(j, k) * x[j]) != alpha_key(KroneckerDelta(j, k) * x[k])


def _without_by(text):
    import re

    return re.sub(r"- by: .*\n(\s+)expr:", "- expr:", text)


def _outcomes(text):
    from derivcheck.engine import verify
    from derivcheck.load import load_text

    return [[(s.outcome.status, s.outcome.message, s.outcome.rules_found, s.outcome.side_conditions)
             for s in verify(d).steps] for d in load_text(text, "t.deriv.yaml")]


def test_links_without_rules_find_the_same_rules_with_and_without_the_idle_shortcut(monkeypatch):
    """A link that names no rule: derivcheck tries each rule in turn; a try that would repeat a failed
    one step for step is skipped (rewriting._idle). Skipping never changes what is found."""
    from conftest import SPEC_EXAMPLE
    from derivcheck import builtins, rewriting

    texts = [_without_by(SPEC_EXAMPLE), _without_by(builtins.find("softmax-cross-entropy").read_text())]
    fast = [_outcomes(t) for t in texts]
    assert fast[0][0][1][2] == ("quotient_rule",)  # found alone, not among everything the final try fires
    assert fast[0][0][2][2] == ("sum_rule", "exp_rule", "delta_sift")
    monkeypatch.setattr(rewriting, "_idle", lambda *args: False)
    assert [_outcomes(t) for t in texts] == fast


def test_canonical_bound_meets_every_order_and_naming_of_three_and_four_limits():
    """canonical_bound sorts independent limits by what their index does (engine speed: 24 orders of
    four limits are not all built); every order and every naming still meets in one form."""
    import itertools

    from sympy import KroneckerDelta

    from derivcheck.canon import canonical_bound

    a, b, c, d, e, f, g, h = symbols("a b c d e f g h", integer=True)
    y = IndexedBase("y")
    M = symbols("M", integer=True)
    bodies = [lambda p, q, r, s: x[p] * y[q, r] * KroneckerDelta(r, s) * x[s] ** 2,
              lambda p, q, r, s: x[p] * x[q] * y[r, s] + y[s, r],  # p and q tie: tried both ways
              lambda p, q, r, s: x[p] * x[q] * x[r] * x[s]]  # all four tie
    ranges = [(1, N), (1, N), (1, M), (1, N)]
    for body in bodies:
        names = (a, b, c, d)
        forms = set()
        for perm in itertools.permutations(range(4)):
            for renamed in ((a, b, c, d), (e, f, g, h), (h, g, f, e)):
                limits = [(renamed[q], *ranges[q]) for q in perm]
                expr = Sum(body(*renamed), *limits)
                forms.add(canonical_bound(expr))
        assert len(forms) == 1
        (out,) = forms
        original = Sum(body(*names), *[(names[q], *ranges[q]) for q in range(4)])
        assert _free(out) == _free(original)  # every index still bound, nothing captured
    cycle = {canonical_bound(Sum(y[p, q] * y[q, r] * y[r, p] * x[p], *[(v, 1, N) for v in order]))
             for p, q, r in itertools.permutations((a, b, c)) for order in itertools.permutations((a, b, c))}
    assert len(cycle) == 1  # the three tie, yet the body is not symmetric in them: every order among ties is tried
    three = Sum(x[a] * y[b, c], (a, 1, N), (b, 1, N), (c, 1, N))
    assert canonical_bound(three) == canonical_bound(Sum(x[f] * y[e, g], (g, 1, N), (e, 1, N), (f, 1, N)))
    assert canonical_bound(three) != canonical_bound(Sum(x[a] * y[a, c], (a, 1, N), (b, 1, N), (c, 1, N)))


def _free(expr):
    from sympy import Symbol

    return {s for s in expr.free_symbols if isinstance(s, Symbol)}


def test_the_claims_diff_memo_is_keyed_by_the_variable_too():
    from sympy import diff, exp

    from derivcheck import engine

    f = exp(x[j]) * x[k] ** 2
    for var in (x[j], x[k], x[n], j):
        assert engine._diff(f, var) == diff(f, var)
    assert engine._diff(f, x[j]) is engine._diff(f, x[j])  # met again: remembered

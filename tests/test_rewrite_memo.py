"""The symbolic shortcuts of issue 14 give what the long way gives: the memo of a rewrite is keyed
by scope, and alpha_form never makes two different expressions equal."""
from sympy import IndexedBase, Sum, Symbol, symbols

from derivcheck.calculus import D, bottom_up
from derivcheck.canon import alpha_form, canonical_bound, equal
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


def test_alpha_form_meets_renamed_bound_indices_only():
    a = Sum(x[j] * x[k] ** 2, (j, 1, N))
    assert alpha_form(a) == alpha_form(Sum(x[n] * x[k] ** 2, (n, 1, N)))
    assert alpha_form(a) != alpha_form(Sum(x[k] * x[j] ** 2, (k, 1, N)))  # k free in a, j free here
    assert alpha_form(Sum(x[j] * k, (j, 1, N))) != alpha_form(Sum(x[k] * j, (k, 1, N)))
    assert not equal(Sum(x[j] * k, (j, 1, N)), Sum(x[k] * j, (k, 1, N)))
    assert equal(Sum(x[j] * k, (j, 1, N)), Sum(x[n] * k, (n, 1, N)))


def test_alpha_form_never_captures_a_free_name():
    """A free index that happens to be named like a canonical bound one stays free."""
    b0 = canonical_bound(Sum(x[j], (j, 1, N))).limits[0][0]
    a = Sum(x[j] * b0, (j, 1, N))
    out = alpha_form(a)
    assert b0 in out.free_symbols and b0 not in {lim[0] for lim in out.limits}
    assert alpha_form(Sum(x[n] * b0, (n, 1, N))) == out
    assert not equal(a, Sum(x[b0] * j, (j, 1, N)))


def test_alpha_form_keeps_the_order_of_limits_and_dependent_ranges():
    a = Sum(x[j] * k, (j, 1, k), (k, 1, N))
    out = alpha_form(a)
    assert {s for s in out.free_symbols if isinstance(s, Symbol)} == {x.label, N}  # every index still bound
    assert alpha_form(Sum(x[n] * j, (n, 1, j), (j, 1, N))) == out
    assert alpha_form(Sum(x[j] * k, (j, 1, N), (k, 1, j))) != out  # other ranges: another sum

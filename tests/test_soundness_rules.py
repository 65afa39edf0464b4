"""Sound rules: one Sum convention, capture-avoiding substitution, side conditions proved, lemma citations."""
import pytest
from sympy import Integer, IndexedBase, Sum, Symbol, exp

from conftest import by_line, line_of, verify_text
from derivcheck import canon
from derivcheck.model import PROVED, VERIFIED

N = Symbol("N", integer=True, positive=True)
k = Symbol("k", integer=True)
x = Symbol("x", real=True)


def _sum_file(claim_lhs, claim_rhs, extra_symbols=""):
    return f"""derivcheck: 1
name: sum-convention
symbols:
  N: size
  i j k: index N
  x: real
  z: vector N
{extra_symbols}claim: {claim_lhs} == {claim_rhs}
steps:
  - {claim_lhs}
  - by: algebra
    expr: {claim_rhs}
"""


def _link(text, fragment):
    result = verify_text(text)
    return result, by_line(result)[line_of(text, "expr: " + fragment)]


# -- 1. one Sum convention: lo..hi inclusive, empty (0) when hi < lo -------------------------------

def test_a_constant_summand_over_a_range_that_may_be_empty_is_not_counted():
    # at N = 1 the sum over 3..N is empty (0) while (N - 2) x = -x
    text = _sum_file("Sum(x, (k, 3, N))", "(N - 2) * x")
    result, link = _link(text, "(N - 2) * x")
    assert link.status != PROVED
    assert result.claim.status != PROVED
    assert result.verdict != VERIFIED


def test_the_normal_form_keeps_a_possibly_empty_count_as_a_sum():
    assert not canon.equal(Sum(x, (k, 3, N)), (N - 2) * x)
    assert not canon.equal(Sum(Integer(1), (k, 3, N)), N - 2)
    assert canon.equal(Sum(x, (k, 3, N)), x * Sum(Integer(1), (k, 3, N)))


@pytest.mark.parametrize("lhs,rhs", [
    ("Sum(x, (k, 1, N))", "N * x"),
    ("Sum(x, (k, 2, N))", "(N - 1) * x"),          # N >= 1: hi >= lo - 1
    ("Sum(x, (k, i, N))", "(N - i + 1) * x"),      # i <= N from i's declared range
    ("Sum(x, (k, 1, i))", "i * x"),                # i >= 1
    ("Sum(Sum(x, (k, 1, j)), j)", "x * Sum(j, j)"),  # a bound j >= 1 from its sum
])
def test_a_count_that_follows_from_the_declarations_is_used(lhs, rhs):
    text = _sum_file(lhs, rhs)
    result, link = _link(text, rhs)
    assert link.status == PROVED, link.message
    assert result.verdict == VERIFIED


def test_a_count_that_needs_more_than_the_declarations_is_refused():
    # k over i..j: empty when j < i - 1, which the declarations allow
    text = _sum_file("Sum(x, (k, i, j))", "(j - i + 1) * x")
    _, link = _link(text, "(j - i + 1) * x")
    assert link.status != PROVED
    # a label entry has a declared range of values too
    labels = "  C: size\n  y: labels N C\n"
    text = _sum_file("Sum(x, (k, 1, y[i]))", "y[i] * x", labels)
    _, link = _link(text, "y[i] * x")
    assert link.status == PROVED, link.message


def test_an_empty_sum_of_positives_is_not_positive():
    z = IndexedBase("z", real=True)
    assert canon.positive(Sum(exp(z[k]), (k, 1, N)))
    assert not canon.positive(Sum(exp(z[k]), (k, 3, N)))  # 0 at N = 1, 2
    assert not canon.positive(Sum(exp(z[k]), (k, N + 1, N)))


# -- 2. capture-avoiding substitution ---------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402
from sympy import Add, Indexed, KroneckerDelta, Mul  # noqa: E402

from derivcheck.calculus import substitute  # noqa: E402
from derivcheck.engine import proves  # noqa: E402
from derivcheck.load import load_text  # noqa: E402
from derivcheck.rulebase import Env  # noqa: E402
from derivcheck.rules import BY_NAME  # noqa: E402

I, J, K, M = (Symbol(n, integer=True) for n in "ijkm")
Z = IndexedBase("z", real=True)
SIZE = 3


def _value(expr, env):
    """expr evaluated at N = SIZE, z[n] = n**2 + 1, with Python's sums (lo..hi inclusive)."""
    if isinstance(expr, Sum):
        *inner, (k, lo, hi) = expr.limits
        body = Sum(expr.function, *inner) if inner else expr.function
        return sum(_value(body, {**env, k: n}) for n in range(_value(lo, env), _value(hi, env) + 1))
    if isinstance(expr, Indexed):
        return _value(expr.indices[0], env) ** 2 + 1
    if isinstance(expr, KroneckerDelta):
        return int(_value(expr.args[0], env) == _value(expr.args[1], env))
    if isinstance(expr, Add):
        return sum(_value(a, env) for a in expr.args)
    if isinstance(expr, Mul):
        out = 1
        for a in expr.args:
            out *= _value(a, env)
        return out
    if expr.is_Pow:
        return _value(expr.base, env) ** int(expr.exp)
    if expr in env:
        return env[expr]
    if expr == N:
        return SIZE
    return int(expr)


def _exprs():
    idx = st.sampled_from([I, J, K, M])
    leaf = st.one_of(idx.map(lambda n: Z[n]), st.tuples(idx, idx).map(lambda p: KroneckerDelta(*p)), idx)
    return st.recursive(leaf, lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: p[0] * p[1]),
        st.tuples(inner, inner).map(lambda p: p[0] + p[1]),
        st.tuples(inner, idx, st.sampled_from([1, 2]), st.sampled_from([N, I])).map(
            lambda p: Sum(p[0], (p[1], p[2], p[3])))), max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(_exprs(), st.sampled_from([I, J, K, M]), st.sampled_from([I, J, K, M, I + 1, J + K]),
       st.tuples(*[st.integers(1, SIZE)] * 4))
def test_substitute_is_evaluation_at_the_value(expr, var, value, point):
    """e[var := value] at a point equals e at the point with var set to value's value there."""
    env = dict(zip([I, J, K, M], point))
    shifted = {**env, var: _value(value, env)}
    assert _value(substitute(expr, {var: value}), env) == _value(expr, shifted)


def test_substitute_renames_a_bound_index_that_would_capture():
    out = substitute(Sum(Z[K] * Z[J], (J, 1, N)), {K: J})
    (bound, _, _), = out.limits
    assert bound != J and out.function == Z[J] * Z[bound]
    assert substitute(Sum(Z[K], (K, 1, N)), {K: J}) == Sum(Z[K], (K, 1, N))  # k bound: untouched
    assert substitute(Sum(Z[M], (M, 1, K)), {K: J}) == Sum(Z[M], (M, 1, J))  # limits are outside


def _ctx(extra=""):
    text = f"""derivcheck: 1
name: ctx
symbols:
  N: size
  i j k m: index N
  z: vector N
{extra}claim: z[i] == z[i]
steps:
  - z[i]
"""
    (deriv,) = load_text(text, "ctx.deriv.yaml")
    return deriv.ctx


def _proves(a, b, rule, ctx):
    from derivcheck.build import value
    return proves(value(ctx, a)[0], value(ctx, b)[0], [BY_NAME[rule], BY_NAME["algebra"]], Env(ctx))


def test_delta_sift_does_not_capture_the_index_it_puts_under_an_inner_sum():
    ctx = _ctx()
    before = "Sum(delta(j, k) * Sum(z[k] * z[j], j), k)"  # = z[j] * Σ_j' z[j']
    assert _proves(before, "z[j] * Sum(z[n], n)".replace("n", "m"), "delta_sift", ctx)
    assert not _proves(before, "Sum(z[j] * z[j], j)", "delta_sift", ctx)


def test_delta_sift_substitutes_into_the_limits_of_inner_sums():
    ctx = _ctx()
    before = "Sum(Sum(delta(j, k) * z[m], (m, 1, k)), k)"  # = Σ_{m=1}^{j} z[m]
    assert _proves(before, "Sum(z[m], (m, 1, j))", "delta_sift", ctx)
    assert not _proves(before, "Sum(z[m], (m, 1, k))", "delta_sift", ctx)


# -- lemma citations: substitution, losses, free indices only on the right ---------------------------

from derivcheck.lemmas import incompatibility, lemma_rule  # noqa: E402


def _deriv(name, symbols, claim, define=""):
    lhs = claim.split(" == ")[0]
    text = f"derivcheck: 1\nname: {name}\nsymbols:\n{symbols}{define}claim: {claim}\nsteps:\n  - {lhs}\n"
    (deriv,) = load_text(text, f"{name}.deriv.yaml")
    return deriv


VECTOR_SYMBOLS = "  N: size\n  i j k m: index N\n  z: vector N\n  x: real\n"


def _cites(lemma, ctx, a, b):
    from derivcheck.build import value
    return proves(value(ctx, a)[0], value(ctx, b)[0], [lemma_rule(lemma, ctx), BY_NAME["algebra"]], Env(ctx))


def test_a_lemma_free_index_bound_in_its_right_side_is_not_substituted_there():
    # true: the bound i on the right is another variable than the free i
    lemma = _deriv("swap", VECTOR_SYMBOLS, "Sum(z[k] * z[j], k) * z[i] == Sum(z[i] * z[j], i) * z[i]")
    ctx = lemma.ctx
    node = "Sum(z[k] * z[m], k) * z[m]"
    assert _cites(lemma, ctx, node, "Sum(z[i] * z[m], i) * z[m]")
    assert not _cites(lemma, ctx, node, "Sum(z[k] * z[k], k) * z[m]")


def test_a_lemma_about_another_loss_is_not_usable():
    define = "define:\n  Z2: 2 * a\n  W2: 3 * a\n  L: loss({})\n"
    symbols = "  N: size\n  i n: index N\n  a: vector N\n"
    lemma = _deriv("dz", symbols, "D(L, a[i]) == 2 * D(L, Z2[i])", define.format("Z2"))
    here = _deriv("user", symbols, "D(L, a[i]) == 2 * D(L, Z2[i])", define.format("W2")).ctx
    assert incompatibility(lemma, lemma.ctx) is None
    assert "L" in (incompatibility(lemma, here) or "")


def test_a_free_index_only_on_the_lemma_right_side_keeps_its_range():
    # sin² + cos² = Σ_k δ(k, m) holds for m in 1..N only
    lemma = _deriv("one", VECTOR_SYMBOLS, "sin(x)**2 + cos(x)**2 == Sum(delta(k, m), k)")
    left, right = "sin(x)**2 + cos(x)**2", "Sum(delta(k, m), k)"
    assert _cites(lemma, lemma.ctx, left, right)
    wider = _deriv("user", VECTOR_SYMBOLS.replace("i j k m: index N", "i j k: index N\n  m: index 0..N"),
                   "x == x").ctx
    assert not _cites(lemma, wider, left, right)
    # under a sum over m the range of the bound m counts: inside 1..N it may be used, over 0..N not
    assert _cites(lemma, lemma.ctx, f"Sum({left}, m)", f"Sum({right}, m)")
    assert not _cites(lemma, wider, f"Sum({left}, m)", f"Sum({right}, m)")


def test_a_lemma_assumption_about_other_names_is_not_usable():
    lemma = _deriv("assumed", VECTOR_SYMBOLS + "  w: vector N\n", "z[i] == z[i]", "assume:\n  - Sum(w[k], k) == 1\n")
    here = _deriv("user", VECTOR_SYMBOLS + "  w: onehot N\n", "z[i] == z[i]", "assume:\n  - Sum(w[k], k) == 1\n").ctx
    assert incompatibility(lemma, lemma.ctx) is None
    assert "w" in (incompatibility(lemma, here) or "")


# -- 3. side conditions proved or the rewrite refused; domain notes from declared templates ------------

def test_an_assumption_is_not_used_under_a_derivative_by_a_variable_it_involves():
    # Σ_k y_k = 1 for a one-hot y, but D(Σ_k y_k, y_j) = Σ_k δ_kj = 1, not D(1, y_j) = 0
    ctx = _ctx("  y: onehot N\n")
    assert not _proves("D(Sum(y[k], k), y[j])", "0", "assumption", ctx)
    from derivcheck.build import value
    rules = [BY_NAME[r] for r in ("assumption", "constant_rule", "sum_rule", "index_rule", "delta_sift", "algebra")]
    a, b = value(ctx, "D(Sum(y[k], k), y[j])")[0], value(ctx, "0")[0]
    assert not proves(a, b, rules, Env(ctx))
    assert proves(a, value(ctx, "1")[0], rules, Env(ctx))
    # outside a derivative, or under one by another variable, the fact is used
    assert _proves("x * Sum(y[k], k)", "x", "assumption", _ctx("  y: onehot N\n  x: real\n"))
    assert _proves("D(Sum(y[k], k) * z[i], z[j])", "D(z[i], z[j])", "assumption", ctx)


def test_a_definition_is_not_unfolded_where_a_sum_would_capture_its_parameter():
    text = """derivcheck: 1
name: params
symbols:
  N: size
  j l: index N
define:
  e[j]: delta(j, l)
claim: e[j] == delta(j, l)
steps:
  - e[j]
"""
    (deriv,) = load_text(text, "params.deriv.yaml")
    ctx = deriv.ctx
    l_ = next(s for s in ctx.ranges if s.name == "l")
    j_ = next(s for s in ctx.ranges if s.name == "j")
    node = next(d.target for d in ctx.definitions.values())[j_]
    rule = BY_NAME["definition"]
    assert rule.transform(node, Env(ctx), {}) == KroneckerDelta(j_, l_)
    assert rule.transform(node, Env(ctx), {l_: (Integer(1), N)}) == node  # inside Σ_l: l would be captured


def test_a_constant_power_in_the_chain_rule_notes_its_domain_like_the_power_rule():
    ctx = _ctx("  x: real\n")
    from derivcheck.build import value
    env = Env(ctx)
    BY_NAME["chain_rule"].transform(value(ctx, "D(x**(-2), x)")[0], env, {})
    assert ("chain_rule", "x ≠ 0") in env.notes
    env = Env(ctx)
    BY_NAME["power_rule"].transform(value(ctx, "D(x**(1/2), x)")[0], env, {})
    assert ("power_rule", "x > 0") in env.notes


def test_rules_declare_the_side_conditions_they_note():
    """Every note these rules record is one of their declared templates, filled in."""
    import re
    from derivcheck.runner import run
    notes = set()
    for result in run(["softmax-cross-entropy", "softmax-jacobian"]).results:
        notes |= {c for sr in result.steps for c in sr.outcome.side_conditions}
    templated = {"quotient_rule", "log_rule", "power_rule", "delta_sift", "assumption"}
    assert {rule for rule, _ in notes} & templated
    for rule, text in notes:
        if rule not in templated:
            continue  # lemmas; chain_rule notes also come from the function table
        templates = BY_NAME[rule].side_conditions
        names = r"(?<!\w)(g|u|n|x|f|q|j|lo|hi|lhs|rhs|source|a|b)(?!\w)"
        patterns = [re.sub(names, ".+", re.escape(t)) for t in templates]
        assert any(re.fullmatch(p, text) for p in patterns), (rule, text, templates)


# -- 5. D(x, x) = 1 lives in one place, and the engine applies it ---------------------------------------

def test_the_engine_applies_d_x_x_equals_one_silently():
    text = """derivcheck: 1
name: self
symbols:
  x t: real
claim: D(x, x) * t == t
steps:
  - D(x, x) * t
  - by: algebra
    expr: t
"""
    result = verify_text(text)
    assert result.steps[0].outcome.status == PROVED
    assert result.verdict == VERIFIED
    assert canon.normal(D(x, x)) == D(x, x)  # the normal form leaves it to the engine


from derivcheck.calculus import D  # noqa: E402


def test_a_lemma_definition_parameter_keeps_its_range():
    # e[j] = δ(j, l): Σ_k e[k] = 1 holds for l in 1..N, not for l = 0
    symbols = "  N: size\n  j k: index N\n  l: index {}\n"
    define = "define:\n  e[j]: delta(j, l)\n"
    lemma = _deriv("sums-to-one", symbols.format("N"), "Sum(e[k], k) == 1", define)
    assert incompatibility(lemma, lemma.ctx) is None
    here = _deriv("user", symbols.format("0..N"), "Sum(e[k], k) == 1", define).ctx
    assert "l" in (incompatibility(lemma, here) or "")


def test_an_assumption_with_a_free_index_holds_only_over_that_index_range():
    # assume z[i] = 0 for i in 2..N; Σ_{i=1}^{N} z[i] is z[1], not 0
    text = """derivcheck: 1
name: assumed
symbols:
  N: size
  i: index 2..N
  k: index N
  z: vector N
assume:
  - z[i] == 0
claim: z[i] == 0
steps:
  - z[i]
"""
    (deriv,) = load_text(text, "assumed.deriv.yaml")
    ctx = deriv.ctx
    assert _proves("x * z[i]".replace("x * ", ""), "0", "assumption", ctx)
    assert _proves("Sum(z[i], (i, 2, N))", "0", "assumption", ctx)
    assert not _proves("Sum(z[i], (i, 1, N))", "0", "assumption", ctx)


def test_a_sum_over_a_range_known_to_be_empty_is_zero():
    text = _sum_file("Sum(x, (k, 3, 1))", "0")
    result, link = _link(text, "0")
    assert link.status == PROVED, link.message
    assert canon.equal(Sum(x * Z[k], (k, N + 1, N)), Integer(0))
    assert not canon.equal(Sum(x, (k, 3, N)), Integer(0))  # empty only at N <= 2


def test_the_chain_rule_through_a_function_of_your_own_needs_its_body_free_of_x():
    text = """derivcheck: 1
name: function-free-variable
symbols:
  x y: real
define:
  f(u): u * x
  g(u): u**2
claim: D(f(y), x) == y
steps:
  - D(f(y), x)
"""
    (deriv,) = load_text(text, "ff.deriv.yaml")
    ctx = deriv.ctx
    rules = [BY_NAME[r] for r in ("chain_rule", "constant_rule", "algebra")]
    from derivcheck.build import value
    assert not proves(value(ctx, "D(f(y), x)")[0], value(ctx, "0")[0], rules, Env(ctx))
    assert proves(value(ctx, "D(g(y), x)")[0], value(ctx, "0")[0], rules, Env(ctx))

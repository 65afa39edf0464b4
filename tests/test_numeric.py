"""The numeric evidence: exact derivatives, edge sizes, relative comparison, nothing hidden."""
import pytest

from derivcheck.engine import verify
from derivcheck.load import load_text
from derivcheck.model import PROVED, REFUTED, UNPROVED, VERIFIED
from derivcheck.spotcheck import Sampler


def text(symbols, claim, steps, define=None, name="t"):
    lines = ["derivcheck: 1", f"name: {name}", "symbols:"] + [f"  {k}: {v}" for k, v in symbols.items()]
    if define:
        lines += ["define:"] + [f"  {k}: {v}" for k, v in define.items()]
    lines += [f"claim: {claim}", "steps:", f"  - {steps[0]}"]
    for rules, expr in steps[1:]:
        lines += [f"  - by: {rules}", f"    expr: {expr}"]
    return "\n".join(lines) + "\n"


def load(source):
    (deriv,) = load_text(source, "t.deriv.yaml")
    return deriv


def evidence(symbols, lhs, rhs, define=None, seed=0):
    """The sampler's Evidence for lhs == rhs, the derivation holding just that claim."""
    deriv = load(text(symbols, f"{lhs} == {rhs}", [lhs, ("algebra", rhs)], define))
    sampler = Sampler(deriv.ctx, seed, [deriv.claim_lhs, deriv.claim_rhs])
    return sampler.compare(deriv.claim_lhs, deriv.claim_rhs)


SCALAR = {"x": "real"}
VEC = {"N": "size", "i j k": "index N", "z": "vector N"}


def test_a_count_over_an_empty_range_is_refuted_at_a_small_size():
    ev = evidence({"N": "size", "k": "index N", "x": "real"}, "Sum(x, (k, 3, N))", "(N - 2) * x")
    assert ev.counter is not None and ev.counter["sizes"]["N"] in (1, 2)


def test_the_python_empty_sum_is_zero():
    ev = evidence({"N": "size", "k": "index N", "x": "real"}, "Sum(x, (k, 3, N))", "0")
    assert ev.counter is not None and ev.counter["sizes"]["N"] >= 3


def test_a_common_tiny_factor_hides_no_difference():
    ev = evidence(SCALAR, "exp(-50) * x", "exp(-50) * (x + 1/1000)")
    assert ev.counter is not None
    ev = evidence(VEC, "exp(-50) * z[i]", "exp(-50) * z[i] * (1 + 1/1000000)")
    assert ev.counter is not None


def test_cancellation_in_a_true_identity_is_no_counterexample():
    ev = evidence(SCALAR, "(x + 100000000) - 100000000", "x")
    assert ev.counter is None and ev.samples > 0
    ev = evidence(SCALAR, "exp(x)**2 - exp(2*x) + 1", "1")
    assert ev.counter is None and ev.samples > 0


def test_an_entry_beyond_the_default_sizes_gets_samples():
    ev = evidence(VEC, "z[6] * z[6]", "z[6]**2")
    assert ev.counter is None and ev.samples > 0
    ev = evidence(VEC, "z[6]", "z[7]")
    assert ev.counter is not None and ev.counter["sizes"]["N"] >= 7


@pytest.mark.parametrize("name", ["range", "builtins", "min", "math", "exp_", "fd", "float", "lambda", "Evaluator", "sum"])
def test_user_names_shadow_nothing(name):
    symbols = dict(VEC, **{name: "real"})
    lhs = f"Sum({name} * p[k], k) + D(p[i], z[j])"
    rhs = f"{name} * Sum(p[k], k) + p[i] * (delta(i, j) - p[j])"
    define = {"p[i]": "exp(z[i]) / Sum(exp(z[k]), k)"}
    ev = evidence(symbols, lhs, rhs, define=define)
    assert ev.counter is None and ev.samples > 0
    ev = evidence(symbols, lhs, rhs.replace(f"{name} * Sum", f"{name}**2 * Sum"), define=define)
    assert ev.counter is not None


def test_log_derivative_holds_where_log_is_defined():
    ev = evidence(SCALAR, "D(log(x), x)", "1/x")
    assert ev.counter is None and ev.samples > 0 and ev.undefined > 0
    result = verify(load(text(SCALAR, "D(log(x), x) == 1/x", ["D(log(x), x)", ("log_rule", "1/x")])))
    assert result.steps[0].outcome.status != REFUTED and result.claim.status != REFUTED


def test_high_frequency_derivatives_are_exact():
    ev = evidence(SCALAR, "D(sin(100000*x), x)", "100000*cos(100000*x)")
    assert ev.counter is None and ev.samples > 0
    ev = evidence(SCALAR, "D(sin(100000*x), x)", "100000*cos(100000*x) * (1 + 1/1000000)")
    assert ev.counter is not None


HESS = {"N": "size", "i k": "index N", "x": "vector N"}
F = "exp(x[1] * x[2]) + Sum(x[j]**3, j)"


def test_a_true_hessian_verifies_numerically_and_a_wrong_one_is_refuted():
    symbols = dict(HESS, j="index N")
    f = "Sum(x[j]**3, j) + Sum(Sum(x[j] * x[m], j), m)"
    symbols["m"] = "index N"
    hess = "6 * x[i] * delta(i, k) + 2"
    ev = evidence(symbols, f"D(D({f}, x[i]), x[k])", hess)
    assert ev.counter is None and ev.samples > 0
    ev = evidence(symbols, f"D(D({f}, x[i]), x[k])", "6 * x[i] * delta(i, k) + 1")
    assert ev.counter is not None
    ev = evidence(symbols, "D(D(exp(x[i] * x[k]), x[i]), x[k])", "exp(x[i] * x[k]) * (1 + x[i] * x[k])")
    assert ev.counter is not None and ev.counter["indices"]["i"] == ev.counter["indices"]["k"]


def test_a_mixed_second_derivative_of_a_product():
    ev = evidence({"N": "size", "i k": "index N", "x": "vector N"}, "D(D(exp(x[i] * x[k]), x[i]), x[k])",
                  "exp(x[i] * x[k]) * (1 + x[i] * x[k]) * (1 - delta(i, k)) "
                  "+ delta(i, k) * exp(x[i]**2) * (2 + 4 * x[i]**2) * 2 / 2 - 0")
    assert ev.counter is None and ev.samples > 0


def test_frozen_defined_name_is_an_independent_input():
    # inside D(f, p[n]) the defined p is held fixed: D(p[i] * z[i], p[i]) = z[i]
    symbols = {"N": "size", "i k": "index N", "z": "vector N"}
    ev = evidence(symbols, "D(p[i] * z[i], p[i])", "z[i]", define={"p[i]": "exp(z[i]) / Sum(exp(z[k]), k)"})
    assert ev.counter is None and ev.samples > 0


def test_a_link_without_an_evaluable_sample_is_not_proved():
    source = text(SCALAR, "log(-x**2 - 1) == log(-x**2 - 1)", ["log(-x**2 - 1)", ("algebra", "log(-1 - x**2)")])
    result = verify(load(source))
    assert result.steps[0].outcome.status == UNPROVED
    assert "no numeric sample" in result.steps[0].outcome.message
    assert result.claim.status != PROVED
    assert result.verdict != VERIFIED


def test_the_seed_changes_the_counterexample_inputs():
    ev0 = evidence(VEC, "z[i] + z[j]", "z[j] + z[i] + z[k] * 0 + 1/1000")
    ev1 = evidence(VEC, "z[i] + z[j]", "z[j] + z[i] + z[k] * 0 + 1/1000", seed=1)
    assert ev0.counter is not None and ev1.counter is not None
    assert ev0.counter["inputs"] != ev1.counter["inputs"]


def test_index_values_include_the_range_ends():
    deriv = load(text({"N": "size", "i j k m": "index N", "z": "vector N"}, "z[i] == z[i]", ["z[i]", ("algebra", "z[i]")]))
    sampler = Sampler(deriv.ctx, 0, [])
    for rnd in sampler.rounds:
        n = rnd.sizes[deriv.ctx.sizes["N"]]
        idx = set(deriv.ctx.indices.values())
        seen = {v for env in sampler.tuples(idx, rnd, ()) for v in env.values()}
        assert {1, n} <= seen


def test_sizes_cover_the_edges_and_every_constant():
    deriv = load(text({"N": "size", "i": "index N", "z": "vector N"}, "z[9] == z[9]", ["z[9]", ("algebra", "z[9]")]))
    sizes = {r.sizes[deriv.ctx.sizes["N"]] for r in Sampler(deriv.ctx, 0, [deriv.claim_lhs]).rounds}
    assert {1, 2, 3, 10} <= sizes


def test_case_conditions_substitute_labels_and_sizes():
    symbols = {"N C": "size", "n": "index N", "c": "index C", "y": "labels N C"}
    deriv = load(text(symbols, "delta(c, y[n]) == delta(c, y[n])", ["delta(c, y[n])", ("algebra", "delta(c, y[n])")]))
    sampler = Sampler(deriv.ctx, 0, [deriv.claim_lhs])
    c, n, y = deriv.ctx.indices["c"], deriv.ctx.indices["n"], deriv.ctx.arrays["y"].base
    cond = ("eq", c, y[n])
    size = deriv.ctx.sizes["N"]
    for rnd in sampler.rounds:
        for env in sampler.tuples({c, n}, rnd, (cond,)):
            assert env[c] == rnd.arrays[y][(env[n],)]
        for env in sampler.tuples({c, n}, rnd, (("eq", size, 3),)):
            assert rnd.sizes[size] == 3
    ev = sampler.compare(y[n], c, ((("eq", c, y[n])),))
    assert ev.counter is None and ev.samples > 0


@pytest.mark.parametrize("f,df", [
    ("sec(x)", "sec(x) * tan(x)"), ("sech(x)", "-sech(x) * tanh(x)"), ("erf(x)", "2 * exp(-x**2) / sqrt(pi)"),
    ("tan(x)", "1 + tan(x)**2"), ("sinh(x)", "cosh(x)"), ("cosh(x)", "sinh(x)"), ("arctan(x)", "1 / (1 + x**2)"),
    ("arcsin(x / 3)", "1 / sqrt(9 - x**2)"), ("arccos(x / 3)", "-1 / sqrt(9 - x**2)"), ("abs(x)", "sign(x)"),
    ("softplus(x)", "sigmoid(x)"), ("relu(x)", "step(x)"), ("sqrt(x**2 + 1)", "x / sqrt(x**2 + 1)"),
])
def test_every_function_of_the_vocabulary_has_its_exact_derivative(f, df):
    ev = evidence(SCALAR, f"D({f}, x)", df)
    assert ev.counter is None and ev.samples > 0
    ev = evidence(SCALAR, f"D({f}, x)", f"{df} + x / 1000000")
    assert ev.counter is not None


def test_derivative_reads_its_own_tag_under_a_newer_one():
    from derivcheck.evidence.values import Dual, derivative

    inner = Dual(1, 2.0, 3.0)  # 2 + 3ε₁
    outer = Dual(2, inner, 0.0)  # a newer tag on top, with no ε₂ part
    assert derivative(outer, 1) == 3.0 or getattr(derivative(outer, 1), "a", None) == 3.0
    assert derivative(inner, 2) == 0


def test_rounding_in_a_function_argument_is_within_the_magnitudes():
    # sin(a + b) = sin a cos b + cos a sin b: the argument 100000 x + 1/10 is rounded (by ~1e-11)
    ev = evidence(SCALAR, "sin(100000 * x + 1/10)", "sin(100000 * x) * cos(1/10) + cos(100000 * x) * sin(1/10)")
    assert ev.counter is None and ev.samples >= 8


def test_a_definition_with_a_free_parameter_is_tabulated_per_parameter_value():
    ev = evidence(VEC, "q[i]", "z[i] * z[j]", define={"q[i]": "z[i] * z[j]"})
    assert ev.counter is None and ev.samples > 0
    ev = evidence(VEC, "q[i] + 0 * z[j]", "z[i] * z[k]", define={"q[i]": "z[i] * z[j]"})
    assert ev.counter is not None


def test_a_difference_under_catastrophic_cancellation_is_decided_with_more_digits():
    lhs = "(exp(40) + x)**2 - exp(80) - 2 * exp(40) * x"  # x**2, computed from terms near 1e35
    ev = evidence(SCALAR, lhs, "x**2 + 1000")
    assert ev.counter is not None and abs(ev.counter["lhs"] - ev.counter["rhs"]) > 999
    ev = evidence(SCALAR, lhs, "x**2")
    assert ev.counter is None and ev.samples >= 8


def test_a_size_compared_with_a_constant_takes_that_value():
    deriv = load(text({"N": "size", "i": "index N"}, "delta(N, 8) == 0", ["delta(N, 8)", ("algebra", "0")]))
    sampler = Sampler(deriv.ctx, 0, [deriv.claim_lhs], [("eq", deriv.ctx.sizes["N"], 8)])
    sizes = {r.sizes[deriv.ctx.sizes["N"]] for r in sampler.rounds}
    assert {1, 2, 8, 9} <= sizes
    ev = sampler.compare(deriv.claim_lhs, deriv.claim_rhs)
    assert ev.counter is not None and ev.counter["sizes"]["N"] == 8

"""Every rule's declared examples: the transform rewrites before into after, and both agree
numerically with SymPy's own diff."""
import numpy as np
import pytest
import sympy

from derivcheck.build import expression
from derivcheck.calculus import D, bottom_up, unfold_all
from derivcheck.canon import equal
from derivcheck.engine import proves, rewrite
from derivcheck.rulebase import EXAMPLE_DEFINE, EXAMPLE_SYMBOLS, Env
from derivcheck.rules import BY_NAME, RULES, lookup
from derivcheck.symbols import Context, Definition, declare
from derivcheck.build import definition_target, new_target


def example_context():
    ctx = Context()
    for names, kind in EXAMPLE_SYMBOLS.items():
        declare(ctx, names, kind, None)
    for key, body in EXAMPLE_DEFINE.items():
        name, params = definition_target(ctx, key)
        ctx.definitions[name] = Definition(name, new_target(name, params), params)
    for key, body in EXAMPLE_DEFINE.items():
        name, _ = definition_target(ctx, key)
        ctx.definitions[name].body = expression(ctx, body)
    k = sympy.Symbol("_k", integer=True)
    ctx.assumptions.append((sympy.Sum(ctx.arrays["y"].base[k], (k, 1, ctx.sizes["N"])), sympy.Integer(1), None))
    return ctx


CTX = example_context()
EXAMPLES = [pytest.param(rule, before, after, id=f"{rule.name}:{before}")
            for rule in RULES for before, after in rule.examples]


def test_every_rule_is_declared_with_statement_and_side_conditions_field():
    assert len({r.name for r in RULES}) == len(RULES) == 16
    for rule in RULES:
        assert rule.statement and rule.summary and rule.transform is not None
        assert lookup(rule.name) is rule
        for alias in rule.aliases:
            assert lookup(alias) is rule, alias
    assert lookup("Quotient rule") is BY_NAME["quotient_rule"]
    assert lookup("quotient-rule") is BY_NAME["quotient_rule"]
    assert lookup("no such rule") is None


@pytest.mark.parametrize("rule,before,after", EXAMPLES)
def test_rule_example_applies(rule, before, after):
    b, a = expression(CTX, before), expression(CTX, after)
    rewritten = rewrite(b, [rule], Env(CTX))
    assert rewritten != b or rule.name == "algebra", "the rule did not fire on its own example"
    # the engine's own check: rewrite, normal form (algebra), D(x, x) = 1 applied silently
    assert proves(rewritten, a, [], Env(CTX)) if rule.name != "algebra" else equal(b, a)


def _sympy_value(expr, point):
    """expr with definitions unfolded, D as SymPy's diff, evaluated at point (N = 4)."""
    expr = unfold_all(expr, CTX)  # p stays folded inside D(f, p[n]) ...
    expr = bottom_up(expr, lambda n, s: sympy.diff(*n.args) if isinstance(n, D) else n)
    expr = unfold_all(expr, CTX)  # ... and is unfolded once the derivative is taken
    expr = expr.xreplace(point["scalars"]).subs(CTX.sizes["N"], 4).doit()
    z = CTX.arrays["z"].base
    y = CTX.arrays["y"].base
    expr = expr.subs({CTX.indices[k]: v for k, v in point["idx"].items()}).doit()
    expr = expr.replace(lambda e: isinstance(e, sympy.Indexed) and e.base == z, lambda e: point["z"][int(e.indices[0])])
    expr = expr.replace(lambda e: isinstance(e, sympy.Indexed) and e.base == y, lambda e: point["y"][int(e.indices[0])])
    return complex(sympy.N(expr)).real


@pytest.mark.parametrize("rule,before,after", [p for p in EXAMPLES if "delta_cases" not in p.id])
def test_rule_example_agrees_with_sympy_diff(rule, before, after):
    rng = np.random.default_rng(0)
    for idx in ({"i": 1, "j": 1, "k": 2, "m": 1, "n": 3}, {"i": 2, "j": 3, "k": 1, "m": 4, "n": 2}):
        point = {
            "idx": idx,
            "z": [None] + list(rng.uniform(-1, 1, 4)),
            "y": [None, 0, 1, 0, 0],
            "scalars": {CTX.scalars["x"][0]: sympy.Float(0.3), CTX.scalars["t"][0]: sympy.Float(-0.7)},
        }
        vb = _sympy_value(expression(CTX, before), point)
        va = _sympy_value(expression(CTX, after), point)
        assert va == pytest.approx(vb, rel=1e-9, abs=1e-12)


def test_delta_cases_uses_the_case_condition():
    i, j = CTX.indices["i"], CTX.indices["j"]
    rule = BY_NAME["delta_cases"]
    e = expression(CTX, "delta(i, j) * z[j]")
    assert rewrite(e, [rule], Env(CTX, (("eq", i, j),))) == expression(CTX, "z[i]")
    assert rewrite(e, [rule], Env(CTX, (("ne", i, j),))) == 0
    assert rewrite(e, [rule], Env(CTX)) == e  # no condition, no change


def test_delta_sift_refuses_an_index_outside_the_range():
    e = expression(CTX, "Sum(delta(j, k) * z[k], (k, 2, N))")
    assert rewrite(e, [BY_NAME["delta_sift"]], Env(CTX)) == e  # j may be 1


def test_constant_rule_looks_through_definitions():
    e = expression(CTX, "D(p[i], z[j])")
    assert rewrite(e, [BY_NAME["constant_rule"]], Env(CTX)) == e  # p depends on z
    assert rewrite(expression(CTX, "D(p[i], x)"), [BY_NAME["constant_rule"]], Env(CTX)) == 0


def test_sum_rule_renames_a_bound_index_that_would_capture():
    e = expression(CTX, "D(Sum(z[k] * z[j], j), z[k])")
    out = rewrite(e, [BY_NAME["sum_rule"]], Env(CTX))
    (s,) = out.atoms(sympy.Sum)
    assert s.limits[0][0] != CTX.indices["k"]


def test_docs_rules_md_is_the_rendered_catalogue():
    from pathlib import Path

    from click.testing import CliRunner

    from derivcheck.cli import main

    out = CliRunner().invoke(main, ["rules", "--format", "markdown"]).output
    page = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    assert page.read_text(encoding="utf-8") == out, "regenerate: derivcheck rules --format markdown > docs/rules.md"
    for rule in RULES:
        assert f"## `{rule.name}`" in out


def test_every_rule_declares_a_role():
    assert {r.role for r in RULES} == {"named", "bookkeeping"}
    assert {r.name for r in RULES if r.role == "bookkeeping"} == {"definition", "constant_rule", "index_rule", "algebra"}

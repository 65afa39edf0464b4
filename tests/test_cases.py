"""Case splits: coverage decided for every size (not sampled), branches checked under their condition."""
import pytest
from hypothesis import given, settings, strategies as st

from conftest import verify_text
from derivcheck import cases
from derivcheck.build import expression
from derivcheck.model import NOT_VERIFIED, PROVED, REFUTED, UNPROVED
from derivcheck.symbols import Context, declare

SPLIT = """
derivcheck: 1
name: split
symbols:
  N: size
  C: size
  i j: index N
  k: index C
  y: labels N C
  z: vector C
claim: CLAIM
steps:
  - START
  - cases:
      - when: W1
        steps:
          - by: delta_cases
            expr: E1
      - when: W2
        steps:
          - by: delta_cases
            expr: E2
  - by: delta_cases
    expr: END
"""


def split(**parts):
    text = SPLIT
    for key, value in parts.items():
        text = text.replace(key, value)
    return verify_text(text)


def coverage(result):
    (check,) = [c for c in result.checks if c.kind == "cases"]
    return check.outcome


def test_a_gap_beyond_the_sampled_sizes_is_refuted_with_its_witness():
    # issue 10, item 2: i = 6 is covered by neither branch; sizes 3..5 never show it
    result = split(CLAIM="delta(i, 6) == 0", START="delta(i, 6)", W1="i != 6", W2="i == 7", E1="0", E2="0", END="0")
    out = coverage(result)
    assert out.status == REFUTED
    assert "no case condition holds" in out.message
    assert out.counterexample["indices"]["i"] == 6
    assert out.counterexample["sizes"]["N"] >= 6
    assert result.verdict == NOT_VERIFIED


def test_a_true_split_on_a_label_is_proved():
    result = split(CLAIM="delta(k, y[i]) * z[k] == delta(k, y[i]) * z[y[i]]", START="delta(k, y[i]) * z[k]",
                   W1="k == y[i]", W2="k != y[i]", E1="z[y[i]]", E2="0", END="delta(k, y[i]) * z[y[i]]")
    assert coverage(result).status == PROVED


def test_a_true_split_on_a_size_is_proved():
    result = split(CLAIM="delta(N, 3) * z[k] == delta(N, 3) * z[k]", START="delta(N, 3) * z[k]",
                   W1="N == 3", W2="N != 3", E1="z[k]", E2="0", END="delta(N, 3) * z[k]")
    assert coverage(result).status == PROVED


CTX_TEXT = {"N C": "size", "i j": "index N", "k": "index C", "m": "index 0..C", "y": "labels N C",
            "w": "labels N 3", "s": "index 2..4"}


def context():
    ctx = Context()
    for names, kind in CTX_TEXT.items():
        declare(ctx, names, kind, None)
    return ctx


CTX = context()


def decide(*whens, outer=()):
    rel = lambda text: expression(CTX, text, ("eq", "ne"))  # noqa: E731
    return cases.decide([rel(w) for w in whens], [rel(w) for w in outer], CTX)


@pytest.mark.parametrize("whens", [
    ("i == j", "i != j"),
    ("i != 6", "i == 6"),
    ("k == y[i]", "k != y[i]"),
    ("N == 3", "N != 3"),
    ("y[i] == y[j]", "y[i] != y[j]"),
    ("w[i] == 1", "w[i] == 2", "w[i] == 3"),  # labels of w are 1..3
])
def test_partitions_are_proved(whens):
    assert decide(*whens).status == PROVED


@pytest.mark.parametrize("whens,witness", [
    (("i == j", "i == j"), {}),
    (("i != 6", "i == 7"), {"i": 6}),
    (("w[i] == 1", "w[i] == 2"), {}),  # w[i] = 3
    (("y[i] == 1", "y[i] == 2", "y[i] == 3"), {}),  # C = 4 allows y[i] = 4
    (("i == 0", "i != 5"), {"i": 5}),
    (("s == 2", "s == 3"), {"s": 4}),
    (("k == y[i]", "k == y[j]"), {}),
    (("m == 0", "m == k"), {}),
])
def test_gaps_and_overlaps_are_refuted_with_a_realisable_witness(whens, witness):
    out = decide(*whens)
    assert out.status == REFUTED
    ce = out.counterexample
    for name, value in witness.items():
        assert ce["indices"][name] == value
    sizes = ce["sizes"]
    for name, value in ce["indices"].items():  # the witness respects the declared ranges
        lo, hi = (int(b.subs({s: sizes[s.name] for s in CTX.sizes.values()})) for b in CTX.ranges[CTX.indices[name]])
        assert lo <= value <= hi
    assert all(v >= 1 for v in sizes.values())


def test_unrealisable_patterns_are_not_counterexamples():
    # i in 1..N is never 0 and s in 2..4 never 1 or 5: the gaps exist only in unrealisable patterns
    assert decide("i == 0", "i != 0").status == PROVED
    assert decide("s != 1", "s == 5").status == PROVED
    assert decide("m != 0", "m == 0").status == PROVED
    assert decide("w[i] != 4", "w[i] == 7").status == PROVED  # w[i] <= 3
    assert decide("N != 0", "N == -1").status == PROVED  # a size is at least 1


def test_labels_are_functions_of_their_index():
    # under i == j, y[i] == y[j] always holds and i != j never: exactly one, by congruence
    assert decide("y[i] == y[j]", "i != j", outer=("i == j",)).status == PROVED
    out = decide("y[i] == y[j]", "i != j")
    assert out.status == REFUTED and "more than one" in out.message
    y = out.counterexample["inputs"]["y"]
    i, j = out.counterexample["indices"]["i"], out.counterexample["indices"]["j"]
    assert i != j and y[i - 1] == y[j - 1]


def test_enclosing_conditions_restrict_the_assignments():
    assert decide("i == k", "i != k", outer=("i == j",)).status == PROVED
    assert decide("j == 3", "i != 3", outer=("i == j",)).status == PROVED
    assert decide("j == 3", "i == 4", outer=("i == j",)).status == REFUTED


def test_conditions_outside_the_fragment_are_unproved_never_proved():
    ctx = CTX
    rel = lambda text: expression(ctx, text, ("eq", "ne"))  # noqa: E731
    out = cases.decide([rel("i + 1 == j"), rel("i + 1 != j")], [], ctx)
    assert out.status == UNPROVED
    # an enclosing condition outside the fragment: a proof still holds, a gap cannot be claimed
    assert cases.decide([rel("i == j"), rel("i != j")], [rel("2 * i == j")], ctx).status == PROVED
    assert cases.decide([rel("i == j"), rel("i == k")], [rel("2 * i == j")], ctx).status == UNPROVED


def test_refuted_witness_is_printed_in_the_report():
    result = split(CLAIM="delta(i, 6) == 0", START="delta(i, 6)", W1="i != 6", W2="i == 7", E1="0", E2="0", END="0")
    assert "i = 6" in coverage(result).message


ATOMS = ["i", "j", "N", "y[i]", "y[j]", "k", "2", "3"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ATOMS), st.sampled_from(["==", "!="]), st.sampled_from(ATOMS)),
                min_size=2, max_size=3))
def test_the_decision_agrees_with_brute_force_on_small_sizes(rels):
    """A refutation's witness really has none or several conditions true; a proof has no small counterexample."""
    whens = [f"{a} {op} {b}" for a, op, b in rels]
    out = decide(*whens)
    assert out.status in (PROVED, REFUTED)
    if out.status == REFUTED:
        ce = out.counterexample
        env = _env(ce["sizes"], ce["indices"], ce.get("inputs", {}).get("y"))
        assert sum(_truth(w, env) for w in whens) != 1
        return
    for n in (1, 2, 3):
        for c in (1, 2, 3, 4):
            for i in range(1, n + 1):
                for j in range(1, n + 1):
                    for k in range(1, c + 1):
                        for yi in range(1, c + 1):
                            for yj in range(1, c + 1):
                                if i == j and yi != yj:
                                    continue
                                y = [1] * n
                                y[i - 1], y[j - 1] = yi, yj
                                env = _env({"N": n, "C": c}, {"i": i, "j": j, "k": k}, y)
                                assert sum(_truth(w, env) for w in whens) == 1, (whens, env)


def _env(sizes, indices, y):
    env = dict(sizes)
    env.update(indices)
    if y is not None:
        for name in ("i", "j"):
            if name in indices:
                env[f"y[{name}]"] = y[indices[name] - 1]
    return env


def _truth(when, env):
    a, op, b = when.split()
    va = int(a) if a.isdigit() else env.get(a)
    vb = int(b) if b.isdigit() else env.get(b)
    return (va == vb) if op == "==" else (va != vb)


# -- delta_cases: each branch under its condition, for indices, sizes and labels alike --------

RULE_CTX = context()
declare(RULE_CTX, "z", "vector N", None)
declare(RULE_CTX, "v", "vector C", None)


def _under(cond, text):
    """text rewritten by delta_cases alone under the case condition cond."""
    from derivcheck.engine import rewrite
    from derivcheck.rulebase import Env
    from derivcheck.rules import BY_NAME

    rel = expression(RULE_CTX, cond, ("eq", "ne"))
    return rewrite(expression(RULE_CTX, text), [BY_NAME["delta_cases"]], Env(RULE_CTX, (rel,)))


def _value(expr, env, n=3, c=3):
    """expr at N = n, C = c, the given index values and fixed inputs (Sums over concrete ranges)."""
    import sympy
    sizes = {RULE_CTX.sizes["N"]: n, RULE_CTX.sizes["C"]: c}
    idx = {RULE_CTX.indices[k]: v for k, v in env.items() if k in RULE_CTX.indices}
    e = expr.xreplace(sizes).subs(idx).doit()  # subs leaves bound indices alone
    values = {}
    for name, arr in RULE_CTX.arrays.items():
        size = n if arr.axes[0][1] == RULE_CTX.sizes["N"] else c
        for t in range(1, size + 1):
            values[arr.base[t]] = env.get(f"{name}[{t}]", sympy.Rational(t * t + 1, t + 3))
    for _ in range(3):  # label entries inside indices
        e = e.xreplace(values).doit()
    return e


@pytest.mark.parametrize("cond,text,env", [
    ("i == j", "Sum(z[i] * z[j], i)", {"i": 2, "j": 2}),  # j -> i would be captured by the Sum over i
    ("i == j", "Sum(delta(i, j) * z[j], j)", {"i": 2, "j": 2}),  # the δ's j is the bound one
    ("i != j", "Sum(delta(i, j) * z[j], j)", {"i": 2, "j": 1}),
    ("i == j", "Sum(Sum(z[i] * z[j] * z[k], k), i)", {"i": 3, "j": 3}),
    ("k == y[i]", "Sum(delta(k, y[i]) * v[k], k)", {"i": 1, "k": 2, "y[1]": 2}),
    ("k == y[i]", "Sum(v[k] * v[y[i]], i)", {"i": 1, "k": 2, "y[1]": 2, "y[2]": 1, "y[3]": 3}),
])
def test_delta_cases_never_captures(cond, text, env):
    before = expression(RULE_CTX, text)
    after = _under(cond, text)
    assert _value(after, env) == _value(before, env)


@pytest.mark.parametrize("cond,text,expected", [
    ("k == y[i]", "delta(k, y[i]) * v[k]", "v[y[i]]"),
    ("k == y[i]", "delta(y[i], k)", "1"),
    ("y[i] == k", "delta(k, y[i])", "1"),
    ("k != y[i]", "delta(k, y[i]) * v[k]", "0"),
    ("k != y[i]", "delta(y[i], k)", "0"),
    ("N == 3", "N * z[i]", "3 * z[i]"),
    ("N != 3", "delta(N, 3)", "0"),
    ("i == j", "delta(i, j) * z[j]", "z[i]"),
    ("i == j", "Sum(z[k] * z[j], k)", "Sum(z[k] * z[i], k)"),
    ("i != 6", "delta(i, 6)", "0"),
    ("y[i] == y[j]", "delta(y[i], y[j])", "1"),
])
def test_delta_cases_applies_the_condition_to_indices_sizes_and_labels(cond, text, expected):
    assert _under(cond, text) == expression(RULE_CTX, expected)


CAPTURE = """
derivcheck: 1
name: capture
symbols:
  N: size
  i j k: index N
  z: vector N
claim: delta(i, j) * Sum(z[i] * z[j], i) == delta(i, j) * RHS
steps:
  - delta(i, j) * Sum(z[i] * z[j], i)
  - cases:
      - when: i == j
        steps:
          - by: delta_cases
            expr: RHS
      - when: i != j
        steps:
          - by: delta_cases
            expr: 0
  - by: delta_cases
    expr: delta(i, j) * RHS
"""


def test_a_renaming_into_a_sum_over_the_new_name_is_not_proved():
    # issue 10, item 6: j -> i inside the Sum over i was "proved" (the numeric check called it an engine fault)
    text = CAPTURE.replace("RHS", "Sum(z[i]**2, i)")
    result = verify_text(text)
    (bad,) = [sr.outcome for sr in result.steps if sr.step.text == "Sum(z[i]**2, i)"]
    assert bad.status == REFUTED and "engine fault" not in bad.message
    assert result.verdict == NOT_VERIFIED


def test_the_capture_avoiding_renaming_is_proved():
    result = verify_text(CAPTURE.replace("RHS", "Sum(z[k] * z[i], k)"))
    assert [sr.outcome.status for sr in result.steps] == [PROVED] * 3
    assert coverage(result).status == PROVED
    assert result.verdict == "verified"

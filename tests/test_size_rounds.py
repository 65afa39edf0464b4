"""The size rounds of the numeric evidence: every size takes every value, and every two sizes every pair."""
import itertools
from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st
from sympy import Symbol

from derivcheck.evidence.sampling import SCALAR_ROUNDS, size_rounds


def _ctx(k):
    return SimpleNamespace(sizes={f"S{n}": Symbol(f"S{n}", integer=True, positive=True) for n in range(k)})


@settings(max_examples=60, deadline=None)
@given(k=st.integers(2, 6), values=st.lists(st.integers(1, 40), min_size=1, max_size=9, unique=True))
def test_every_two_sizes_take_every_pair_of_values(k, values):
    values = tuple(sorted(values))
    ctx = _ctx(k)
    rounds = size_rounds(ctx, values)
    syms = list(ctx.sizes.values())
    seen = {(a, b, r[a], r[b]) for r in rounds for a, b in itertools.combinations(syms, 2)}
    for a, b in itertools.combinations(syms, 2):
        for x, y in itertools.product(values, repeat=2):
            assert (a, b, x, y) in seen, (a, b, x, y)
    assert all({s: v for s in syms} in rounds for v in values)  # all sizes equal at once
    assert rounds[:len(values)] == [{s: values[(n + p) % len(values)] for p, s in enumerate(syms)}
                                    for n in range(len(values))]  # the cyclic rounds come first, as before
    assert len(rounds) <= 2 * len(values) + 2 * len(values) ** 2  # a covering is near v² rows, never far past


@settings(max_examples=40, deadline=None)
@given(k=st.integers(2, 4), values=st.lists(st.integers(1, 40), min_size=1, max_size=7, unique=True))
def test_every_pattern_of_equal_sizes_is_a_round(k, values):
    values = tuple(sorted(values))
    rounds = size_rounds(_ctx(k), values)
    patterns = {tuple(list(r.values()).index(x) for x in r.values()) for r in rounds}
    for row in itertools.product(range(k), repeat=k):  # every restricted growth string is a pattern
        pattern = tuple(row.index(x) for x in row)
        if pattern == row and len(set(row)) <= len(values):
            assert pattern in patterns, pattern


def test_one_size_and_none():
    ctx = _ctx(1)
    (s,) = ctx.sizes.values()
    assert size_rounds(ctx, (1, 2, 3)) == [{s: 1}, {s: 2}, {s: 3}]
    assert size_rounds(_ctx(0), (1, 2)) == [{}] * SCALAR_ROUNDS


@pytest.mark.parametrize("order", ["N M", "M N"])
def test_an_assumption_false_only_at_a_size_offset_is_refuted_in_either_order(tmp_path, order):
    from derivcheck.runner import run

    path = tmp_path / "a.deriv.yaml"
    fact = "x * delta(N, M + 3) * delta(i, 1) * delta(j, 2)"  # false at one index pattern of one size pair
    path.write_text(f"derivcheck: 1\nname: a\nsymbols:\n  {order}: size\n  i j: index N\n  x: positive\n"
                    f"assume:\n  - {fact} == 0\nclaim: {fact} == 0\n"
                    f"steps:\n  - {fact}\n  - by: assumption\n    expr: 0\n")
    result = run([str(path)], cache=None).results[0]
    assert result.verdict != "verified"
    assert any(c.outcome.status == "refuted" for c in result.checks)

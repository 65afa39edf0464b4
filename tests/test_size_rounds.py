"""The size rounds of the numeric evidence: every size takes every value, and every two sizes every pair."""
import itertools
from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st
from sympy import Symbol

from derivcheck.evidence.sampling import RELATION_TUPLES, SCALAR_ROUNDS, index_tuples, size_rounds
from derivcheck.evidence.sampling import round_rng


def _ctx(k):
    return SimpleNamespace(sizes={f"S{n}": Symbol(f"S{n}", integer=True, positive=True) for n in range(k)})


@settings(max_examples=60, deadline=None)
@given(k=st.integers(2, 6), values=st.lists(st.integers(1, 40), min_size=1, max_size=9, unique=True))
def test_every_two_sizes_take_every_pair_of_values(k, values):
    values = tuple(sorted(values))
    ctx = _ctx(k)
    rounds = size_rounds(ctx, values)
    syms = list(ctx.sizes.values())
    seen = {(a, b, r[a], r[b]) for r, _ in rounds for a, b in itertools.combinations(syms, 2)}
    for a, b in itertools.combinations(syms, 2):
        for x, y in itertools.product(values, repeat=2):
            assert (a, b, x, y) in seen, (a, b, x, y)
    assert all({s: v for s in syms} in [r for r, _ in rounds] for v in values)  # all sizes equal at once
    full = [r for r, limit in rounds if limit is None]
    assert full[:len(values)] == [{s: values[(n + p) % len(values)] for p, s in enumerate(syms)}
                                  for n in range(len(values))]  # the full rounds come first, as before
    assert all(limit in (None, RELATION_TUPLES) for _, limit in rounds)


def test_one_size_and_none():
    ctx = _ctx(1)
    (s,) = ctx.sizes.values()
    assert size_rounds(ctx, (1, 2, 3)) == [({s: 1}, None), ({s: 2}, None), ({s: 3}, None)]
    assert size_rounds(_ctx(0), (1, 2)) == [({}, None)] * SCALAR_ROUNDS


def test_a_relation_round_samples_the_range_ends_and_few_tuples():
    ranges = [range(1, 5), range(1, 4)]
    picked = index_tuples(ranges, RELATION_TUPLES, round_rng(0, 3))
    assert (4, 3) in picked and 1 <= len(picked) <= RELATION_TUPLES


@pytest.mark.parametrize("order", ["N M", "M N"])
def test_an_assumption_false_only_at_a_size_offset_is_refuted_in_either_order(tmp_path, order):
    from derivcheck.runner import run

    path = tmp_path / "a.deriv.yaml"
    path.write_text(f"derivcheck: 1\nname: a\nsymbols:\n  {order}: size\n  x: positive\n"
                    "assume:\n  - x * delta(N, M + 3) == 0\nclaim: x * delta(N, M + 3) == 0\n"
                    "steps:\n  - x * delta(N, M + 3)\n  - by: assumption\n    expr: 0\n")
    result = run([str(path)], cache=None).results[0]
    assert result.verdict != "verified"
    assert any(c.outcome.status == "refuted" for c in result.checks)

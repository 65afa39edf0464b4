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

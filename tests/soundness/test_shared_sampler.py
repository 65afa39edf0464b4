"""A derivation's verdict does not depend on what ran before it in the process (shared Sampler state).

Derivations with equal declarations share one Sampler state (spotcheck._shared). The inputs of a
round are drawn in the order the names are declared, so two derivations declaring the same names in
another order have other points: sharing must not hand one the other's points (hole S9 of the attack,
/work/coord/HOLES.md). Unusual names keep the states of other tests out of these runs.
"""
import pytest

from derivcheck import spotcheck
from derivcheck.model import VERIFIED
from derivcheck.runner import run


def fresh():
    """Forget the Sampler state of earlier runs in this process (as a new process would)."""
    getattr(spotcheck, "_LAST", []).clear()

# b is false where u7 - v7 > 5/2: at seed 0 the draws in the order (u7, v7) reach it (round 3),
# the draws in the order (v7, u7) do not.
B = """  - derivcheck: 1
    name: b-order
    symbols:
      u7 v7: real
    claim: max(u7 - v7, 5/2) == 5/2
    steps:
      - max(u7 - v7, 5/2)
      - by: algebra
        expr: 5/2
"""
A = """  - derivcheck: 1
    name: a-order
    symbols:
      v7 u7: real
    claim: u7 == u7
    steps:
      - u7
"""


def outcome(report, name):
    (r,) = [r for r in report.results if r.derivation.name == name]
    return (r.verdict, r.claim.status, r.claim.message,
            [(sr.outcome.status, sr.outcome.message) for sr in r.steps],
            [(c.kind, c.outcome.status, c.outcome.message) for c in r.checks])


def test_a_companion_declaring_the_names_in_another_order_changes_nothing(tmp_path):
    alone, pair = tmp_path / "alone.deriv.yaml", tmp_path / "pair.deriv.yaml"
    alone.write_text("derivations:\n" + B)
    pair.write_text("derivations:\n" + A + B)
    fresh()
    first = outcome(run([str(alone)], cache=None), "b-order")
    assert first[1] == "refuted"  # alone: the claim is refuted with a counterexample
    fresh()
    assert outcome(run([str(pair)], cache=None), "b-order") == first


# Two files, the assume at the same line: equal declarations but for the order of M and N. xb's
# assume is false exactly where N == M + 1; the size rounds in the order (M, N) sample it, those in
# the order (N, M) do not.
XA = """derivcheck: 1
name: xa-order
symbols:
  N: size
  M: size
  w7: real
assume:
  - delta(N, M + 1) * w7 == 0
claim: w7 == w7
steps:
  - w7
"""
XB = """derivcheck: 1
name: xb-order
symbols:
  M: size
  N: size
  w7: real
assume:
  - delta(N, M + 1) * w7 == 0
claim: delta(N, M + 1) * w7 == 0
steps:
  - delta(N, M + 1) * w7
  - by: assumption
    expr: 0
"""


def test_a_file_run_after_another_is_not_verified_by_its_points(tmp_path):
    xa, xb = tmp_path / "xa.deriv.yaml", tmp_path / "xb.deriv.yaml"
    xa.write_text(XA)
    xb.write_text(XB)
    fresh()
    alone = run([str(xb)], cache=None)
    assert outcome(alone, "xb-order")[0] != VERIFIED
    fresh()
    together = run([str(xa), str(xb)], cache=None)
    assert outcome(together, "xb-order")[0] != VERIFIED, "a false assumption verified next to a companion file"


def test_equal_declarations_in_the_same_order_share_and_still_refute(tmp_path):
    """The true twin of S9: a companion declaring the names in the same order shares the points, and the
    false derivation is refuted as it is alone (the same counterexample)."""
    same = A.replace("v7 u7: real", "u7 v7: real")
    alone, pair = tmp_path / "alone.deriv.yaml", tmp_path / "pair.deriv.yaml"
    alone.write_text("derivations:\n" + B)
    pair.write_text("derivations:\n" + same + B)
    fresh()
    first = outcome(run([str(alone)], cache=None), "b-order")
    fresh()
    together = run([str(pair)], cache=None)
    assert outcome(together, "b-order") == first
    assert first[1] == "refuted" and first[3][0][0] == "refuted"
    assert outcome(together, "a-order")[0] == VERIFIED
